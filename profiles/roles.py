"""People administrators archive the profiles of their organisation's leavers and read the
notes left about its people (kept current after every migrate; administrators put people
in the role in the admin).

The right is a permission row on ``ProfileCorrection`` made here rather than in the
model's ``Meta.permissions``, so that it needs no migration of the profiles app.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

PEOPLE_ADMINISTRATORS = "People administrators"
ARCHIVE_PROFILES = "archive_profiles"
PERMISSION = f"profiles.{ARCHIVE_PROFILES}"  # as ``user.has_perm`` asks for it


def let_people_administrators_archive(**kwargs) -> Group:
    from .models import ProfileCorrection

    content_type = ContentType.objects.get_for_model(ProfileCorrection)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=ARCHIVE_PROFILES,
        defaults={"name": "Can archive leavers' profiles and read notes about their organisation"},
    )
    group, _ = Group.objects.get_or_create(name=PEOPLE_ADMINISTRATORS)
    group.permissions.add(permission)
    return group
