"""Production settings are safe, and every page carries the Content Security Policy."""

import secrets

import pytest
from django.conf import settings
from django.urls import reverse

from tests.helpers import manage

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "sociable.settings.prod",
    "ALLOWED_HOSTS": "sociable.example.gov.uk",
}


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64)},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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


def test_rate_limits_use_a_cache_every_web_process_shares():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "sociable.cache.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }
    assert settings.ACCOUNT_RATE_LIMITS is not False


def test_redis_url_switches_the_shared_cache_to_redis():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default'])",
        env={"REDIS_URL": "redis://127.0.0.1:6379/3"},
    )

    assert result.returncode == 0, result.stderr
    assert "RedisCache" in result.stdout
    assert "redis://127.0.0.1:6379/3" in result.stdout


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
