"""How allauth creates and names our users, and which organisation sign-ins it offers."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.shortcuts import render
from django.utils.text import slugify

from . import oidc
from .models import User

logger = logging.getLogger(__name__)


# The message tags of the one welcome a first sign-in gets, and of allauth's "You have
# confirmed …" (which the welcome takes the place of).
WELCOME = "welcome"
EMAIL_CONFIRMED = "email-confirmed"


def is_welcome_shown(request) -> bool:
    """Whether this page shows the welcome of a first sign-in (so it says no "welcome back")."""
    return any(WELCOME in message.tags.split() for message in messages.get_messages(request))


class AccountAdapter(DefaultAccountAdapter):
    def login(self, request, user) -> None:
        # Known only now: signing someone in sets their last_login.
        request.sociable_first_sign_in = user.last_login is None
        super().login(request, user)

    def add_message(
        self,
        request,
        level,
        message_template=None,
        message_context=None,
        extra_tags="",
        message=None,
    ) -> None:
        if message_template == "account/messages/email_confirmed.txt":
            extra_tags = f"{extra_tags} {EMAIL_CONFIRMED}".strip()
        elif message_template == "account/messages/logged_in.txt" and getattr(
            request, "sociable_first_sign_in", False
        ):
            return welcome(request, message_context["user"])
        return super().add_message(
            request, level, message_template, message_context, extra_tags, message
        )

    def populate_username(self, request, user) -> None:
        # Usernames appear in profile addresses (/people/<username>/): derive a
        # readable one from the person's name, falling back to their email.
        if not user.username:
            user.username = self.generate_unique_username([user.name, user.email, "person"])

    def generate_unique_username(self, txts, regex=None) -> str:
        """Return a readable, unused username such as "amara-okafor" from the first usable text."""
        blocked = set(getattr(settings, "ACCOUNT_USERNAME_BLACKLIST", []))
        base = (
            next(
                (slugify(t.split("@")[0].replace(".", " ")) for t in txts if t and slugify(t)),
                "person",
            )[:30].strip("-")
            or "person"
        )
        taken = set(
            User.objects.filter(username__startswith=base).values_list("username", flat=True)
        )
        candidate, n = base, 2
        while candidate in taken or candidate in blocked:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def save_user(self, request, user, form, commit=True):
        # The social sign-up form has no name field: keep the identity provider's.
        user.name = form.cleaned_data.get("name", "").strip() or user.name
        return super().save_user(request, user, form, commit=commit)


def welcome(request, user) -> None:
    """Greet someone signing in for the first time once, in place of allauth's two banners
    ("You have confirmed …", then "Successfully signed in as …")."""
    waiting = list(messages.get_messages(request))  # reading them takes them all: put back
    confirmed = [message for message in waiting if EMAIL_CONFIRMED in message.tags.split()]
    for message in waiting:  # any others, as they were
        if message not in confirmed:
            messages.add_message(request, message.level, message.message, message.extra_tags)
    text = f"Welcome to Sociable, {user.get_short_name()}."
    if confirmed:
        text += " Your email address is confirmed and you are signed in."
    messages.success(request, text, extra_tags=WELCOME)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Offer each organisation's own sign-in, and accept only its own people through it."""

    error_messages = {
        **DefaultSocialAccountAdapter.error_messages,
        "email_taken": "There is already an account with this email address. Sign in to it "
        "with your password, then add your %s account from your account settings.",
        "no_password": "Set a password for your account before you remove your "
        "organisation's sign-in, or you could not sign in any more.",
        "disconnect_last": "You cannot remove your only way of signing in.",
        "connected_other": "That account is already linked to someone else's Sociable account.",
    }

    def list_apps(self, request, provider=None, client_id=None):
        # The organisations' sign-in settings are the only source: allauth's
        # SocialApp table and SOCIALACCOUNT_PROVIDERS are not read.
        slug = None if provider in (None, oidc.PROVIDER) else provider
        sign_ins = oidc.organisation_sign_ins(slug=slug)
        apps = [oidc.social_app(sign_in) for sign_in in sign_ins]
        return [app for app in apps if client_id is None or app.client_id == client_id]

    def populate_user(self, request, sociallogin, data):
        # Runs as soon as the identity provider has answered, before allauth
        # looks for an existing account: refuse here and nothing is read or saved.
        pin = oidc.pinned(sociallogin.provider.app)
        if pin is not None:
            oidc.check_id_token(pin=pin, extra_data=sociallogin.account.extra_data)
            for address in sociallogin.email_addresses:
                address.verified = oidc.is_trusted_email(pin=pin, email=address.email)
        user = super().populate_user(request, sociallogin, data)
        # Directory usernames are often email addresses: let populate_username
        # make a readable one for the profile address instead.
        user.username = ""
        user.name = (data.get("name") or "").strip()[:150]
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        if isinstance(exception, oidc.SignInRefused):
            # The reason and the organisation only: no claims, names or addresses.
            logger.warning(
                "Refused a sign-in through organisation %s's identity provider: %s",
                exception.organisation_id,
                exception.reason.value,
            )
            response = render(
                request,
                "socialaccount/sign_in_refused.html",
                {
                    "organisation": oidc.organisation_for_refusal(exception),
                    "reason": exception.reason.value,
                },
                status=403,
            )
            raise ImmediateHttpResponse(response)
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )


def user_display(user) -> str:
    """How allauth names a person in its messages ('Signed in as …')."""
    return user.display_name
