"""The audit log cannot be changed or deleted (the Moderators role: forums/roles.py)."""

from django.db import migrations

APPEND_ONLY = """
CREATE FUNCTION forums_moderationlog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'The moderation log is append-only: entries cannot be deleted';
    END IF;
    -- Only the links may change (set to NULL when a post, thread or person is deleted).
    IF NEW.moderator_id IS DISTINCT FROM OLD.moderator_id
       OR NEW.action IS DISTINCT FROM OLD.action
       OR NEW.reason IS DISTINCT FROM OLD.reason
       OR NEW.detail IS DISTINCT FROM OLD.detail
       OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR (NEW.post_id IS NOT NULL AND NEW.post_id IS DISTINCT FROM OLD.post_id)
       OR (NEW.thread_id IS NOT NULL AND NEW.thread_id IS DISTINCT FROM OLD.thread_id)
       OR (NEW.subject_id IS NOT NULL AND NEW.subject_id IS DISTINCT FROM OLD.subject_id) THEN
        RAISE EXCEPTION 'The moderation log is append-only: entries cannot be changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER forums_moderationlog_append_only
    BEFORE UPDATE OR DELETE ON forums_moderationlog
    FOR EACH ROW EXECUTE FUNCTION forums_moderationlog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS forums_moderationlog_append_only ON forums_moderationlog;
DROP FUNCTION IF EXISTS forums_moderationlog_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0001_initial"),
        ("accounts", "0002_moderators_group"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP),
    ]
