"""Operations on people and organisations."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone

from .models import Organisation, OrganisationDomain, User

NEW_MEMBER_DAYS = 30


def is_new_member(user: User) -> bool:
    """Community members who joined recently: their first posts are approved, and they may
    put fewer links and mentions in what they write while they settle in."""
    recent = user.date_joined > timezone.now() - timedelta(days=NEW_MEMBER_DAYS)
    return user.organisation_id is None and recent


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def organisation_for_email(email: str) -> Organisation | None:
    """Return the organisation whose domains include this address's domain, if any."""
    domain = email_domain(email)
    if not domain:
        return None
    match = OrganisationDomain.objects.select_related("organisation").filter(domain=domain).first()
    return match.organisation if match else None


def organisation_signed_in_through(user: User) -> Organisation | None:
    """Return the organisation whose identity provider this person signed in through.

    Their allauth social account's ``provider`` is the organisation's slug (see
    ``oidc.py``). Only organisations whose sign-in is still enabled count; if
    there are several, the one used most recently wins.
    """
    providers = list(
        SocialAccount.objects.filter(user=user)
        .order_by("-last_login")
        .values_list("provider", flat=True)
    )
    if not providers:
        return None
    by_slug = {
        o.slug: o for o in Organisation.objects.filter(slug__in=providers, sign_in__enabled=True)
    }
    return next((by_slug[p] for p in providers if p in by_slug), None)


@transaction.atomic
def sync_organisation(*, user: User) -> Organisation | None:
    """Set the person's organisation from how they proved where they work.

    Signing in through an organisation's own identity provider makes you its
    staff; otherwise staff status follows the verified primary email's domain,
    never a form field: an unverified or unknown address makes the person a
    community member.
    """
    organisation = organisation_signed_in_through(user)
    if organisation is None:
        primary = EmailAddress.objects.filter(user=user, primary=True, verified=True).first()
        organisation = organisation_for_email(primary.email) if primary else None
    if user.organisation_id != (organisation.pk if organisation else None):
        user.organisation = organisation
        user.save(update_fields=["organisation"])
    return organisation


@transaction.atomic
def add_organisation_domain(*, organisation: Organisation, domain: str) -> OrganisationDomain:
    """Attach an email domain and make its verified users staff of the organisation."""
    row = OrganisationDomain(organisation=organisation, domain=domain)
    row.full_clean()
    row.save()
    resync_domain(domain=row.domain)
    return row


def resync_domain(*, domain: str) -> int:
    """Re-derive the organisation of everyone whose verified primary email is at ``domain``."""
    users = User.objects.filter(
        emailaddress__primary=True,
        emailaddress__verified=True,
        emailaddress__email__iendswith=f"@{domain}",
    ).distinct()
    for user in users:
        sync_organisation(user=user)
    return len(users)


def resync_sign_in(*, organisation: Organisation) -> int:
    """Re-derive the organisation of everyone who signed in through ``organisation``'s sign-in.

    For when the sign-in is switched on or off, or removed.
    """
    users = User.objects.filter(socialaccount__provider=organisation.slug).distinct()
    for user in users:
        sync_organisation(user=user)
    return len(users)


@transaction.atomic
def forget_sign_in_links(*, slug: str) -> int:
    """Unlink everyone linked through the sign-in of the organisation ``slug``.

    Return how many people; each unlinking re-derives that person's organisation
    (see signals.py).
    """
    links = SocialAccount.objects.filter(provider=slug)
    people = links.values("user").distinct().count()
    links.delete()
    return people
