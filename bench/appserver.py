"""The app served as a user starts it, and the Chromium that visits it.

The browser tests and the benchmarks that open real pages all need the same two things: a
``streamlit run`` of a script on a free local port with a scratch database, waited for until its
health check answers, and Debian's Chromium started with flags that work headless in a container.
They are kept here, once, so a test and a benchmark never start the app in two different ways.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package, installed by scripts/setup.sh test
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT_S = 60
# A stopped server says "Stopping..." at once, then spends seconds of CPU tearing down its
# interpreter (3-10 s measured on two loaded cores): nothing of it matters to a test or a
# benchmark that is done with the server, so after this grace it is killed (its worker
# processes watch it and end with it).
SERVER_STOP_GRACE_S = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class AppServer:
    """A running ``streamlit run``: its process and the address it serves."""

    proc: subprocess.Popen[bytes]
    url: str

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=SERVER_STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_app(
    script: Path,
    cwd: Path,
    db: Path,
    log: Path | None = None,
    *,
    poll_s: float = 0.1,
    scoring_workers: int | None = None,
) -> AppServer:
    """Serve ``script`` headless on a free port with its database at ``db`` (never the user's
    DATABASE_URL); returns once the health check answers. Output goes to ``log`` (or nowhere);
    a server that exits or does not answer in time is stopped and reported with that log.
    ``scoring_workers`` sets the workshop's scoring pool (``WEBCARE_SCORING_WORKERS``; 0 scores
    in the app process): pages that never score a workshop answer need no worker processes."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["WEBCARE_DB_PATH"] = str(db)
    if scoring_workers is not None:
        env["WEBCARE_SCORING_WORKERS"] = str(scoring_workers)
    output = subprocess.DEVNULL if log is None else log.open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    if log is not None:
        output.close()  # the server holds its own copy of the file
    server = AppServer(proc, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            told = "" if log is None else ":\n" + log.read_text()
            raise RuntimeError(f"streamlit did not start {script}{told}")
        time.sleep(poll_s)
