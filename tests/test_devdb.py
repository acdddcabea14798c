"""scripts/devdb.py: the private PostgreSQL behind `make demo` and `make test`."""

import importlib.util
import subprocess
import sys

import pytest

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


def devdb_module():
    spec = importlib.util.spec_from_file_location("devdb", ROOT / "scripts" / "devdb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("memory_gib", "shared_buffers_mb"),
    [(None, 128), (0.25, 128), (2, 512), (8, 2048), (23.5, 4096), (256, 4096)],
)
def test_the_private_cluster_is_given_a_quarter_of_the_machine_s_memory(
    memory_gib, shared_buffers_mb
):
    """As a database server's shared buffers are (docs/deployment.md): never less than
    PostgreSQL's own default, never more than 4 GB."""
    memory = None if memory_gib is None else int(memory_gib * 2**30)

    assert devdb_module().shared_buffers_mb(memory) == shared_buffers_mb


def test_this_machine_s_memory_is_read():
    assert devdb_module().machine_memory() > 2**28
