"""A scratch PostgreSQL cluster for the tests: Debian's server, started in a temporary folder.

A shared deployment runs on PostgreSQL, so the database tests run on a real one. `scripts/setup.sh
test` installs Debian's `postgresql` package; `ScratchCluster` runs its `initdb` and `pg_ctl` on a
free port with the socket in the cluster's own folder, so it never touches a system cluster, and
stops it afterwards. `fsync=off` because the data is thrown away anyway. PostgreSQL refuses to run
as root; when the tests do (CI), the server runs as Debian's `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
START_TIMEOUT_S = 60
SUPERUSER = "webcare"


class ClusterUnavailable(RuntimeError):
    """Debian's PostgreSQL server is not installed (run scripts/setup.sh test)."""


def _bin_dir() -> Path:
    found = sorted(Path("/").glob(PG_BIN_GLOB.lstrip("/")), key=lambda p: int(p.parent.name))
    if not found or not (found[-1] / "initdb").exists():
        raise ClusterUnavailable(
            "PostgreSQL server not found under /usr/lib/postgresql; scripts/setup.sh test installs "
            "Debian's postgresql package"
        )
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ScratchCluster:
    """One throw-away cluster; `new_database()` gives each test an empty database of its own."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        # Not under pytest's tmp_path: its parents are private to root, and the server may run
        # as the postgres user.
        self.folder = Path(tempfile.mkdtemp(prefix="webcare-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=START_TIMEOUT_S)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}")

    def start(self) -> ScratchCluster:
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l",
                  str(self.folder / "server.log"), "start")  # fmt: skip
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database in this cluster."""
        import sqlalchemy as sa

        name = f"t_{uuid.uuid4().hex[:12]}"
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)
