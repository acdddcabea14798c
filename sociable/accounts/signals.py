"""Keep staff membership in step with verified email addresses and organisation sign-ins."""

from allauth.account.signals import email_changed, email_confirmed, email_removed
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Organisation, OrganisationSignIn, User
from .services import forget_sign_in_links, sync_organisation


@receiver(email_confirmed)
def organisation_from_confirmed_email(sender, request, email_address, **kwargs) -> None:
    sync_organisation(user=email_address.user)


@receiver(email_changed)
@receiver(email_removed)
def organisation_from_changed_email(sender, request, user, **kwargs) -> None:
    sync_organisation(user=user)


@receiver(post_save, sender=SocialAccount)
def organisation_from_sign_in_link(sender, instance, **kwargs) -> None:
    # Created on the first sign-in through an organisation's identity provider,
    # saved again on every later one. instance.user is the very object allauth
    # goes on to sign in, so it carries the new organisation too.
    sync_organisation(user=instance.user)


@receiver(post_delete, sender=SocialAccount)
def organisation_after_unlinking(sender, instance, **kwargs) -> None:
    # Unlinked by the person or an administrator, or the sign-in was removed.
    # When the whole account is being deleted there is nobody left to update.
    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None:
        sync_organisation(user=user)


@receiver(post_delete, sender=OrganisationSignIn)
def unlink_after_removing_sign_in(sender, instance, **kwargs) -> None:
    # A removed sign-in can no longer vouch for anyone: its people fall back to
    # their email domain. Also runs when the whole organisation is deleted, so
    # wait until that has finished before working out where they belong.
    organisations = Organisation.objects.filter(pk=instance.organisation_id)
    slug = organisations.values_list("slug", flat=True).first()
    if slug:
        transaction.on_commit(lambda: forget_sign_in_links(slug=slug))
