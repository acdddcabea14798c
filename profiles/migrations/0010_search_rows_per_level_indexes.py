"""Search rows only for listed profiles, and the rows each kind of viewer searches in their
own indexes (see ProfileSearch).

The rows of profiles that are not listed (archived, out of the directory, account closed)
are deleted in one statement: no search could return them (directory_search keeps to listed
profiles), and profiles.services.refresh_search no longer writes them. The GIN (words) and
GiST (typos) indexes over every level's rows, and the (level, organisation) index, give way
to partial ones; the organisation level's words lead with the organisation (btree_gin).
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models

# ProfileQuerySet.listed(), negated, in one set-based statement (no loop over rows).
UNLISTED = """
DELETE FROM profiles_profilesearch s
USING profiles_profile p, accounts_user u
WHERE p.id = s.profile_id AND u.id = p.user_id
    AND NOT (p.archived_at IS NULL AND u.is_active AND p.in_directory)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organisation_sign_in"),
        ("profiles", "0009_fuzzystrmatch"),
    ]

    operations = [
        BtreeGinExtension(),
        migrations.RemoveIndex(
            model_name="profilesearch",
            name="profile_search_document",
        ),
        migrations.RemoveIndex(
            model_name="profilesearch",
            name="profile_search_level_org",
        ),
        migrations.RemoveIndex(
            model_name="profilesearch",
            name="profile_search_terms",
        ),
        migrations.RunSQL(UNLISTED, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="profilesearch",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("level", "public")),
                fields=["document"],
                name="profile_words_public",
            ),
        ),
        migrations.AddIndex(
            model_name="profilesearch",
            index=django.contrib.postgres.indexes.GistIndex(
                django.contrib.postgres.indexes.OpClass("terms", name="gist_trgm_ops(siglen=256)"),
                condition=models.Q(("level", "public")),
                name="profile_typos_public",
            ),
        ),
        migrations.AddIndex(
            model_name="profilesearch",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("level", "community")),
                fields=["document"],
                name="profile_words_community",
            ),
        ),
        migrations.AddIndex(
            model_name="profilesearch",
            index=django.contrib.postgres.indexes.GistIndex(
                django.contrib.postgres.indexes.OpClass("terms", name="gist_trgm_ops(siglen=256)"),
                condition=models.Q(("level", "community")),
                name="profile_typos_community",
            ),
        ),
        migrations.AddIndex(
            model_name="profilesearch",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("level", "staff")),
                fields=["document"],
                name="profile_words_staff",
            ),
        ),
        migrations.AddIndex(
            model_name="profilesearch",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("level", "organisation")),
                fields=["organisation", "document"],
                name="profile_words_organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="profilesearch",
            index=django.contrib.postgres.indexes.GistIndex(
                django.contrib.postgres.indexes.OpClass("terms", name="gist_trgm_ops(siglen=256)"),
                condition=models.Q(("level__in", ("staff", "organisation"))),
                name="profile_typos_staff",
            ),
        ),
    ]
