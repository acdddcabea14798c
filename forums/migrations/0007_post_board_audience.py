"""Each post carries its board's audience (board, audience, organisation), kept by the
database, and the words of live posts are indexed per audience (issue 19, ADR 0019).

The copies are written by triggers, so no way of writing a post, moving a thread or
changing a board (a service, the admin, ``update()``, COPY in the scale seed) can leave
them behind:

- a post's are read from its thread's board whenever it is inserted, or its thread or the
  copies themselves are updated (whatever was sent is replaced);
- a thread moved to another board rewrites its posts' copies, in one UPDATE;
- a board whose audience or organisation changes rewrites its posts' copies, in one UPDATE.

The backfill is one set-based UPDATE ... FROM. The old index of every post's words goes
first, so the UPDATE need not maintain it, and the new ones are built after it.
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models

ADD_COLUMNS = """
ALTER TABLE forums_post
    ADD COLUMN board_id bigint,
    ADD COLUMN audience varchar(20),
    ADD COLUMN audience_organisation_id bigint;
UPDATE forums_post AS p
   SET board_id = b.id, audience = b.audience, audience_organisation_id = b.audience_organisation_id
  FROM forums_thread AS t JOIN forums_board AS b ON b.id = t.board_id
 WHERE t.id = p.thread_id;
ALTER TABLE forums_post
    ALTER COLUMN board_id SET NOT NULL,
    ALTER COLUMN audience SET NOT NULL;
"""
DROP_COLUMNS = """
ALTER TABLE forums_post
    DROP COLUMN board_id, DROP COLUMN audience, DROP COLUMN audience_organisation_id;
"""

TRIGGERS = """
CREATE FUNCTION forums_post_board_audience() RETURNS trigger AS $$
BEGIN
    SELECT b.id, b.audience, b.audience_organisation_id
      INTO NEW.board_id, NEW.audience, NEW.audience_organisation_id
      FROM forums_thread AS t JOIN forums_board AS b ON b.id = t.board_id
     WHERE t.id = NEW.thread_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- Not when the two triggers below write the copies themselves.
CREATE TRIGGER forums_post_board_audience
    BEFORE INSERT OR UPDATE OF thread_id, board_id, audience, audience_organisation_id
    ON forums_post
    FOR EACH ROW WHEN (pg_trigger_depth() = 0)
    EXECUTE FUNCTION forums_post_board_audience();

CREATE FUNCTION forums_thread_moved() RETURNS trigger AS $$
BEGIN
    UPDATE forums_post AS p
       SET board_id = b.id, audience = b.audience,
           audience_organisation_id = b.audience_organisation_id
      FROM forums_board AS b
     WHERE b.id = NEW.board_id AND p.thread_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER forums_thread_moved
    AFTER UPDATE OF board_id ON forums_thread
    FOR EACH ROW WHEN (OLD.board_id IS DISTINCT FROM NEW.board_id)
    EXECUTE FUNCTION forums_thread_moved();

CREATE FUNCTION forums_board_audience_changed() RETURNS trigger AS $$
BEGIN
    UPDATE forums_post AS p
       SET board_id = NEW.id, audience = NEW.audience,
           audience_organisation_id = NEW.audience_organisation_id
      FROM forums_thread AS t
     WHERE t.board_id = NEW.id AND p.thread_id = t.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER forums_board_audience_changed
    AFTER UPDATE OF audience, audience_organisation_id ON forums_board
    FOR EACH ROW WHEN (
        OLD.audience IS DISTINCT FROM NEW.audience
        OR OLD.audience_organisation_id IS DISTINCT FROM NEW.audience_organisation_id
    )
    EXECUTE FUNCTION forums_board_audience_changed();
"""
DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS forums_board_audience_changed ON forums_board;
DROP FUNCTION IF EXISTS forums_board_audience_changed();
DROP TRIGGER IF EXISTS forums_thread_moved ON forums_thread;
DROP FUNCTION IF EXISTS forums_thread_moved();
DROP TRIGGER IF EXISTS forums_post_board_audience ON forums_post;
DROP FUNCTION IF EXISTS forums_post_board_audience();
"""

AUDIENCES = [
    ("public", "Everyone, including people who are not signed in"),
    ("community", "Anyone signed in, including community members"),
    ("staff", "Staff of any partner organisation"),
    ("organisation", "Staff of one organisation"),
    ("members", "Members of the group only"),
]
LIVE = (("deleted_at__isnull", True), ("hidden_at__isnull", True), ("status", "published"))


def _text_index(audience: str):
    return migrations.AddIndex(
        model_name="post",
        index=django.contrib.postgres.indexes.GinIndex(
            condition=models.Q(*LIVE, ("audience", audience)),
            fields=["search_document"],
            name=f"post_text_{audience}",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organisation_sign_in"),
        ("forums", "0006_thread_board_newest"),
    ]

    operations = [
        BtreeGinExtension(),
        migrations.RemoveIndex(model_name="post", name="post_body_search"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(ADD_COLUMNS, DROP_COLUMNS),
                migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="post",
                    name="audience",
                    field=models.CharField(choices=AUDIENCES, editable=False, max_length=20),
                    preserve_default=False,
                ),
                migrations.AddField(
                    model_name="post",
                    name="audience_organisation",
                    field=models.ForeignKey(
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
                    model_name="post",
                    name="board",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        default=None,
                        editable=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="forums.board",
                    ),
                    preserve_default=False,
                ),
            ],
        ),
        _text_index("public"),
        _text_index("community"),
        _text_index("staff"),
        migrations.AddIndex(
            model_name="post",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(*LIVE, ("audience__in", ["organisation", "members"])),
                fields=["board", "search_document"],
                name="post_text_by_board",
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("path", "0000001")),
                fields=["thread"],
                name="post_opening",
            ),
        ),
    ]
