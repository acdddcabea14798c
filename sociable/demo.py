"""The demo partnership: organisations, the people the README lists, and their colleagues.

Idempotent: every row is found by a natural key and updated, never duplicated.
Later parts of the product add their own demo data on top of these people.
This is the composition layer: it may call into the apps (profiles' directory).
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from conversations import demo as conversations_demo
from forums import demo as forums_demo
from groups import demo as groups_demo
from opportunities import demo as opportunities_demo
from profiles import demo as profiles_demo
from profiles.holdings import recount_all
from safety import demo as safety_demo
from stories import demo as stories_demo

from .accounts.models import Organisation, OrganisationDomain, User
from .accounts.services import sync_organisation
from .demo_credentials import DEMO_PASSWORD, DEMO_TOTP_SECRET
from .notifications import demo as notifications_demo

MODERATORS_GROUP = "Moderators"

ORGANISATIONS = [
    # name, short name, slug, kind, domains, website
    (
        "Kirkfield City Council",
        "Kirkfield Council",
        "kirkfield-council",
        Organisation.Kind.COUNCIL,
        ["kirkfield.gov.uk"],
    ),
    (
        "Kirkfield Teaching Hospitals NHS Trust",
        "Kirkfield Hospitals",
        "kirkfield-hospitals",
        Organisation.Kind.NHS_TRUST,
        ["kth.nhs.uk"],
    ),
    (
        "Kirkfield Community Health NHS Trust",
        "Community Health",
        "kirkfield-community-health",
        Organisation.Kind.NHS_TRUST,
        ["kch.nhs.uk"],
    ),
    (
        "Kirkfield Voluntary Action",
        "Voluntary Action",
        "kirkfield-voluntary-action",
        Organisation.Kind.VOLUNTARY,
        ["kirkfieldva.org.uk"],
    ),
]


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    role: str = ""  # shown in the README's sign-in table when set
    admin: bool = False
    moderator: bool = False


SIGN_INS = [
    DemoPerson("Amara Okafor", "amara.okafor@kirkfield.gov.uk", "Staff member (council)"),
    DemoPerson("Tom Whitaker", "tom.whitaker@kth.nhs.uk", "Group organiser (NHS trust)"),
    DemoPerson(
        "Priya Shah",
        "priya.shah@kirkfieldva.org.uk",
        "Moderator (voluntary sector)",
        moderator=True,
    ),
    DemoPerson("Jordan Reid", "jordan.reid@example.com", "Community member (citizen)"),
    DemoPerson("Helen Marsh", "helen.marsh@kirkfield.gov.uk", "Administrator", admin=True),
]
PEOPLE = [
    *SIGN_INS,
    DemoPerson("Gareth Lloyd", "gareth.lloyd@kirkfield.gov.uk"),
    DemoPerson("Mei Chen", "mei.chen@kth.nhs.uk"),
    DemoPerson("Siobhan Byrne", "siobhan.byrne@kch.nhs.uk"),
    DemoPerson("Kwame Mensah", "kwame.mensah@kirkfieldva.org.uk"),
    DemoPerson("Fatima Hussain", "fatima.hussain@kirkfield.gov.uk"),
    DemoPerson("Dave Robinson", "dave.robinson@outlook.example"),
]
# Everyone else in the demo directory (profiles.demo holds everyone's profile).
_LISTED = {person.email for person in PEOPLE}
PEOPLE += [DemoPerson(p.name, p.email) for p in profiles_demo.PROFILES if p.email not in _LISTED]


def seed_organisations() -> None:
    for name, short_name, slug, kind, domains in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "short_name": short_name, "kind": kind}
        )
        for domain in domains:
            OrganisationDomain.objects.update_or_create(
                domain=domain, defaults={"organisation": organisation}
            )


def seed_person(person: DemoPerson, *, password_hash: str | None = None) -> User:
    """Create or update the person's account; ``password_hash`` saves hashing per person."""
    user = User.objects.filter(email__iexact=person.email).first() or User(
        email=person.email, username=person.email.split("@")[0].replace(".", "-")
    )
    user.name = person.name
    user.is_staff = person.admin or person.moderator
    user.is_superuser = person.admin
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=person.email, defaults={"verified": True, "primary": True}
    )
    if person.moderator:
        user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    if (person.admin or person.moderator) and not Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    sync_organisation(user=user)
    return user


@transaction.atomic
def seed() -> list[User]:
    seed_organisations()
    # One hash for everyone: the slow hasher would otherwise dominate the run.
    password_hash = make_password(DEMO_PASSWORD)
    users = [seed_person(person, password_hash=password_hash) for person in PEOPLE]
    profiles_demo.seed()
    recount_all()  # the services kept them; this makes sure, whatever the demo wrote by hand
    groups_demo.seed()
    forums_demo.seed()
    conversations_demo.seed()
    opportunities_demo.seed()
    stories_demo.seed()
    safety_demo.seed()
    notifications_demo.deliver()
    forums_demo.date_post_notifications()
    notifications_demo.settle()
    return users
