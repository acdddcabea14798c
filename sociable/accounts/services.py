"""Operations on people and organisations."""

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import Organisation, OrganisationDomain, User


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def organisation_for_email(email: str) -> Organisation | None:
    """Return the organisation whose domains include this address's domain, if any."""
    domain = email_domain(email)
    if not domain:
        return None
    match = OrganisationDomain.objects.select_related("organisation").filter(domain=domain).first()
    return match.organisation if match else None


@transaction.atomic
def sync_organisation(*, user: User) -> Organisation | None:
    """Set the person's organisation from their verified primary email address.

    Staff status follows the verified email, never a form field: an unverified or
    unknown address makes the person a community member.
    """
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
