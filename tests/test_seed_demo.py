"""`manage.py seed_demo` loads a believable partnership, and can run again safely."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from sociable import demo
from sociable.accounts.models import Organisation, OrganisationDomain, User


def counts():
    return (
        Organisation.objects.count(),
        OrganisationDomain.objects.count(),
        User.objects.count(),
        EmailAddress.objects.count(),
        Authenticator.objects.count(),
    )


@pytest.mark.django_db
def test_seeding_twice_neither_fails_nor_duplicates():
    call_command("seed_demo", force=True)
    first = counts()
    call_command("seed_demo", force=True)

    assert counts() == first
    assert first[0] >= 3 and first[2] >= 5


@pytest.mark.django_db
def test_the_demo_sign_ins_have_the_roles_the_readme_promises():
    call_command("seed_demo", force=True)
    by_role = {p.role: User.objects.get(email=p.email) for p in demo.SIGN_INS}

    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"council", "nhs_trust", "voluntary"} <= kinds
    assert by_role["Staff member (council)"].organisation.kind == "council"
    assert by_role["Group organiser (NHS trust)"].organisation.kind == "nhs_trust"
    assert by_role["Community member (citizen)"].organisation is None
    assert by_role["Administrator"].is_superuser
    moderator = by_role["Moderator (voluntary sector)"]
    assert moderator.groups.filter(name="Moderators").exists()
    for person in (moderator, by_role["Administrator"]):
        assert Authenticator.objects.filter(user=person, type="totp").exists()
    for person in demo.SIGN_INS:
        assert authenticate(email=person.email, password=demo.DEMO_PASSWORD), person.email


@pytest.mark.django_db
def test_seeding_refuses_to_run_with_debug_off_unless_forced():
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")
    assert User.objects.count() == 0
