"""Run manage.py in a separate process, as an operator would."""

import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent


def production_settings(*, host: str) -> dict[str, str]:
    """What the production settings need to start, for a site at ``host``
    (sociable/settings/prod.py): the settings module, a secret key, the host and its https
    address, a sender and a mail route. The route is an SMTP relay on loopback where nothing
    listens: a test that sends mail sets EMAIL_PORT to a real one."""
    import secrets

    return {
        "DJANGO_SETTINGS_MODULE": "sociable.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": host,
        "SITE_URL": f"https://{host}",
        "DEFAULT_FROM_EMAIL": "Sociable <sociable@council.example.gov.uk>",
        "EMAIL_HOST": "127.0.0.1",
        # Who runs it, for the privacy notice and accessibility statement (sociable/checks.py).
        "CONTROLLER_NAME": "Leodis City Council",
        "CONTROLLER_ADDRESS": "Civic Hall, Leodis LS1 1UR",
        "PRIVACY_EMAIL": "data.protection@leodis.example",
        "DPO_EMAIL": "dpo@leodis.example",
        "ACCESSIBILITY_EMAIL": "access@leodis.example",
    }


def manage(*args: str, env: dict[str, str] | None = None, drop: tuple[str, ...] = ()):
    environment = {**os.environ, **(env or {})}
    for name in (*drop, "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def run_tasks() -> int:
    """Let the background worker catch up: run every queued task that is due.

    Runs in this process and this test's transaction; the end-to-end test of the
    worker process itself is tests/notifications/test_worker.py.
    """
    from sociable.notifications.worker import run_due_tasks

    return run_due_tasks(limit=500)


def missing_tool(message: str) -> NoReturn:
    """A program the tests need is not installed: skip on a developer's machine, with how to
    install it; fail in CI (``CI`` set), where .ci/run installs it first."""
    import pytest

    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
