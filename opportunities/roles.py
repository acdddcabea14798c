"""Moderators approve, hide and restore opportunities, and read their reports (kept
current after every migrate, as the forums keep the role's own rights)."""

from django.contrib.auth.models import Group, Permission

from sociable.accounts.roles import MODERATORS

RIGHTS = ["moderate_opportunity", "view_report", "change_report", "view_decision"]


def let_moderators_moderate(**kwargs) -> None:
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="opportunities", codename__in=RIGHTS)
    )
