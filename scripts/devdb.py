"""Run a command against PostgreSQL, starting a private cluster when DATABASE_URL is unset.

    python scripts/devdb.py -- COMMAND [ARGS...]

With DATABASE_URL set, the command runs as it is. Otherwise a cluster under
``.data/postgres`` (created on first use) is started, DATABASE_URL is pointed at
it, the command runs, and the cluster is stopped again when the command ends or
Ctrl-C is pressed. A cluster that was already running (another ``make demo``)
is reused, and the last command using the cluster stops it.

PostgreSQL refuses to run as root, so as root the cluster belongs to the
``postgres`` system user (or ``nobody``). Only the standard library is used:
this runs before anything else is installed.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "sociable"
SEARCH_PATHS = [
    "/usr/lib/postgresql/*/bin",  # Debian, Ubuntu
    "/usr/pgsql-*/bin",  # RHEL, Fedora
    "/opt/homebrew/opt/postgresql@*/bin",  # Homebrew on Apple silicon
    "/usr/local/opt/postgresql@*/bin",  # Homebrew on Intel
    "/opt/homebrew/bin",
    "/Applications/Postgres.app/Contents/Versions/latest/bin",
]
INSTALL_HINT = (
    "PostgreSQL's server programs (initdb, pg_ctl) were not found. Install them "
    "(Debian/Ubuntu: sudo apt install postgresql; macOS: brew install postgresql@15) "
    "or set DATABASE_URL to an existing server, e.g. "
    "DATABASE_URL=postgresql://user:password@localhost:5432/sociable"
)


class Problem(Exception):
    """Something the person running make can fix; shown as one line."""


def _version_key(path: str) -> tuple:
    digits = "".join(c if c.isdigit() else " " for c in path).split()
    return tuple(int(d) for d in digits)


def find_bindir() -> Path:
    if os.environ.get("PG_BIN"):
        chosen = Path(os.environ["PG_BIN"])
        if not (chosen / "initdb").exists():
            raise Problem(f"PG_BIN={chosen} has no initdb. {INSTALL_HINT}")
        return chosen
    candidates = sorted(
        (d for pattern in SEARCH_PATHS for d in glob.glob(pattern)),
        key=_version_key,
        reverse=True,
    )
    for directory in candidates:
        if (Path(directory) / "initdb").exists() and (Path(directory) / "pg_ctl").exists():
            return Path(directory)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(pg_ctl).parent
    raise Problem(INSTALL_HINT)


def cluster_owner() -> str | None:
    """Return the unprivileged user to run PostgreSQL as, or None for the current user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise Problem(
        "Running as root, and there is no 'postgres' or 'nobody' user to run PostgreSQL as: "
        "create one, run as an ordinary user, or set DATABASE_URL."
    )


def _can_reach(owner: str, folder: Path) -> bool:
    """Whether ``owner`` can enter every folder from / down to ``folder``."""
    probe = subprocess.run(
        _as(owner, ["test", "-x", str(folder)]), capture_output=True, check=False
    )
    return probe.returncode == 0


def _as(owner: str | None, command: list[str]) -> list[str]:
    if owner is None:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", owner, "--", *command]
    return ["sudo", "-u", owner, "--", *command]


def locations(owner: str | None) -> tuple[Path, Path]:
    """Return (data folder, socket folder) for this checkout's cluster.

    The data lives in .data/ when the cluster's owner can reach it; otherwise (a
    checkout under a private home folder, run as root) in the system temp folder.
    The socket always lives in a short temp path: Unix socket paths must stay
    under about 100 bytes.
    """
    tag = hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]
    short = Path(tempfile.gettempdir()) / f"sociable-{tag}"
    data = ROOT / ".data" / "postgres"
    if owner is not None:
        (ROOT / ".data").mkdir(exist_ok=True)
        if not _can_reach(owner, ROOT / ".data"):
            data = short / "postgres"
    return data, short / "run"


def _prepare(folder: Path, owner: str | None, mode: int = 0o700) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if owner is not None:
        shutil.chown(folder, user=owner, group=pwd.getpwnam(owner).pw_gid)
    folder.chmod(mode)


def _run(command: list[str], owner: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(_as(owner, command), capture_output=True, text=True, check=False)


def initialise(bindir: Path, data: Path, owner: str | None) -> None:
    if (data / "PG_VERSION").exists():
        return
    _prepare(data.parent, owner, 0o755)
    _prepare(data, owner)
    print(f"Creating a private PostgreSQL cluster in {data}", flush=True)
    for locale in ("C.UTF-8", "C"):
        result = _run(
            [
                str(bindir / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                "postgres",
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                locale,
            ],
            owner,
        )
        if result.returncode == 0:
            return
    raise Problem(f"initdb failed: {result.stderr.strip().splitlines()[-1]}")


def is_running(bindir: Path, data: Path, owner: str | None) -> bool:
    return _run([str(bindir / "pg_ctl"), "status", "-D", str(data)], owner).returncode == 0


# PostgreSQL's own default for its shared buffers, and the most a private cluster takes.
DEFAULT_SHARED_BUFFERS_MB = 128
MOST_SHARED_BUFFERS_MB = 4096


def machine_memory() -> int | None:
    """This machine's memory in bytes, where the system says (Linux, macOS)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def shared_buffers_mb(memory: int | None) -> int:
    """The shared buffers a cluster on a machine with ``memory`` bytes is given: a quarter,
    as a database server's are (docs/deployment.md), from PostgreSQL's default of 128 MB up
    to 4 GB. A search at scale M reads hundreds of pages; from 128 MB most come from the
    system's cache, one system call each (ADR 0019, decision 21). Memory is taken only as
    pages are read, so a small database costs no more."""
    quarter = (memory or 0) // 4 // 2**20
    return min(max(quarter, DEFAULT_SHARED_BUFFERS_MB), MOST_SHARED_BUFFERS_MB)


def start(bindir: Path, data: Path, socket_dir: Path, owner: str | None) -> None:
    _prepare(socket_dir.parent, owner, 0o755)
    _prepare(socket_dir, owner)
    # A throwaway development cluster: durability traded for speed, loopback socket only.
    options = (
        f"-k {socket_dir} -c listen_addresses='' -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    )
    memory = f" -c shared_buffers={shared_buffers_mb(machine_memory())}MB"
    log = data.parent / "postgres.log"

    def pg_ctl_start(options: str) -> subprocess.CompletedProcess:
        command = [str(bindir / "pg_ctl"), "start", "-w", "-D", str(data), "-l", str(log)]
        return subprocess.run(
            _as(owner, [*command, "-o", options]),
            capture_output=True,
            text=True,
            start_new_session=True,  # Ctrl-C in the terminal must not reach the postmaster
            check=False,
        )

    result = pg_ctl_start(options + memory)
    if result.returncode != 0:  # a machine that cannot lend that much: PostgreSQL's default
        result = pg_ctl_start(options)
    if result.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
        raise Problem("PostgreSQL did not start: " + " | ".join(tail or [result.stderr.strip()]))


def stop(bindir: Path, data: Path, owner: str | None) -> None:
    _run([str(bindir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w"], owner)


@contextlib.contextmanager
def clients(data: Path):
    """Lock and yield the set of live process ids using the cluster; save it afterwards.

    Several makes may share one cluster (make demo beside make test): the last
    one to finish stops it.
    """
    path = data.parent / "clients.json"
    with open(data.parent / "clients.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            pids = set(json.loads(path.read_text())) if path.exists() else set()
        except ValueError:
            pids = set()
        pids = {pid for pid in pids if _alive(pid)}
        yield pids
        path.write_text(json.dumps(sorted(pids)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ensure_database(bindir: Path, socket_dir: Path) -> None:
    psql = [str(bindir / "psql"), "-h", str(socket_dir), "-U", "postgres", "-d", "postgres", "-tAc"]
    found = subprocess.run(
        [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"],  # noqa: S608 constant
        capture_output=True,
        text=True,
        check=False,
    )
    if found.stdout.strip() != "1":
        subprocess.run([*psql, f"CREATE DATABASE {DB_NAME}"], capture_output=True, check=True)


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    if os.environ.get("DATABASE_URL"):
        return subprocess.call(argv)

    try:
        bindir = find_bindir()
        owner = cluster_owner()
        data, socket_dir = locations(owner)
        initialise(bindir, data, owner)
        with clients(data) as pids:
            if not is_running(bindir, data, owner):
                start(bindir, data, socket_dir, owner)
            pids.add(os.getpid())
        ensure_database(bindir, socket_dir)
    except Problem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1

    env = dict(os.environ)
    quoted_socket = str(socket_dir).replace("/", "%2F")
    env["DATABASE_URL"] = f"postgresql://postgres@{quoted_socket}/{DB_NAME}"
    child = subprocess.Popen(argv, env=env)

    interrupted = []

    def pass_on(signum, frame):
        # Ctrl-C reaches the child from the terminal too; a SIGTERM or SIGHUP sent
        # to us alone is passed on. Either way, wait for the child, then clean up.
        interrupted.append(signum)
        if signum != signal.SIGINT:
            child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, pass_on)
    try:
        status = child.wait()
        return 0 if signal.SIGINT in interrupted else status  # Ctrl-C is how you stop it
    finally:
        with clients(data) as pids:
            pids.discard(os.getpid())
            if not pids:
                stop(bindir, data, owner)
                print("Stopped the private PostgreSQL cluster.", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
