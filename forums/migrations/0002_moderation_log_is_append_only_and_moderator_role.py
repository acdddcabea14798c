"""The audit log cannot be changed or deleted; the Moderators group gets its permissions."""

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

# What moderators need in the admin, and nothing more.
MODERATOR_PERMISSIONS = [
    ("forums", "board", ["moderate_board", "view_board"]),
    ("forums", "thread", ["view_thread", "change_thread"]),
    ("forums", "post", ["view_post", "change_post"]),
    ("forums", "report", ["view_report", "change_report"]),
    ("forums", "suspension", ["view_suspension", "add_suspension", "change_suspension"]),
    ("forums", "moderationlog", ["view_moderationlog"]),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for app_label, model, codenames in MODERATOR_PERMISSIONS:
        moderators.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=codenames,
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0001_initial"),
        ("accounts", "0002_moderators_group"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
