"""What a workshop service knows per process: the workshop behind a join code, whose token is whose.

``WorkshopService`` is one object per app process shared by all its threads; this base holds what
its parts (``workshop.joining``, ``workshop.answering``, ``workshop.participant_reading``,
``workshop.creation``, ``workshop.facilitation``, ``workshop.moderation``) share: the database,
the clock, the seeded generator, the PIN and attempt guards, the scoring pool, and two caches.

The caches hold only what never changes once written (a workshop's id, pace, feedback mode and
posts; whose token is whose), so a submit does not parse posts or look up tokens every time.
Nothing here can go stale when several app processes (replicas) share the database: no code path
updates these columns after creation, and what does change (current post, reveals, deadlines,
status, names, removals, PIN attempts) is read from the database on every call. The PIN cache
(``workshop.pin_guard``) is keyed on the stored PIN hash, read on every check, so a PIN reset in
another process voids it. tests/test_workshop_two_processes.py drives two processes over one
database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.posts import Post
from trainer.storage import Database, utcnow
from workshop import migrate, queries
from workshop.attempts import AttemptGuard
from workshop.errors import UnknownParticipantError, UnknownWorkshopError, WorkshopInputError
from workshop.pin_guard import PinGuard
from workshop.records import Participant
from workshop.scoring_pool import ScoringPool
from workshop.security import normalise_code, token_hash
from workshop.tables import Workshop, WorkshopParticipant, WorkshopPost

CACHE_MAX_ENTRIES = 100_000  # per-process caches of workshops and tokens start over beyond this
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class _Fixed:
    """The parts of a workshop that never change after creation."""

    id: int
    pace: str
    feedback: str
    posts: dict[str, tuple[int, Post, str]]  # post id -> position, post, post as stored JSON


class ServiceCore:
    """The shared state and look-ups of ``WorkshopService`` (see the module docstring). Safe to
    share between threads: all state is in the database, apart from the random generator (used
    only to draw posts, behind a lock) and the caches of what never changes."""

    def __init__(
        self,
        db: Database,
        rng: np.random.Generator,
        now: Clock = utcnow,
        *,
        scoring: ScoringPool | None = None,
    ) -> None:
        self.db = db
        # Where answers are scored: the app passes its process pool (``workshop.scoring_pool``)
        # so a crowd's answers are scored side by side; without one, in this process.
        self.scoring = scoring if scoring is not None else ScoringPool(workers=0)
        self.rng = rng
        self._now = now
        self._rng_lock = threading.Lock()
        self._fixed_lock = threading.Lock()
        self._pins = PinGuard(db, self.now)
        self._attempts = AttemptGuard(db, self.now)
        # What never changes once written, per process (see the module docstring).
        self._fixed_cache: dict[str, _Fixed] = {}
        self._token_cache: dict[str, tuple[int, int]] = {}  # token hash -> workshop, participant
        migrate.upgrade(db)  # the workshop tables at the current schema, old ones upgraded

    def now(self) -> datetime:
        moment = self._now()
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise WorkshopInputError(f"clock: kreeg {moment!r}; verwacht een tijd met tijdzone.")
        return moment

    def _workshop(self, code: str) -> Workshop:
        with self.db.session(readonly=True) as session:
            return queries.workshop_by_code(session, code)

    def _fixed(self, code: str) -> _Fixed:
        if not isinstance(code, str):
            raise UnknownWorkshopError(f"Deelcode {code!r:.40}: verwacht tekst zoals 'K7MPQ2'.")
        key = normalise_code(code)
        fixed = self._fixed_cache.get(key)
        if fixed is None:
            with self._fixed_lock:  # one thread loads; the other 39 of a round wait for it
                fixed = self._fixed_cache.get(key) or self._load_fixed(key, code)
        return fixed

    def _load_fixed(self, key: str, code: str) -> _Fixed:
        with self.db.session(readonly=True) as session:
            workshop = queries.workshop_by_code(session, code)
            posts = {
                wp.post_id: (wp.position, Post.model_validate_json(wp.post_json), wp.post_json)
                for wp in session.scalars(
                    select(WorkshopPost).where(WorkshopPost.workshop_id == workshop.id)
                )
            }
            # Everyone who joined before this process knew the workshop (after a restart):
            # otherwise a round of 40 answers would start with 40 token look-ups at once.
            joined = session.execute(
                select(WorkshopParticipant.token_hash, WorkshopParticipant.id).where(
                    WorkshopParticipant.workshop_id == workshop.id
                )
            ).all()
        for token_key, pid in joined:
            self._remember_token(token_key, workshop.id, pid)
        fixed = _Fixed(workshop.id, workshop.pace, workshop.feedback, posts)
        if len(self._fixed_cache) >= CACHE_MAX_ENTRIES:
            self._fixed_cache.clear()
        self._fixed_cache[key] = fixed
        return fixed

    def _participant_id(self, fixed: _Fixed, token: str) -> int:
        key = token_hash(token)
        known = self._token_cache.get(key)
        if known is None:
            with self.db.session(readonly=True) as session:
                pid = session.scalar(
                    select(WorkshopParticipant.id).where(
                        WorkshopParticipant.token_hash == key,
                        WorkshopParticipant.workshop_id == fixed.id,
                    )
                )
            if pid is None:
                raise UnknownParticipantError(queries.PARTICIPANT_NOT_FOUND)
            known = self._remember_token(key, fixed.id, pid)
        if known[0] != fixed.id:
            raise UnknownParticipantError(queries.PARTICIPANT_NOT_FOUND)
        return known[1]

    def _remember_token(self, key: str, workshop_id: int, participant_id: int) -> tuple[int, int]:
        if len(self._token_cache) >= CACHE_MAX_ENTRIES:
            self._token_cache.clear()
        known = self._token_cache[key] = (workshop_id, participant_id)
        return known

    @staticmethod
    def _me(session: Session, me: WorkshopParticipant) -> Participant:
        return Participant(
            me.id, me.display_name, me.joined_at, queries.team_name(session, me.team_id)
        )

    def _participant(
        self, session: Session, code: str, token: str
    ) -> tuple[Workshop, WorkshopParticipant]:
        workshop = queries.workshop_by_code(session, code)
        me = queries.participant_of(session, workshop, token)
        self._remember_token(me.token_hash, workshop.id, me.id)
        return workshop, me
