"""A workshop database made by the previous schema is upgraded in place, losing no answers.

The previous schema is revision ``0001`` (the tables as the app created them before migrations).
A database is made at it, filled the way the previous version wrote it (plain SQL, no models of
today), and then opened by today's service: it must be upgraded to the newest revision, with every
workshop, participant and answer still there and usable (rejoin, report, new answers). Once with
the revision recorded, once as a database from before migrations (no revision table at all).
Runs on SQLite and on the suite's scratch PostgreSQL cluster.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from alembic import command
from sqlalchemy import inspect, text

from trainer.scenarios import get_post
from trainer.storage import Database
from workshop import migrate
from workshop.security import hash_pin, new_salt, token_hash
from workshop.service import WorkshopService

T0 = datetime(2026, 11, 5, 19, 30, tzinfo=UTC)
PIN = "246810"
TOKEN = "oud-token-van-anna-0123456789abcdef"
CODE = "OUDK23"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'old.sqlite'}"


def _old_database(url: str, *, recorded: bool) -> None:
    """A database at revision 0001 with one workshop, two participants and three answers,
    written as the previous version wrote them."""
    db = Database(url, create=False)
    with db.engine.begin() as conn:
        command.upgrade(migrate.config(conn), migrate.BASELINE)
    salt = new_salt()
    post = get_post("library-001")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workshop (id, join_code, title, pace, feedback, leaderboard, "
                "org_type, pin_salt, pin_hash, current_index, status, created_at) VALUES "
                "(1, :code, 'Kring november', 'facilitator', 'after_reveal', :t, NULL, :salt, "
                ":hash, 0, 'open', :at)"
            ),
            {"code": CODE, "t": True, "salt": salt, "hash": hash_pin(PIN, salt), "at": T0},
        )
        for position, post_id in enumerate(["library-001", "library-002"]):
            conn.execute(
                text(
                    "INSERT INTO workshop_post (workshop_id, position, post_id, post_json, "
                    "feedback_revealed) VALUES (1, :p, :id, :json, :f)"
                ),
                {
                    "p": position,
                    "id": post_id,
                    "json": get_post(post_id).model_dump_json(),
                    "f": False,
                },
            )
        for pid, name, token in ((1, "Anna", TOKEN), (2, "Bram", "oud-token-van-bram-xyz")):
            conn.execute(
                text(
                    "INSERT INTO workshop_participant (id, workshop_id, display_name, name_key, "
                    "token_hash, joined_at) VALUES (:id, 1, :name, :key, :hash, :at)"
                ),
                {"id": pid, "name": name, "key": name.lower(), "hash": token_hash(token), "at": T0},
            )
        result = {"score": 80.0, "decision": {"expected": post.expected_decision}, "alerts": []}
        for aid, pid, position, reply in (
            (1, 1, 0, "Hoi, wat fijn! 😀"),
            (2, 2, 0, "Dank je wel"),
            (3, 1, 1, "Stuur ons een DM"),
        ):
            conn.execute(
                text(
                    "INSERT INTO workshop_answer (id, workshop_id, participant_id, position, "
                    "post_id, decision, decision_expected, decision_correct, reply, score, "
                    "result_json, revealed, submitted_at) VALUES (:id, 1, :pid, :pos, :post, "
                    "'public', :exp, :ok, :reply, 80.0, :res, :rev, :at)"
                ),
                {
                    "id": aid,
                    "pid": pid,
                    "pos": position,
                    "post": f"library-00{position + 1}",
                    "exp": post.expected_decision,
                    "ok": True,
                    "reply": reply,
                    "res": json.dumps(result),
                    "rev": False,
                    "at": T0,
                },
            )
        if conn.dialect.name == "postgresql":  # ids given by hand: move the sequences past them
            for table in ("workshop", "workshop_participant", "workshop_answer"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        if not recorded:  # a database from before migrations: no revision table
            conn.execute(text(f"DROP TABLE {migrate.VERSION_TABLE}"))
    db.dispose()


@pytest.fixture(params=[True, False], ids=["recorded", "before-migrations"])
def old_url(request: pytest.FixtureRequest, url: str) -> Iterator[str]:
    _old_database(url, recorded=request.param)
    yield url


def test_the_previous_schema_is_upgraded_without_losing_answers(old_url: str) -> None:
    db = Database(old_url)  # today's app opening yesterday's database
    try:
        service = WorkshopService(db, np.random.default_rng(1), now=lambda: T0)
        assert migrate.current(db) == migrate.head() != migrate.BASELINE
        columns = {c["name"] for c in inspect(db.engine).get_columns("workshop")}
        assert {"recovery_salt", "recovery_hash", "started_at", "countdown_s"} <= columns
        assert "podium_choice" in columns
        # a running workshop is not sent back to a lobby by the upgrade (migration 0003)
        assert not service.dashboard(CODE, PIN).workshop.lobby
        assert service.current_post(CODE, TOKEN).position == 0
        report = service.report(CODE, PIN)
        assert sorted((a.display_name, a.position, a.reply) for a in report.answers) == [
            ("Anna", 0, "Hoi, wat fijn! 😀"),
            ("Anna", 1, "Stuur ons een DM"),
            ("Bram", 0, "Dank je wel"),
        ]
        # the old participants go on: rejoin, and a new answer next to the old ones
        back = service.rejoin(CODE, TOKEN)
        assert back.participant.display_name == "Anna" and back.answered == 2
        cees = service.join(CODE, "Cees")
        service.submit(CODE, cees.token, "library-001", "none")
        assert len(service.report(CODE, PIN).answers) == 4
        # the limits of today work on the upgraded tables; old workshops have no recovery code
        with pytest.raises(Exception, match="geen"):
            service.recover(CODE, "AAAA-BBBB-CCCC")
        # opening it again changes nothing
        WorkshopService(db, np.random.default_rng(2), now=lambda: T0)
        assert len(service.report(CODE, PIN).answers) == 4
    finally:
        db.dispose()


def test_a_new_database_is_made_at_the_newest_revision(url: str) -> None:
    db = Database(url)
    try:
        WorkshopService(db, np.random.default_rng(1), now=lambda: T0)
        assert migrate.current(db) == migrate.head()
    finally:
        db.dispose()


def test_a_database_at_0003_is_upgraded_to_teams_and_moderation(url: str) -> None:
    """Revision 0004 adds teams, removal and reactions to a running 0003 database: every answer
    stays, nobody is removed, and the new features work on the old workshop."""
    _old_database(url, recorded=True)
    db = Database(url, create=False)
    with db.engine.begin() as conn:
        command.upgrade(migrate.config(conn), "0003")
    db.dispose()
    db = Database(url)
    try:
        assert migrate.current(db) == "0003"
        service = WorkshopService(db, np.random.default_rng(1), now=lambda: T0)
        assert migrate.current(db) == migrate.head()
        names = set(inspect(db.engine).get_table_names())
        assert {"workshop_team", "workshop_reaction"} <= names
        columns = {c["name"] for c in inspect(db.engine).get_columns("workshop_participant")}
        assert {"team_id", "removed_at"} <= columns
        report = service.report(CODE, PIN)
        assert len(report.answers) == 3 and {a.team for a in report.answers} == {None}
        board = service.dashboard(CODE, PIN)
        assert [p.display_name for p in board.participants] == ["Anna", "Bram"]
        wall_ids = [e.answer_id for e in board.wall]
        service.reveal_answer(CODE, PIN, wall_ids[0])
        bram = next(p.id for p in board.participants if p.display_name == "Bram")
        service.remove_participant(CODE, PIN, bram)
        assert len(service.report(CODE, PIN).answers) == 2
    finally:
        db.dispose()


def test_a_database_at_0004_is_upgraded_to_a_podium_choice_per_workshop(url: str) -> None:
    """Revision 0005 keeps the presenter view's podium choice with the workshop: a running
    team workshop at 0004 gets "both" (what its presenter view showed by default), keeps every
    team, participant and answer, and takes a new choice that another service reads."""
    _old_database(url, recorded=True)
    db = Database(url, create=False)
    with db.engine.begin() as conn:
        command.upgrade(migrate.config(conn), "0004")
        conn.execute(text("UPDATE workshop SET team_mode = 'pick' WHERE id = 1"))
        conn.execute(
            text(
                "INSERT INTO workshop_team (id, workshop_id, position, name, name_key) VALUES "
                "(1, 1, 0, 'Centrale', 'centrale'), (2, 1, 1, 'Noord', 'noord')"
            )
        )
        conn.execute(text("UPDATE workshop_participant SET team_id = id"))
    db.dispose()
    db = Database(url)
    try:
        assert migrate.current(db) == "0004"
        service = WorkshopService(db, np.random.default_rng(1), now=lambda: T0)
        assert migrate.current(db) == migrate.head() == "0005"
        board = service.dashboard(CODE, PIN)
        assert board.workshop.podium_choice == "both"
        assert [(p.display_name, p.team) for p in board.participants] == [
            ("Anna", "Centrale"),
            ("Bram", "Noord"),
        ]
        assert len(service.report(CODE, PIN).answers) == 3
        service.set_podium_choice(CODE, PIN, "teams")
        other = WorkshopService(db, np.random.default_rng(2), now=lambda: T0)
        assert other.dashboard(CODE, PIN).workshop.podium_choice == "teams"
        assert len(other.report(CODE, PIN).answers) == 3
    finally:
        db.dispose()
