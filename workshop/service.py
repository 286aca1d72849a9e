"""The workshop flow behind the two workshop pages: create, join, answer, move on, reveal, close.

A facilitator and 10-40 participants answer the same posts, live. ``WorkshopService`` is the
whole flow with no UI code, so the page only draws the records it gets (``workshop.records``):

- The facilitator creates a workshop (title, posts chosen or drawn from an organisation type,
  pace, when feedback shows, leaderboard on or off) and gets a short **join code** and a
  6-digit **PIN** (``workshop.security``). Every facilitator action (move on, reveal, close,
  dashboard, report) needs the PIN, with limits on wrong ones (``workshop.pin_guard``).
- A participant joins with the code and a display name and gets a **token**; with code and token
  they rejoin after a dropped connection or a closed tab and go on where they were. A display
  name already used in the workshop (any case) is refused with a clear message rather than
  renamed, so the facilitator's list and the leaderboard never show two people as "Sanne".
- Pace ``facilitator``: everyone sees the workshop's current post; answers are accepted for it
  and for earlier posts (a late click still counts). Pace ``self``: everyone gets their own
  first unanswered post. In both, the facilitator's current post is what the dashboard focuses on.
- Feedback ``immediate``: a participant sees their score and the rule alerts as soon as they
  have answered. ``after_reveal``: only once the facilitator reveals the post's feedback; from
  then on that post takes no new answers (the explanation gives the answer away). Closing the
  workshop reveals all feedback and stops all answering. The same rule holds for every post, not
  just the current one: ``answer_feedback`` gives a participant's stored answer to any earlier
  post, with its feedback once that post's feedback may be shown (self pace moves on at once).
- An answer is stored once per participant and post, scored by ``trainer.score`` at submit time.
  Sending the same answer again (a retry after a dropped connection) returns the stored one;
  sending a different one is refused: the first answer stands, so nobody can improve a score
  after seeing the discussion. A unique constraint makes this hold under concurrency too.

Everything is written to the app's database as it happens (``workshop.tables``), so a restart in
the middle of a workshop loses nothing. The service does not write files: the page turns
``report`` into the CSV and HTML downloads with ``workshop.export``.

This module only puts the parts together (each has one idea and its own module): the shared
state and per-process caches (``workshop.service_core``), joining (``workshop.joining``),
answering (``workshop.answering``), what a phone reads (``workshop.participant_reading``),
creating (``workshop.creation``), the facilitator's PIN actions (``workshop.facilitation``) and
moderation (``workshop.moderation``); it keeps the room size the waiting phones poll by.
"""

from __future__ import annotations

import time

import numpy as np
from sqlalchemy import func, select

from trainer.scenarios import posts_by_org
from trainer.score import score_post
from trainer.storage import Database, utcnow
from workshop.answering import Answering
from workshop.creation import Creation
from workshop.facilitation import FacilitatorActions
from workshop.joining import Joining
from workshop.moderation import Moderation
from workshop.participant_reading import ParticipantReading
from workshop.scoring_pool import ScoringPool
from workshop.service_core import Clock
from workshop.tables import WorkshopParticipant

ROOM_SIZE_TTL_S = 10.0  # how stale a room size may be: it only paces the waiting phones


class WorkshopService(
    Joining, Answering, ParticipantReading, Creation, FacilitatorActions, Moderation
):
    """The workshop flow the page calls. Safe to share between threads: all state is in the
    database, apart from the random generator (used only to draw posts) and a cache of PINs
    already verified, which spares the slow scrypt check on every dashboard refresh.
    """

    def __init__(
        self,
        db: Database,
        rng: np.random.Generator,
        now: Clock = utcnow,
        *,
        scoring: ScoringPool | None = None,
    ) -> None:
        super().__init__(db, rng, now, scoring=scoring)
        # Joined participants per workshop id, with when they were counted (monotonic seconds):
        # every waiting phone asks for it on each poll (``room_size``), one count per TTL does.
        self._room_cache: dict[int, tuple[float, int]] = {}

    def warm_up(self) -> None:
        """Load the scorer's dictionaries and language models now (seconds, once per process),
        so the first participant's submit is not the one that waits; call it at app start.
        Starts the scoring pool's workers too (each loads its own copy)."""
        post = posts_by_org("library")[0]
        # A short and a long text: the language detector loads different models for each.
        score_post(post, "public", "Hi there, sorry about that, we'll check it!")
        score_post(post, "private", post.model_answer or post.text)
        self.scoring.start()

    def room_size(self, code: str) -> int:
        """How many participants are in the workshop (removed ones not counted), at most
        ``ROOM_SIZE_TTL_S`` old: it sets how often waiting phones poll
        (``workshop.live_refresh``). Counted once per TTL per process, not on every poll."""
        fixed = self._fixed(code)
        seen = self._room_cache.get(fixed.id)
        now = time.monotonic()
        if seen is not None and now - seen[0] < ROOM_SIZE_TTL_S:
            return seen[1]
        with self.db.session(readonly=True) as session:
            count = session.scalar(
                select(func.count()).where(
                    WorkshopParticipant.workshop_id == fixed.id,
                    WorkshopParticipant.removed_at.is_(None),
                )
            )
        self._room_cache[fixed.id] = (now, int(count or 0))
        return int(count or 0)
