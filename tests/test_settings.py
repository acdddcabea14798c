"""Production settings are safe, and every page carries the Content Security Policy."""

import secrets
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.helpers import manage, production_settings

pytestmark = pytest.mark.django_db

PRODUCTION = production_settings(host="sociable.example.gov.uk")
# GOV.UK Notify instead of SMTP: a whole API key (name, service id, secret) and the template.
NOTIFY = {
    "EMAIL_HOST": "",
    "NOTIFY_API_KEY": f"sociable_live-{uuid.uuid4()}-{uuid.uuid4()}",
    "NOTIFY_TEMPLATE_ID": str(uuid.uuid4()),
    "NOTIFY_CALLBACK_TOKEN": secrets.token_urlsafe(32),
}
MAIL_SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "DEFAULT_FROM_EMAIL",
    "SITE_URL",
    "NOTIFY_API_KEY",
    "NOTIFY_TEMPLATE_ID",
    "NOTIFY_CALLBACK_TOKEN",
)


def production(*args: str, **env: str | None):
    """manage.py with the production settings, where None leaves a variable unset."""
    given = {**PRODUCTION, **env}
    given = {name: value for name, value in given.items() if value is not None}
    return manage(*args, env=given, drop=tuple(n for n in MAIL_SETTINGS if n not in given))


@pytest.mark.parametrize("route", ["smtp", "notify"])
def test_production_settings_pass_the_deployment_checklist(route):
    env = NOTIFY if route == "notify" else {}
    result = production("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRINT_MAIL = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.DEFAULT_FROM_EMAIL, s.SOCIABLE_SITE_URL, sep='|')"
)


def test_production_sends_as_configured_through_smtp_or_notify():
    smtp = production("shell", "-c", PRINT_MAIL)
    notify = production("shell", "-c", PRINT_MAIL, **NOTIFY)

    assert smtp.returncode == 0, smtp.stderr
    assert smtp.stdout.strip().splitlines()[-1].split("|") == [
        "django.core.mail.backends.smtp.EmailBackend",
        "Sociable <sociable@council.example.gov.uk>",
        "https://sociable.example.gov.uk",
    ]
    assert notify.returncode == 0, notify.stderr
    assert notify.stdout.strip().splitlines()[-1].split("|")[0] == (
        "sociable.notifications.notify.NotifyEmailBackend"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SITE_URL": None}, "SITE_URL must be set to the site's public https address"),
        ({"SITE_URL": "http://sociable.example.gov.uk"}, "SITE_URL must be set"),
        ({"SITE_URL": "https://"}, "SITE_URL must be set"),
        ({"SITE_URL": "https://127.0.0.1:8000"}, "SITE_URL's host 127.0.0.1 is not in"),
        ({"DEFAULT_FROM_EMAIL": None}, "DEFAULT_FROM_EMAIL must be set"),
        ({"DEFAULT_FROM_EMAIL": "Sociable <no-reply@sociable.invalid>"}, "DEFAULT_FROM_EMAIL"),
        ({"DEFAULT_FROM_EMAIL": "sociable"}, "DEFAULT_FROM_EMAIL must be set"),
        ({"EMAIL_HOST": None}, "No way to send email: set EMAIL_HOST"),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
            "EMAIL_BACKEND is not read in production",
        ),
        ({**NOTIFY, "EMAIL_HOST": "smtp.example.gov.uk"}, "set one"),
        ({**NOTIFY, "NOTIFY_API_KEY": "not-a-key"}, "NOTIFY_API_KEY must be a whole"),
        ({**NOTIFY, "NOTIFY_TEMPLATE_ID": None}, "NOTIFY_TEMPLATE_ID must be the id"),
        ({**NOTIFY, "NOTIFY_CALLBACK_TOKEN": "short"}, "NOTIFY_CALLBACK_TOKEN must be at least"),
    ],
)
def test_production_refuses_to_start_without_a_site_address_and_a_way_to_send_email(env, message):
    result = production("check", **env)

    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "secret_key", [None, "", "django-insecure-" + "x" * 60, "too-short-to-be-random"]
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    env = dict(PRODUCTION)
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    result = manage("check", env=env, drop=("SECRET_KEY",) if secret_key is None else ())

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a long random value" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_database_url_is_explained_in_one_line():
    result = manage("check", drop=("DATABASE_URL",))

    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_rate_limits_live_in_postgresql_apart_from_the_pages():
    """allauth uses Django's default cache: that is the security store, never the pages'."""
    assert settings.CACHES["default"]["BACKEND"] == "sociable.cache.SecurityCache"
    assert settings.CACHES["default"]["LOCATION"] != settings.CACHES["pages"]["LOCATION"]
    assert settings.ACCOUNT_RATE_LIMITS is not False


def test_redis_url_moves_the_pages_to_redis_and_nothing_else():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']); "
        "print(settings.CACHES['pages']); print(settings.SESSION_ENGINE)",
        env={"REDIS_URL": "redis://127.0.0.1:6379/3"},
    )

    assert result.returncode == 0, result.stderr
    security, pages, sessions = result.stdout.strip().splitlines()[-3:]
    assert "SecurityCache" in security and "redis" not in security
    assert "RedisCache" in pages
    assert "redis://127.0.0.1:6379/3" in pages
    assert sessions == "django.contrib.sessions.backends.db"


@pytest.mark.parametrize("url_name", ["home", "accessibility", "account_login", "account_signup"])
def test_every_page_carries_the_content_security_policy(client, url_name):
    response = client.get(reverse(url_name))
    policy = response["Content-Security-Policy"]

    assert response.status_code == 200
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]:
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_pages_send_no_inline_script_or_style(client):
    """Our own pages must work under the policy: no inline script blocks or handlers."""
    for url_name in ["home", "accessibility", "account_login", "account_signup"]:
        html = client.get(reverse(url_name)).content.decode()
        assert "<script>" not in html and "onclick=" not in html, url_name
        assert " style=" not in html, url_name


def test_production_refuses_the_demo_password_at_sign_in():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SOCIABLE_REFUSE_DEMO_PASSWORD)",
        env={**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64)},
    )

    assert result.stdout.splitlines()[-1] == "True", result.stdout + result.stderr


def test_web_connections_plan_no_jit_and_no_parallel_workers_yet_a_job_may_set_its_own():
    options = settings.DATABASES["default"]["OPTIONS"]["options"]
    assert "-c jit=off" in options
    assert "-c max_parallel_workers_per_gather=0" in options

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        # A session default only: a long job (a management command) may ask for workers.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 2")
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("2",)
