"""A second app replica for the tests: a ``WorkshopService`` in another OS process, driven over a
pipe, on the same database as the test's own service.

Several app processes on one database (replicas behind a proxy) must agree on every workshop,
since a participant's phone may talk to one and the facilitator's laptop to another. ``Peer``
starts a fresh interpreter ("spawn": nothing shared with the test process but the database and
a clock), opens the database by URL and calls service methods by name. Both services read the
time from one shared number, so a test can move a countdown past its deadline for both.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any

CALL_TIMEOUT_S = 120  # the peer's first submit loads the scorer (seconds on a loaded machine)


class PeerError(Exception):
    """A service call in the peer raised; ``kind`` is the exception's class name."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


def shared_clock() -> Any:
    """A number of seconds since the epoch both processes read as 'now'."""
    return multiprocessing.get_context("spawn").Value(
        "d", datetime(2026, 12, 3, 9, tzinfo=UTC).timestamp()
    )


def clock_reader(clock: Any) -> Any:
    return lambda: datetime.fromtimestamp(clock.value, UTC)


def _serve(url: str, clock: Any, conn: Connection) -> None:
    import numpy as np

    from trainer.storage import Database
    from workshop.service import WorkshopService

    db = Database(url)
    service = WorkshopService(db, np.random.default_rng(2), now=clock_reader(clock))
    try:
        while (message := conn.recv()) is not None:
            name, args, kwargs = message
            try:
                conn.send(("ok", getattr(service, name)(*args, **kwargs)))
            except Exception as exc:  # sent back to the test, which raises it there
                conn.send(("error", type(exc).__name__, str(exc)))
    finally:
        db.dispose()


class Peer:
    """The service in the other process; ``call("submit", code, ...)`` as on the service."""

    def __init__(self, url: str, clock: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(url, clock, child), daemon=True)
        self.process.start()
        child.close()

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        self._conn.send((name, args, kwargs))
        if not self._conn.poll(CALL_TIMEOUT_S):
            raise TimeoutError(f"the peer did not answer {name} within {CALL_TIMEOUT_S} s")
        reply = self._conn.recv()
        if reply[0] == "error":
            raise PeerError(reply[1], reply[2])
        return reply[1]

    def close(self) -> None:
        with contextlib.suppress(OSError):  # the peer died already
            self._conn.send(None)
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
