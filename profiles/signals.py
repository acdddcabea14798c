"""Everyone who signs up gets a profile to fill in."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from .services import ensure_profile


@receiver(user_signed_up)
def create_profile(sender, request, user, **kwargs) -> None:
    ensure_profile(user=user)
