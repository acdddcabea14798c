"""scripts/devdb.py: the private PostgreSQL behind `make demo` and `make test`."""

import subprocess
import sys

from tests.helpers import ROOT


def run_devdb(env: dict[str, str], *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "devdb.py"), "--", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_missing_postgresql_programs_are_explained_in_one_line(tmp_path):
    result = run_devdb({"PATH": "/usr/bin:/bin", "PG_BIN": str(tmp_path)}, "true")

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "apt install postgresql" in lines[0] and "brew install" in lines[0]
    assert "DATABASE_URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_with_database_url_set_the_command_runs_against_it_unchanged():
    url = "postgresql://someone@db.example:5432/sociable"
    result = run_devdb(
        {"PATH": "/usr/bin:/bin", "DATABASE_URL": url},
        sys.executable,
        "-c",
        "import os; print(os.environ['DATABASE_URL'])",
    )

    assert result.returncode == 0
    assert result.stdout.strip() == url
