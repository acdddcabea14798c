"""People and the organisations of the partnership.

A person is *staff* of an organisation when their verified primary email
address belongs to one of its email domains; everyone else who signs up is a
*community member*. ``User.organisation`` records the result and is only ever
set by ``services.sync_organisation``, never by a form.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

domain_validator = RegexValidator(
    regex=r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    message="Enter a domain such as kirkfield.gov.uk, without @ or spaces.",
)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        NHS_TRUST = "nhs_trust", "NHS trust"
        VOLUNTARY = "voluntary", "Voluntary sector"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=60, blank=True, help_text="Shown beside people's names, e.g. 'Council'."
    )
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class DomainField(models.CharField):
    """A domain name, stored lower-case and without surrounding spaces."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().lower() if isinstance(value, str) else value


class OrganisationDomain(models.Model):
    """An email domain whose verified addresses make someone staff of the organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = DomainField(
        max_length=253,
        unique=True,
        validators=[domain_validator],
        help_text="Exact domain after the @, e.g. kirkfield.gov.uk. Subdomains need rows of "
        "their own. Never a shared domain such as nhs.net or gmail.com.",
    )

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")), name="domain_is_lower_case"
            ),
        ]

    def __str__(self) -> str:
        return self.domain


class User(AbstractUser):
    """A person who signs in. The email address is the sign-in name."""

    first_name = None
    last_name = None
    name = models.CharField("full name", max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        editable=False,
        help_text="Set from the verified email address's domain.",
    )

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["name", "username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username

    @property
    def is_partner_staff(self) -> bool:
        """Whether this person works for one of the partner organisations."""
        return self.organisation_id is not None
