"""Serve Sociable as in production and measure its pages: `make bench SCALE=S` (bench/README.md).

    python bench/run.py --scale S [--seconds 10] [--pages directory,thread] [--states staff]

Needs DATABASE_URL (make bench sets it to the private cluster); the data lives in the
database sociable_bench_<scale> beside it (BENCH_DATABASE_URL names another). Steps:

1. create the database if missing, createcachetable, migrate, seed it once (seed_scale
   --scale S, or seed_demo for --scale demo), VACUUM (ANALYZE) it, collectstatic into a
   temporary folder;
2. start gunicorn with the production settings, 2 sync workers, on a free loopback port,
   with SOCIABLE_BENCH=1 (the query count header and the bare "ceiling" view);
3. sign in a bench user (staff of the council) and pick each page's URL from the data (a
   varied row's: hundreds of pages of one kind, each request drawing one at random);
4. for each login state and page: warm-up requests (which must all answer 200 and give
   the page's query count), the ceiling in the same login state for a third of --seconds,
   then the page with `wrk -t1 -c4` for --seconds (the ratio is the page's rate over that
   ceiling's); any answer that is not 2xx fails the row;
5. print the table, read the workers' memory, and write this scale's section of
   bench/RESULTS.md (other scales' sections are kept).

Requests carry ``X-Forwarded-Proto: https``, as they do behind the TLS proxy of a real
deployment, so the production settings run unchanged (HTTPS redirect and secure cookies on).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import importlib.metadata
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"
BIN = Path(sys.executable).parent

CEILING = "/_bench/ceiling/"
WORKERS = 2
# The page cache's table in PostgreSQL (CACHES["pages"] in sociable/settings/base.py).
PAGE_CACHE_TABLE = "sociable_cache"
CONNECTIONS = 4
# Warm-up requests per row, one at a time: 12, or at least 4 when a page is slow enough to
# take more than 10 s for them. The query count is read from the last half (a worker's
# first request pays once for opening its database connection); a varied row's from all of
# them, each to a different one of its pages.
WARMUP_REQUESTS = (4, 12)
# A varied row's requests draw its pages at random, the same each run (bench/report.lua).
VARIED_SEED = 19
WARMUP_SECONDS = 10
# gunicorn's own limit (its default timeout) ends a request after 30 s.
REQUEST_TIMEOUT = 90
# The targets of issue #7.
MIN_RATIO = 0.25
MAX_P95_MS = 50.0
MAX_QUERIES = 10
STATES = ("anonymous", "staff")


class Problem(Exception):
    """Something that stops the run; shown as one line."""


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command of ours (never shell text), failing loudly."""
    kwargs.setdefault("cwd", ROOT)
    kwargs.setdefault("check", True)
    return subprocess.run(command, **kwargs)  # noqa: S603 fixed argument lists


# --- the load generator -----------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (apt-get install -y wrk)", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "check": False}
        if run(["apt-get", "install", "-y", "-q", "wrk"], **quiet).returncode != 0:
            run(["apt-get", "update", "-q"], **quiet)
            run(["apt-get", "install", "-y", "-q", "wrk"], **quiet)
    found = shutil.which("wrk")
    if not found:
        raise Problem("wrk is needed: sudo apt-get install -y wrk (macOS: brew install wrk)")
    return found


# --- the database -----------------------------------------------------------------------


def database_url(scale: str) -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL")
    if not base:
        raise Problem("DATABASE_URL is not set: run through `make bench`, or set it")
    name = "sociable_bench_" + re.sub(r"[^a-z0-9_]", "_", scale.lower())
    return urlunsplit(urlsplit(base)._replace(path="/" + name))


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the database when missing; with ``fresh``, drop it first."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if fresh:
            print(f"Dropping the database {name}", flush=True)
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            connection.execute(drop.format(sql.Identifier(name)))
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            print(f"Creating the database {name}", flush=True)
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def is_seeded(url: str) -> bool:
    """A scale's data is in when there are more people than a fresh or demo database has."""
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SELECT count(*) FROM accounts_user").fetchone()[0] > 100


def prepare(scale: str, url: str, env: dict[str, str]) -> None:
    """Migrate and seed once, then collect the static files.

    The seed commands run with the development settings (email to the console) and DEBUG
    off (no query log), hence their --force.
    """
    dev = {**env, "DJANGO_SETTINGS_MODULE": "sociable.settings.dev", "DEBUG": "false"}
    manage = [sys.executable, "manage.py"]
    run([*manage, "createcachetable", "-v0"], env=dev)  # first: migrations' writes use it
    run([*manage, "migrate", "--no-input", "-v0"], env=dev)
    if scale == "demo":
        run([*manage, "seed_demo", "--force"], env=dev, stdout=subprocess.DEVNULL)
    elif not is_seeded(url):
        print(f"Seeding scale {scale} (once; --reseed starts again)", flush=True)
        run([*manage, "seed_scale", "--scale", scale, "--force"], env=dev)
    vacuum(url)
    empty_page_cache(url)
    run([*manage, "collectstatic", "--no-input", "-v0"], env=env)


def vacuum(url: str) -> None:
    """VACUUM (ANALYZE) the whole database, as autovacuum would have done on a server in use
    before the traffic measured here arrives: fresh rows have their hint bits set and the
    visibility map filled (index-only scans read no table), and migrations' backfills leave
    no dead rows behind. Quick when nothing changed since the last run."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
    print(f"VACUUM (ANALYZE) in {time.monotonic() - started:.0f} s", flush=True)


def empty_page_cache(url: str) -> None:
    """Start from an empty page cache (the pages and shared parts kept in PostgreSQL), as a
    server does after a release: what a run before this one kept (five minutes, Django's
    default) would answer a varied row's first requests for its pages, so that a second
    run minutes after a first measured the cache, and whichever tree ran second, faster."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"TRUNCATE {PAGE_CACHE_TABLE}")


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    def get(self, path: str, cookie: str = "") -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request("GET", path, headers=request_headers(cookie))
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def wait_idle(self, limit: float = 2 * REQUEST_TIMEOUT) -> None:
        """Wait until no connection to the server is open or queued.

        When wrk stops, the requests it had in flight go on in the workers; the next
        measurement must not share the workers with them. Linux only (/proc/net/tcp).
        """
        table = Path("/proc/net/tcp")
        port = f":{self.port:04X}"
        busy = {"01", "03", "08"}  # established, SYN received, close wait
        deadline = time.monotonic() + limit
        while table.exists() and time.monotonic() < deadline:
            sockets = [line.split() for line in table.read_text().splitlines()[1:]]
            if not any(s[1].endswith(port) and s[3] in busy for s in sockets):
                return
            time.sleep(0.1)

    def workers(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def log_tail(self) -> str:
        lines = (
            self.log.read_text(errors="replace").strip().splitlines() if self.log.exists() else []
        )
        return "\n".join(lines[-15:])


def request_headers(cookie: str) -> dict[str, str]:
    headers = {"X-Forwarded-Proto": "https", "Accept": "text/html"}
    if cookie:
        headers["Cookie"] = cookie
    return headers


def start_server(env: dict[str, str], folder: Path) -> Server:
    port = free_port()
    log = folder / "gunicorn.log"
    command = [
        str(BIN / "gunicorn"),
        "sociable.wsgi",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--error-logfile",
        str(log),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    server = Server(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Problem("gunicorn stopped while starting:\n" + server.log_tail())
        try:
            booted = len(server.workers()) == WORKERS or not Path("/proc").exists()
            if server.get("/healthz")[0] == 200 and booted:
                return server
        except OSError:
            pass
        time.sleep(0.25)
    stop_server(server)
    raise Problem("gunicorn did not answer /healthz within 60 s:\n" + server.log_tail())


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


# --- measuring --------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    state: str
    path: str
    note: str = ""
    queries: list[int] = field(default_factory=list)  # the page's own
    cache_queries: list[int] = field(default_factory=list)  # the pages' cache table's
    result: dict = field(default_factory=dict)
    error: str = ""
    ceiling_rps: float | None = None  # the ceiling's rate, measured just before this row
    # A varied row's pages, each request drawing one (path is then their pattern), and the
    # file of them that wrk reads. A row measured as many people has a cookie for each page
    # ("name=value"); without them, every page is asked for in the row's login state.
    pages: list[str] = field(default_factory=list)
    pages_file: Path | None = None
    cookies: list[str] = field(default_factory=list)

    @property
    def varied(self) -> bool:
        return bool(self.pages)

    @property
    def ratio(self) -> float | None:
        if not self.measured or not self.ceiling_rps:
            return None
        return self.result["rps"] / self.ceiling_rps

    @property
    def measured(self) -> bool:
        return bool(self.result) and not self.error

    @property
    def query_text(self) -> str:
        """A fixed row's counts (``5/7`` when they moved); a varied row's lowest–highest."""
        return _counts(self.queries, self.varied)

    @property
    def cache_query_text(self) -> str:
        return _counts(self.cache_queries, self.varied)

    def misses(self) -> list[str]:
        if not self.measured:
            return []
        found = []
        if self.ratio is not None and self.ratio < MIN_RATIO:
            found.append(f"ratio {self.ratio:.0%} < {MIN_RATIO:.0%}")
        if self.result["p95_ms"] > MAX_P95_MS:
            found.append(f"p95 {self.result['p95_ms']:.0f} ms > {MAX_P95_MS:.0f}")
        if self.queries and max(self.queries) > MAX_QUERIES:
            found.append(f"{max(self.queries)} queries > {MAX_QUERIES}")
        # Pages of one kind may differ (a search that finds nobody asks less): a varied
        # row's pages must each stay within the limit, a fixed row's count must not move.
        if len(set(self.queries)) > 1 and not self.varied:
            found.append("query count varies")
        if self.result["socket_errors"]:
            found.append(f"{self.result['socket_errors']} connection errors or timeouts")
        return found


def _counts(counts: list[int], varied: bool) -> str:
    if varied and counts:
        low, high = min(counts), max(counts)
        return str(low) if low == high else f"{low}–{high}"
    return "/".join(str(q) for q in sorted(set(counts)))


def warm_up(server: Server, row: Row, cookie: str) -> bool:
    """Send the warm-up requests; False when the page is not for this login state.

    A varied row's go to a sample of its pages, one each, the same sample every run (with
    the page's own cookie when it has one).
    """
    fewest, most = WARMUP_REQUESTS
    requests = [(row.path, cookie)] * most
    if row.varied:
        sample = random.Random(VARIED_SEED)  # noqa: S311 a repeatable sample, not a secret
        chosen = sample.sample(range(len(row.pages)), min(most, len(row.pages)))
        requests = [(row.pages[i], row.cookies[i] if row.cookies else cookie) for i in chosen]
    started = time.monotonic()
    for sent, (path, jar) in enumerate(requests):
        if sent >= fewest and time.monotonic() - started > WARMUP_SECONDS:
            break
        try:
            status, headers, _body = server.get(path, jar)
        except OSError as failure:  # a timeout, or gunicorn ending a request after 30 s
            row.error = f"no answer to a warm-up request ({type(failure).__name__})"
            return True
        if status != 200:
            location = headers.get("Location", "")
            signs_in = status == 302 and "/accounts/login/" in location
            # A varied row's pages are chosen among those its login state can see.
            if row.state == "anonymous" and signs_in and not row.varied:
                return False
            row.error = f"answered {status} {location}".strip()
            if row.varied:
                row.error += f" at {path}"
            return True
        if "X-Sociable-Queries" not in headers:
            row.error = "no X-Sociable-Queries header: is SOCIABLE_BENCH=1 reaching gunicorn?"
            return True
        # The page's own queries, and apart those of the pages' cache in its table.
        cached = int(headers.get("X-Sociable-Cache-Queries", "0"))
        row.queries.append(int(headers["X-Sociable-Queries"]) - cached)
        row.cache_queries.append(cached)
    if not row.varied:
        row.queries = row.queries[len(row.queries) // 2 :]
        row.cache_queries = row.cache_queries[len(row.cache_queries) // 2 :]
    return True


def load(wrk: str, server: Server, row: Row, cookie: str, seconds: int) -> None:
    command = [
        wrk,
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        f"{REQUEST_TIMEOUT}s",
        "-s",
        str(BENCH / "report.lua"),
    ]
    for name, value in request_headers(cookie).items():
        command += ["-H", f"{name}: {value}"]
    if row.varied:
        command += [f"http://127.0.0.1:{server.port}/", "--", str(row.pages_file), str(VARIED_SEED)]
    else:
        command.append(f"http://127.0.0.1:{server.port}{row.path}")
    output = run(command, capture_output=True, text=True, timeout=seconds + 2 * REQUEST_TIMEOUT)
    output = output.stdout
    server.wait_idle()  # the requests still in flight when wrk stopped
    line = next((x for x in output.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        row.error = "wrk printed no result"
        return
    row.result = json.loads(line.removeprefix("BENCH "))
    if not row.result["requests"]:
        row.error = f"no request finished within {seconds} s"
    elif row.result["not_2xx"]:
        row.error = (
            f"{row.result['not_2xx']} of {row.result['requests']} answers were not 2xx "
            f"(first: {row.result['first_bad_status']})"
        )


def measure(wrk: str, server: Server, row: Row, cookie: str, seconds: int) -> bool:
    """Warm up, run the ceiling in the same login state, then the page; False to skip it."""
    if not warm_up(server, row, cookie):
        return False
    if not row.error:
        ceiling = Row("ceiling", row.state, CEILING)
        warm_up(server, ceiling, cookie)
        if not ceiling.error:
            load(wrk, server, ceiling, cookie, ceiling_seconds(seconds))
        if ceiling.error:
            raise Problem(f"the ceiling failed ({row.state}): {ceiling.error}")
        row.ceiling_rps = ceiling.result["rps"]
        load(wrk, server, row, cookie, seconds)
    print(describe(row), flush=True)
    return True


def ceiling_seconds(seconds: int) -> int:
    return max(2, seconds // 3)


def describe(row: Row) -> str:
    if row.error:
        return f"  FAILED {row.name} ({row.state}) {row.path}: {row.error}"
    r = row.result
    return (
        f"  {row.name:<26} {row.state:<9} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f} ms  "
        f"p95 {r['p95_ms']:6.1f} ms  {row.query_text:>5} queries (+{row.cache_query_text} cache)  "
        f"{row.ratio:4.0%} of "
        f"{row.ceiling_rps:.0f} req/s" + (f"  {pages_text(row)}" if row.varied else "")
    )


def pages_text(row: Row) -> str:
    """How many pages a varied row drew from, and how many of them its run asked for."""
    drawn = row.result.get("pages_drawn") if row.result else None
    text = f"{len(row.pages):,} pages"
    return text + (f", {drawn:,} asked for" if drawn is not None else "")


# --- reporting --------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.partition(":")[2].strip()
            break
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    return {
        "uname": run(["uname", "-a"], capture_output=True, text=True).stdout.strip(),
        "cpu": f"{cpu or platform.processor()}, {os.cpu_count()} cores",
        "ram": f"{total_kb / 1024 / 1024:.1f} GiB",
    }


def wrk_version(wrk: str) -> str:
    output = run([wrk, "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"wrk (?:\w+/)?(\S+)", output.stdout + output.stderr)
    return found.group(1) if found else "?"


def loads(values: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in values)


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| page | login | req/s | requests | p50 ms | p95 ms | queries | cache queries "
        "| ceiling req/s | ratio | targets | URL |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        note = f"{pages_text(row)}: {row.note}" if row.varied else row.note
        url = f"`{row.path}`" + (f" ({note})" if note else "")
        if row.error:
            lines.append(
                f"| {row.name} | {row.state} | – | – | – | – | – | – | – | – | FAILED: {row.error} "
                f"| {url} |"
            )
            continue
        r = row.result
        queries = row.query_text
        verdict = "met" if not row.misses() else "missed: " + "; ".join(row.misses())
        lines.append(
            f"| {row.name} | {row.state} | {r['rps']:.1f} | {r['requests']} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {queries} | {row.cache_query_text} | {row.ceiling_rps:.0f} | "
            f"{row.ratio:.0%} | "
            f"{verdict} | {url} |"
        )
    return lines


def ceiling_summary(rows: list[Row]) -> str:
    parts = []
    for state in STATES:
        rates = sorted(r.ceiling_rps for r in rows if r.state == state and r.ceiling_rps)
        if rates:
            median = statistics.median(rates)
            parts.append(
                f"{state} {median:.0f} req/s (median of {len(rates)} runs, "
                f"{rates[0]:.0f}–{rates[-1]:.0f})"
            )
    return "; ".join(parts)


def busy_warning(info: dict) -> list[str]:
    """Say so when other work was using the CPUs: the numbers are then too low."""
    busiest = max(info["load_before"][0], info["load_after"][0])
    if busiest <= (os.cpu_count() or 1) / 2:
        return []
    return [
        f"- **Other work shared the machine** (load average up to {busiest:.1f} on "
        f"{os.cpu_count()} cores): rates are lower and latencies higher than on a quiet one.",
    ]


def page_cache_text() -> str:
    seconds = int(os.environ.get("PAGE_CACHE_SECONDS", "30") or 0)
    if seconds <= 0:
        return "off (`PAGE_CACHE_SECONDS=0`): every page rendered for every request"
    return (
        f"on ({seconds} s): signed-out pages and the directory's results for each audience "
        "are rendered once and served from the cache; a fixed row repeats one URL, so it "
        "measures the cache, while a varied row's first request for each of its pages "
        "renders it"
    )


def section(scale: str, info: dict, rows: list[Row], workers: list[dict]) -> str:
    met = [r for r in rows if r.measured and not r.misses()]
    counts = ", ".join(f"{label} {n:,}" for label, n in info["counts"].items())
    memory_text = "; ".join(  # Linux only (/proc): empty elsewhere
        f"worker {i + 1}: {w['VmRSS'] / 1024:.0f} MiB (peak {w['VmHWM'] / 1024:.0f} MiB)"
        for i, w in enumerate(workers)
    )
    lines = [
        f"<!-- scale:{scale} -->",
        f"## Scale {scale}",
        "",
        f"Run {info['when']} · wrk -t1 -c{CONNECTIONS} for {info['seconds']} s per row · "
        f"gunicorn {WORKERS} sync workers, production settings · signed in as {info['user']}.",
        "",
        f"- Machine: `{info['machine']['uname']}`",
        f"- CPU: {info['machine']['cpu']}; RAM {info['machine']['ram']}; load average "
        f"{loads(info['load_before'])} before, {loads(info['load_after'])} after",
        f"- Software: Python {platform.python_version()}, Django {info['django']}, "
        f"PostgreSQL {info['postgresql']}, gunicorn {info['gunicorn']}, wrk {info['wrk']}",
        f"- Data ({info['database']}): {counts}",
        f"- Ceiling (a bare Django view behind the same middleware, in the same login state, "
        f"run for {ceiling_seconds(info['seconds'])} s just before each row; a row's ratio is "
        f"its rate over that run's): {ceiling_summary(rows)}",
        f"- Gunicorn worker memory after the run (VmRSS): {memory_text}",
        f"- Shared rendering (docs/decisions/0006): {page_cache_text()}",
        *busy_warning(info),
        "",
        *table(rows),
        "",
        f"Targets (ratio ≥ {MIN_RATIO:.0%} of the ceiling, p95 ≤ {MAX_P95_MS:.0f} ms at "
        f"{CONNECTIONS} connections, ≤ {MAX_QUERIES} queries of the page's own (the pages' "
        "cache's reads and writes of its table, which Redis takes over, counted apart), the "
        f"same count every request; a varied row: ≤ {MAX_QUERIES} on every page of its "
        "warm-up): "
        f"{len(met)} of {len(rows)} rows meet all.",
    ]
    missed = [r for r in rows if r.misses() or r.error]
    for row in missed:
        why = row.error or "; ".join(row.misses())
        lines.append(f"- {row.name} ({row.state}): {why}")
    lines.append(f"<!-- /scale:{scale} -->")
    return "\n".join(lines) + "\n"


HEADER = """# Benchmark results

Written by `make bench SCALE=<scale>` (bench/run.py; see bench/README.md). Each scale's
section is replaced by its latest run; the others are kept. Numbers from one machine and
one run: compare rows within a section, and sections run on the same machine.
"""


SECTION = re.compile(r"<!-- scale:(\S+) -->\n.*?<!-- /scale:\1 -->\n", flags=re.S)


def write_results(scale: str, text: str) -> None:
    existing = RESULTS.read_text() if RESULTS.exists() else HEADER
    sections = {found.group(1): found.group(0) for found in SECTION.finditer(existing)}
    sections[scale] = text
    head = SECTION.sub("", existing).rstrip("\n") + "\n"
    order = {"S": 0, "M": 1, "L": 2}
    names = sorted(sections, key=lambda name: (order.get(name, 9), name))
    RESULTS.write_text(head + "".join("\n" + sections[name] for name in names))


# --- the run ----------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default=os.environ.get("SCALE", "S"))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")))
    parser.add_argument("--pages", default="", help="comma-separated parts of page names")
    parser.add_argument("--states", default=",".join(STATES), help="anonymous,staff")
    parser.add_argument("--reseed", action="store_true", help="drop the database and seed it again")
    parser.add_argument("--no-write", action="store_true", help="leave bench/RESULTS.md alone")
    args = parser.parse_args(argv)
    states = [s for s in args.states.split(",") if s]
    if set(states) - set(STATES):
        parser.error(f"--states takes {', '.join(STATES)}")
    try:
        return bench(args, states)
    except Problem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as failed:
        print(f"error: {' '.join(map(str, failed.cmd[:4]))} failed", file=sys.stderr)
        return 1


def bench(args, states: list[str]) -> int:
    scale = args.scale
    wrk = ensure_wrk()
    url = database_url(scale)
    ensure_database(url, fresh=args.reseed)
    folder = Path(tempfile.mkdtemp(prefix="sociable-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "sociable.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Production settings insist on a public address and a mail route; the bench sends none.
        "SITE_URL": "https://127.0.0.1",
        "DEFAULT_FROM_EMAIL": "Sociable bench <bench@sociable.example.gov.uk>",
        "EMAIL_HOST": "127.0.0.1",
        "SOCIABLE_BENCH": "1",
        "SOCIABLE_BENCH_STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
    }
    for name in ("DEBUG", "SECURE_SSL_REDIRECT", "BEHIND_TLS_PROXY", "REDIS_URL", "EMAIL_BACKEND"):
        env.pop(name, None)  # exactly the production defaults
    try:
        prepare(scale, url, env)
        fixtures = run(
            [sys.executable, "-m", "bench.fixtures"], env=env, capture_output=True, text=True
        )
        info = json.loads(fixtures.stdout)
        cookie = f"{info['cookie']['name']}={info['cookie']['value']}"
        pages = chosen_pages(info["pages"], args.pages)
        info |= {
            "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": args.seconds,
            "machine": machine(),
            "database": urlsplit(url).path.lstrip("/"),
            "gunicorn": importlib.metadata.version("gunicorn"),
            "wrk": wrk_version(wrk),
            "load_before": os.getloadavg(),
        }
        server = start_server(env, folder)
        try:
            rows = run_rows(wrk, server, pages, states, cookie, args.seconds, folder)
            workers = [memory(pid) for pid in server.workers()]
        finally:
            stop_server(server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    info["load_after"] = os.getloadavg()

    text = section(scale, info, rows, workers)
    print()
    print(text)
    if not args.no_write:
        write_results(scale, text)
        print(f"Wrote the scale {scale} section of {RESULTS.relative_to(ROOT)}")
    return 1 if any(row.error for row in rows) else 0


def chosen_pages(pages: list[dict], wanted: str) -> list[dict]:
    """The pages whose name contains one of ``wanted``'s comma-separated words (all if none).

    ``--pages varied`` so takes the varied rows alone: no fixed row's name has the word.
    """
    words = [word for word in wanted.split(",") if word]
    return [p for p in pages if not words or any(word in p["name"] for word in words)]


def run_rows(wrk, server, pages, states, cookie, seconds, folder: Path) -> list[Row]:
    rows: list[Row] = []
    for state in states:
        jar = cookie if state == "staff" else ""
        print(f"{state}:", flush=True)
        settle = Row("ceiling", state, CEILING)  # a first run on fresh workers, not kept
        warm_up(server, settle, jar)
        if not settle.error:
            load(wrk, server, settle, jar, ceiling_seconds(seconds))
        for page in pages:
            own = page.get("cookie")  # a page measured as someone else: signed in only
            if own and state != "staff":
                continue
            if "varied" in page:
                if state not in page["varied"]:  # measured as other people: signed in only
                    continue
                row = varied_row(page, state, folder)
                if not row.pages:
                    print(f"  {row.name:<26} {state:<9} sees none: not measured", flush=True)
                    continue
            else:
                row = Row(page["name"], state, page["path"], page["note"])
            if measure(wrk, server, row, f"{own['name']}={own['value']}" if own else jar, seconds):
                rows.append(row)
            else:
                print(f"  {row.name:<26} {state:<9} asks to sign in: not measured", flush=True)
    return rows


def varied_row(page: dict, state: str, folder: Path) -> Row:
    """A varied row in one login state, its pages written to a file for wrk to read (a line
    each: the path, and after a tab the page's own cookie when it has one)."""
    chosen = page["varied"][state]
    row = Row(
        page["name"], state, page["path"], chosen["note"], pages=chosen["paths"],
        cookies=chosen.get("cookies", []),
    )  # fmt: skip
    slug = re.sub(r"[^a-z0-9]+", "-", row.name.lower()).strip("-")
    row.pages_file = folder / f"{slug}-{state}.txt"
    lines = row.pages
    if row.cookies:
        lines = [f"{p}\t{c}" for p, c in zip(row.pages, row.cookies, strict=True)]
    row.pages_file.write_text("".join(f"{line}\n" for line in lines))
    return row


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
