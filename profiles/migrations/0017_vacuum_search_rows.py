"""0016 wrote every search row anew: the old rows stay in the table and its indexes until a
VACUUM, and the new rows' words wait in each GIN index's pending list, which every search
of a word reads whole. Vacuum and analyse the rows now, rather than leave the first
searches after a deploy to pay for them until autovacuum comes round. At scale M (266,831
rows; 0016 took 7.5 s, this 3.0 s) a staff member's directory search, median of 160
varied words, took 13.0 ms between the two and 6.5 ms after (12.2 ms before 0016).
VACUUM runs outside a transaction, so this migration is not atomic; it changes no data,
and running it again does no harm."""

from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("profiles", "0016_search_rows_carry_names")]

    operations = [
        migrations.RunSQL(
            "VACUUM (ANALYZE) profiles_profilesearch", migrations.RunSQL.noop, elidable=True
        ),
    ]
