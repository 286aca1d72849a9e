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
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trainer.posts import Post
from trainer.scenarios import posts_by_org
from trainer.score import ScoreResult, score_post
from trainer.storage import Database, name_key, utcnow
from workshop import migrate, pacing, queries
from workshop import teams as team_rules
from workshop.attempts import (
    JOIN_MAX_FAILURES,
    JOIN_WINDOW_MIN,
    AttemptGuard,
)
from workshop.creation import Creation
from workshop.errors import (
    REMOVED_MESSAGE,
    AnswerRefusedError,
    NameTakenError,
    RemovedParticipantError,
    UnknownParticipantError,
    UnknownWorkshopError,
    WorkshopClosedError,
    WorkshopError,
    WorkshopInputError,
)
from workshop.facilitation import FacilitatorActions
from workshop.inputs import (
    check_answer,
    edge_text,
    screened_text,
)
from workshop.moderation import Moderation
from workshop.pin_guard import PinGuard
from workshop.records import (
    Answer,
    AnswerFeedback,
    CurrentPost,
    Joined,
    Participant,
    ParticipantView,
    Rejoined,
    WallEntry,
    shown_post,
)
from workshop.scoring_pool import ScoringPool
from workshop.security import (
    DEFAULT_CLIENT,
    new_token,
    normalise_code,
    token_hash,
)
from workshop.tables import (
    DISPLAY_NAME_MAX_CHARS,
    Workshop,
    WorkshopAnswer,
    WorkshopAnswerAlert,
    WorkshopParticipant,
    WorkshopPost,
)

CACHE_MAX_ENTRIES = 100_000  # per-process caches of workshops and tokens start over beyond this
ROOM_SIZE_TTL_S = 10.0  # how stale a room size may be: it only paces the waiting phones
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class _Fixed:
    """The parts of a workshop that never change after creation."""

    id: int
    pace: str
    feedback: str
    posts: dict[str, tuple[int, Post, str]]  # post id -> position, post, post as stored JSON


class WorkshopService(Creation, FacilitatorActions, Moderation):
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
        # What never changes once written (a workshop's id, pace, feedback mode and posts;
        # whose token is whose), kept per process so a submit does not parse posts or look up
        # tokens every time. Nothing here can go stale when several app processes (replicas)
        # share the database: no code path updates these columns after creation, and what
        # does change (current post, reveals, deadlines, status, names, PIN attempts) is read
        # from the database on every call. The PIN cache (``workshop.pin_guard``) is keyed on
        # the stored PIN hash, read on every check, so a PIN reset in another process voids it.
        # tests/test_workshop_two_processes.py drives two processes over one database.
        self._fixed_cache: dict[str, _Fixed] = {}
        # Joined participants per workshop id, with when they were counted (monotonic seconds):
        # every waiting phone asks for it on each poll (``room_size``), one count per TTL does.
        self._room_cache: dict[int, tuple[float, int]] = {}
        self._token_cache: dict[str, tuple[int, int]] = {}  # token hash -> workshop, participant
        migrate.upgrade(db)  # the workshop tables at the current schema, old ones upgraded

    def warm_up(self) -> None:
        """Load the scorer's dictionaries and language models now (seconds, once per process),
        so the first participant's submit is not the one that waits; call it at app start.
        Starts the scoring pool's workers too (each loads its own copy)."""
        post = posts_by_org("library")[0]
        # A short and a long text: the language detector loads different models for each.
        score_post(post, "public", "Hi there, sorry about that, we'll check it!")
        score_post(post, "private", post.model_answer or post.text)
        self.scoring.start()

    def now(self) -> datetime:
        moment = self._now()
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise WorkshopInputError(f"clock: kreeg {moment!r}; verwacht een tijd met tijdzone.")
        return moment

    # -- participants ------------------------------------------------------------------------

    def join(
        self,
        code: str,
        display_name: str,
        *,
        team: str | None = None,
        client: str = DEFAULT_CLIENT,
    ) -> Joined:
        """Join an open workshop; the token lets the participant rejoin later. A name with a word
        of the word filter is refused; in team mode "pick" ``team`` is one of the workshop's
        team names, in "auto" the service assigns one (``workshop.teams``).

        ``client`` (the page's browser session) may try only so many unknown codes
        (``workshop.attempts``); after that every join from it waits, a right code included.
        """
        name = screened_text(display_name, "naam", DISPLAY_NAME_MAX_CHARS)
        self._attempts.check(
            "join",
            client,
            None,
            JOIN_MAX_FAILURES,
            JOIN_WINDOW_MIN,
            "Te vaak een onbekende deelcode geprobeerd op dit apparaat. Probeer het over "
            "{minutes} opnieuw, met de code op het scherm van de begeleider.",
        )
        try:
            workshop = self._workshop(code)
        except UnknownWorkshopError:
            self._attempts.fail("join", client, None, JOIN_WINDOW_MIN)
            raise
        if workshop.status != "open":
            raise WorkshopClosedError("Deze workshop is afgesloten; meedoen kan niet meer.")
        token = new_token()
        try:
            with self.db.session() as session:
                team_id = None
                if workshop.team_mode is not None:  # balanced "auto": one join at a time
                    locked = queries.locked_workshop(session, workshop.id)
                    team_id = team_rules.team_for_join(session, locked, team, self._draw)
                row = WorkshopParticipant(
                    workshop_id=workshop.id,
                    display_name=name,
                    name_key=name_key(name),
                    token_hash=token_hash(token),
                    joined_at=self.now(),
                    team_id=team_id,
                )
                session.add(row)
                session.flush()
                participant = Participant(
                    row.id, row.display_name, row.joined_at, queries.team_name(session, team_id)
                )
        except IntegrityError:
            raise NameTakenError(
                f"De naam „{name}” is in deze workshop al in gebruik. Kies een andere naam, of "
                "ga verder op het apparaat waarmee je eerder meedeed."
            ) from None
        self._remember_token(token_hash(token), workshop.id, participant.id)
        return Joined(participant, token)

    def _draw(self, n: int) -> int:
        with self._rng_lock:
            return int(self.rng.integers(n))

    def join_teams(self, code: str, *, client: str = DEFAULT_CLIENT) -> tuple[str, ...]:
        """The teams a participant picks from when joining (team mode "pick"), else (). An
        unknown code counts against ``client`` like a join does."""
        try:
            workshop = self._workshop(code)
        except UnknownWorkshopError:
            self._attempts.fail("join", client, None, JOIN_WINDOW_MIN)
            raise
        if workshop.team_mode != "pick":
            return ()
        with self.db.session(readonly=True) as session:
            return team_rules.names_of(session, workshop.id)

    def rejoin(self, code: str, token: str) -> Rejoined:
        """The participant this token belongs to, and where they are (also in a closed workshop)."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            answered = queries.answered_positions(session, me.id)
            current = queries.current_post(session, workshop, answered, self.now())
            return Rejoined(self._me(session, me), current, len(answered))

    def current_post(self, code: str, token: str) -> CurrentPost:
        """The post this participant should answer now (see the module docstring for paces)."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            answered = queries.answered_positions(session, me.id)
            return queries.current_post(session, workshop, answered, self.now())

    def post_state(self, code: str, token: str, position: int) -> CurrentPost:
        """Where this participant stands towards the post at ``position`` (any post, not only
        the current one): whether an answer would still be taken, with the answer key only once
        visible. The page uses it to keep a draft for a post the facilitator moved past."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            total = queries.post_count(session, workshop.id)
            if not isinstance(position, int) or isinstance(position, bool):
                raise WorkshopInputError(f"positie: kreeg {position!r}; verwacht een getal.")
            wpost = session.get(WorkshopPost, (workshop.id, position))
            if wpost is None:
                raise WorkshopInputError(
                    f"positie: kreeg {position!r}; verwacht 0 tot {total - 1} (bericht 1 tot "
                    f"{total})."
                )
            answered = queries.answer_of(session, me.id, position) is not None
            return queries.post_at(workshop, wpost, answered, total, self.now())

    def submit(self, code: str, token: str, post_id: str, decision: str, reply: str = "") -> Answer:
        """Score and store an answer; once per participant and post (see the module docstring).

        Raises ``AnswerRefusedError`` for a different second answer, a post not open for
        answers, and ``WorkshopClosedError`` once the workshop is closed.
        """
        reply = check_answer(decision, reply)  # as stored: cleaned of control characters
        fixed = self._fixed(code)
        participant_id = self._participant_id(fixed, token)
        slot = fixed.posts.get(edge_text(post_id))
        if slot is None:
            raise AnswerRefusedError(f"Het bericht {post_id!r} hoort niet bij deze workshop.")
        position, post, post_json = slot

        # Score before the transaction: the write lock is held for the checks and inserts only.
        # The result comes as the JSON the answer stores (no ScoreResult built and taken apart).
        result = self.scoring.score_data(post, decision, reply, post_json)
        verdict = result["decision"]
        alerts = result["alerts"]
        rules = tuple(sorted({a["rule"] for a in alerts}))
        now = self.now()
        values: dict[str, Any] = {
            "workshop_id": fixed.id,
            "participant_id": participant_id,
            "position": position,
            "post_id": post.id,
            "decision": decision,
            "decision_expected": verdict["expected"],
            "decision_correct": bool(verdict["correct"]),
            "reply": reply,
            "score": float(result["score"] or 0),
            "result_json": result,
            "revealed": False,
            "submitted_at": now,
        }
        refusal: WorkshopError | None = None
        try:
            # Core statements on a plain connection rather than ORM objects in a session: 200
            # people press send in the same second, all storing through one interpreter lock,
            # and on SQLite the write lock is held for this block only.
            with self.db.transaction() as conn:
                # One round trip for all the checks. Removed by the facilitator, perhaps in
                # another process: read in this transaction, never from the token cache
                # (``workshop.moderation``).
                status, current_index, revealed, started, deadline, removed = conn.execute(
                    _STATE_QUERY,
                    {
                        "workshop_id": fixed.id,
                        "position": position,
                        "participant_id": participant_id,
                    },
                ).one()
                refusal = _refusal(fixed.pace, status, current_index, revealed, position) or (
                    _time_refusal(started, deadline, now)
                )
                if removed is not None:
                    raise RemovedParticipantError(REMOVED_MESSAGE)
                if refusal is None:
                    answer_id = conn.execute(_INSERT_ANSWER, values).scalar_one()
                    if alerts:
                        conn.execute(
                            _INSERT_ALERT,
                            [
                                {"answer_id": answer_id, "rule": a["rule"], "level": a["level"]}
                                for a in alerts
                            ],
                        )
                    stored = Answer(
                        id=answer_id,
                        post_id=post.id,
                        position=position,
                        decision=decision,
                        reply=reply,
                        score=values["score"],
                        decision_expected=values["decision_expected"],
                        decision_correct=values["decision_correct"],
                        rules=rules,
                        submitted_at=now,
                    )
                    # After-reveal feedback: the score tells the expected decision too early.
                    return stored if fixed.feedback == "immediate" else stored.hidden()
        except IntegrityError:
            pass  # the participant answered this post in another request a moment ago
        with self.db.session(readonly=True) as session:
            existing = queries.answer_of(session, participant_id, position)
            if existing is not None:
                workshop = session.get(Workshop, fixed.id)
                wpost = session.get(WorkshopPost, (fixed.id, position))
                if workshop is None or wpost is None:
                    raise UnknownParticipantError(queries.PARTICIPANT_NOT_FOUND)
                if not queries.feedback_visible(workshop, wpost, True):
                    existing = existing.hidden()
        if existing is not None:
            return self._same_or_refuse(existing, decision, reply)
        if refusal is not None:
            raise refusal
        raise AssertionError("an answer refused by the database must exist")

    def participant_view(self, code: str, token: str) -> ParticipantView:
        """Everything the participant's screen shows; never another participant's hidden draft."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            answered = queries.answered_posts(session, me.id)
            now = self.now()
            current = queries.current_post(session, workshop, {a.position for a in answered}, now)
            mine: Answer | None = None
            feedback: ScoreResult | None = None
            model_answer: str | None = None
            wall: tuple[WallEntry, ...] = ()
            if current.position is not None and current.post is not None:
                mine = queries.answer_of(session, me.id, current.position)
                if current.key is not None:
                    model_answer = current.key.model_answer
                    if mine is not None:
                        row = session.get(WorkshopAnswer, mine.id)
                        feedback = ScoreResult.from_dict(row.result_json) if row else None
                elif mine is not None:
                    mine = mine.hidden()
                # The wall reads every answer to the post (200 rows with their text at 200
                # people, on every poll of every phone) only to keep the revealed ones: most
                # polls find none revealed, which one indexed look-up tells.
                if session.scalar(
                    _ANY_REVEALED, {"workshop_id": workshop.id, "position": current.position}
                ):
                    wall = tuple(
                        e
                        for e in queries.wall(session, workshop, current.position, me.id)
                        if e.revealed
                    )
            return ParticipantView(
                workshop=queries.info(session, workshop, now),
                me=self._me(session, me),
                current=current,
                my_answer=mine,
                feedback=feedback,
                model_answer=model_answer,
                wall=wall,
                answered=answered,
            )

    def answer_feedback(self, code: str, token: str, post_id: str) -> AnswerFeedback:
        """This participant's stored answer to ``post_id`` and, when that post's feedback may be
        shown (immediate once answered, after the reveal, or once closed), the scorer's result
        stored at submit time. Never another participant's answer."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            wpost = session.scalar(
                select(WorkshopPost).where(
                    WorkshopPost.workshop_id == workshop.id,
                    WorkshopPost.post_id == edge_text(post_id),
                )
            )
            if wpost is None:
                raise WorkshopInputError(f"post_id: {post_id!r} hoort niet bij deze workshop.")
            post = Post.model_validate_json(wpost.post_json)
            mine = queries.answer_of(session, me.id, wpost.position)
            visible = queries.feedback_visible(workshop, wpost, mine is not None)
            feedback: ScoreResult | None = None
            if visible and mine is not None:
                row = session.get(WorkshopAnswer, mine.id)
                feedback = ScoreResult.from_dict(row.result_json) if row is not None else None
            return AnswerFeedback(
                post=shown_post(post),
                key=post if visible else None,
                position=wpost.position,
                answer=mine if visible or mine is None else mine.hidden(),
                feedback_visible=visible,
                feedback=feedback,
                model_answer=post.model_answer if visible else None,
            )

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

    # -- reading -----------------------------------------------------------------------------

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

    @staticmethod
    def _same_or_refuse(existing: Answer, decision: str, reply: str) -> Answer:
        if existing.decision == decision and existing.reply == reply:
            return existing  # a retry of the same answer: nothing new, nothing lost
        raise AnswerRefusedError(
            "Je hebt dit bericht al beantwoord; je eerste antwoord telt en kan niet meer worden "
            "gewijzigd."
        )


# Built once: composing statements costs more CPU than running them, and 40 submits compete for
# one interpreter lock.
_STATE_QUERY = (
    select(
        Workshop.status,
        Workshop.current_index,
        WorkshopPost.feedback_revealed,
        Workshop.started_at,
        WorkshopPost.deadline,
        WorkshopParticipant.removed_at,
    )
    .join(WorkshopPost, WorkshopPost.workshop_id == Workshop.id)
    .join(WorkshopParticipant, WorkshopParticipant.workshop_id == Workshop.id)
    .where(
        Workshop.id == bindparam("workshop_id"),
        WorkshopPost.position == bindparam("position"),
        WorkshopParticipant.id == bindparam("participant_id"),
    )
)
_INSERT_ANSWER = insert(WorkshopAnswer).returning(WorkshopAnswer.id)
_INSERT_ALERT = insert(WorkshopAnswerAlert)
# Is any answer to this post on the wall yet (``participant_view``)?
_ANY_REVEALED = (
    select(WorkshopAnswer.id)
    .where(
        WorkshopAnswer.workshop_id == bindparam("workshop_id"),
        WorkshopAnswer.position == bindparam("position"),
        WorkshopAnswer.revealed.is_(True),
    )
    .limit(1)
)


def _refusal(
    pace: str, status: str, current_index: int, feedback_revealed: bool, position: int
) -> WorkshopError | None:
    """Why an answer to the post at ``position`` cannot be taken now, or None if it can."""
    if status != "open":
        return WorkshopClosedError("Deze workshop is afgesloten; antwoorden kan niet meer.")
    if pace == "facilitator" and position > current_index:
        return AnswerRefusedError(
            "Dit bericht is nog niet aan de beurt; wacht tot de begeleider verdergaat."
        )
    if feedback_revealed:
        return AnswerRefusedError(
            "De uitleg bij dit bericht is al getoond; antwoorden kan daarom niet meer."
        )
    return None


def _time_refusal(
    started_at: datetime | None, deadline: datetime | None, now: datetime
) -> WorkshopError | None:
    """The lobby and the countdown (``workshop.pacing``): not yet, or no longer."""
    if started_at is None:
        return AnswerRefusedError(
            "De workshop is nog niet begonnen; wacht tot de begeleider het eerste bericht start."
        )
    if pacing.expired(deadline, now):
        return AnswerRefusedError("De tijd voor dit bericht is om; antwoorden kan niet meer.")
    return None
