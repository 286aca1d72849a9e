"""Team mode, removing participants, the word filter and +1 reactions (issue 16).

Runs on SQLite and on the suite's scratch PostgreSQL cluster.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from workshop_helpers import DATABASES, T0, workshop_database

from trainer.scenarios import get_post
from trainer.storage import Database
from workshop.errors import (
    AnswerRefusedError,
    RemovedParticipantError,
    WorkshopError,
    WorkshopInputError,
    WrongPinError,
)
from workshop.export import CSV_COLUMNS, answers_csv, summary_html
from workshop.service import WorkshopService
from workshop.wordfilter import abusive_words, mask

POST_IDS = ["library-001", "library-002"]
BRANCHES = ["Centrale", "Noord", "Zuid"]


@pytest.fixture(params=DATABASES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from workshop_database(request, tmp_path)


@pytest.fixture
def service(db: Database) -> WorkshopService:
    return WorkshopService(db, np.random.default_rng(5), now=lambda: T0)


def _right(service: WorkshopService, code: str, token: str, post_id: str) -> None:
    post = get_post(post_id)
    service.submit(code, token, post_id, post.expected_decision, post.model_answer)


# -- the word filter ----------------------------------------------------------------------------


def test_the_filter_masks_whole_words_and_their_inflections_only() -> None:
    assert mask("Wat een klootzakken!") == "Wat een k**********!"
    assert mask("tyfuslijers") == "t**********"
    assert mask("KUT, zeg") == "K**, zeg"
    # Scunthorpe: a listed word inside a longer one, or an everyday word, stays
    for fine in ("Hoera!", "kankerbestrijding", "de tering naar de nering", "Scunthorpe",
                 "een eikel van de eik"):  # fmt: skip
        assert mask(fine) == fine and abusive_words(fine) == []


# -- teams --------------------------------------------------------------------------------------


def test_picked_teams_score_on_the_podium_after_the_reveal_only(service: WorkshopService) -> None:
    code, pin = service.create_workshop(
        "Netwerk", post_ids=POST_IDS, leaderboard=True, teams=BRANCHES
    )
    assert service.join_teams(code) == tuple(BRANCHES)
    anna = service.join(code, "Anna", team="centrale")  # any case
    bram = service.join(code, "Bram", team="Noord")
    cees = service.join(code, "Cees", team="Noord")
    assert anna.participant.team == "Centrale"
    with pytest.raises(WorkshopInputError, match="kies een van de teams"):
        service.join(code, "Dirk", team="Oost")
    with pytest.raises(WorkshopInputError, match="kies een van de teams"):
        service.join(code, "Dirk")
    _right(service, code, anna.token, POST_IDS[0])
    _right(service, code, bram.token, POST_IDS[0])
    service.submit(code, cees.token, POST_IDS[0], "none", "")
    board = service.dashboard(code, pin)
    assert board.team_podium == ()  # nothing revealed: nothing counts, nobody on the podium
    service.reveal_feedback(code, pin, POST_IDS[0])
    board = service.dashboard(code, pin)
    assert board.team_leaderboard is not None and board.team_podium is not None
    scores = {r.display_name: r.total_score for r in board.team_leaderboard}
    anna_total = next(r.total_score for r in board.leaderboard or () if r.display_name == "Anna")
    assert scores["Centrale"] == pytest.approx(anna_total)  # the mean of one member
    assert scores["Zuid"] == 0.0  # no members
    assert board.team_podium[0].display_name == "Centrale"
    assert {p.display_name: p.team for p in board.participants}["Cees"] == "Noord"
    report = service.report(code, pin)
    assert {a.display_name: a.team for a in report.answers}["Bram"] == "Noord"
    rows = answers_csv(report).splitlines()
    assert "team" in CSV_COLUMNS and "Noord" in rows[2] + rows[3]
    assert "Per team" in summary_html(report)


def test_automatic_teams_are_balanced_and_seeded(db: Database) -> None:
    def teams_of(seed: int) -> list[str | None]:
        svc = WorkshopService(db, np.random.default_rng(seed), now=lambda: T0)
        code, _ = svc.create_workshop("Auto", post_ids=POST_IDS, teams=BRANCHES, team_mode="auto")
        assert svc.join_teams(code) == ()  # nothing to pick
        return [svc.join(code, f"P{k}").participant.team for k in range(7)]

    first = teams_of(11)
    assert sorted(first.count(t) for t in BRANCHES) == [2, 2, 3]
    assert teams_of(11) == first  # the same seed and order: the same teams


def test_bad_team_settings_get_dutch_messages(service: WorkshopService) -> None:
    for teams, found in (
        (["Noord"], "geef er 2 tot"),
        (["Noord", "noord"], "dubbel"),
        (["Noord", "  "], "Vul een teamnaam in"),
        (["Noord", "x" * 41], "hoogstens 40"),
        (["Noord", "Team Klootzak"], "niet op het scherm"),
    ):
        with pytest.raises(WorkshopInputError, match=found):
            service.create_workshop("T", post_ids=POST_IDS, teams=teams)
    with pytest.raises(WorkshopInputError, match="teamindeling"):
        service.create_workshop("T", post_ids=POST_IDS, teams=BRANCHES, team_mode="random")
    # control characters are cleaned like in display names
    code, pin = service.create_workshop("T", post_ids=POST_IDS, teams=["No\x00ord", "Zuid"])
    assert service.dashboard(code, pin).workshop.teams == ("Noord", "Zuid")


# -- removing -----------------------------------------------------------------------------------


def test_a_removed_participant_leaves_every_figure_and_cannot_answer(
    db: Database, service: WorkshopService
) -> None:
    code, pin = service.create_workshop("M", post_ids=POST_IDS, leaderboard=True)
    anna = service.join(code, "Anna")
    bram = service.join(code, "Bram")
    _right(service, code, anna.token, POST_IDS[0])
    _right(service, code, bram.token, POST_IDS[0])
    board = service.dashboard(code, pin)
    service.reveal_answer(code, pin, board.wall[0].answer_id)
    service.reveal_answer(code, pin, board.wall[1].answer_id)
    service.reveal_feedback(code, pin, POST_IDS[0])
    # another process knows Bram's token already (its cache): the removal must reach it too
    other = WorkshopService(db, np.random.default_rng(6), now=lambda: T0)
    other.participant_view(code, bram.token)
    removed = service.remove_participant(code, pin, bram.participant.id)
    assert removed.display_name == "Bram"
    service.remove_participant(code, pin, bram.participant.id)  # again: nothing changes
    board = service.dashboard(code, pin)
    assert [p.display_name for p in board.participants] == ["Anna"]
    assert len(board.wall) == 1 and board.posts[0].answers == 1
    assert [r.display_name for r in board.leaderboard or ()] == ["Anna"]
    assert [a.display_name for a in service.report(code, pin).answers] == ["Anna"]
    service.next_post(code, pin)
    for svc in (service, other):
        with pytest.raises(RemovedParticipantError, match="verwijderd"):
            svc.submit(code, bram.token, POST_IDS[1], "none")
        with pytest.raises(RemovedParticipantError, match="verwijderd"):
            svc.participant_view(code, bram.token)
    with pytest.raises(WorkshopInputError, match="doet niet mee"):
        service.remove_participant(code, pin, 10_000)


def test_undoing_a_removal_brings_everything_back(db: Database, service: WorkshopService) -> None:
    code, pin = service.create_workshop(
        "U", post_ids=POST_IDS, leaderboard=True, teams=BRANCHES[:2]
    )
    anna = service.join(code, "Anna", team="Centrale")
    bram = service.join(code, "Bram", team="Noord")
    _right(service, code, anna.token, POST_IDS[0])
    _right(service, code, bram.token, POST_IDS[0])
    annas = service.participant_view(code, anna.token).my_answer.id  # type: ignore[union-attr]
    service.reveal_answer(code, pin, annas)
    service.react(code, bram.token, annas)
    service.reveal_feedback(code, pin, POST_IDS[0])
    before = service.dashboard(code, pin)
    report_before = service.report(code, pin)
    assert before.removed == ()
    service.remove_participant(code, pin, bram.participant.id)
    gone = service.dashboard(code, pin)
    assert [p.display_name for p in gone.removed] == ["Bram"] and gone.removed[0].team == "Noord"
    assert {r.display_name for r in gone.team_podium or ()} == {"Centrale"}
    other = WorkshopService(db, np.random.default_rng(6), now=lambda: T0)  # another process
    with pytest.raises(RemovedParticipantError):
        other.participant_view(code, bram.token)
    # the wrong PIN restores nobody
    with pytest.raises(WorkshopError):
        service.restore_participant(code, "000000", bram.participant.id, client="other")
    back = service.restore_participant(code, pin, bram.participant.id)
    assert back.display_name == "Bram" and back.team == "Noord"
    service.restore_participant(code, pin, bram.participant.id)  # again: nothing changes
    after = service.dashboard(code, pin)
    assert after.removed == ()
    # rankings, podiums, wall, +1s and exports exactly as before the removal
    for field in ("participants", "leaderboard", "podium", "team_leaderboard", "team_podium",
                  "posts", "rules", "wall"):  # fmt: skip
        assert getattr(after, field) == getattr(before, field), field
    assert service.report(code, pin).answers == report_before.answers
    assert other.participant_view(code, bram.token).me.display_name == "Bram"  # token works
    with pytest.raises(WorkshopInputError, match="doet niet mee"):
        service.restore_participant(code, pin, 10_000)
    with pytest.raises(WorkshopInputError, match="verwacht een getal"):
        service.restore_participant(code, pin, "Bram")  # type: ignore[arg-type]


def test_display_names_pass_the_word_filter(service: WorkshopService) -> None:
    code, pin = service.create_workshop("N", post_ids=POST_IDS)
    with pytest.raises(WorkshopInputError, match="niet op het scherm"):
        service.join(code, "Kut Marokkaan")
    anna = service.join(code, "Anna")
    with pytest.raises(WorkshopInputError, match="niet op het scherm"):
        service.rename_participant(code, pin, anna.participant.id, "Klootzak")


# -- the wall: masking and reactions -------------------------------------------------------------


def test_reactions_count_once_not_on_ones_own_and_the_wall_is_masked(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("R", post_ids=POST_IDS)
    anna = service.join(code, "Anna")
    bram = service.join(code, "Bram")
    cees = service.join(code, "Cees")
    service.submit(code, anna.token, POST_IDS[0], "public", "Wat een klootzakken, sorry!")
    service.submit(code, bram.token, POST_IDS[0], "private", "Stuur ons een DM")
    wall = service.dashboard(code, pin).wall
    annas = next(e for e in wall if e.decision == "public").answer_id
    with pytest.raises(AnswerRefusedError, match="niet"):
        service.react(code, bram.token, annas)  # not on the wall yet
    service.reveal_answer(code, pin, annas)
    shown = service.dashboard(code, pin).wall
    assert next(e.reply for e in shown if e.revealed) == "Wat een k**********, sorry!"
    # her own view and the export keep the text as typed
    assert service.participant_view(code, anna.token).my_answer.reply.startswith("Wat een kloot")  # type: ignore[union-attr]
    assert "klootzakken" in answers_csv(service.report(code, pin))
    with pytest.raises(AnswerRefusedError, match="eigen antwoord"):
        service.react(code, anna.token, annas)
    # ten taps at once from Bram count once; Cees adds one
    threads = [
        threading.Thread(target=service.react, args=(code, bram.token, annas)) for _ in range(10)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert service.react(code, cees.token, annas) == 2
    view = service.participant_view(code, bram.token)
    entry = next(e for e in view.wall if e.answer_id == annas)
    assert entry.reactions == 2 and entry.reacted and not entry.own
    assert next(e for e in service.participant_view(code, anna.token).wall).own
    # a removed participant's +1 no longer counts
    service.remove_participant(code, pin, cees.participant.id)
    assert next(e for e in service.dashboard(code, pin).wall if e.revealed).reactions == 1


def test_the_workbook_has_a_per_team_sheet(service: WorkshopService) -> None:
    import io

    from openpyxl import load_workbook

    from workshop.export_xlsx import workbook

    code, pin = service.create_workshop("X", post_ids=POST_IDS, leaderboard=True, teams=BRANCHES)
    anna = service.join(code, "Anna", team="Zuid")
    _right(service, code, anna.token, POST_IDS[0])
    service.reveal_feedback(code, pin, POST_IDS[0])
    book = load_workbook(io.BytesIO(workbook(service.report(code, pin))))
    assert book.sheetnames[-1] == "Per team"
    rows = list(book["Per team"].iter_rows(values_only=True))
    assert rows[0] == ("plaats", "team", "leden", "teamscore", "beantwoord")
    assert rows[1][:3] == (1, "Zuid", 1) and rows[1][3] > 0
    assert {r[1] for r in rows[1:]} == set(BRANCHES)
    assert list(book["Antwoorden"].iter_rows(values_only=True))[1][-1] == "Zuid"


def test_the_podium_choice_is_kept_with_the_workshop(service: WorkshopService) -> None:
    code, pin = service.create_workshop(
        "Netwerk", post_ids=["library-001"], teams=["Centrale", "Noord"], leaderboard=True
    )
    assert service.dashboard(code, pin).workshop.podium_choice == "both"  # the default
    service.set_podium_choice(code, pin, "teams")
    # another process on the same database (another device's app replica) reads the same
    other = WorkshopService(service.db, np.random.default_rng(3), now=service.now)
    assert other.dashboard(code, pin).workshop.podium_choice == "teams"
    service.close(code, pin)
    service.set_podium_choice(code, pin, "people")  # the final podium, after closing too
    assert other.dashboard(code, pin).workshop.podium_choice == "people"
    for bad in ("alles", "", None, 1, "TEAMS"):
        with pytest.raises(WorkshopInputError, match=r"podium: kreeg .*Alleen teams"):
            service.set_podium_choice(code, pin, bad)  # type: ignore[arg-type]
    with pytest.raises(WrongPinError):
        service.set_podium_choice(code, "000000", "both", client="ander")
    assert service.dashboard(code, pin).workshop.podium_choice == "people"
