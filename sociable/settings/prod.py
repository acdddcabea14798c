"""Production: secure defaults; refuses to start without a real SECRET_KEY.

Needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; see docs/deployment.md.
"""

from django.core.exceptions import ImproperlyConfigured

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
