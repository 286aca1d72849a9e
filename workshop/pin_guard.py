"""The facilitator PIN check, with two limits on wrong PINs counted in the database.

Every facilitator action (move on, reveal, close, dashboard, report) needs the workshop's PIN.
Failed PIN attempts are counted in the database (a restart does not reset them), in two limits.
Per client (one browser session of the page; Python callers share ``DEFAULT_CLIENT``): after
``PIN_MAX_FAILURES`` within ``PIN_WINDOW_MIN`` minutes that client is refused every PIN until the
window has passed, while the facilitator on another laptop gets in with the right one, so a prank
in the room cannot lock the facilitator out. Per workshop, over all clients: after
``PIN_CEILING_FAILURES`` within ``PIN_CEILING_WINDOW_MIN`` minutes every new PIN check is
refused, since a guesser can start a fresh browser session at will. Sixty wrong PINs in an hour
is far more than a prank by hand, and keeps brute force hopeless: a 6-digit PIN takes on average
500,000 guesses, which at 60 an hour is about 8,300 hours (close to a year); during a three-hour
session the chance of a hit is under 0.02%.

The counting itself (``check_within_limits``) is shared with the team lead view's PIN
(``trainer.team_pin``): the same two limits and the same reserve-compare-release order, on a
table of attempts and a locked row of its own.

The scrypt check is slow on purpose (``workshop.security``), so a PIN that passed it once in
this process is remembered, as a keyed MAC with a key that never leaves the process: the
facilitator's open dashboard refreshes without paying scrypt every time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from trainer.nl import amount
from trainer.storage import Database
from workshop.errors import PinLockedError, WrongPinError
from workshop.queries import locked_workshop, workshop_by_code
from workshop.security import DEFAULT_CLIENT, client_key, hash_pin
from workshop.tables import Workshop, WorkshopPinAttempt

PIN_MAX_FAILURES = 5  # failed PIN attempts allowed per client (browser session) ...
PIN_WINDOW_MIN = 10  # ... within this many minutes
PIN_CEILING_FAILURES = 60  # failed PIN attempts allowed per workshop, over all clients ...
PIN_CEILING_WINDOW_MIN = 60  # ... within this many minutes
PIN_CACHE_KEY_BYTES = 32  # the per-process key of the cache of verified PINs


def minutes_until(moment: datetime, now: datetime) -> int:
    """Whole minutes from ``now`` to ``moment``, rounded up, at least one."""
    return max(1, -(-int((moment - now).total_seconds()) // 60))


@dataclass(frozen=True)
class PinAttempts:
    """Where one PIN's attempts are counted: a mapped table with ``id``, ``client`` and ``at``
    columns, the conditions that pick this PIN's rows from it (none when the table holds one
    PIN's only) and how to make a new row for a client key at a moment."""

    table: Any  # a mapped class; its columns are read as table.id, table.client, table.at
    scope: Sequence[ColumnElement[bool]]
    new_row: Callable[[str, datetime], Any]


@dataclass(frozen=True)
class PinLockTexts:
    """The Dutch messages of the two locks; ``{wait}`` becomes "3 minuten" or the like."""

    device: str  # this client has had its wrong PINs
    everyone: str  # all clients together have had theirs


def check_within_limits(
    db: Database,
    pin: str,
    client: str,
    now: datetime,
    *,
    lock: Callable[[Session], tuple[bytes, bytes]],
    attempts: PinAttempts,
    texts: PinLockTexts,
) -> None:
    """Return when ``pin`` is right; raise ``PinLockedError`` while a limit holds and
    ``WrongPinError`` (a wrong PIN, counted against both limits) otherwise.

    ``lock`` locks the row the PIN belongs to for this transaction where the database can
    (PostgreSQL: one check at a time) and gives its salt and scrypt hash. Every check first
    reserves an attempt row, with the limits counted in the same write transaction, then
    compares, then deletes the row when the PIN was right: so concurrent guesses cannot slip
    past either limit between count and check.
    """
    table = attempts.table
    key = client_key(client)
    client_start = now - timedelta(minutes=PIN_WINDOW_MIN)
    ceiling_start = now - timedelta(minutes=PIN_CEILING_WINDOW_MIN)
    with db.session() as session:
        salt, stored = lock(session)
        # Failures older than the longest window count for nothing any more.
        session.execute(delete(table).where(*attempts.scope, table.at <= ceiling_start))
        recent = session.execute(
            select(table.at, table.client).where(*attempts.scope, table.at > ceiling_start)
        ).all()
        mine = [at for at, who in recent if who == key and at > client_start]
        if len(mine) >= PIN_MAX_FAILURES:
            until = min(mine) + timedelta(minutes=PIN_WINDOW_MIN)
            wait = amount(minutes_until(until, now), "minuut", "minuten")
            raise PinLockedError(texts.device.format(wait=wait), until)
        if len(recent) >= PIN_CEILING_FAILURES:
            until = min(at for at, _ in recent) + timedelta(minutes=PIN_CEILING_WINDOW_MIN)
            wait = amount(minutes_until(until, now), "minuut", "minuten")
            raise PinLockedError(texts.everyone.format(wait=wait), until)
        attempt = attempts.new_row(key, now)
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    if hmac.compare_digest(hash_pin(pin, salt), stored):
        with db.session() as session:
            session.execute(delete(table).where(table.id == attempt_id))
        return
    left = max(0, min(PIN_MAX_FAILURES - len(mine) - 1, PIN_CEILING_FAILURES - len(recent) - 1))
    raise WrongPinError(
        f"Verkeerde pincode. Nog {amount(left, 'poging', 'pogingen')}; daarna kun je het op "
        f"dit apparaat {amount(PIN_WINDOW_MIN, 'minuut', 'minuten')} niet meer proberen.",
        left,
    )


WORKSHOP_LOCK_TEXTS = PinLockTexts(
    device="Te vaak een verkeerde pincode: dit apparaat staat op slot voor deze workshop. "
    "Probeer het over {wait} opnieuw.",
    everyone="Voor deze workshop is te vaak een verkeerde pincode geprobeerd; hij staat uit "
    "voorzorg op slot. Probeer het over {wait} opnieuw. Een scherm waarop de workshop al open "
    "is, werkt gewoon door. Ben jij de begeleider? Open de workshop dan met je herstelcode: die "
    "geeft je een nieuwe pincode.",
)


class PinGuard:
    """Checks facilitator PINs against the database; safe to share between threads."""

    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        self.db = db
        self._now = now
        # Keyed MACs of (workshop, PIN) pairs that passed scrypt in this process; the key is
        # random per process, so the cache is worthless outside it and never stored.
        self._pin_cache_key = secrets.token_bytes(PIN_CACHE_KEY_BYTES)
        self._pin_cache: set[bytes] = set()

    def _workshop(self, code: str) -> Workshop:
        with self.db.session(readonly=True) as session:
            return workshop_by_code(session, code)

    def check(self, code: str, pin: str, client: str = DEFAULT_CLIENT) -> int:
        """The workshop id if ``pin`` is right; counts a wrong one against both limits
        (``check_within_limits``)."""
        workshop = self._workshop(code)
        # The stored hash is part of the key: after a PIN reset (recovery code) the old PIN's
        # cache entry no longer matches, in this process or any other.
        mac = hmac.new(
            self._pin_cache_key,
            f"{workshop.id}:{workshop.pin_hash.hex()}:{str(pin).strip()}".encode(
                "utf-8", "surrogatepass"
            ),
            hashlib.sha256,
        ).digest()
        if mac in self._pin_cache:
            # This exact PIN passed scrypt in this server before (the facilitator's open
            # dashboard): right, no new row, and no lock stops it. A PIN never verified here
            # still meets the limits.
            return workshop.id

        def lock(session: Session) -> tuple[bytes, bytes]:
            locked_workshop(session, workshop.id)  # gone since the look-up: a clear error
            return workshop.pin_salt, workshop.pin_hash

        check_within_limits(
            self.db,
            pin,
            client,
            self._now(),
            lock=lock,
            attempts=PinAttempts(
                WorkshopPinAttempt,
                (WorkshopPinAttempt.workshop_id == workshop.id,),
                lambda key, at: WorkshopPinAttempt(workshop_id=workshop.id, client=key, at=at),
            ),
            texts=WORKSHOP_LOCK_TEXTS,
        )
        self._pin_cache.add(mac)
        return workshop.id
