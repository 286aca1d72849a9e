"""Team lead view: the team PIN (set once, hashed, wrong PINs limited as in the workshop), the
per-member figures and the export for Dutch Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from test_storage import T0, Clock, make_post, make_result

from trainer.practice import PracticeService
from trainer.rules import rule_title
from trainer.storage import Database
from trainer.team import (
    ATTEMPT_COLUMNS,
    MEMBER_COLUMNS,
    attempts_csv,
    member_stats,
    members_csv,
    team_attempts,
    team_rule_shares,
)
from trainer.team_pin import TeamPin, TeamPinGuard, TeamPinInputError
from workshop.errors import PinLockedError, WrongPinError
from workshop.pin_guard import PIN_CEILING_FAILURES, PIN_MAX_FAILURES, PIN_WINDOW_MIN

ORGS = {"library": "Bibliotheek", "bank": "Bank"}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(path=tmp_path / "team.sqlite")
    yield database
    database.dispose()


def test_first_team_lead_sets_the_pin_once_and_it_is_stored_hashed(db: Database) -> None:
    guard = TeamPinGuard(db, Clock())
    assert not guard.is_set()
    with pytest.raises(TeamPinInputError, match="6 tot 12 cijfers"):
        guard.set_pin("12ab56", "12ab56")
    with pytest.raises(TeamPinInputError, match="niet gelijk"):
        guard.set_pin("123456", "123457")
    guard.set_pin(" 482913 ", "482913")
    assert guard.is_set()
    with pytest.raises(TeamPinInputError, match="al een teampincode"):
        guard.set_pin("111111", "111111")
    with db.session(readonly=True) as session:
        row = session.get(TeamPin, 1)
        assert row is not None and b"482913" not in row.pin_hash and len(row.pin_salt) == 16
    guard.check("482913", "laptop")  # right: no error


def test_wrong_pins_lock_one_session_not_the_team_lead(db: Database) -> None:
    clock = Clock()
    guard = TeamPinGuard(db, clock)
    guard.set_pin("482913", "482913")
    for left in range(PIN_MAX_FAILURES - 1, -1, -1):
        with pytest.raises(WrongPinError) as wrong:
            guard.check("000000", "prankster")
        assert wrong.value.attempts_left == left
    with pytest.raises(PinLockedError, match="op slot"):
        guard.check("482913", "prankster")  # even the right PIN, from this session
    guard.check("482913", "team-lead")  # another session gets in
    clock.advance(minutes=PIN_WINDOW_MIN + 1)
    guard.check("482913", "prankster")  # the window has passed


def test_wrong_pins_over_all_sessions_hit_the_ceiling(db: Database) -> None:
    clock = Clock()
    guard = TeamPinGuard(db, clock)
    guard.set_pin("482913", "482913")
    for k in range(PIN_CEILING_FAILURES):
        with pytest.raises(WrongPinError):
            guard.check("000000", f"session-{k}")
    with pytest.raises(PinLockedError, match="uit voorzorg"):
        guard.check("482913", "fresh-session")
    # the guard is stored in the database: a restarted server is just as locked
    with pytest.raises(PinLockedError):
        TeamPinGuard(db, clock).check("482913", "another-fresh-session")


def _history(db: Database) -> Clock:
    clock = Clock()
    library = make_post()
    bank = make_post("bank-001", org="bank")
    service = PracticeService(db, [library, bank], np.random.default_rng(0), now=clock)
    sanne = service.get_or_create_trainee("Sanne", "library")
    piet = service.get_or_create_trainee("=Piet", "bank")  # a name that looks like a formula
    service.record_attempt(sanne, library, "public", "a", make_result(score=90, rules=("jargon",)))
    clock.advance(hours=1)
    service.record_attempt(sanne, library, "public", "b", make_result(score=70, rules=("jargon",)))
    clock.advance(days=20)
    service.record_attempt(
        piet, bank, "none", "c", make_result(correct=False, score=40.5, rules=("referral",))
    )
    service.record_attempt(piet, bank, "public", "", make_result(score=60))
    return clock


def test_member_stats_weakest_rules_and_filters(db: Database) -> None:
    clock = _history(db)
    everyone = team_attempts(db)
    assert len(everyone) == 4 and everyone[0].time >= everyone[-1].time
    members = {m.trainee: m for m in member_stats(everyone)}
    sanne, piet = members["Sanne"], members["=Piet"]
    assert sanne.attempts == 2 and sanne.mean_score == pytest.approx(80)
    assert sanne.weakest_rules == (("jargon", 1.0),)
    assert piet.mean_score == pytest.approx(50.25) and piet.decisions_correct_share == 0.5
    assert piet.weakest_rules == (("referral", 1.0),), "1 of 1 written replies"
    assert [m.trainee for m in member_stats(everyone)] == ["=Piet", "Sanne"], "lowest first"
    assert {a.trainee for a in team_attempts(db, org_type="library")} == {"Sanne"}
    recent = team_attempts(db, since=clock() - timedelta(days=1))
    assert {a.trainee for a in recent} == {"=Piet"}
    assert team_rule_shares(everyone)[0] == ("jargon", pytest.approx(2 / 3), 2, 3)


def test_exports_open_in_dutch_excel(db: Database) -> None:
    _history(db)
    attempts = team_attempts(db)
    raw = members_csv(member_stats(attempts), ORGS)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == MEMBER_COLUMNS
    piet = rows[1]
    assert piet[0] == "'=Piet", "a formula-like name is neutralised"
    assert piet[1] == "Bank" and piet[3] == "50,3" and piet[4] == "50,0"
    assert piet[6] == rule_title("referral")
    assert piet[5].startswith(f"{T0.year}-")  # Dutch clock, "YYYY-MM-DD HH:MM:SS"
    every = list(
        csv.reader(io.StringIO(attempts_csv(attempts, ORGS).decode("utf-8-sig")), delimiter=";")
    )
    assert tuple(every[0]) == ATTEMPT_COLUMNS and len(every) == 5
    assert {r[6] for r in every[1:]} == {"ja", "nee"}
    assert "40,5" in {r[7] for r in every[1:]}
    assert "Niet reageren" in {r[4] for r in every[1:]}
