"""Everyone who signs up gets a profile to fill in; search rows follow their organisation."""

from allauth.account.signals import user_signed_up
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import ProfileSearch
from .services import ensure_profile


@receiver(user_signed_up)
def create_profile(sender, request, user, **kwargs) -> None:
    ensure_profile(user=user)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def follow_organisation(sender, instance, update_fields=None, **kwargs) -> None:
    """When someone's organisation changes, their search rows change level with them."""
    if update_fields is not None and "organisation" not in update_fields:
        return  # e.g. a sign-in recording last_login
    ProfileSearch.objects.filter(profile__user_id=instance.pk).exclude(
        organisation_id=instance.organisation_id
    ).update(organisation_id=instance.organisation_id)
