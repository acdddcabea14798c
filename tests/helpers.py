"""Run manage.py in a separate process, as an operator would."""

import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent


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
