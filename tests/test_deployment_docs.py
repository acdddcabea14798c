"""The systemd units and the environment file in docs/deployment.md are ready to drop in.

The units are checked by systemd itself (``systemd-analyze verify``, with the documented
folders pointed at this checkout), and the environment file, its blanks filled in, starts the
production settings and passes Django's deployment checklist.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, manage, missing_tool

DOCS = ROOT / "docs" / "deployment.md"
UNITS = ("sociable-web.service", "sociable-worker@.service", "sociable-scheduler.service")


def documented_files() -> dict[str, str]:
    """Each ```ini block of the deployment guide, by the path its first line names."""
    files = {}
    for block in re.findall(r"```ini\n(.*?)```", DOCS.read_text(), re.S):
        first, _, rest = block.partition("\n")
        path = first.lstrip("# ").split(" ")[0]
        files[path] = block
    return files


def test_the_units_for_web_worker_and_scheduler_restart_and_share_one_environment():
    files = documented_files()

    for name in UNITS:
        unit = files[f"/etc/systemd/system/{name}"]
        assert "\nRestart=always\n" in unit, name
        assert re.search(r"\nRestartSec=\d+\n", unit), name
        assert "\nEnvironmentFile=/etc/sociable/sociable.env\n" in unit, name
    assert "scripts/healthcheck.py" in files["/etc/systemd/system/sociable-web.service"]
    assert "OnUnitActiveSec=" in files["/etc/systemd/system/sociable-web-health.timer"]


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        missing_tool("systemd-analyze is not installed (sudo apt install systemd)")
    venv = Path(sys.executable).parent.parent
    names = []
    for path, text in documented_files().items():
        if not path.startswith("/etc/systemd/system/"):
            continue
        name = Path(path).name.replace("@.", "@1.")  # a template's instance
        text = text.replace("/srv/sociable/venv", str(venv)).replace("/srv/sociable/app", str(ROOT))
        (tmp_path / name).write_text(
            text.replace("/etc/sociable/sociable.env", str(tmp_path / "env"))
        )
        names.append(str(tmp_path / name))
    (tmp_path / "env").write_text("")

    result = subprocess.run(  # noqa: S603
        [analyze, "verify", "--man=no", *names], capture_output=True, text=True, check=False
    )

    assert len(names) == 5
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""


def environment_file() -> dict[str, str]:
    values = {}
    for line in documented_files()["/etc/sociable/sociable.env"].splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value.strip().strip('"')
    return values


@pytest.mark.django_db
def test_the_documented_environment_file_passes_the_deployment_checklist_once_filled_in():
    env = environment_file()
    assert env["SECRET_KEY"] == ""  # a blank to fill, never a value that would work as it is
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    env["DATABASE_URL"] = os.environ["DATABASE_URL"]

    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=env, drop=("EMAIL_BACKEND",)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
