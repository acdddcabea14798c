"""Ask a Sociable web server's /healthz whether it is well, for systemd (docs/deployment.md).

    python scripts/healthcheck.py [--url http://127.0.0.1:8000/healthz] [--host NAME] [--wait S]

Exit status: 0 when it answers 200; 2 when it answers but is unwell (503: the database is
away, which restarting the web server cannot mend); 1 when it does not answer at all, or
answers anything else (down, hung, or broken: a restart may mend it). With --wait, keep
asking for that many seconds until it answers 200 (for ExecStartPost). Standard library only.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import time
from urllib.parse import urlsplit

HEALTHY, NO_ANSWER, UNWELL = 0, 1, 2


def probe(url: str, host: str | None, timeout: float) -> tuple[int, str]:
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        headers = {"Host": host} if host else {}
        connection.request("GET", parts.path or "/healthz", headers=headers)
        response = connection.getresponse()
        body = response.read(500).decode("utf8", "replace")
    except (OSError, http.client.HTTPException) as problem:
        return NO_ANSWER, f"no answer from {url}: {problem}"
    finally:
        connection.close()
    if response.status == 200:
        return HEALTHY, f"healthy: {body}"
    if response.status == 503:
        return UNWELL, f"answering but unwell: {body}"
    return NO_ANSWER, f"unexpected answer {response.status} from {url}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/healthz")
    parser.add_argument("--host", help="the Host header: a name in ALLOWED_HOSTS")
    parser.add_argument("--timeout", type=float, default=10, help="seconds for one answer")
    parser.add_argument("--wait", type=float, default=0, help="seconds to keep asking")
    args = parser.parse_args(argv)

    deadline = time.monotonic() + args.wait
    while True:
        status, message = probe(args.url, args.host, args.timeout)
        if status == HEALTHY or time.monotonic() >= deadline:
            print(message, file=sys.stderr if status else sys.stdout)
            return status
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
