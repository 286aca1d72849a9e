"""Workshop mode: a facilitator and 10-40 participants answering the same posts, live.

A network of libraries (or any webcare teams) trains together in a knowledge circle: the
facilitator's screen is on the projector, participants answer on their own phones. This module is
the whole workshop behind that page, with no UI code, so the page only draws what it gets:

- The facilitator creates a workshop (title, posts chosen or drawn from an organisation type,
  pace, when feedback shows, leaderboard on or off) and gets a short **join code** and a
  6-digit **PIN**. Every facilitator action (move on, reveal, close, dashboard, export) needs the
  PIN. Failed PIN attempts are counted in the database (a restart does not reset them), in two
  limits. Per client (one browser session of the page; Python callers share ``DEFAULT_CLIENT``):
  after ``PIN_MAX_FAILURES`` within ``PIN_WINDOW_MIN`` minutes that client is refused every PIN
  until the window has passed, while the facilitator on another laptop gets in with the right
  one, so a prank in the room cannot lock the facilitator out. Per workshop, over all clients:
  after ``PIN_CEILING_FAILURES`` within ``PIN_CEILING_WINDOW_MIN`` minutes every new PIN check
  is refused, since a guesser can start a fresh browser session at will. Sixty wrong PINs in an
  hour is far more than a prank by hand, and keeps brute force hopeless: a 6-digit PIN takes on
  average 500,000 guesses, which at 60 an hour is about 8,300 hours (close to a year); during a
  three-hour session the chance of a hit is under 0.02%.
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

Everything is written to the app's database as it happens (``trainer.storage``), so a restart in
the middle of a workshop loses nothing.

Display contract for the page: **every text a participant typed (display names, replies) is
returned as plain text, exactly as typed, never escaped and never rendered.** The page must show
it with ``st.text``/``st.code`` or inside HTML that it escapes itself (``html.escape``); never
with ``st.markdown`` or ``unsafe_allow_html``. ``trainer.workshop_export`` escapes everything in
the HTML summary and neutralises spreadsheet formulas in the CSV.

Privacy contract: a participant's view holds only their own answer and the answers the
facilitator revealed, without names. The dashboard's answer wall carries text only for revealed
answers and never a name; names appear only in the participant list, the leaderboard and the
CSV export, all behind the PIN.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple, get_args

import numpy as np
from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from trainer.generator import generate_posts
from trainer.nl import amount
from trainer.posts import DECISION_LABELS as DECISION_LABELS  # re-exported
from trainer.posts import DecisionChoice, OrgType, Post
from trainer.scenarios import ScenarioError, get_post, posts_by_org
from trainer.score import score_post
from trainer.storage import Base, Database, name_key, utcnow

Pace = Literal["facilitator", "self"]
FeedbackMode = Literal["immediate", "after_reveal"]
Status = Literal["open", "closed"]

# Join codes: no 0/O and 1/I, which people misread on a projector.
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, 5 bits each
JOIN_CODE_LENGTH = 6  # 30 bits: about a billion codes
PIN_DIGITS = 6
TOKEN_BYTES = 24  # participant tokens: 192 random bits, URL-safe text of 32 characters
PIN_MAX_FAILURES = 5  # failed PIN attempts allowed per client (browser session) ...
PIN_WINDOW_MIN = 10  # ... within this many minutes
PIN_CEILING_FAILURES = 60  # failed PIN attempts allowed per workshop, over all clients ...
PIN_CEILING_WINDOW_MIN = 60  # ... within this many minutes
DEFAULT_CLIENT = "python"  # the client of callers that name none (scripts, the CLI)
CLIENT_MAX_CHARS = 200  # a client id is random text from the page; longer is not one
# scrypt's interactive parameters (16 MiB, ~0.1-0.2 s on a small server): a stolen database does
# not give the PIN away for free, while one check per facilitator click stays bearable.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32

TITLE_MAX_CHARS = 120
DISPLAY_NAME_MAX_CHARS = 40
REPLY_MAX_CHARS = 5_000  # far beyond any webcare reply; guards the database against pastes
MAX_POSTS = 60  # posts per workshop
CODE_RETRIES = 20  # fresh codes tried when a drawn code is taken (chance ~1e-9 each)
RULES_SHOWN = 5  # rules listed as "most often broken"
CACHE_MAX_ENTRIES = 100_000  # per-process caches of workshops and tokens start over beyond this

DECISIONS: tuple[str, ...] = get_args(DecisionChoice)
PACES: tuple[str, ...] = get_args(Pace)
FEEDBACK_MODES: tuple[str, ...] = get_args(FeedbackMode)
Clock = Callable[[], datetime]


# -- errors (Dutch: the page shows them to facilitator and participants as they are) ---------


class WorkshopError(ValueError):
    """A workshop request that cannot be done; the message is Dutch and meant for the user."""


class WorkshopInputError(WorkshopError):
    """A bad argument: the message names the field, the value and what is expected."""


class UnknownWorkshopError(WorkshopError):
    """No workshop has this join code."""


class UnknownParticipantError(WorkshopError):
    """The token does not belong to a participant of this workshop."""


class NameTakenError(WorkshopError):
    """Someone in this workshop already uses this display name."""


class WorkshopClosedError(WorkshopError):
    """The workshop is closed: no joining or answering any more."""


class AnswerRefusedError(WorkshopError):
    """The answer cannot be taken: already answered differently, not this post yet, or closed."""


class WrongPinError(WorkshopError):
    """The facilitator PIN was wrong; ``attempts_left`` before the workshop locks."""

    def __init__(self, message: str, attempts_left: int) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


class PinLockedError(WorkshopError):
    """Too many wrong PINs: facilitator actions are refused until ``until`` (UTC)."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


# -- tables ----------------------------------------------------------------------------------


class Workshop(Base):
    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Unique for good, not just among open workshops: an export of a closed workshop stays
    # reachable by its code, and with a billion codes reuse is never needed.
    join_code: Mapped[str] = mapped_column(String(JOIN_CODE_LENGTH), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS))
    pace: Mapped[str] = mapped_column(String(12))
    feedback: Mapped[str] = mapped_column(String(12))
    leaderboard: Mapped[bool] = mapped_column(Boolean)
    org_type: Mapped[str | None] = mapped_column(String(20))  # when posts were drawn from one
    pin_salt: Mapped[bytes] = mapped_column(LargeBinary(SALT_BYTES))
    pin_hash: Mapped[bytes] = mapped_column(LargeBinary(HASH_BYTES))  # scrypt(PIN, salt)
    current_index: Mapped[int] = mapped_column(Integer, default=0)  # 0-based post position
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()


class WorkshopPost(Base):
    __tablename__ = "workshop_post"
    __table_args__ = (UniqueConstraint("workshop_id", "post_id"),)

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0-based
    post_id: Mapped[str] = mapped_column(String(120))
    post_json: Mapped[str] = mapped_column(Text)  # the post as shown (generated ones too)
    feedback_revealed: Mapped[bool] = mapped_column(Boolean, default=False)


class WorkshopParticipant(Base):
    __tablename__ = "workshop_participant"
    __table_args__ = (UniqueConstraint("workshop_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_MAX_CHARS))  # as typed
    name_key: Mapped[str] = mapped_column(String(DISPLAY_NAME_MAX_CHARS))  # storage.name_key
    # SHA-256 of the token: a copy of the database does not let anyone act as a participant.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    joined_at: Mapped[datetime] = mapped_column()


class WorkshopAnswer(Base):
    __tablename__ = "workshop_answer"
    # Exactly one answer per participant and post, whatever the number of threads or servers.
    __table_args__ = (
        UniqueConstraint("participant_id", "position"),
        Index("ix_workshop_answer_post", "workshop_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_participant.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    post_id: Mapped[str] = mapped_column(String(120))
    decision: Mapped[str] = mapped_column(String(10))
    decision_expected: Mapped[str] = mapped_column(String(10))
    decision_correct: Mapped[bool] = mapped_column(Boolean)
    reply: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float)  # 0-100
    result_json: Mapped[dict[str, Any]] = mapped_column()  # the scorer's full feedback
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)  # on the anonymous wall
    submitted_at: Mapped[datetime] = mapped_column()


class WorkshopAnswerAlert(Base):
    __tablename__ = "workshop_answer_alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_answer.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(60), index=True)
    level: Mapped[str] = mapped_column(String(20))


class WorkshopPinAttempt(Base):
    """A PIN check in progress or failed; a successful check deletes its row again.

    A table of its own (not the older ``workshop_pin_attempt``, which had no client): the schema
    is created, not migrated, so a database from before simply starts this count afresh.
    """

    __tablename__ = "workshop_pin_check"
    __table_args__ = (
        Index("ix_workshop_pin_check", "workshop_id", "at"),
        Index("ix_workshop_pin_check_client", "workshop_id", "client", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    client: Mapped[str] = mapped_column(String(64))  # SHA-256 of the client id, hex
    at: Mapped[datetime] = mapped_column()


# -- records handed out (flat, read-only) ----------------------------------------------------


@dataclass(frozen=True)
class WorkshopInfo:
    code: str
    title: str
    pace: str
    feedback: str
    leaderboard: bool
    status: str  # "open" or "closed"
    current_index: int  # 0-based position of the facilitator's current post
    post_count: int
    created_at: datetime
    closed_at: datetime | None


class Created(NamedTuple):
    """What the facilitator gets once: the code to share and the PIN to keep."""

    code: str
    pin: str


@dataclass(frozen=True)
class Participant:
    id: int
    display_name: str  # plain text as typed (see the display contract)
    joined_at: datetime


@dataclass(frozen=True)
class Joined:
    participant: Participant
    token: str  # keep it (URL or browser storage) to rejoin; shown nowhere else


@dataclass(frozen=True)
class CurrentPost:
    """Where a participant is: the post to answer now, or ``None`` when there is nothing."""

    position: int | None  # 0-based; None when a self-paced participant answered everything
    total: int
    # The full post, answer key included: show expected_decision, model_answer and notes only
    # when feedback_visible is true.
    post: Post | None
    answered: bool
    feedback_visible: bool
    accepting: bool  # an answer to this post would be taken now
    finished: bool  # self pace: every post answered
    closed: bool


@dataclass(frozen=True)
class Answer:
    id: int
    post_id: str
    position: int
    decision: str
    reply: str  # plain text as typed
    score: float
    decision_expected: str
    decision_correct: bool
    rules: tuple[str, ...]  # rules that raised alerts, sorted
    submitted_at: datetime


@dataclass(frozen=True)
class Rejoined:
    participant: Participant
    current: CurrentPost
    answered: int  # posts answered so far


@dataclass(frozen=True)
class WallEntry:
    """One answer on the anonymous wall: never a name, text only once revealed."""

    answer_id: int
    post_id: str
    decision: str
    revealed: bool
    reply: str | None  # plain text, None while hidden


class AnsweredPost(NamedTuple):
    position: int  # 0-based
    post_id: str


@dataclass(frozen=True)
class ParticipantView:
    workshop: WorkshopInfo
    me: Participant
    current: CurrentPost
    my_answer: Answer | None  # to the current post
    feedback: dict[str, Any] | None  # the scorer's result for my answer, when visible
    model_answer: str | None  # the post's model answer, when feedback is visible
    wall: tuple[WallEntry, ...]  # revealed answers to the current post (mine included)
    answered: tuple[AnsweredPost, ...] = ()  # every post I answered, in workshop order


@dataclass(frozen=True)
class AnswerFeedback:
    """A participant's own answer to one post, with its feedback once that may be shown."""

    post: Post  # answer key included: show it only when feedback_visible
    position: int
    answer: Answer | None  # None when this participant did not answer the post
    feedback_visible: bool  # by the workshop's feedback mode, the reveal and closing
    feedback: dict[str, Any] | None  # the scorer's result stored at submit time, when visible
    model_answer: str | None  # when feedback is visible


@dataclass(frozen=True)
class ParticipantStatus:
    display_name: str
    joined_at: datetime
    answered_current: bool
    answered: int


@dataclass(frozen=True)
class RuleCount:
    rule: str
    answers: int  # answers in which the rule raised at least one alert
    share: float  # of the answers with a written reply, 0-1


@dataclass(frozen=True)
class PostStats:
    position: int
    post_id: str
    post: Post
    expected: str
    answers: int
    public: int
    private: int
    none: int
    correct: int
    mean_score: float | None
    feedback_revealed: bool
    rules: tuple[RuleCount, ...]


@dataclass(frozen=True)
class LeaderboardRow:
    display_name: str
    total_score: float
    answered: int


@dataclass(frozen=True)
class Dashboard:
    workshop: WorkshopInfo
    participants: tuple[ParticipantStatus, ...]
    posts: tuple[PostStats, ...]
    rules: tuple[RuleCount, ...]  # over the whole workshop
    wall_position: int
    wall: tuple[WallEntry, ...]
    leaderboard: tuple[LeaderboardRow, ...] | None  # None when switched off


@dataclass(frozen=True)
class ExportRow:
    """One answer with its author, for the facilitator's CSV and report (PIN only)."""

    position: int
    post_id: str
    display_name: str
    decision: str
    decision_expected: str
    decision_correct: bool
    score: float
    rules: tuple[str, ...]
    reply: str
    revealed: bool
    submitted_at: datetime


@dataclass(frozen=True)
class Report:
    dashboard: Dashboard
    answers: tuple[ExportRow, ...]


# -- helpers ---------------------------------------------------------------------------------


def new_join_code() -> str:
    """A fresh join code.

    Drawn with ``secrets``, not the simulation's seeded generator: a seeded draw is reproducible
    by design, so anyone who knows (or guesses) the seed could predict every code and PIN.
    """
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_pin() -> str:
    """A fresh facilitator PIN, from ``secrets`` for the same reason as the join code."""
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def normalise_code(code: str) -> str:
    """The join code as stored: upper case, without spaces or dashes people type in."""
    return "".join(ch for ch in str(code).upper() if ch not in " -\t\n")


def hash_pin(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        str(pin).strip().encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=HASH_BYTES
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(str(token).encode()).hexdigest()


def _clean_text(value: object, field: str, max_chars: int) -> str:
    if not isinstance(value, str):
        raise WorkshopInputError(f"{field}: kreeg {value!r}; verwacht tekst.")
    # Control characters (NUL, escape codes) have no place in a name; whitespace collapses.
    clean = " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())
    if not clean:
        raise WorkshopInputError(f"Vul een {field} in.")
    if len(clean) > max_chars:
        raise WorkshopInputError(
            f"{field}: {len(clean)} tekens lang; gebruik er hoogstens {max_chars}."
        )
    return clean


def _client_key(client: object) -> str:
    """What the database keeps of a client id: its SHA-256, so every id takes 64 characters."""
    if not isinstance(client, str) or not client.strip() or len(client) > CLIENT_MAX_CHARS:
        raise WorkshopInputError(
            f"client: kreeg {client!r}; verwacht een niet-lege tekst van hoogstens "
            f"{CLIENT_MAX_CHARS} tekens."
        )
    return hashlib.sha256(client.encode()).hexdigest()


def _minutes_until(moment: datetime, now: datetime) -> int:
    return max(1, -(-int((moment - now).total_seconds()) // 60))


@dataclass(frozen=True)
class _Fixed:
    """The parts of a workshop that never change after creation."""

    id: int
    pace: str
    posts: dict[str, tuple[int, Post]]  # post id -> position, post


class WorkshopService:
    """The workshop flow the page calls. Safe to share between threads: all state is in the
    database, apart from the random generator (used only to draw posts) and a cache of PINs
    already verified, which spares the slow scrypt check on every dashboard refresh.
    """

    def __init__(self, db: Database, rng: np.random.Generator, now: Clock = utcnow) -> None:
        self.db = db
        self.rng = rng
        self._now = now
        self._rng_lock = threading.Lock()
        self._fixed_lock = threading.Lock()
        # Keyed MACs of (workshop, PIN) pairs that passed scrypt in this process; the key is
        # random per process, so the cache is worthless outside it and never stored.
        self._pin_cache_key = secrets.token_bytes(32)
        self._pin_cache: set[bytes] = set()
        # What never changes once written (a workshop's pace and posts, whose token is whose),
        # kept per process so a submit does not parse posts or look up tokens every time.
        self._fixed_cache: dict[str, _Fixed] = {}
        self._token_cache: dict[str, tuple[int, int]] = {}  # token hash -> workshop, participant
        db.create_schema()  # the workshop tables, if the database predates them

    def warm_up(self) -> None:
        """Load the scorer's dictionaries and language models now (seconds, once per process),
        so the first participant's submit is not the one that waits; call it at app start."""
        post = posts_by_org("library")[0]
        # A short and a long text: the language detector loads different models for each.
        score_post(post, "public", "Hi there, sorry about that, we'll check it!")
        score_post(post, "private", post.model_answer or post.text)

    def now(self) -> datetime:
        moment = self._now()
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise WorkshopInputError(f"clock: kreeg {moment!r}; verwacht een tijd met tijdzone.")
        return moment

    # -- facilitator: creating ---------------------------------------------------------------

    def create_workshop(
        self,
        title: str,
        *,
        post_ids: Sequence[str] | None = None,
        org_type: str | None = None,
        n: int | None = None,
        pace: str = "facilitator",
        feedback: str = "after_reveal",
        leaderboard: bool = False,
    ) -> Created:
        """A new open workshop; returns the join code and the PIN (shown once, stored hashed).

        Posts are either ``post_ids`` (scenario posts, in that order) or ``n`` drawn from
        ``org_type``: hand-written posts first, in an order drawn from the generator, topped up
        with generated variants when ``n`` is larger than the hand-written set.
        """
        clean_title = _clean_text(title, "titel", TITLE_MAX_CHARS)
        if pace not in PACES:
            raise WorkshopInputError(f"tempo: kreeg {pace!r}; verwacht een van {', '.join(PACES)}.")
        if feedback not in FEEDBACK_MODES:
            raise WorkshopInputError(
                f"feedback: kreeg {feedback!r}; verwacht een van {', '.join(FEEDBACK_MODES)}."
            )
        if not isinstance(leaderboard, bool):
            raise WorkshopInputError(f"ranglijst: kreeg {leaderboard!r}; verwacht True of False.")
        posts = self._choose_posts(post_ids, org_type, n)

        pin = new_pin()
        salt = secrets.token_bytes(SALT_BYTES)
        pin_hash = hash_pin(pin, salt)
        now = self.now()
        for _ in range(CODE_RETRIES):
            code = new_join_code()
            try:
                with self.db.session() as session:
                    workshop = Workshop(
                        join_code=code,
                        title=clean_title,
                        pace=pace,
                        feedback=feedback,
                        leaderboard=leaderboard,
                        org_type=org_type if post_ids is None else None,
                        pin_salt=salt,
                        pin_hash=pin_hash,
                        current_index=0,
                        status="open",
                        created_at=now,
                    )
                    session.add(workshop)
                    session.flush()
                    session.add_all(
                        WorkshopPost(
                            workshop_id=workshop.id,
                            position=k,
                            post_id=post.id,
                            post_json=post.model_dump_json(),
                            feedback_revealed=False,
                        )
                        for k, post in enumerate(posts)
                    )
                return Created(code, pin)
            except IntegrityError:
                continue  # the code was taken (about one in a billion): draw another
        raise WorkshopError("Er kon geen vrije deelcode worden gevonden; probeer het opnieuw.")

    def _choose_posts(
        self, post_ids: Sequence[str] | None, org_type: str | None, n: int | None
    ) -> list[Post]:
        if (post_ids is None) == (org_type is None):
            raise WorkshopInputError(
                "posts: geef óf post_ids (gekozen berichten) óf org_type met n (getrokken "
                "berichten)."
            )
        if post_ids is not None:
            if isinstance(post_ids, str) or not post_ids:
                raise WorkshopInputError(
                    f"post_ids: kreeg {post_ids!r}; verwacht een lijst met minstens één bericht-id."
                )
            if len(post_ids) > MAX_POSTS:
                raise WorkshopInputError(
                    f"post_ids: {len(post_ids)} berichten; gebruik er hoogstens {MAX_POSTS}."
                )
            twice = sorted({i for i in post_ids if list(post_ids).count(i) > 1})
            if twice:
                raise WorkshopInputError(f"post_ids: {twice} staan er dubbel in; elk één keer.")
            try:
                return [get_post(str(i)) for i in post_ids]
            except ScenarioError as exc:
                raise WorkshopInputError(f"post_ids: {exc}") from None
        orgs = get_args(OrgType)
        if not isinstance(org_type, str) or org_type not in orgs:
            raise WorkshopInputError(
                f"org_type: kreeg {org_type!r}; verwacht een van {', '.join(orgs)}."
            )
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_POSTS:
            raise WorkshopInputError(f"n: kreeg {n!r}; verwacht een aantal van 1 tot {MAX_POSTS}.")
        pool = posts_by_org(org_type)
        with self._rng_lock:  # a Generator is not safe to draw from in two threads at once
            order = self.rng.permutation(len(pool))
            chosen = [pool[int(k)] for k in order[:n]]
            if n > len(chosen):
                chosen += generate_posts(self.rng, n - len(chosen), org_type)  # type: ignore[arg-type]
        return chosen

    # -- participants ------------------------------------------------------------------------

    def join(self, code: str, display_name: str) -> Joined:
        """Join an open workshop; the token lets the participant rejoin later."""
        name = _clean_text(display_name, "naam", DISPLAY_NAME_MAX_CHARS)
        workshop = self._workshop(code)
        if workshop.status != "open":
            raise WorkshopClosedError("Deze workshop is afgesloten; meedoen kan niet meer.")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        try:
            with self.db.session() as session:
                row = WorkshopParticipant(
                    workshop_id=workshop.id,
                    display_name=name,
                    name_key=name_key(name),
                    token_hash=_token_hash(token),
                    joined_at=self.now(),
                )
                session.add(row)
                session.flush()
                participant = Participant(row.id, row.display_name, row.joined_at)
        except IntegrityError:
            raise NameTakenError(
                f"De naam „{name}” is in deze workshop al in gebruik. Kies een andere naam, of "
                "ga verder op het apparaat waarmee je eerder meedeed."
            ) from None
        self._remember_token(_token_hash(token), workshop.id, participant.id)
        return Joined(participant, token)

    def rejoin(self, code: str, token: str) -> Rejoined:
        """The participant this token belongs to, and where they are (also in a closed workshop)."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            answered = self._answered_positions(session, me.id)
            current = self._current(session, workshop, answered)
            return Rejoined(
                Participant(me.id, me.display_name, me.joined_at), current, len(answered)
            )

    def current_post(self, code: str, token: str) -> CurrentPost:
        """The post this participant should answer now (see the module docstring for paces)."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            return self._current(session, workshop, self._answered_positions(session, me.id))

    def submit(self, code: str, token: str, post_id: str, decision: str, reply: str = "") -> Answer:
        """Score and store an answer; once per participant and post (see the module docstring).

        Raises ``AnswerRefusedError`` for a different second answer, a post not open for
        answers, and ``WorkshopClosedError`` once the workshop is closed.
        """
        if decision not in DECISIONS:
            raise WorkshopInputError(
                f"beslissing: kreeg {decision!r}; verwacht een van {', '.join(DECISIONS)}."
            )
        if not isinstance(reply, str):
            raise WorkshopInputError(f"antwoord: kreeg {reply!r}; verwacht tekst.")
        if len(reply) > REPLY_MAX_CHARS:
            raise WorkshopInputError(
                f"antwoord: {len(reply)} tekens lang; gebruik er hoogstens {REPLY_MAX_CHARS}."
            )
        fixed = self._fixed(code)
        participant_id = self._participant_id(fixed, token)
        slot = fixed.posts.get(str(post_id))
        if slot is None:
            raise AnswerRefusedError(f"Het bericht {post_id!r} hoort niet bij deze workshop.")
        position, post = slot

        # Score before the transaction: the write lock is held for the checks and inserts only.
        result = score_post(post, decision, reply).to_dict()
        alerts = result["alerts"]
        rules = tuple(sorted({a["rule"] for a in alerts}))
        now = self.now()
        values: dict[str, Any] = {
            "workshop_id": fixed.id,
            "participant_id": participant_id,
            "position": position,
            "post_id": post.id,
            "decision": decision,
            "decision_expected": result["decision"]["expected"],
            "decision_correct": bool(result["decision"]["correct"]),
            "reply": reply,
            "score": float(result["score"]),
            "result_json": json.loads(json.dumps(result)),
            "revealed": False,
            "submitted_at": now,
        }
        refusal: WorkshopError | None = None
        try:
            # Core statements rather than ORM objects: 40 people press send in the same second,
            # and the write lock is held for this block only.
            with self.db.session() as session:
                # The connection, not the ORM session: plain Core statements take half the time.
                conn = session.connection()
                status, current_index, revealed = conn.execute(
                    _STATE_QUERY, {"workshop_id": fixed.id, "position": position}
                ).one()
                refusal = _refusal(fixed.pace, status, current_index, revealed, position)
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
                    return Answer(
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
        except IntegrityError:
            pass  # the participant answered this post in another request a moment ago
        with self.db.session(readonly=True) as session:
            existing = self._answer_of(session, participant_id, position)
        if existing is not None:
            return self._same_or_refuse(existing, decision, reply)
        if refusal is not None:
            raise refusal
        raise AssertionError("an answer refused by the database must exist")

    def participant_view(self, code: str, token: str) -> ParticipantView:
        """Everything the participant's screen shows; never another participant's hidden draft."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            answered = self._answered_posts(session, me.id)
            current = self._current(session, workshop, {a.position for a in answered})
            mine: Answer | None = None
            feedback: dict[str, Any] | None = None
            model_answer: str | None = None
            wall: tuple[WallEntry, ...] = ()
            if current.position is not None and current.post is not None:
                mine = self._answer_of(session, me.id, current.position)
                if current.feedback_visible:
                    model_answer = current.post.model_answer
                    if mine is not None:
                        row = session.get(WorkshopAnswer, mine.id)
                        feedback = dict(row.result_json) if row is not None else None
                wall = tuple(
                    e for e in self._wall(session, workshop, current.position) if e.revealed
                )
            return ParticipantView(
                workshop=self._info(session, workshop),
                me=Participant(me.id, me.display_name, me.joined_at),
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
                    WorkshopPost.workshop_id == workshop.id, WorkshopPost.post_id == str(post_id)
                )
            )
            if wpost is None:
                raise WorkshopInputError(f"post_id: {post_id!r} hoort niet bij deze workshop.")
            post = Post.model_validate_json(wpost.post_json)
            mine = self._answer_of(session, me.id, wpost.position)
            visible = _feedback_visible(workshop, wpost, mine is not None)
            feedback: dict[str, Any] | None = None
            if visible and mine is not None:
                row = session.get(WorkshopAnswer, mine.id)
                feedback = dict(row.result_json) if row is not None else None
            return AnswerFeedback(
                post=post,
                position=wpost.position,
                answer=mine,
                feedback_visible=visible,
                feedback=feedback,
                model_answer=post.model_answer if visible else None,
            )

    # -- facilitator actions -----------------------------------------------------------------

    # Every facilitator action takes ``client``: who is trying the PIN, for the per-client
    # limit (see ``_facilitator``). The page passes its browser session's id.

    def next_post(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> int:
        """Move the workshop to the next post (everyone, in facilitator pace); the new position."""
        return self._move(code, pin, +1, client)

    def previous_post(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> int:
        """Move back one post (to discuss it again); the new position."""
        return self._move(code, pin, -1, client)

    def _move(self, code: str, pin: str, step: int, client: str) -> int:
        workshop_id = self._facilitator(code, pin, client)
        with self.db.session() as session:
            workshop = self._locked_workshop(session, workshop_id)
            if workshop.status != "open":
                raise WorkshopClosedError("Deze workshop is afgesloten.")
            count = self._post_count(session, workshop_id)
            workshop.current_index = min(max(workshop.current_index + step, 0), count - 1)
            return workshop.current_index

    def reveal_feedback(
        self, code: str, pin: str, post_id: str, *, client: str = DEFAULT_CLIENT
    ) -> None:
        """Let participants see the feedback of one post; it then takes no new answers."""
        workshop_id = self._facilitator(code, pin, client)
        with self.db.session() as session:
            done = session.execute(
                update(WorkshopPost)
                .where(WorkshopPost.workshop_id == workshop_id, WorkshopPost.post_id == post_id)
                .values(feedback_revealed=True)
            )
            if not getattr(done, "rowcount", 1):
                raise WorkshopInputError(f"post_id: {post_id!r} hoort niet bij deze workshop.")

    def reveal_answer(
        self, code: str, pin: str, answer_id: int, *, client: str = DEFAULT_CLIENT
    ) -> None:
        """Show one answer's text on the anonymous wall."""
        self._set_revealed(code, pin, answer_id, True, client)

    def hide_answer(
        self, code: str, pin: str, answer_id: int, *, client: str = DEFAULT_CLIENT
    ) -> None:
        self._set_revealed(code, pin, answer_id, False, client)

    def _set_revealed(
        self, code: str, pin: str, answer_id: int, revealed: bool, client: str
    ) -> None:
        workshop_id = self._facilitator(code, pin, client)
        with self.db.session() as session:
            done = session.execute(
                update(WorkshopAnswer)
                .where(WorkshopAnswer.workshop_id == workshop_id, WorkshopAnswer.id == answer_id)
                .values(revealed=revealed)
            )
            if not getattr(done, "rowcount", 1):
                raise WorkshopInputError(
                    f"answer_id: {answer_id!r} is geen antwoord in deze workshop."
                )

    def close(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> None:
        """Close the workshop: no joining or answering; all feedback becomes visible."""
        workshop_id = self._facilitator(code, pin, client)
        with self.db.session() as session:
            workshop = self._locked_workshop(session, workshop_id)
            if workshop.status != "closed":
                workshop.status = "closed"
                workshop.closed_at = self.now()

    def dashboard(
        self,
        code: str,
        pin: str,
        wall_post: str | None = None,
        *,
        client: str = DEFAULT_CLIENT,
    ) -> Dashboard:
        """The facilitator's live overview; the wall shows ``wall_post`` (default: current)."""
        workshop_id = self._facilitator(code, pin, client)
        with self.db.session(readonly=True) as session:
            return self._dashboard(session, workshop_id, wall_post)

    def report(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> Report:
        """The dashboard plus every answer with its author, for the export and the summary."""
        workshop_id = self._facilitator(code, pin, client)
        with self.db.session(readonly=True) as session:
            board = self._dashboard(session, workshop_id, None)
            alerts = self._rules_by_answer(session, workshop_id)
            rows = session.execute(
                select(WorkshopAnswer, WorkshopParticipant.display_name)
                .join(WorkshopParticipant, WorkshopParticipant.id == WorkshopAnswer.participant_id)
                .where(WorkshopAnswer.workshop_id == workshop_id)
                .order_by(WorkshopAnswer.position, func.lower(WorkshopParticipant.display_name))
            ).all()
            answers = tuple(
                ExportRow(
                    position=a.position,
                    post_id=a.post_id,
                    display_name=name,
                    decision=a.decision,
                    decision_expected=a.decision_expected,
                    decision_correct=a.decision_correct,
                    score=a.score,
                    rules=alerts.get(a.id, ()),
                    reply=a.reply,
                    revealed=a.revealed,
                    submitted_at=a.submitted_at,
                )
                for a, name in rows
            )
            return Report(board, answers)

    def export_csv(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> str:
        """All answers as standard comma-separated CSV text, for scripts and pandas (see
        ``trainer.workshop_export.answers_csv``); the download for Excel is
        ``export_spreadsheet``."""
        from trainer.workshop_export import answers_csv

        return answers_csv(self.report(code, pin, client=client))

    def export_spreadsheet(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> bytes:
        """All answers as the CSV file the facilitator downloads for (Dutch) Excel: semicolons
        between the columns, UTF-8 with a byte-order mark (see
        ``trainer.workshop_export.for_spreadsheet``)."""
        from trainer.workshop_export import for_spreadsheet

        return for_spreadsheet(self.report(code, pin, client=client))

    def summary_html(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> str:
        """A self-contained HTML report of the session, every participant text escaped."""
        from trainer.workshop_export import summary_html

        return summary_html(self.report(code, pin, client=client))

    # -- PIN checks --------------------------------------------------------------------------

    def _facilitator(self, code: str, pin: str, client: str = DEFAULT_CLIENT) -> int:
        """The workshop id if ``pin`` is right; counts a wrong one against both limits.

        Every check first reserves an attempt row (with the limits counted in the same write
        transaction), then compares, then deletes the row when the PIN was right: so concurrent
        guesses cannot slip past either limit between count and check.
        """
        client_key = _client_key(client)
        workshop = self._workshop(code)
        now = self.now()
        client_start = now - timedelta(minutes=PIN_WINDOW_MIN)
        ceiling_start = now - timedelta(minutes=PIN_CEILING_WINDOW_MIN)
        mac = hmac.new(
            self._pin_cache_key, f"{workshop.id}:{str(pin).strip()}".encode(), hashlib.sha256
        ).digest()
        with self.db.session() as session:
            self._locked_workshop(session, workshop.id)  # PostgreSQL: one check at a time
            if mac in self._pin_cache:
                # This exact PIN passed scrypt in this server before (the facilitator's open
                # dashboard): right, no new row, and no lock stops it. A PIN never verified here
                # still meets the limits below.
                return workshop.id
            # Failures older than the longest window count for nothing any more.
            session.execute(
                delete(WorkshopPinAttempt).where(
                    WorkshopPinAttempt.workshop_id == workshop.id,
                    WorkshopPinAttempt.at <= ceiling_start,
                )
            )
            recent = session.execute(
                select(WorkshopPinAttempt.at, WorkshopPinAttempt.client).where(
                    WorkshopPinAttempt.workshop_id == workshop.id,
                    WorkshopPinAttempt.at > ceiling_start,
                )
            ).all()
            mine = [at for at, who in recent if who == client_key and at > client_start]
            if len(mine) >= PIN_MAX_FAILURES:
                until = min(mine) + timedelta(minutes=PIN_WINDOW_MIN)
                raise PinLockedError(
                    "Te vaak een verkeerde pincode: dit apparaat staat op slot voor deze "
                    "workshop. Probeer het over "
                    f"{amount(_minutes_until(until, now), 'minuut', 'minuten')} opnieuw.",
                    until,
                )
            if len(recent) >= PIN_CEILING_FAILURES:
                until = min(at for at, _ in recent) + timedelta(minutes=PIN_CEILING_WINDOW_MIN)
                raise PinLockedError(
                    "Voor deze workshop is te vaak een verkeerde pincode geprobeerd; hij staat "
                    "uit voorzorg op slot. Probeer het over "
                    f"{amount(_minutes_until(until, now), 'minuut', 'minuten')} opnieuw. Een "
                    "scherm waarop de workshop al open is, werkt gewoon door.",
                    until,
                )
            attempt = WorkshopPinAttempt(workshop_id=workshop.id, client=client_key, at=now)
            session.add(attempt)
            session.flush()
            attempt_id = attempt.id
        right = hmac.compare_digest(hash_pin(pin, workshop.pin_salt), workshop.pin_hash)
        if right:
            with self.db.session() as session:
                session.execute(
                    delete(WorkshopPinAttempt).where(WorkshopPinAttempt.id == attempt_id)
                )
            self._pin_cache.add(mac)
            return workshop.id
        left = max(
            0,
            min(PIN_MAX_FAILURES - len(mine) - 1, PIN_CEILING_FAILURES - len(recent) - 1),
        )
        raise WrongPinError(
            f"Verkeerde pincode. Nog {amount(left, 'poging', 'pogingen')}; daarna kun je het op "
            f"dit apparaat {amount(PIN_WINDOW_MIN, 'minuut', 'minuten')} niet meer proberen.",
            left,
        )

    # -- reading -----------------------------------------------------------------------------

    def _fixed(self, code: str) -> _Fixed:
        key = normalise_code(code) if isinstance(code, str) else code
        fixed = self._fixed_cache.get(key)
        if fixed is None:
            with self._fixed_lock:  # one thread loads; the other 39 of a round wait for it
                fixed = self._fixed_cache.get(key) or self._load_fixed(key, code)
        return fixed

    def _load_fixed(self, key: str, code: str) -> _Fixed:
        with self.db.session(readonly=True) as session:
            workshop = self._workshop_in(session, code)
            posts = {
                wp.post_id: (wp.position, Post.model_validate_json(wp.post_json))
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
        fixed = _Fixed(workshop.id, workshop.pace, posts)
        if len(self._fixed_cache) >= CACHE_MAX_ENTRIES:
            self._fixed_cache.clear()
        self._fixed_cache[key] = fixed
        return fixed

    def _participant_id(self, fixed: _Fixed, token: str) -> int:
        key = _token_hash(token)
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
                raise UnknownParticipantError(
                    "Je deelname aan deze workshop is niet gevonden. Doe opnieuw mee met de "
                    "deelcode en een naam."
                )
            known = self._remember_token(key, fixed.id, pid)
        if known[0] != fixed.id:
            raise UnknownParticipantError(
                "Je deelname aan deze workshop is niet gevonden. Doe opnieuw mee met de deelcode "
                "en een naam."
            )
        return known[1]

    def _remember_token(self, key: str, workshop_id: int, participant_id: int) -> tuple[int, int]:
        if len(self._token_cache) >= CACHE_MAX_ENTRIES:
            self._token_cache.clear()
        known = self._token_cache[key] = (workshop_id, participant_id)
        return known

    def _workshop(self, code: str) -> Workshop:
        with self.db.session(readonly=True) as session:
            return self._workshop_in(session, code)

    @staticmethod
    def _workshop_in(session: Session, code: str) -> Workshop:
        if not isinstance(code, str):
            raise UnknownWorkshopError(f"Deelcode {code!r}: verwacht tekst zoals 'K7MPQ2'.")
        row = session.scalar(select(Workshop).where(Workshop.join_code == normalise_code(code)))
        if row is None:
            raise UnknownWorkshopError(
                f"Er is geen workshop met deelcode „{code.strip()}”. Controleer de code op het "
                "scherm van de begeleider."
            )
        return row

    @staticmethod
    def _locked_workshop(session: Session, workshop_id: int) -> Workshop:
        row = session.scalar(select(Workshop).where(Workshop.id == workshop_id).with_for_update())
        if row is None:
            raise UnknownWorkshopError("Deze workshop bestaat niet meer.")
        return row

    def _participant(
        self, session: Session, code: str, token: str
    ) -> tuple[Workshop, WorkshopParticipant]:
        workshop = self._workshop_in(session, code)
        me = session.scalar(
            select(WorkshopParticipant).where(
                WorkshopParticipant.token_hash == _token_hash(token),
                WorkshopParticipant.workshop_id == workshop.id,
            )
        )
        if me is None:
            raise UnknownParticipantError(
                "Je deelname aan deze workshop is niet gevonden. Doe opnieuw mee met de deelcode "
                "en een naam."
            )
        self._remember_token(me.token_hash, workshop.id, me.id)
        return workshop, me

    @staticmethod
    def _post_count(session: Session, workshop_id: int) -> int:
        return int(
            session.scalar(select(func.count()).where(WorkshopPost.workshop_id == workshop_id)) or 0
        )

    @staticmethod
    def _answered_posts(session: Session, participant_id: int) -> tuple[AnsweredPost, ...]:
        return tuple(
            AnsweredPost(position, post_id)
            for position, post_id in session.execute(
                select(WorkshopAnswer.position, WorkshopAnswer.post_id)
                .where(WorkshopAnswer.participant_id == participant_id)
                .order_by(WorkshopAnswer.position)
            )
        )

    @staticmethod
    def _answered_positions(session: Session, participant_id: int) -> set[int]:
        return set(
            session.scalars(
                select(WorkshopAnswer.position).where(
                    WorkshopAnswer.participant_id == participant_id
                )
            )
        )

    def _current(self, session: Session, workshop: Workshop, answered: set[int]) -> CurrentPost:
        posts = list(
            session.scalars(
                select(WorkshopPost)
                .where(WorkshopPost.workshop_id == workshop.id)
                .order_by(WorkshopPost.position)
            )
        )
        closed = workshop.status != "open"
        if workshop.pace == "facilitator":
            position: int | None = workshop.current_index
        else:
            position = next((p.position for p in posts if p.position not in answered), None)
        if position is None:
            return CurrentPost(None, len(posts), None, False, False, False, True, closed)
        wpost = posts[position]
        is_answered = position in answered
        visible = _feedback_visible(workshop, wpost, is_answered)
        accepting = not closed and not is_answered and not wpost.feedback_revealed
        return CurrentPost(
            position=position,
            total=len(posts),
            post=Post.model_validate_json(wpost.post_json),
            answered=is_answered,
            feedback_visible=visible,
            accepting=accepting,
            finished=False,
            closed=closed,
        )

    def _answer_of(self, session: Session, participant_id: int, position: int) -> Answer | None:
        row = session.scalar(
            select(WorkshopAnswer).where(
                WorkshopAnswer.participant_id == participant_id,
                WorkshopAnswer.position == position,
            )
        )
        if row is None:
            return None
        rules = session.scalars(
            select(WorkshopAnswerAlert.rule).where(WorkshopAnswerAlert.answer_id == row.id)
        )
        return _answer_record(row, tuple(sorted(set(rules))))

    @staticmethod
    def _same_or_refuse(existing: Answer, decision: str, reply: str) -> Answer:
        if existing.decision == decision and existing.reply == reply:
            return existing  # a retry of the same answer: nothing new, nothing lost
        raise AnswerRefusedError(
            "Je hebt dit bericht al beantwoord; je eerste antwoord telt en kan niet meer worden "
            "gewijzigd."
        )

    def _info(self, session: Session, workshop: Workshop) -> WorkshopInfo:
        return WorkshopInfo(
            code=workshop.join_code,
            title=workshop.title,
            pace=workshop.pace,
            feedback=workshop.feedback,
            leaderboard=workshop.leaderboard,
            status=workshop.status,
            current_index=workshop.current_index,
            post_count=self._post_count(session, workshop.id),
            created_at=workshop.created_at,
            closed_at=workshop.closed_at,
        )

    def _wall(self, session: Session, workshop: Workshop, position: int) -> list[WallEntry]:
        rows = list(
            session.execute(
                select(
                    WorkshopAnswer.id,
                    WorkshopAnswer.post_id,
                    WorkshopAnswer.decision,
                    WorkshopAnswer.revealed,
                    WorkshopAnswer.reply,
                ).where(
                    WorkshopAnswer.workshop_id == workshop.id, WorkshopAnswer.position == position
                )
            )
        )
        # Not in submission order, which the facilitator could match to who answered when: a
        # stable order keyed by the workshop's secret salt, unrelated to time or name.
        rows.sort(
            key=lambda r: hmac.new(workshop.pin_salt, str(r.id).encode(), hashlib.sha256).digest()
        )
        return [
            WallEntry(r.id, r.post_id, r.decision, r.revealed, r.reply if r.revealed else None)
            for r in rows
        ]

    @staticmethod
    def _rules_by_answer(session: Session, workshop_id: int) -> dict[int, tuple[str, ...]]:
        found: dict[int, set[str]] = {}
        for answer_id, rule in session.execute(
            select(WorkshopAnswerAlert.answer_id, WorkshopAnswerAlert.rule)
            .join(WorkshopAnswer, WorkshopAnswer.id == WorkshopAnswerAlert.answer_id)
            .where(WorkshopAnswer.workshop_id == workshop_id)
        ):
            found.setdefault(answer_id, set()).add(rule)
        return {k: tuple(sorted(v)) for k, v in found.items()}

    def _dashboard(self, session: Session, workshop_id: int, wall_post: str | None) -> Dashboard:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None:
            raise UnknownWorkshopError("Deze workshop bestaat niet meer.")
        info = self._info(session, workshop)
        posts = list(
            session.scalars(
                select(WorkshopPost)
                .where(WorkshopPost.workshop_id == workshop_id)
                .order_by(WorkshopPost.position)
            )
        )
        answers = list(
            session.scalars(select(WorkshopAnswer).where(WorkshopAnswer.workshop_id == workshop_id))
        )
        rules_of = self._rules_by_answer(session, workshop_id)
        people = list(
            session.scalars(
                select(WorkshopParticipant)
                .where(WorkshopParticipant.workshop_id == workshop_id)
                .order_by(WorkshopParticipant.joined_at, WorkshopParticipant.id)
            )
        )

        by_person: dict[int, list[WorkshopAnswer]] = {}
        by_position: dict[int, list[WorkshopAnswer]] = {}
        for a in answers:
            by_person.setdefault(a.participant_id, []).append(a)
            by_position.setdefault(a.position, []).append(a)

        participants = tuple(
            ParticipantStatus(
                display_name=p.display_name,
                joined_at=p.joined_at,
                answered_current=any(
                    a.position == workshop.current_index for a in by_person.get(p.id, [])
                ),
                answered=len(by_person.get(p.id, [])),
            )
            for p in people
        )
        stats = []
        for wp in posts:
            given = by_position.get(wp.position, [])
            post = Post.model_validate_json(wp.post_json)
            spread = Counter(a.decision for a in given)
            stats.append(
                PostStats(
                    position=wp.position,
                    post_id=wp.post_id,
                    post=post,
                    expected=post.expected_decision,
                    answers=len(given),
                    public=spread["public"],
                    private=spread["private"],
                    none=spread["none"],
                    correct=sum(a.decision_correct for a in given),
                    mean_score=(sum(a.score for a in given) / len(given)) if given else None,
                    feedback_revealed=wp.feedback_revealed,
                    rules=_rule_counts(given, rules_of),
                )
            )

        if wall_post is None:
            wall_position = workshop.current_index
        else:
            found = next((wp.position for wp in posts if wp.post_id == wall_post), None)
            if found is None:
                raise WorkshopInputError(f"wall_post: {wall_post!r} hoort niet bij deze workshop.")
            wall_position = found

        leaderboard = None
        if workshop.leaderboard:
            rows = [
                LeaderboardRow(
                    p.display_name,
                    float(sum(a.score for a in by_person.get(p.id, []))),
                    len(by_person.get(p.id, [])),
                )
                for p in people
            ]
            # Who has not answered yet goes last, whatever the scores of the others.
            rows.sort(key=lambda r: (r.answered == 0, -r.total_score, r.display_name.casefold()))
            leaderboard = tuple(rows)

        return Dashboard(
            workshop=info,
            participants=participants,
            posts=tuple(stats),
            rules=_rule_counts(answers, rules_of),
            wall_position=wall_position,
            wall=tuple(self._wall(session, workshop, wall_position)),
            leaderboard=leaderboard,
        )


# Built once: composing statements costs more CPU than running them, and 40 submits compete for
# one interpreter lock.
_STATE_QUERY = (
    select(Workshop.status, Workshop.current_index, WorkshopPost.feedback_revealed)
    .join(WorkshopPost, WorkshopPost.workshop_id == Workshop.id)
    .where(Workshop.id == bindparam("workshop_id"), WorkshopPost.position == bindparam("position"))
)
_INSERT_ANSWER = insert(WorkshopAnswer).returning(WorkshopAnswer.id)
_INSERT_ALERT = insert(WorkshopAnswerAlert)


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


def answer_key_shown(workshop: WorkshopInfo, stats: PostStats) -> bool:
    """Whether the room may see a post's expected decision on the projected dashboard.

    The dashboard is on the projector, so it must not give the answer away before participants
    may see it themselves: after the reveal (or, with immediate feedback, once the facilitator
    has moved past the post), and for every post once the workshop is closed. Never for the
    current post before its reveal, nor for posts still to come.
    """
    if workshop.status != "open" or stats.feedback_revealed:
        return True
    return workshop.feedback == "immediate" and stats.position < workshop.current_index


def _feedback_visible(workshop: Workshop, wpost: WorkshopPost, answered: bool) -> bool:
    if workshop.status != "open" or wpost.feedback_revealed:
        return True
    return workshop.feedback == "immediate" and answered


def _rule_counts(
    answers: Sequence[WorkshopAnswer], rules_of: dict[int, tuple[str, ...]]
) -> tuple[RuleCount, ...]:
    written = [a for a in answers if a.reply.strip()]
    counts = Counter(rule for a in written for rule in rules_of.get(a.id, ()))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:RULES_SHOWN]
    return tuple(RuleCount(rule, n, n / len(written)) for rule, n in ranked)


def _answer_record(row: WorkshopAnswer, rules: tuple[str, ...]) -> Answer:
    return Answer(
        id=row.id,
        post_id=row.post_id,
        position=row.position,
        decision=row.decision,
        reply=row.reply,
        score=row.score,
        decision_expected=row.decision_expected,
        decision_correct=row.decision_correct,
        rules=rules,
        submitted_at=row.submitted_at,
    )
