"""Who may see that someone holds a skill, beside the holding (``level``, ``organisation``),
with the two indexes the skill page reads, and the people each class sees per skill
(``SkillCount``), which the skills index adds up (profiles.holdings, ADR 0019)."""

import django.db.models.deletion
from django.db import migrations, models

from profiles.holdings import FORGET_FUNCTION, recount_all

FORGET_TRIGGER = """
CREATE TRIGGER profiles_holdings_gone AFTER DELETE ON profiles_profileskill
REFERENCING OLD TABLE AS gone_rows FOR EACH STATEMENT EXECUTE FUNCTION profiles_holdings_gone()
"""


def recount(apps, schema_editor):
    recount_all(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organisation_sign_in"),
        ("profiles", "0010_search_rows_per_level_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SkillCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("level", models.SmallIntegerField()),
                ("people", models.IntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="profileskill",
            name="level",
            field=models.SmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="profileskill",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="skillcount",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="skillcount",
            name="skill",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="counts",
                to="profiles.skill",
            ),
        ),
        migrations.AddConstraint(
            model_name="skillcount",
            constraint=models.UniqueConstraint(
                fields=("skill", "level", "organisation"),
                name="skill_count_once",
                nulls_distinct=False,
            ),
        ),
        # Every holding's level and every count, set-based (before the new indexes exist).
        migrations.RunPython(recount, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="profileskill",
            index=models.Index(
                condition=models.Q(("level__isnull", False)),
                fields=["skill", "relation", "level", "-id"],
                include=("profile",),
                name="profileskill_seen_by_class",
            ),
        ),
        migrations.AddIndex(
            model_name="profileskill",
            index=models.Index(
                condition=models.Q(("level", 3)),
                fields=["skill", "relation", "organisation", "-id"],
                include=("profile",),
                name="profileskill_seen_by_org",
            ),
        ),
        migrations.RunSQL(
            [FORGET_FUNCTION, FORGET_TRIGGER],
            [
                "DROP TRIGGER profiles_holdings_gone ON profiles_profileskill",
                "DROP FUNCTION profiles_holdings_gone()",
            ],
        ),
    ]
