"""The workshop's tables: what is written to the app's database as it happens.

A restart in the middle of a workshop loses nothing, because every workshop, post, participant,
answer and PIN check is a row in the app's database (``trainer.storage``) the moment it happens.
The tables sit on the same declarative ``Base`` as the trainer's own, so
``Database.create_schema`` creates them next to the practice tables once this module is imported.

- ``workshop``: one session, with its join code, settings, hashed PIN and where it is.
- ``workshop_post``: the posts in workshop order, each stored as shown (generated ones too).
- ``workshop_participant``: who joined, with the display name as typed and a hashed token.
- ``workshop_answer``: one answer per participant and post (a unique constraint makes this hold
  under concurrency), with the scorer's full feedback; ``workshop_answer_alert`` one row per rule
  alert, so "how often was rule X broken" is a ``GROUP BY``.
- ``workshop_pin_check``: PIN checks in progress or failed, counted by ``workshop.pin_guard``.
- ``workshop_team``: the teams of a workshop in team mode (``workshop.teams``), in order.
- ``workshop_reaction``: one +1 per participant and wall answer (a unique constraint makes it
  hold under concurrency).
- ``workshop_attempt``: join attempts and recovery-code checks in progress or failed, per client,
  counted by ``workshop.attempts`` (unknown join codes, wrong recovery codes).

The schema changes through Alembic migrations (``workshop.migrate``): a column or table added
here needs a migration in ``workshop/migrations/versions`` too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
)
from sqlalchemy.orm import Mapped, mapped_column

from trainer.storage import Base
from workshop.security import HASH_BYTES, JOIN_CODE_LENGTH, SALT_BYTES

TITLE_MAX_CHARS = 120  # a workshop title, as typed by the facilitator
DISPLAY_NAME_MAX_CHARS = 40  # a participant's display name
TEAM_NAME_MAX_CHARS = 40  # a team's name, as typed by the facilitator


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
    # The facilitator's way in during a PIN lock: scrypt of the recovery code shown once at
    # creation (migration 0002; None for workshops created before it).
    recovery_salt: Mapped[bytes | None] = mapped_column(LargeBinary(SALT_BYTES), nullable=True)
    recovery_hash: Mapped[bytes | None] = mapped_column(LargeBinary(HASH_BYTES), nullable=True)
    current_index: Mapped[int] = mapped_column(Integer, default=0)  # 0-based post position
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[datetime] = mapped_column()
    # Migration 0003 (``workshop.pacing``): None while the workshop waits in its lobby; the
    # seconds per post of the optional countdown.
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    countdown_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column()
    # Migration 0004 (``workshop.teams``): None without teams, "pick" when participants choose
    # their team at joining, "auto" when the service assigns one.
    team_mode: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # Migration 0005: which podium the presenter view shows in team mode ("both", "teams",
    # "people"; ``workshop.teams.PODIUM_LABELS``), chosen on the dashboard and kept with the
    # workshop, so a projector opened on another device shows the facilitator's choice.
    podium_choice: Mapped[str] = mapped_column(String(8), default="both", server_default="both")


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
    # When answering closes (migration 0003): set once, when the post first becomes current.
    deadline: Mapped[datetime | None] = mapped_column(nullable=True)


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
    # Migration 0004: the participant's team (team mode), and when the facilitator removed them
    # (``workshop.moderation``): the row and its answers stay, every reader leaves them out.
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_team.id", ondelete="SET NULL"), nullable=True
    )
    removed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class WorkshopTeam(Base):
    __tablename__ = "workshop_team"
    __table_args__ = (UniqueConstraint("workshop_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 0-based, the order the facilitator typed
    name: Mapped[str] = mapped_column(String(TEAM_NAME_MAX_CHARS))  # as typed, cleaned
    name_key: Mapped[str] = mapped_column(String(TEAM_NAME_MAX_CHARS))  # storage.name_key


class WorkshopReaction(Base):
    """A participant's +1 on an answer revealed on the wall: once per participant and answer."""

    __tablename__ = "workshop_reaction"
    __table_args__ = (UniqueConstraint("answer_id", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_answer.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_participant.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column()


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


class WorkshopAttempt(Base):
    """A join or recovery attempt in progress or failed; a successful one deletes its row.

    ``kind`` is ``"join"`` (per client, over all workshops: someone guessing join codes) or
    ``"recovery"`` (per client and workshop: someone guessing a recovery code).
    """

    __tablename__ = "workshop_attempt"
    __table_args__ = (Index("ix_workshop_attempt_client", "kind", "client", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    client: Mapped[str] = mapped_column(String(64))  # SHA-256 of the client id, hex
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), nullable=True
    )
    at: Mapped[datetime] = mapped_column()
