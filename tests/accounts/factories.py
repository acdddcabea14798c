import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from sociable.accounts.models import Organisation, OrganisationDomain, User
from sociable.accounts.services import sync_organisation
from sociable.accounts.signup_guard import started_token

PASSWORD = "a-test-password-long-enough"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.COUNCIL
    domain = factory.Sequence(lambda n: f"org{n}.example.gov.uk")

    @classmethod
    def _create(cls, model_class, *args, domain: str, **kwargs):
        organisation = super()._create(model_class, *args, **kwargs)
        OrganisationDomain.objects.get_or_create(organisation=organisation, domain=domain)
        return organisation


class UserFactory(factory.django.DjangoModelFactory):
    """A person who has signed up and verified their email address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="en_GB")
    username = factory.Sequence(lambda n: f"person-{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        user.save()
        if create:
            EmailAddress.objects.create(
                user=user, email=user.email, primary=True, verified=extracted is not False
            )
            sync_organisation(user=user)


def staff_of(organisation: Organisation, **kwargs) -> User:
    """Create a verified member of staff of ``organisation``."""
    domain = organisation.domains.values_list("domain", flat=True).first()
    return UserFactory(email=factory.LazyAttribute(lambda u: f"{u.username}@{domain}"), **kwargs)


def add_totp(user: User) -> str:
    """Give ``user`` an authenticator app; return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def signup_timing(seconds_ago: int = 10) -> dict:
    """The sign-up form's timing field as a person's browser sends it back: the form was
    drawn a little while ago, while they typed (sociable/accounts/signup_guard.py)."""
    from datetime import timedelta

    from django.utils import timezone

    return {"started": started_token(at=timezone.now() - timedelta(seconds=seconds_ago))}
