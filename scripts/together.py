"""Run a few commands side by side; when one stops (or on Ctrl-C), stop them all.

    python scripts/together.py "manage.py runserver" "manage.py db_worker --no-reload"

``make demo`` uses it to serve the site beside its background worker and scheduler.
Standard library only.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import time


def main(commands: list[str]) -> int:
    # Each command in a process group of its own, so that a signal to ours (Ctrl-C, or a
    # stop of the whole group) reaches them once, from here: a second SIGTERM makes the
    # worker abandon its task, and one arriving as it exits prints a traceback.
    processes = [
        subprocess.Popen(shlex.split(command), process_group=0)  # noqa: S603
        for command in commands
    ]
    signalled: set[int] = set()

    def stop(*_args) -> None:
        for process in processes:
            if process.poll() is None and process.pid not in signalled:
                signalled.add(process.pid)
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        code = next(p.returncode for p in processes if p.poll() is not None)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
