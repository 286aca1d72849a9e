"""Limits on guessing join codes and recovery codes, per client, counted in the database.

A join code has 30 bits and a recovery code 60, so guessing is hopeless at the pace of a person,
but not at the pace of a script: one thread tried about 1,300 unknown join codes a second. Every
join first counts its client's recent failures (one browser session of the page; Python callers
share ``DEFAULT_CLIENT``) and records a failure when the code was unknown, so a right code costs
one read and no write. Every recovery-code check (slow anyway: scrypt) reserves an attempt row
first and deletes it on success, so concurrent guesses cannot slip past the count. After
``JOIN_MAX_FAILURES`` unknown codes within ``JOIN_WINDOW_MIN`` minutes the client is refused every
join, a right code included (otherwise a refusal would still tell which guesses hit), until the
window has passed. Recovery codes: ``RECOVERY_MAX_FAILURES`` per client and workshop. Counted in
the database, so a restart or a second app process does not reset them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select

from trainer.nl import amount
from trainer.storage import Database
from workshop.errors import AttemptsLockedError
from workshop.security import client_key
from workshop.tables import WorkshopAttempt

JOIN_MAX_FAILURES = 20  # unknown join codes allowed per client (browser session) ...
JOIN_WINDOW_MIN = 10  # ... within this many minutes: typos, never a search
RECOVERY_MAX_FAILURES = 5  # wrong recovery codes per client and workshop ...
RECOVERY_WINDOW_MIN = 10  # ... within this many minutes


def minutes_until(moment: datetime, now: datetime) -> int:
    """Whole minutes from ``now`` to ``moment``, rounded up, at least one."""
    return max(1, -(-int((moment - now).total_seconds()) // 60))


def _mine(kind: str, key: str, workshop_id: int | None) -> tuple[ColumnElement[bool], ...]:
    return (
        WorkshopAttempt.kind == kind,
        WorkshopAttempt.client == key,
        WorkshopAttempt.workshop_id.is_(None)
        if workshop_id is None
        else WorkshopAttempt.workshop_id == workshop_id,
    )


class AttemptGuard:
    """Reserves and counts attempts per client; safe to share between threads and processes."""

    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        self.db = db
        self._now = now

    def check(
        self,
        kind: str,
        client: str,
        workshop_id: int | None,
        max_failures: int,
        window_min: int,
        locked: str,
    ) -> None:
        """Raise ``AttemptsLockedError`` (message ``locked`` with ``{minutes}`` filled in) when
        this client had ``max_failures`` failed attempts within ``window_min`` minutes.

        One read: a right code costs no write at all. A browser session runs one request at a
        time (Streamlit runs a session's script runs one after another), so a page cannot race
        its own count; ``reserve`` is the strict form for attempts that are slow anyway.
        """
        now = self._now()
        start = now - timedelta(minutes=window_min)
        with self.db.session(readonly=True) as session:
            count, first = session.execute(
                select(func.count(), func.min(WorkshopAttempt.at)).where(
                    *_mine(kind, client_key(client), workshop_id), WorkshopAttempt.at > start
                )
            ).one()
        if count >= max_failures:
            self._refuse(first, now, window_min, locked)

    def fail(self, kind: str, client: str, workshop_id: int | None, window_min: int) -> None:
        """Count one failed attempt (and forget this client's failures older than the window)."""
        key = client_key(client)
        now = self._now()
        with self.db.session() as session:
            session.execute(
                delete(WorkshopAttempt).where(
                    *_mine(kind, key, workshop_id),
                    WorkshopAttempt.at <= now - timedelta(minutes=window_min),
                )
            )
            session.add(WorkshopAttempt(kind=kind, client=key, workshop_id=workshop_id, at=now))

    def _refuse(self, first: datetime, now: datetime, window_min: int, locked: str) -> None:
        until = first + timedelta(minutes=window_min)
        if until.tzinfo is None:  # SQLite gives naive UTC back
            until = until.replace(tzinfo=now.tzinfo)
        minutes = amount(minutes_until(until, now), "minuut", "minuten")
        raise AttemptsLockedError(locked.format(minutes=minutes), until)

    def reserve(
        self,
        kind: str,
        client: str,
        workshop_id: int | None,
        max_failures: int,
        window_min: int,
        locked: str,
    ) -> int:
        """An attempt row for this client, or ``AttemptsLockedError`` (message ``locked`` with
        ``{minutes}`` filled in) when it had ``max_failures`` within ``window_min`` minutes.

        The row is written and committed before counting: concurrent attempts of one client
        each see the others, so no more than ``max_failures`` get past between count and look.
        """
        key = client_key(client)
        now = self._now()
        start = now - timedelta(minutes=window_min)
        mine = _mine(kind, key, workshop_id)
        with self.db.session() as session:
            session.execute(delete(WorkshopAttempt).where(*mine, WorkshopAttempt.at <= start))
            row = WorkshopAttempt(kind=kind, client=key, workshop_id=workshop_id, at=now)
            session.add(row)
            session.flush()
            attempt_id = row.id
        with self.db.session(readonly=True) as session:
            count, first = session.execute(
                select(func.count(), func.min(WorkshopAttempt.at)).where(
                    *mine, WorkshopAttempt.at > start, WorkshopAttempt.id != attempt_id
                )
            ).one()
        if count >= max_failures:
            self.release(attempt_id)  # a refused attempt looked at nothing: it does not count
            self._refuse(first, now, window_min, locked)
        return attempt_id

    def release(self, attempt_id: int) -> None:
        """The attempt succeeded: it no longer counts."""
        with self.db.session() as session:
            session.execute(delete(WorkshopAttempt).where(WorkshopAttempt.id == attempt_id))

    def count(self, attempt_id: int) -> int:
        """Attempts counted for the client of this attempt (itself included), in its window."""
        with self.db.session(readonly=True) as session:
            row = session.get(WorkshopAttempt, attempt_id)
            if row is None:
                return 0
            return int(
                session.scalar(
                    select(func.count()).where(
                        WorkshopAttempt.kind == row.kind,
                        WorkshopAttempt.client == row.client,
                        WorkshopAttempt.workshop_id == row.workshop_id,
                    )
                )
                or 0
            )

    def failures(self, kind: str, client: str, window_min: int) -> int:
        """Recent failed attempts of this client (for messages and tests)."""
        start = self._now() - timedelta(minutes=window_min)
        with self.db.session(readonly=True) as session:
            return int(
                session.scalar(
                    select(func.count()).where(
                        WorkshopAttempt.kind == kind,
                        WorkshopAttempt.client == client_key(client),
                        WorkshopAttempt.at > start,
                    )
                )
                or 0
            )
