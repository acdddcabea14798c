"""Story editors review what guests propose, publish it, and feature stories (the role is
kept current after every migrate; administrators put people in it in the admin)."""

from django.contrib.auth.models import Group, Permission

EDITORS = "Story editors"


def let_editors_edit(**kwargs) -> None:
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="stories", codename="edit_stories")
    )
