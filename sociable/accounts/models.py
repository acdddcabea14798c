"""People and the organisations of the partnership.

A person is *staff* of an organisation when they have signed in through the
organisation's own identity provider (``OrganisationSignIn``), or when their
verified primary email address belongs to one of its email domains; everyone
else who signs up is a *community member*. ``User.organisation`` records the
result and is only ever set by ``services.sync_organisation``, never by a form.
"""

from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
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


class OrganisationSignIn(models.Model):
    """How an organisation's people sign in with their work account (OpenID Connect).

    The one copy of the identity-provider settings: allauth's OpenID Connect
    provider reads them through ``SocialAccountAdapter`` (see ``oidc.py``).
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="sign_in"
    )
    enabled = models.BooleanField(
        default=True,
        help_text="Show the sign-in button and accept sign-ins. Untick to pause sign-in "
        "without losing the settings; people who joined this way then fall back to their "
        "email domain.",
    )
    issuer = models.URLField(
        "issuer URL",
        max_length=500,
        help_text="Exactly the issuer in your identity provider's ID tokens. Microsoft Entra "
        "ID: https://login.microsoftonline.com/<directory (tenant) ID>/v2.0",
    )
    client_id = models.CharField(
        "client ID", max_length=191, help_text="Entra ID: the application (client) ID."
    )
    client_secret = models.CharField(
        max_length=500, help_text="Entra ID: a client secret's value (not its ID)."
    )
    tenant_id = models.CharField(
        "tenant ID",
        max_length=100,
        blank=True,
        help_text="Optional. When set, a sign-in is accepted only if the token's tid claim "
        "is this directory (tenant) ID.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "organisation sign-in"

    def __str__(self) -> str:
        return f"Sign-in for {self.organisation}"

    def clean(self) -> None:
        self.issuer = (self.issuer or "").strip().removesuffix("/.well-known/openid-configuration")
        self.tenant_id = (self.tenant_id or "").strip()
        parts = urlsplit(self.issuer)
        loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
        if parts.scheme != "https" and not loopback:
            raise ValidationError({"issuer": "Enter an issuer URL that starts with https://"})
        if parts.query or parts.fragment:
            raise ValidationError({"issuer": "Enter the issuer URL without ? or # parts"})


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
        help_text="Set from the organisation's sign-in or the verified email address's domain.",
    )
    # The header bell's number, kept by sociable.notifications.services so that no page
    # pays a query for it.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

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


class Block(models.Model):
    """One person blocking another: the blocked person can no longer ask them for a
    conversation (or, as parts learn to, reply to or mention them), and is not told."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="block_not_yourself"
            ),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_blocked")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
