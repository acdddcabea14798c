"""Everyone who signs up gets a profile to fill in; search rows follow their account."""

from allauth.account.signals import user_signed_up
from django.conf import settings
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from . import holdings, words
from .models import Profile, ProfileSearch
from .services import ensure_profile, refresh_search


@receiver(user_signed_up)
def create_profile(sender, request, user, **kwargs) -> None:
    ensure_profile(user=user)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def follow_account(sender, instance, created, update_fields=None, **kwargs) -> None:
    """Search rows, and who may see the skills the person holds, follow their account: when
    their organisation changes, their rows change level with them; when the account is
    closed, the rows go (only listed profiles have any); when it is opened again, they
    come back."""
    if created:
        return  # no profile yet: ensure_profile builds its rows
    changed = None if update_fields is None else set(update_fields)
    if changed is not None and not changed & {"organisation", "is_active"}:
        return  # e.g. a sign-in recording last_login
    if instance.is_active and (changed is None or "is_active" in changed):
        refresh_search(profiles=Profile.objects.filter(user_id=instance.pk))
        return  # which settles who may see their skills too
    rows = ProfileSearch.objects.filter(profile__user_id=instance.pk)
    with words.counted(Profile.objects.filter(user_id=instance.pk).values_list("pk", flat=True)):
        if not instance.is_active:
            rows.delete()
        else:
            rows.exclude(organisation_id=instance.organisation_id).update(
                organisation_id=instance.organisation_id
            )
    # Who may see the skills they hold changes with their account (profiles.holdings).
    holdings.settle_account(instance.pk)


@receiver(pre_delete, sender=Profile)
def forget_words(sender, instance, **kwargs) -> None:
    """A profile deleted (with its account, say) takes its search rows' words with it: the
    rows go here, counted, before the delete would take them uncounted."""
    with words.counted([instance.pk]):
        ProfileSearch.objects.filter(profile_id=instance.pk).delete()
