"""Each event carries a copy of its group's audience, and whether the group is open.

The one search's events section (groups.search) and a skill's page filter events by who
may see them; with the copies they do it on the event's own row, inside the scan of the
event's indexes, rather than testing each event against a subquery of every group the
viewer may see.

The copies are written by PostgreSQL, so that no way of writing an event or a group (a
service, the admin, ``bulk_create``, seeding's COPY) can leave them wrong:

- before an event is inserted or saved, it takes its group's values;
- after a group's audience, audience organisation or closing changes, all its events take
  the new values in one UPDATE.

The backfill is one UPDATE ... FROM over every event.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COPY_FROM_GROUP = """
CREATE FUNCTION groups_event_copy_group() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT g.audience, g.audience_organisation_id, g.closed_at IS NULL
      INTO NEW.audience, NEW.audience_organisation_id, NEW.group_open
      FROM groups_group g WHERE g.id = NEW.group_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER groups_event_copy_group
    BEFORE INSERT OR UPDATE OF group_id, audience, audience_organisation_id, group_open
    ON groups_event
    FOR EACH ROW EXECUTE FUNCTION groups_event_copy_group();

CREATE FUNCTION groups_group_copy_to_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE groups_event
       SET audience = NEW.audience,
           audience_organisation_id = NEW.audience_organisation_id,
           group_open = NEW.closed_at IS NULL
     WHERE group_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER groups_group_copy_to_events
    AFTER UPDATE OF audience, audience_organisation_id, closed_at ON groups_group
    FOR EACH ROW
    WHEN (OLD.audience IS DISTINCT FROM NEW.audience
          OR OLD.audience_organisation_id IS DISTINCT FROM NEW.audience_organisation_id
          OR (OLD.closed_at IS NULL) <> (NEW.closed_at IS NULL))
    EXECUTE FUNCTION groups_group_copy_to_events();
"""

BACKFILL = """
UPDATE groups_event e
   SET audience = g.audience,
       audience_organisation_id = g.audience_organisation_id,
       group_open = g.closed_at IS NULL
  FROM groups_group g
 WHERE g.id = e.group_id
"""

# The backfill writes every event anew: its words go to the GIN index's pending list, which
# each search reads in full until VACUUM merges it (6 ms, not 0.04 ms, for one word at S
# where autovacuum is off). Merge them now.
MERGE_PENDING_WORDS = "SELECT gin_clean_pending_list('event_search'::regclass)"

DROP = """
DROP TRIGGER IF EXISTS groups_group_copy_to_events ON groups_group;
DROP FUNCTION IF EXISTS groups_group_copy_to_events();
DROP TRIGGER IF EXISTS groups_event_copy_group ON groups_event;
DROP FUNCTION IF EXISTS groups_event_copy_group();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organisation_sign_in"),
        ("groups", "0002_search_documents"),
        ("profiles", "0009_fuzzystrmatch"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="event",
            options={"ordering": ["starts_at", "pk"]},
        ),
        migrations.AddField(
            model_name="event",
            name="audience",
            field=models.CharField(
                choices=[
                    ("public", "Everyone, including people who are not signed in"),
                    ("community", "Anyone signed in, including community members"),
                    ("staff", "Staff of any partner organisation"),
                    ("organisation", "Staff of one organisation"),
                    ("members", "Members of the group only"),
                ],
                default="community",
                editable=False,
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="audience_organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="group_open",
            field=models.BooleanField(default=True, editable=False),
        ),
        # Before the trigger exists: the backfill sets the columns itself, once a row.
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunSQL(MERGE_PENDING_WORDS, migrations.RunSQL.noop),
        migrations.RunSQL(COPY_FROM_GROUP, DROP),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("cancelled_at__isnull", True)),
                fields=["skill", "ends_at"],
                name="event_upcoming_by_skill",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("cancelled_at__isnull", True)),
                fields=["group", "ends_at"],
                name="event_upcoming_by_group",
            ),
        ),
    ]
