"""Where practice attempts and progress live: one relational database through SQLAlchemy.

A trainee practises over days and weeks, and a workshop may have 40 people submitting at the same
moment, so every attempt is written to a real database as it happens and a restart loses nothing.
By default that is a SQLite file next to the app (``data/webcare.sqlite`` under the repository,
or ``WEBCARE_DB_PATH``); a shared deployment points ``DATABASE_URL`` at PostgreSQL instead.

The schema is small and flat so that statistics are plain SQL queries:

- ``trainee``: a person practising; names are unique regardless of case ("Sanne" is "sanne").
- ``attempt``: one answered post, with the post exactly as it was shown (generated variants can
  be shown again), the decision given and expected, the reply, the score and the full feedback.
- ``attempt_alert``: one row per rule alert of an attempt, so "how often does this trainee break
  rule X" is a ``GROUP BY``.
- ``skill_card``: the spaced-repetition state (an ``fsrs`` card) per trainee and skill.

Later features (the workshop mode) add their own tables on the same ``Base`` that refer to these
ones; ``Database.create_schema`` creates whatever is missing, so no migration step is needed for
new tables. Timestamps are stored in UTC and always come back timezone-aware.

SQLite runs in WAL mode with a busy timeout, and every writing transaction starts with
``BEGIN IMMEDIATE``: writers queue for the write lock up front instead of failing halfway when
another writer got there first, which is what lets many threads and processes write at once.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_PATH = REPO_ROOT / "data" / "webcare.sqlite"
ENV_DATABASE_URL = "DATABASE_URL"
ENV_DB_PATH = "WEBCARE_DB_PATH"

SQLITE_BUSY_TIMEOUT_S = 30  # how long a writer waits for the lock before giving up
SQLITE_POOL_SIZE = 10  # connections kept open per process
SQLITE_MAX_OVERFLOW = 50  # extra connections under a burst (a workshop of 40 submitting at once)
# PostgreSQL: SQLAlchemy's default (5 + 10) made 200 participants answering at once queue for a
# connection. 10 kept + 30 under a burst per app process stays well inside a managed server's
# usual 100 connections with two replicas; the rest wait (up to POOL_TIMEOUT_S), they do not fail.
PG_POOL_SIZE = 10  # connections kept open per process
PG_MAX_OVERFLOW = 30  # extra connections under a burst
POOL_TIMEOUT_S = 30  # how long a request waits for a free connection before failing

NAME_MAX_CHARS = 80
_READONLY_OPTION = "webcare_readonly"


class StorageConfigError(ValueError):
    """The database location cannot be used: names the setting, the value and what is expected."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def name_key(name: str) -> str:
    """The form a trainee name is compared in: case-folded, whitespace collapsed."""
    return " ".join(name.split()).casefold()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and read back timezone-aware.

    SQLite has no time zones, so naive values there are UTC by convention; a naive datetime
    handed in by the code is a bug (whose local time would it be?) and is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"timestamp {value.isoformat()} has no time zone; expected UTC-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Trainee(Base):
    __tablename__ = "trainee"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS))  # as typed the first time
    name_key: Mapped[str] = mapped_column(String(NAME_MAX_CHARS), unique=True)  # see name_key()
    org_type: Mapped[str] = mapped_column(String(20))  # the organisation type last practised
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attempt(Base):
    __tablename__ = "attempt"
    __table_args__ = (Index("ix_attempt_trainee_time", "trainee_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainee.id", ondelete="CASCADE"))
    post_id: Mapped[str] = mapped_column(String(120), index=True)
    org: Mapped[str] = mapped_column(String(20))
    is_generated: Mapped[bool] = mapped_column(Boolean)
    post_json: Mapped[str] = mapped_column(Text)  # trainer.posts.Post as shown, model_dump_json
    decision_given: Mapped[str | None] = mapped_column(String(10))
    decision_expected: Mapped[str] = mapped_column(String(10))
    decision_correct: Mapped[bool] = mapped_column(Boolean)
    reply: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float)  # 0-100
    result_json: Mapped[dict[str, Any]] = mapped_column()  # the scorer's full feedback
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttemptAlert(Base):
    __tablename__ = "attempt_alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(60), index=True)
    level: Mapped[str] = mapped_column(String(20))
    start: Mapped[int] = mapped_column(Integer)  # character span in the reply, end exclusive
    end: Mapped[int] = mapped_column(Integer)


class SkillCard(Base):
    __tablename__ = "skill_card"

    trainee_id: Mapped[int] = mapped_column(
        ForeignKey("trainee.id", ondelete="CASCADE"), primary_key=True
    )
    skill: Mapped[str] = mapped_column(String(80), primary_key=True)  # e.g. "rule:jargon"
    card_json: Mapped[str] = mapped_column(Text)  # fsrs.Card.to_json()
    due: Mapped[datetime] = mapped_column(index=True)
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)  # reviews rated Again
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def resolve_database_url(
    url: str | None = None,
    path: str | os.PathLike[str] | None = None,
    environ: dict[str, str] | None = None,
) -> str:
    """Where the data lives: explicit url, explicit path, DATABASE_URL, WEBCARE_DB_PATH, default.

    Explicit arguments win over the environment so that a test or a tool pointing at its own file
    never writes into a shared deployment's database by accident.
    """
    env = os.environ if environ is None else environ
    if url:
        return _normalise_url(url, "database_url argument")
    if path is not None:
        return _sqlite_file_url(Path(path))
    if env.get(ENV_DATABASE_URL):
        return _normalise_url(env[ENV_DATABASE_URL], ENV_DATABASE_URL)
    if env.get(ENV_DB_PATH):
        return _sqlite_file_url(Path(env[ENV_DB_PATH]))
    return _sqlite_file_url(DEFAULT_DB_PATH)


def _sqlite_file_url(path: Path) -> str:
    return URL.create("sqlite", database=str(path.expanduser().resolve())).render_as_string()


def _normalise_url(raw: str, setting: str) -> str:
    # Hosting platforms hand out "postgres://", which SQLAlchemy 2 no longer accepts.
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    try:
        parsed = make_url(raw)
    except ArgumentError:
        raise StorageConfigError(
            f"{setting}: cannot read {_mask(raw)!r} as a database URL; expected e.g. "
            "'sqlite:///data/webcare.sqlite' or 'postgresql://user:password@host/dbname'"
        ) from None
    if parsed.drivername == "postgresql" and not _installed("psycopg2") and _installed("psycopg"):
        # Bare "postgresql://" means psycopg2 to SQLAlchemy; use psycopg 3 when that is what is
        # installed, so the same DATABASE_URL works with either driver.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _mask(raw: str) -> str:
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except ArgumentError:
        return raw.split("@")[-1]


class Database:
    """An open database: an engine, the schema, and transactions as context managers.

    ``Database()`` picks the location as ``resolve_database_url`` describes and creates the
    schema. Share one instance per process; it is safe to use from many threads.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        echo: bool = False,
        create: bool = True,
    ) -> None:
        self.url = resolve_database_url(url, path)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self._in_memory = self.is_sqlite and parsed.database in (None, "", ":memory:")
        self._write_lock = threading.RLock()  # re-entrant: a nested write fails, not hangs
        try:
            self.engine = self._make_engine(parsed, echo)
        except (ArgumentError, ImportError) as exc:
            raise StorageConfigError(
                f"database URL {parsed.render_as_string(hide_password=True)!r}: {exc}; expected "
                "a SQLite file or a PostgreSQL URL whose driver is installed"
            ) from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**{_READONLY_OPTION: True}), expire_on_commit=False
        )
        if create:
            self.create_schema()

    def _make_engine(self, parsed: URL, echo: bool) -> Engine:
        if not self.is_sqlite:
            return create_engine(
                parsed,
                echo=echo,
                pool_pre_ping=True,
                pool_size=PG_POOL_SIZE,
                max_overflow=PG_MAX_OVERFLOW,
                pool_timeout=POOL_TIMEOUT_S,
            )
        if self._in_memory:
            # One shared connection, or every new connection would see an empty database.
            engine = create_engine(
                parsed,
                echo=echo,
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
            )
        else:
            Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                parsed,
                echo=echo,
                pool_size=SQLITE_POOL_SIZE,
                max_overflow=SQLITE_MAX_OVERFLOW,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
            )
        _configure_sqlite(engine, wal=not self._in_memory)
        return engine

    def create_schema(self) -> None:
        """Create missing tables (all tables registered on ``Base``); safe to call repeatedly."""
        try:
            with self.engine.begin() as conn:
                Base.metadata.create_all(conn)
        except DBAPIError:
            # Another process created the same tables between our check and our CREATE.
            with self.engine.begin() as conn:
                Base.metadata.create_all(conn)

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """A transaction: commits when the block ends, rolls back when it raises.

        ``readonly=True`` skips taking the SQLite write lock, for pages that only show data.
        """
        factory = self._read_sessions if readonly else self._sessions
        # SQLite has one writer at a time. Threads of this process queue on a lock instead of in
        # SQLite's busy handler, which polls with sleeps of up to 100 ms; other processes still
        # wait through the busy timeout. An in-memory database shares one connection, so there
        # readers queue too.
        serialise = self.is_sqlite and (not readonly or self._in_memory)
        lock = self._write_lock if serialise else nullcontext()
        with lock, factory() as session, session.begin():
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction on a plain connection, without an ORM session: for hot paths of
        Core statements only (a workshop answer), where the session's bookkeeping costs more CPU
        than the statements. Commits when the block ends; the same locking as ``session``."""
        lock = self._write_lock if self.is_sqlite else nullcontext()
        with lock, self.engine.begin() as conn:
            yield conn

    @contextmanager
    def statement(self) -> Iterator[Connection]:
        """A connection without an explicit transaction, for a hot path whose work is one
        statement (on PostgreSQL a workshop answer: checks, answer and alerts in one), which is a
        transaction of its own: no BEGIN and COMMIT round trips. SQLite: as ``transaction``, its
        write lock serialises this process's writers."""
        if self.is_sqlite:
            with self.transaction() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    def dispose(self) -> None:
        """Close all pooled connections (the data stays in the database)."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Database({make_url(self.url).render_as_string(hide_password=True)!r})"


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL keeps every committed answer through a crash or restart of the
            # app; only a power cut of the machine may undo the last few commits. It saves an
            # fsync per answer, time that a workshop of 40 submitting at once queues for.
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        readonly = conn.get_execution_options().get(_READONLY_OPTION, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


@dataclass(frozen=True)
class TraineeRecord:
    """A trainee as the service layer hands it out: a read-only copy, not a live ORM row."""

    id: int
    name: str
    org_type: str
    created_at: datetime

    @classmethod
    def of(cls, row: Trainee) -> TraineeRecord:
        return cls(row.id, row.name, row.org_type, row.created_at)


TraineeRef = TraineeRecord | int


def trainee_id_of(trainee: TraineeRef) -> int:
    if isinstance(trainee, TraineeRecord):
        return trainee.id
    if isinstance(trainee, int) and not isinstance(trainee, bool):
        return trainee
    raise TypeError(f"trainee: got {trainee!r}, expected a TraineeRecord or a trainee id")
