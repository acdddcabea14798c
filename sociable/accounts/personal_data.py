"""A person's account: its part of the download (``sociable.personal_data`` asks for it).

Which kinds of two-factor authentication only: the secrets and recovery codes stay secret.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount

from .models import Block, User


def export(user: User) -> dict:
    """The person's account: names, addresses, sign-in methods; whom they have blocked."""
    blocked = Block.objects.filter(blocker=user).select_related("blocked").order_by("created_at")
    return {
        "account": _account(user),
        "blocked": [{"person": b.blocked.display_name, "since": b.created_at} for b in blocked],
    }


def _account(user: User) -> dict:
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    two_factor = Authenticator.objects.filter(user=user).order_by("created_at")
    social = SocialAccount.objects.filter(user=user).order_by("date_joined")
    return {
        "username": user.username,
        "name": user.name,
        "email": user.email,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary} for e in emails
        ],
        "organisation": user.organisation.name if user.organisation else None,
        "joined": user.date_joined,
        "last_signed_in": user.last_login,
        "administrator": user.is_superuser,
        # Which kinds only: the secrets and recovery codes stay secret.
        "two_factor": [
            {"type": a.type, "added": a.created_at, "last_used": a.last_used_at} for a in two_factor
        ],
        "single_sign_on": [
            {
                "provider": s.provider,
                "uid": s.uid,
                "first_used": s.date_joined,
                "last_used": s.last_login,
                "details": s.extra_data,
            }
            for s in social
        ],
    }
