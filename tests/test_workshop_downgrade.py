"""Downgrading the workshop tables loses no answer (``workshop.migrate.downgrade``).

A database at the newest revision, filled through today's service (teams, a removed
participant, reactions, a lobby with a countdown), is taken back one revision at a time to
``0001``: after every step each answer is still there with its reply, every post and participant
too, and nothing references a missing row. On SQLite the downgrades copy tables; with foreign
keys on, dropping the old ``workshop`` table would delete every answer through ON DELETE CASCADE.
Upgrading again afterwards reaches the newest revision with the answers intact. Runs on SQLite
and on the suite's scratch PostgreSQL cluster.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from alembic import command
from sqlalchemy import text

from trainer.storage import Database
from workshop import migrate
from workshop.migrations.table_copy import ForeignKeysOnError
from workshop.service import WorkshopService

T0 = datetime(2026, 12, 3, 19, 30, tzinfo=UTC)
POST_IDS = ["library-001", "library-002"]
STEPS = ["0004", "0003", "0002", "0001"]  # from head (0005) down, one revision at a time


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'down.sqlite'}"


def _fill(db: Database) -> None:
    """One team workshop with a countdown, three participants (one removed), five answers, a
    revealed answer with a reaction."""
    service = WorkshopService(db, np.random.default_rng(3), now=lambda: T0)
    code, pin = service.create_workshop(
        "Kring december", post_ids=POST_IDS, lobby=True, countdown_s=60, teams=["Noord", "Zuid"]
    )
    anna = service.join(code, "Anna", team="Noord").token
    bram = service.join(code, "Bram", team="Zuid").token
    cees = service.join(code, "Cees", team="Zuid")
    service.start(code, pin)
    first = [
        service.submit(code, token, "library-001", "public", reply).id
        for token, reply in ((anna, "Hoi, wat fijn! 😀"), (bram, "Dank je"), (cees.token, "Top"))
    ]
    revealed = first[0]  # Anna's
    service.reveal_answer(code, pin, revealed)
    assert service.react(code, bram, revealed) == 1
    service.next_post(code, pin)
    for token, reply in ((anna, "Stuur ons een DM"), (bram, "Graag gedaan")):
        service.submit(code, token, "library-002", "private", reply)
    service.remove_participant(code, pin, cees.participant.id)


def _rows(db: Database) -> tuple[list[tuple[object, ...]], int, int]:
    """The answers (id, participant, position, reply), the posts and the participants."""
    with db.engine.connect() as conn:
        answers = conn.execute(
            text("SELECT id, participant_id, position, reply FROM workshop_answer ORDER BY id")
        ).all()
        posts = conn.execute(text("SELECT count(*) FROM workshop_post")).scalar_one()
        people = conn.execute(text("SELECT count(*) FROM workshop_participant")).scalar_one()
    return [tuple(a) for a in answers], posts, people


def test_downgrading_step_by_step_keeps_every_answer(url: str) -> None:
    db = Database(url)
    try:
        _fill(db)
        assert migrate.current(db) == migrate.head() == "0005"
        answers, posts, people = _rows(db)
        assert len(answers) == 5 and posts == 2 and people == 3
        for revision in STEPS:
            migrate.downgrade(db, revision)
            assert migrate.current(db) == revision
            assert _rows(db) == (answers, posts, people), f"rows lost going down to {revision}"
            if db.is_sqlite:
                with db.engine.connect() as conn:
                    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                    assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        migrate.upgrade(db)  # and back up: the newest revision, the same answers
        assert migrate.current(db) == migrate.head()
        assert _rows(db) == (answers, posts, people)
    finally:
        db.dispose()


def test_a_table_copy_with_foreign_keys_on_is_refused_not_run(tmp_path: Path) -> None:
    """Alembic called directly inside a transaction (foreign keys stay on): the downgrade stops
    before it copies a table, and nothing is lost."""
    db = Database(f"sqlite:///{tmp_path / 'on.sqlite'}")
    try:
        _fill(db)
        before = _rows(db)
        with pytest.raises(ForeignKeysOnError, match="antwoorden"), db.engine.begin() as conn:
            command.downgrade(migrate.config(conn), "0003")
        assert migrate.current(db) == "0005" and _rows(db) == before
    finally:
        db.dispose()
