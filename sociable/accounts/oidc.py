"""Sign-in with an organisation's own identity provider over OpenID Connect.

allauth's ``openid_connect`` provider speaks the protocol. This module holds our
rules around it, which ``adapter.SocialAccountAdapter`` applies:

- Each organisation with an ``OrganisationSignIn`` is one allauth app,
  built here from that row (there is no copy in allauth's SocialApp table); its
  ``provider_id`` is the organisation's slug, so its addresses are
  ``/accounts/oidc/<slug>/login/`` and ``…/login/callback/``.
- An ID token is accepted only when its ``iss`` is the organisation's issuer and,
  when a tenant ID is set, its ``tid`` is that tenant (``check_id_token``).
- An email address from the identity provider counts as verified only when it is
  at one of the organisation's email domains (``is_trusted_email``), whatever the
  provider says: directories let people and their administrators type any address.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from allauth.socialaccount.models import SocialApp
from django.core.exceptions import PermissionDenied

from .models import Organisation, OrganisationSignIn
from .services import email_domain

PROVIDER = "openid_connect"


class Refusal(StrEnum):
    """Why a sign-in through an organisation's identity provider was refused."""

    SWITCHED_OFF = "switched_off"
    OTHER_ISSUER = "other_issuer"
    OTHER_TENANT = "other_tenant"
    NO_ID_CLAIMS = "no_id_claims"
    MISMATCHED_USERINFO = "mismatched_userinfo"


class SignInRefused(PermissionDenied):
    """The identity provider signed someone in, but not someone this organisation accepts."""

    def __init__(self, *, organisation_id: int, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.organisation_id = organisation_id
        self.reason = reason


def organisation_sign_ins(*, slug: str | None = None) -> list[OrganisationSignIn]:
    """Return the sign-ins to offer, or one organisation's whether switched on or not.

    A switched-off sign-in is still found by its slug so that the accounts
    already linked through it can be shown and unlinked; ``check_id_token``
    refuses sign-ins through it.
    """
    rows = (
        OrganisationSignIn.objects.select_related("organisation")
        .prefetch_related("organisation__domains")
        .order_by("organisation__name")
    )
    if slug is None:
        rows = rows.filter(enabled=True)
    else:
        rows = rows.filter(organisation__slug=slug)
    return list(rows)


def social_app(sign_in: OrganisationSignIn) -> SocialApp:
    """Build the (unsaved) allauth app for one organisation's sign-in."""
    organisation = sign_in.organisation
    domains = sorted(d.domain for d in organisation.domains.all())
    return SocialApp(
        provider=PROVIDER,
        provider_id=organisation.slug,
        name=organisation.name,
        client_id=sign_in.client_id,
        secret=sign_in.client_secret,
        settings={
            # Discovery is at <issuer>/.well-known/openid-configuration.
            "server_url": sign_in.issuer,
            "oauth_pkce_enabled": True,
            "fetch_userinfo": True,
            # allauth's own switch: addresses at these domains count as verified.
            "verified_email": domains,
            # A verified address (so: one at these domains) may sign in to the
            # existing account that has it, and links the two from then on.
            "email_authentication": True,
            "organisation": {
                "id": organisation.pk,
                "enabled": sign_in.enabled,
                "issuer": sign_in.issuer,
                "tenant_id": sign_in.tenant_id,
                "domains": domains,
            },
        },
    )


def pinned(app: SocialApp | None) -> dict[str, Any] | None:
    """Return what ``app`` pins an organisation's sign-in to, or None if it is not ours."""
    if app is None or app.provider != PROVIDER:
        return None
    return app.settings.get("organisation")


def check_id_token(*, pin: dict[str, Any], extra_data: dict[str, Any]) -> None:
    """Refuse a sign-in whose ID token was not issued for the organisation's own directory."""
    organisation_id = pin["id"]
    if not pin["enabled"]:
        raise SignInRefused(organisation_id=organisation_id, reason=Refusal.SWITCHED_OFF)
    id_token = extra_data.get("id_token")
    if not isinstance(id_token, dict):
        raise SignInRefused(organisation_id=organisation_id, reason=Refusal.NO_ID_CLAIMS)
    if id_token.get("iss") != pin["issuer"]:
        raise SignInRefused(organisation_id=organisation_id, reason=Refusal.OTHER_ISSUER)
    if pin["tenant_id"] and id_token.get("tid") != pin["tenant_id"]:
        raise SignInRefused(organisation_id=organisation_id, reason=Refusal.OTHER_TENANT)
    userinfo = extra_data.get("userinfo")
    if userinfo is not None and userinfo.get("sub") != id_token.get("sub"):
        # OpenID Connect Core 5.3.2: userinfo about someone else must not be used.
        raise SignInRefused(organisation_id=organisation_id, reason=Refusal.MISMATCHED_USERINFO)


def is_trusted_email(*, pin: dict[str, Any], email: str) -> bool:
    """Whether an address from the identity provider can be taken as verified."""
    return email_domain(email) in pin["domains"]


def organisation_for_refusal(refusal: SignInRefused) -> Organisation | None:
    return Organisation.objects.filter(pk=refusal.organisation_id).first()
