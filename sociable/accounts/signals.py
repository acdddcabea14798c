"""Keep staff membership in step with verified email addresses."""

from allauth.account.signals import email_changed, email_confirmed, email_removed
from django.dispatch import receiver

from .services import sync_organisation


@receiver(email_confirmed)
def organisation_from_confirmed_email(sender, request, email_address, **kwargs) -> None:
    sync_organisation(user=email_address.user)


@receiver(email_changed)
@receiver(email_removed)
def organisation_from_changed_email(sender, request, user, **kwargs) -> None:
    sync_organisation(user=user)
