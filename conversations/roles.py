"""Moderators may read reported requests, and only those: the admin lists reports, never
requests (kept current after every migrate, as the forums keep the role's own rights)."""

from django.contrib.auth.models import Group, Permission

from sociable.accounts.roles import MODERATORS


def let_moderators_read_reports(**kwargs) -> None:
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="conversations",
            content_type__model="report",
            codename__in=["view_report", "change_report"],
        )
    )
