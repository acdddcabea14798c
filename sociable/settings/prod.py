"""Production: secure defaults; refuses to start without a real SECRET_KEY, a public https
address for links, and a way to send email (with a real sender for SMTP).

Needs SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, SITE_URL, and EMAIL_HOST with
DEFAULT_FROM_EMAIL (SMTP) or NOTIFY_API_KEY with NOTIFY_TEMPLATE_ID (GOV.UK Notify);
see docs/deployment.md.
"""

import re
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.http import is_same_domain

from .base import *  # noqa: F403
from .environment import env_bool, env_int, env_str

DEBUG = False


def _require_secret_key() -> str:
    key = env_str("SECRET_KEY")
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a long random value in production (at least 50 "
            "characters), e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    return key


SECRET_KEY = _require_secret_key()
# Demo accounts loaded here by mistake (seed_demo --force) still cannot be entered with the
# password the README publishes.
SOCIABLE_REFUSE_DEMO_PASSWORD = True


def _require_site_url() -> str:
    raw = env_str("SITE_URL").strip()
    try:
        url = urlsplit(raw)
        host = url.hostname
    except ValueError:
        url, host = None, None
    if url is None or url.scheme != "https" or not host or url.query or url.fragment:
        raise ImproperlyConfigured(
            "SITE_URL must be set to the site's public https address, e.g. "
            "https://sociable.example.gov.uk: links in emails and calendars use it"
        )
    if not any(pattern == "*" or is_same_domain(host, pattern) for pattern in ALLOWED_HOSTS):  # noqa: F405
        raise ImproperlyConfigured(
            f"SITE_URL's host {host} is not in ALLOWED_HOSTS, so the site would refuse the "
            "links in its own emails"
        )
    return raw.rstrip("/")


SOCIABLE_SITE_URL = _require_site_url()

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
RESERVED_DOMAINS = ("invalid", "test", "example", "localhost", "local")


def _require_sender() -> str:
    raw = env_str("DEFAULT_FROM_EMAIL").strip()
    address = parseaddr(raw)[1]
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain or domain.lower().rsplit(".", 1)[-1] in RESERVED_DOMAINS:
        raise ImproperlyConfigured(
            "DEFAULT_FROM_EMAIL must be set to the address emails come from, one your mail "
            "relay may send as, e.g. 'Sociable <sociable@example.gov.uk>'"
        )
    return raw


def _require_mail_route() -> str:
    """The email backend the environment asks for: GOV.UK Notify or an SMTP relay."""
    if env_str("EMAIL_BACKEND"):
        raise ImproperlyConfigured(
            "EMAIL_BACKEND is not read in production: set EMAIL_HOST to send through an SMTP "
            "relay, or NOTIFY_API_KEY to send through GOV.UK Notify"
        )
    if NOTIFY_API_KEY and env_str("EMAIL_HOST"):  # noqa: F405
        raise ImproperlyConfigured(
            "Both EMAIL_HOST (SMTP) and NOTIFY_API_KEY (GOV.UK Notify) are set: set one"
        )
    if NOTIFY_API_KEY:  # noqa: F405
        if not re.fullmatch(rf".+-{UUID}-{UUID}", NOTIFY_API_KEY.strip(), re.I):  # noqa: F405
            raise ImproperlyConfigured(
                "NOTIFY_API_KEY must be a whole GOV.UK Notify API key "
                "(its name, the service id and the secret, joined by '-')"
            )
        if not re.fullmatch(UUID, NOTIFY_TEMPLATE_ID.strip(), re.I):  # noqa: F405
            raise ImproperlyConfigured(
                "NOTIFY_TEMPLATE_ID must be the id of the GOV.UK Notify email template whose "
                "subject is ((subject)) and whose message is ((body))"
            )
        return "sociable.notifications.notify.NotifyEmailBackend"
    if env_str("EMAIL_HOST"):
        return "django.core.mail.backends.smtp.EmailBackend"
    raise ImproperlyConfigured(
        "No way to send email: set EMAIL_HOST (with EMAIL_PORT, EMAIL_USE_TLS, ...) for an "
        "SMTP relay, or NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID for GOV.UK Notify"
    )


EMAIL_BACKEND = _require_mail_route()
# With Notify, its service settings name the sender; SMTP needs a real one here.
if EMAIL_BACKEND.endswith("smtp.EmailBackend") or env_str("DEFAULT_FROM_EMAIL"):
    DEFAULT_FROM_EMAIL = _require_sender()
    SERVER_EMAIL = DEFAULT_FROM_EMAIL
if NOTIFY_CALLBACK_TOKEN and len(NOTIFY_CALLBACK_TOKEN) < 32:  # noqa: F405
    raise ImproperlyConfigured(
        "NOTIFY_CALLBACK_TOKEN must be at least 32 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
if env_bool("BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"

# Who runs this deployment, for the privacy notice, cookies page and accessibility statement:
# never the demo's council. `manage.py check --deploy` reports any left empty (sociable.checks).
SOCIABLE_CONTROLLER_NAME = env_str("CONTROLLER_NAME")
SOCIABLE_CONTROLLER_ADDRESS = env_str("CONTROLLER_ADDRESS")
SOCIABLE_PRIVACY_EMAIL = env_str("PRIVACY_EMAIL")
SOCIABLE_DPO_EMAIL = env_str("DPO_EMAIL")
SOCIABLE_ACCESSIBILITY_EMAIL = env_str("ACCESSIBILITY_EMAIL")
SOCIABLE_ACCESSIBILITY_PHONE = env_str("ACCESSIBILITY_PHONE")

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# `make bench` only (bench/README.md): a query count header, the bare "ceiling" view, and
# collectstatic into the runner's own folder. Nothing changes while SOCIABLE_BENCH is unset.
SOCIABLE_BENCH = env_bool("SOCIABLE_BENCH", False)
if SOCIABLE_BENCH:
    MIDDLEWARE = ["sociable.bench.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
    STATIC_ROOT = env_str("SOCIABLE_BENCH_STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405
