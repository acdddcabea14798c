"""Spam defence for open sign-up: a honeypot, a timing check and a rate per network.

- The honeypot is a text field people never see, hear or reach with the keyboard; a
  program that fills in every field fills it in.
- The timing field holds the moment the form was drawn, signed: a form sent back faster
  than a person could type a name, an address and a password twice was not filled in by
  a person.
- The rate counts sign-ups from each network (an IPv4 /24, an IPv6 /64: one home or
  office, or one hosting provider's block) over the last hour. It is kept in Django's
  default cache, the security store (docs/decisions/0015): a flood of page requests can
  never wipe it, and nothing else shares its rows. Addresses of a partner's domain are
  not counted: a council's staff sign up from one office network, and an account of theirs
  does nothing until its address is confirmed.

Whoever is refused by the honeypot or the timing check is told only that something went
wrong and to try again: nothing says which check failed.
"""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import format_html

from .services import organisation_for_email

HONEYPOT = "website"  # a name a program is glad to fill in
STARTED = "started"
_SALT = "sociable.accounts.signup_guard.started"

REFUSED = (
    "Sorry, something went wrong and your account was not created. "
    "Check your details and select Create account again."
)
TOO_MANY = (
    "Too many accounts have been created from your network in the last hour. "
    "Please try again later."
)


def _setting(name: str, default):
    return getattr(settings, name, default)


def min_seconds() -> float:
    """How long a person takes at least to fill in the form."""
    return _setting("SIGNUP_MIN_SECONDS", 3)


def max_age() -> timedelta:
    """How long a drawn form stays good (a form kept longer is drawn again, kindly)."""
    return timedelta(hours=_setting("SIGNUP_FORM_MAX_HOURS", 24))


def rate() -> tuple[int, timedelta]:
    """Sign-ups allowed from one network, and over how long."""
    return _setting("SIGNUP_RATE_PER_NETWORK", 5), timedelta(
        minutes=_setting("SIGNUP_RATE_MINUTES", 60)
    )


# --- the form's two fields ----------------------------------------------------------------


class HoneypotInput(forms.TextInput):
    """A text box out of sight, out of the tab order and hidden from screen readers.

    Drawn with the form's hidden fields (``is_hidden``) so the form renderer gives it no
    visible label or form group of its own; it brings its own label, for anyone who finds
    it all the same (with styles switched off, say).
    """

    @property
    def is_hidden(self) -> bool:
        return True

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "tabindex": "-1", "autocomplete": "off"}
        box = super().render(name, value, attrs, renderer)
        field_id = attrs.get("id", name)
        return format_html(
            '<div class="govuk-visually-hidden" aria-hidden="true">'
            '<label for="{}">Leave this empty</label>{}</div>',
            field_id,
            box,
        )


class StartedInput(forms.HiddenInput):
    """The moment the form was drawn, signed; drawn afresh unless what came back was good."""

    def format_value(self, value):
        drawn = read_started(value)
        if drawn is not None and timezone.now() - drawn <= max_age():
            return value
        return started_token()


def honeypot_field() -> forms.CharField:
    return forms.CharField(label="Leave this empty", required=False, widget=HoneypotInput)


def started_field() -> forms.CharField:
    return forms.CharField(required=False, widget=StartedInput)


def started_token(at: datetime | None = None) -> str:
    """The timing field's value for a form drawn ``at`` (now unless said)."""
    moment = at or timezone.now()
    return signing.dumps(moment.timestamp(), salt=_SALT)


def read_started(token) -> datetime | None:
    """When the form was drawn, or None for anything not made by ``started_token``."""
    if not token or not isinstance(token, str):
        return None
    try:
        stamp = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(stamp, int | float):
        return None
    return datetime.fromtimestamp(stamp, tz=timezone.get_current_timezone())


def looks_automated(*, honeypot: str, started: str, now: datetime | None = None) -> bool:
    """Whether a sent form was filled in by a program: the honeypot filled in, or the form
    sent back too quickly, or with no good timing field, or drawn too long ago."""
    if honeypot:
        return True
    drawn = read_started(started)
    if drawn is None:
        return True
    age = (now or timezone.now()) - drawn
    return not (timedelta(seconds=min_seconds()) <= age <= max_age())


# --- the rate per network -----------------------------------------------------------------


def network_of(address: str) -> str:
    """The network an address belongs to: its IPv4 /24 or its IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _key(network: str) -> str:
    return f"sociable:signups:{network}"


def _recent(network: str, now: datetime) -> list[float]:
    _, window = rate()
    since = (now - window).timestamp()
    return [t for t in cache.get(_key(network), []) if t > since]


def is_network_over_rate(address: str, *, now: datetime | None = None) -> bool:
    """Whether the address's network has had its fill of sign-ups for now."""
    limit, _ = rate()
    return len(_recent(network_of(address), now or timezone.now())) >= limit


def count_signup(address: str, *, now: datetime | None = None) -> None:
    """Count one sign-up from the address's network (kept for the window, then gone)."""
    now = now or timezone.now()
    network = network_of(address)
    _, window = rate()
    times = [*_recent(network, now), now.timestamp()]
    cache.set(_key(network), times, timeout=int(window.total_seconds()) + 1)


# --- the check the sign-up form makes -----------------------------------------------------


def client_address(request) -> str:
    """The address allauth's own limits count by (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    from allauth.account.adapter import get_adapter

    return get_adapter(request).get_client_ip(request)


def check_signup(form: forms.Form, cleaned: dict) -> None:
    """Refuse a sign-up made by a program, or past its network's rate; count the rest.

    Called from the sign-up form's ``clean`` (the request is allauth's, as its own forms
    read it); an error on the form means no account is made.
    """
    from allauth.core import context

    honeypot = cleaned.get(HONEYPOT) or ""
    if looks_automated(honeypot=honeypot, started=cleaned.get(STARTED) or ""):
        form.add_error(None, REFUSED)
        return
    request = context.request
    if request is None or organisation_for_email(cleaned.get("email") or ""):
        # Staff of a partner share their office's network (launch day brings hundreds),
        # and their address must be confirmed before the account can do anything.
        return
    address = client_address(request)
    with transaction.atomic():
        _one_at_a_time(network_of(address))  # two sign-ups at once cannot both slip in
        if is_network_over_rate(address):
            form.add_error(None, TOO_MANY)
        elif not form.errors:
            count_signup(address)


def _one_at_a_time(network: str) -> None:
    """Hold the network's lock (PostgreSQL's, for this transaction) while its count is read
    and written."""
    digest = hashlib.blake2b(_key(network).encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, signed=True)])
