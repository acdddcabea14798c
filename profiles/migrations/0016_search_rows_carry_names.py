"""Each search row carries its person's name, as the account holds it, so a search ranks and
counts its candidates from the rows alone (ADR 0019, decision 18). The rows that exist are
given their names in one statement; every later write of a row writes it."""

from django.db import migrations, models

NAMES = """
UPDATE profiles_profilesearch s SET name = u.name
FROM profiles_profile p JOIN accounts_user u ON u.id = p.user_id
WHERE p.id = s.profile_id AND s.name IS DISTINCT FROM u.name
"""


class Migration(migrations.Migration):
    dependencies = [("profiles", "0015_skill_slugs_of_signs")]

    operations = [
        migrations.AddField(
            model_name="profilesearch",
            name="name",
            field=models.CharField(blank=True, db_default="", max_length=150),
        ),
        migrations.RunSQL(NAMES, migrations.RunSQL.noop, elidable=True),
    ]
