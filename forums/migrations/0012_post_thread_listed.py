"""Each post carries whether its thread is listed (no moderator hid or deleted it), kept by
the database as its board's audience is (migration 0007), so that a search keeps the posts
of listed threads without reading each found post's thread (ADR 0019, decision 19):

- a post's copy is read from its thread whenever it is inserted, or its thread or the copy
  itself is updated (whatever was sent is replaced): the trigger of 0007, which reads the
  thread already, reads this too;
- a thread hidden, shown again, deleted or restored rewrites its posts' copies, in one
  UPDATE.

The column comes with its default (true), which PostgreSQL keeps in the catalogue rather
than in every row, so adding it rewrites nothing; the backfill writes only the posts of the
threads hidden or deleted already.
"""

from django.db import migrations, models

BACKFILL = """
UPDATE forums_post AS p
   SET thread_listed = false
  FROM forums_thread AS t
 WHERE t.id = p.thread_id AND (t.hidden_at IS NOT NULL OR t.deleted_at IS NOT NULL);
"""

TRIGGERS = """
CREATE OR REPLACE FUNCTION forums_post_board_audience() RETURNS trigger AS $$
BEGIN
    SELECT b.id, b.audience, b.audience_organisation_id,
           t.hidden_at IS NULL AND t.deleted_at IS NULL
      INTO NEW.board_id, NEW.audience, NEW.audience_organisation_id, NEW.thread_listed
      FROM forums_thread AS t JOIN forums_board AS b ON b.id = t.board_id
     WHERE t.id = NEW.thread_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER forums_post_board_audience ON forums_post;
-- Not when the triggers on threads and boards write the copies themselves.
CREATE TRIGGER forums_post_board_audience
    BEFORE INSERT
        OR UPDATE OF thread_id, board_id, audience, audience_organisation_id, thread_listed
    ON forums_post
    FOR EACH ROW WHEN (pg_trigger_depth() = 0)
    EXECUTE FUNCTION forums_post_board_audience();

CREATE FUNCTION forums_thread_listed_changed() RETURNS trigger AS $$
BEGIN
    UPDATE forums_post
       SET thread_listed = NEW.hidden_at IS NULL AND NEW.deleted_at IS NULL
     WHERE thread_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER forums_thread_listed_changed
    AFTER UPDATE OF hidden_at, deleted_at ON forums_thread
    FOR EACH ROW WHEN (
        (OLD.hidden_at IS NULL AND OLD.deleted_at IS NULL)
        IS DISTINCT FROM (NEW.hidden_at IS NULL AND NEW.deleted_at IS NULL)
    )
    EXECUTE FUNCTION forums_thread_listed_changed();
"""

# Migration 0007's trigger on posts, as it was.
UNDO_TRIGGERS = """
DROP TRIGGER forums_thread_listed_changed ON forums_thread;
DROP FUNCTION forums_thread_listed_changed();
CREATE OR REPLACE FUNCTION forums_post_board_audience() RETURNS trigger AS $$
BEGIN
    SELECT b.id, b.audience, b.audience_organisation_id
      INTO NEW.board_id, NEW.audience, NEW.audience_organisation_id
      FROM forums_thread AS t JOIN forums_board AS b ON b.id = t.board_id
     WHERE t.id = NEW.thread_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER forums_post_board_audience ON forums_post;
CREATE TRIGGER forums_post_board_audience
    BEFORE INSERT OR UPDATE OF thread_id, board_id, audience, audience_organisation_id
    ON forums_post
    FOR EACH ROW WHEN (pg_trigger_depth() = 0)
    EXECUTE FUNCTION forums_post_board_audience();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0011_trust_and_safety"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="thread_listed",
            field=models.BooleanField(db_default=True, editable=False),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, UNDO_TRIGGERS),
    ]
