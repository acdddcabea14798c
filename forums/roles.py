"""The Moderators role: a permission group with exactly what moderators need.

Kept current after every migrate (and after a test database is flushed) by a
post_migrate handler, so the role never depends on data a flush can remove.
"""

from django.contrib.auth.models import Group, Permission

from sociable.accounts.roles import MODERATORS

# What moderators need in the site and the admin, and nothing more.
MODERATOR_PERMISSIONS = {
    "board": ["moderate_board", "view_board"],
    "thread": ["view_thread", "change_thread"],
    "post": ["view_post", "change_post"],
    "report": ["view_report", "change_report"],
    "suspension": ["view_suspension", "add_suspension", "change_suspension"],
    "moderationlog": ["view_moderationlog"],
}


def ensure_moderator_role(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    wanted = Permission.objects.none()
    for model, codenames in MODERATOR_PERMISSIONS.items():
        wanted |= Permission.objects.filter(
            content_type__app_label="forums", content_type__model=model, codename__in=codenames
        )
    group.permissions.add(*wanted)
    return group
