"""Workshop mode: what facilitator and participants rely on during a live session.

Creating a workshop, joining and rejoining, the two paces, feedback now or after the reveal,
answers stored once and scored like practice, the dashboard's figures, closing, the exports, and
a restart in the middle of a session that loses nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from trainer.scenarios import get_post, posts_by_org
from trainer.score import score_post
from trainer.storage import Database
from workshop.errors import (
    AnswerRefusedError,
    NameTakenError,
    UnknownParticipantError,
    UnknownWorkshopError,
    WorkshopClosedError,
    WorkshopInputError,
)
from workshop.export import answers_csv, for_spreadsheet, summary_html
from workshop.security import JOIN_CODE_ALPHABET
from workshop.service import WorkshopService

T0 = datetime(2025, 5, 20, 19, 30, tzinfo=UTC)
POST_IDS = ["library-001", "library-002", "library-003"]


class Clock:
    """A hand-moved clock, so time-based rules are tested without sleeping."""

    def __init__(self, start: datetime = T0) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(path=tmp_path / "workshop.sqlite")
    yield database
    database.dispose()


@pytest.fixture
def service(db: Database) -> WorkshopService:
    return WorkshopService(db, np.random.default_rng(7), now=Clock())


def model_reply(post_id: str) -> str:
    return get_post(post_id).model_answer


# -- creating ---------------------------------------------------------------------------------


def test_create_gives_a_code_and_pin_and_the_chosen_posts_in_order(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("Kenniskring mei", post_ids=POST_IDS)
    assert len(code) == 6 and set(code) <= set(JOIN_CODE_ALPHABET)
    assert len(pin) == 6 and pin.isdigit()
    board = service.dashboard(code, pin)
    assert [p.post_id for p in board.posts] == POST_IDS
    assert board.workshop.title == "Kenniskring mei"
    assert board.workshop.status == "open" and board.workshop.current_index == 0
    assert board.workshop.pace == "facilitator" and board.workshop.feedback == "after_reveal"
    assert board.leaderboard is None  # off unless asked for


def test_posts_drawn_from_an_org_type_are_distinct_of_that_type_and_reproducible(
    db: Database,
) -> None:
    def drawn(seed: int, n: int) -> list[str]:
        svc = WorkshopService(db, np.random.default_rng(seed), now=Clock())
        code, pin = svc.create_workshop("Bank", org_type="bank", n=n)
        return [p.post_id for p in svc.dashboard(code, pin).posts]

    first = drawn(11, 8)
    assert first == drawn(11, 8)  # same seed, same posts in the same order
    assert first != drawn(12, 8)
    assert len(set(first)) == 8
    assert all(get_post(i).org == "bank" for i in first)

    # More posts than were written by hand: all hand-written ones, topped up with variants.
    hand_written = {p.id for p in posts_by_org("bank")}
    many = drawn(11, len(hand_written) + 5)
    assert hand_written <= set(many) and len(set(many)) == len(many)
    extra = [i for i in many if i not in hand_written]
    assert len(extra) == 5 and all(i.startswith("gen-") for i in extra)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"post_ids": POST_IDS, "org_type": "bank", "n": 3}, "posts"),
        ({}, "posts"),
        ({"post_ids": []}, "post_ids"),
        ({"post_ids": ["library-001", "library-001"]}, "post_ids"),
        ({"post_ids": ["no-such-post"]}, "no-such-post"),
        ({"org_type": "zoo", "n": 3}, "org_type"),
        ({"org_type": "bank", "n": 0}, "n"),
        ({"org_type": "bank"}, "n"),
        ({"post_ids": POST_IDS, "pace": "fast"}, "tempo"),
        ({"post_ids": POST_IDS, "feedback": "never"}, "feedback"),
    ],
)
def test_bad_workshop_settings_are_refused_naming_the_field(
    service: WorkshopService, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(WorkshopInputError, match=field):
        service.create_workshop("Titel", **kwargs)  # type: ignore[arg-type]


def test_an_empty_title_is_refused(service: WorkshopService) -> None:
    with pytest.raises(WorkshopInputError, match="titel"):
        service.create_workshop("   ", post_ids=POST_IDS)


# -- joining ----------------------------------------------------------------------------------


def test_join_and_rejoin_with_the_token_finds_the_same_participant(
    service: WorkshopService,
) -> None:
    code, _pin = service.create_workshop("W", post_ids=POST_IDS)
    joined = service.join(f" {code.lower()[:3]}-{code.lower()[3:]} ", "  Sanne   de Vries ")
    assert joined.participant.display_name == "Sanne de Vries"
    back = service.rejoin(code, joined.token)
    assert back.participant == joined.participant
    assert back.current.position == 0 and back.answered == 0
    with pytest.raises(UnknownParticipantError):
        service.rejoin(code, joined.token + "x")
    with pytest.raises(UnknownWorkshopError, match="ZZZZZZ"):
        service.join("ZZZZZZ", "Daan")


def test_a_display_name_already_in_the_workshop_is_refused_in_any_case(
    service: WorkshopService,
) -> None:
    code, _pin = service.create_workshop("W", post_ids=POST_IDS)
    other_code, _ = service.create_workshop("Andere", post_ids=POST_IDS)
    service.join(code, "Sanne")
    with pytest.raises(NameTakenError, match="SANNE"):
        service.join(code, "SANNE")
    service.join(other_code, "Sanne")  # another workshop: fine
    with pytest.raises(WorkshopInputError, match="naam"):
        service.join(code, " \t ")
    with pytest.raises(WorkshopInputError, match="hoogstens"):
        service.join(code, "x" * 41)


# -- facilitator pace -------------------------------------------------------------------------


def test_facilitator_pace_moves_everyone_and_takes_late_answers_but_not_early_ones(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS, pace="facilitator")
    a = service.join(code, "Anna").token
    b = service.join(code, "Bram").token
    assert service.current_post(code, a).post is not None
    assert service.current_post(code, a).post.id == "library-001"  # type: ignore[union-attr]
    with pytest.raises(AnswerRefusedError, match="nog niet aan de beurt"):
        service.submit(code, a, "library-002", "public", "te vroeg")

    service.submit(code, a, "library-001", "public", model_reply("library-001"))
    assert service.current_post(code, a).answered
    assert not service.current_post(code, b).answered

    assert service.next_post(code, pin) == 1
    for token in (a, b):
        now = service.current_post(code, token)
        assert now.position == 1 and now.post is not None and now.post.id == "library-002"
    # Bram clicks send on the first post just after the facilitator moved on: it still counts.
    late = service.submit(code, b, "library-001", "none", "")
    assert late.position == 0
    assert service.previous_post(code, pin) == 0
    assert service.previous_post(code, pin) == 0  # stays at the first post
    service.next_post(code, pin)
    service.next_post(code, pin)
    assert service.next_post(code, pin) == 2  # stays at the last post


def test_self_pace_gives_each_participant_their_own_next_post(service: WorkshopService) -> None:
    code, _pin = service.create_workshop("W", post_ids=POST_IDS, pace="self")
    a = service.join(code, "Anna").token
    b = service.join(code, "Bram").token
    service.submit(code, a, "library-001", "public", "antwoord")
    service.submit(code, a, "library-003", "public", "antwoord")  # any post may be answered
    now_a = service.current_post(code, a)
    assert now_a.position == 1 and now_a.accepting
    assert service.current_post(code, b).position == 0
    service.submit(code, a, "library-002", "private", "antwoord")
    done = service.current_post(code, a)
    assert done.finished and done.post is None and not done.accepting
    assert service.rejoin(code, a).answered == 3


# -- answering and feedback -------------------------------------------------------------------


def test_an_answer_is_scored_like_practice_and_stored_once(service: WorkshopService) -> None:
    code, _pin = service.create_workshop("W", post_ids=POST_IDS, feedback="immediate")
    token = service.join(code, "Anna").token
    reply = "Beste klant, middels dit bericht laten wij u weten dat wij het betreuren."
    answer = service.submit(code, token, "library-001", "private", reply)
    expected = score_post(get_post("library-001"), "private", reply)
    assert answer.score == expected.score
    assert answer.decision_expected == expected.expected
    assert answer.decision_correct == expected.correct
    assert answer.rules == tuple(sorted({a.rule for a in expected.alerts}))
    assert answer.reply == reply

    # A retry of the same answer (dropped connection) gives back the stored one ...
    assert service.submit(code, token, "library-001", "private", reply) == answer
    # ... a different answer is refused: the first one stands.
    with pytest.raises(AnswerRefusedError, match="al beantwoord"):
        service.submit(code, token, "library-001", "public", "beter antwoord")
    view = service.participant_view(code, token)
    assert view.my_answer == answer


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"decision": "maybe"}, "beslissing"),
        ({"decision": None}, "beslissing"),
        ({"decision": "public", "reply": "x" * 5_001}, "hoogstens"),
        ({"decision": "public", "post_id": "library-099"}, "hoort niet bij"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message(
    service: WorkshopService, kwargs: dict[str, object], message: str
) -> None:
    code, _pin = service.create_workshop("W", post_ids=POST_IDS)
    token = service.join(code, "Anna").token
    args: dict[str, object] = {"post_id": "library-001", "reply": "Hoi!"} | kwargs
    with pytest.raises((WorkshopInputError, AnswerRefusedError), match=message):
        service.submit(code, token, **args)  # type: ignore[arg-type]


def test_immediate_feedback_shows_after_answering(service: WorkshopService) -> None:
    code, _pin = service.create_workshop("W", post_ids=POST_IDS, feedback="immediate")
    token = service.join(code, "Anna").token
    before = service.participant_view(code, token)
    assert not before.current.feedback_visible and before.feedback is None
    assert before.model_answer is None
    service.submit(code, token, "library-001", "public", "Hoi, sorry!")
    after = service.participant_view(code, token)
    assert after.current.feedback_visible
    assert after.feedback is not None and after.feedback.score == after.my_answer.score  # type: ignore[union-attr]
    assert after.model_answer == get_post("library-001").model_answer


def test_feedback_after_reveal_waits_for_the_facilitator_and_then_closes_the_post(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS, feedback="after_reveal")
    a = service.join(code, "Anna").token
    b = service.join(code, "Bram").token
    service.submit(code, a, "library-001", "public", "Hoi, sorry!")
    assert not service.participant_view(code, a).current.feedback_visible
    assert service.participant_view(code, a).feedback is None

    service.reveal_feedback(code, pin, "library-001")
    view_a = service.participant_view(code, a)
    assert view_a.current.feedback_visible and view_a.feedback is not None
    # Bram had not answered: he sees the explanation now, so he can no longer answer.
    view_b = service.participant_view(code, b)
    assert view_b.current.feedback_visible and not view_b.current.accepting
    assert view_b.feedback is None  # no answer of his own to give feedback on
    with pytest.raises(AnswerRefusedError, match="uitleg"):
        service.submit(code, b, "library-001", "public", "nu weet ik het")
    with pytest.raises(WorkshopInputError, match="library-099"):
        service.reveal_feedback(code, pin, "library-099")


def test_self_paced_participant_gets_feedback_on_earlier_posts_when_allowed(
    service: WorkshopService,
) -> None:
    code, _pin = service.create_workshop("W", post_ids=POST_IDS, pace="self", feedback="immediate")
    anna = service.join(code, "Anna").token
    bram = service.join(code, "Bram").token
    stiff = "Geachte klant, middels dit bericht laten wij u weten dat wij het betreuren."
    first = service.submit(code, anna, "library-001", "public", stiff)
    service.submit(code, anna, "library-002", "private", "Stuur ons een DM.")
    view = service.participant_view(code, anna)
    assert view.current.position == 2  # self pace moved on
    assert [(a.position, a.post_id) for a in view.answered] == [(0, "library-001"),
                                                                 (1, "library-002")]  # fmt: skip

    earlier = service.answer_feedback(code, anna, "library-001")
    assert earlier.position == 0 and earlier.answer == first and earlier.feedback_visible
    # the result stored at submit time, the same as scoring it again
    assert earlier.feedback == score_post(get_post("library-001"), "public", stiff)
    assert earlier.model_answer == model_reply("library-001")
    # Bram did not answer: no answer, no feedback and no model answer before he answered
    his = service.answer_feedback(code, bram, "library-001")
    assert his.answer is None and his.feedback is None and his.model_answer is None
    assert not his.feedback_visible
    with pytest.raises(WorkshopInputError, match="library-099"):
        service.answer_feedback(code, anna, "library-099")
    with pytest.raises(UnknownParticipantError):
        service.answer_feedback(code, "niet-echt", "library-001")


def test_earlier_feedback_after_reveal_waits_for_that_posts_reveal(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS, pace="self")
    anna = service.join(code, "Anna").token
    answer = service.submit(code, anna, "library-001", "public", "Hoi, sorry!")
    service.submit(code, anna, "library-002", "none")
    hidden = service.answer_feedback(code, anna, "library-001")
    assert hidden.answer == answer  # her own answer, always, without its score before the reveal
    assert answer.score is None and answer.decision_expected is None and answer.rules is None
    assert not hidden.feedback_visible and hidden.feedback is None and hidden.model_answer is None
    assert hidden.key is None and hidden.post.id == "library-001"

    service.reveal_feedback(code, pin, "library-001")
    shown = service.answer_feedback(code, anna, "library-001")
    assert shown.feedback_visible and shown.feedback is not None
    assert shown.answer is not None and shown.feedback.score == shown.answer.score
    assert shown.key is not None and shown.key.expected_decision
    assert service.answer_feedback(code, anna, "library-002").feedback is None  # not revealed
    service.close(code, pin)
    assert service.answer_feedback(code, anna, "library-002").feedback is not None


# -- dashboard --------------------------------------------------------------------------------


def test_dashboard_counts_choices_rules_and_who_answered(service: WorkshopService) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS, leaderboard=True)
    tokens = {name: service.join(code, name).token for name in ("Anna", "Bram", "Cem", "Dewi")}
    post = get_post("library-001")
    choices = {"Anna": "public", "Bram": "public", "Cem": "private"}  # Dewi does not answer
    stiff = "Geachte klant, middels dit bericht laten wij u weten dat wij het betreuren."
    for name, choice in choices.items():
        service.submit(code, tokens[name], post.id, choice, stiff if name != "Cem" else "")

    board = service.dashboard(code, pin)
    first = board.posts[0]
    assert (first.public, first.private, first.none, first.answers) == (2, 1, 0, 3)
    assert first.expected == post.expected_decision
    assert first.correct == sum(c == post.expected_decision for c in choices.values())
    assert first.mean_score is not None and board.posts[1].mean_score is None
    answered = {p.display_name: p.answered_current for p in board.participants}
    assert answered == {"Anna": True, "Bram": True, "Cem": True, "Dewi": False}

    # Rules: counted over written replies (Cem wrote none), most frequent first.
    expected_rules = score_post(post, "public", stiff).alerts
    assert {r.rule for r in board.rules} <= {a.rule for a in expected_rules}
    assert board.rules and all(r.answers == 2 and r.share == 1.0 for r in board.rules)
    assert first.rules == board.rules

    # Leaderboard: names with total scores, highest first.
    assert board.leaderboard is not None
    totals = [r.total_score for r in board.leaderboard]
    assert totals == sorted(totals, reverse=True)
    assert {r.display_name for r in board.leaderboard} == set(tokens)
    assert next(r for r in board.leaderboard if r.display_name == "Dewi").answered == 0


def test_answer_wall_shows_text_only_once_revealed_and_hides_it_again(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    texts = {"Anna": "Antwoord van Anna", "Bram": "Antwoord van Bram"}
    for name, text in texts.items():
        service.submit(code, service.join(code, name).token, "library-001", "public", text)
    wall = service.dashboard(code, pin).wall
    assert len(wall) == 2 and all(e.reply is None and not e.revealed for e in wall)

    chosen = wall[0].answer_id
    service.reveal_answer(code, pin, chosen)
    shown = {e.answer_id: e.reply for e in service.dashboard(code, pin).wall}
    assert shown[chosen] in texts.values()
    assert [r for r in shown.values() if r is None] == [None]
    service.hide_answer(code, pin, chosen)
    assert all(e.reply is None for e in service.dashboard(code, pin).wall)
    with pytest.raises(WorkshopInputError, match="answer_id"):
        service.reveal_answer(code, pin, 10_000)

    # The wall of another post can be chosen; it is empty here.
    assert service.dashboard(code, pin, wall_post="library-002").wall == ()


def test_answer_ids_of_another_workshop_cannot_be_revealed(service: WorkshopService) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    other, _other_pin = service.create_workshop("X", post_ids=POST_IDS)
    answer = service.submit(other, service.join(other, "Anna").token, "library-001", "none", "")
    with pytest.raises(WorkshopInputError, match="answer_id"):
        service.reveal_answer(code, pin, answer.id)


# -- closing ----------------------------------------------------------------------------------


def test_closing_stops_joining_and_answering_but_not_reading(service: WorkshopService) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    token = service.join(code, "Anna").token
    service.submit(code, token, "library-001", "public", "Hoi!")
    service.close(code, pin)
    with pytest.raises(WorkshopClosedError):
        service.join(code, "Bram")
    with pytest.raises(WorkshopClosedError):
        service.next_post(code, pin)
    view = service.participant_view(code, token)
    assert view.workshop.status == "closed" and view.current.closed
    assert view.current.feedback_visible and view.feedback is not None  # all feedback shows
    assert service.dashboard(code, pin).workshop.closed_at is not None


def test_closing_refuses_answers_to_posts_not_yet_answered(service: WorkshopService) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS, pace="self")
    token = service.join(code, "Anna").token
    service.close(code, pin)
    with pytest.raises(WorkshopClosedError, match="afgesloten"):
        service.submit(code, token, "library-001", "public", "Hoi!")


# -- restart ----------------------------------------------------------------------------------


def test_a_restart_in_the_middle_of_a_workshop_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite"
    clock = Clock()
    first_db = Database(path=path)
    first = WorkshopService(first_db, np.random.default_rng(1), now=clock)
    code, pin = first.create_workshop("W", post_ids=POST_IDS, pace="self", leaderboard=True)
    anna = first.join(code, "Anna").token
    bram = first.join(code, "Bram").token
    answer = first.submit(code, anna, "library-001", "public", "Hoi Anna!")
    first.submit(code, bram, "library-001", "none", "")
    first.dashboard(code, pin)
    first_db.dispose()  # the server goes down

    second_db = Database(path=path)
    second = WorkshopService(second_db, np.random.default_rng(2), now=clock)
    back = second.rejoin(code, anna)
    assert back.participant.display_name == "Anna" and back.answered == 1
    assert back.current.position == 1  # Anna goes on where she was
    assert second.participant_view(code, anna).my_answer is None
    assert second.submit(code, anna, "library-001", "public", "Hoi Anna!") == answer
    second.submit(code, anna, "library-002", "private", "Stuur ons een DM.")
    board = second.dashboard(code, pin)
    assert [p.answers for p in board.posts] == [2, 1, 0]
    # Nothing revealed yet: the leaderboard counts no post (scores would tell the answers).
    assert board.leaderboard is not None and board.leaderboard[0].answered == 0
    second.close(code, pin)
    board = second.dashboard(code, pin)
    assert board.leaderboard is not None and board.leaderboard[0].answered == 2
    second_db.dispose()


# -- export -----------------------------------------------------------------------------------


def test_csv_export_has_every_answer_once_with_author_and_rules(service: WorkshopService) -> None:
    code, pin = service.create_workshop(
        "Kenniskring", post_ids=POST_IDS, pace="self", feedback="immediate"
    )
    submitted = []
    for name in ("Anna", "Bram", "Cem"):
        token = service.join(code, name).token
        for post_id in POST_IDS[:2]:
            submitted.append(service.submit(code, token, post_id, "public", f"{name} {post_id}"))
    rows = list(csv.DictReader(io.StringIO(answers_csv(service.report(code, pin)))))
    assert len(rows) == len(submitted) == 6
    assert {(r["deelnemer"], r["post_id"]) for r in rows} == {
        (n, p) for n in ("Anna", "Bram", "Cem") for p in POST_IDS[:2]
    }
    by_reply = {r["antwoord"]: r for r in rows}
    for answer in submitted:
        row = by_reply[answer.reply]
        assert float(row["score"]) == answer.score
        assert row["regel_ids"] == ";".join(answer.rules)
        assert row["workshop"] == "Kenniskring"


def test_csv_export_names_decisions_and_rules_in_dutch(service: WorkshopService) -> None:
    from trainer.rules import load_rules

    titles = {r.id: r.title for r in load_rules()}
    code, pin = service.create_workshop(
        "Excel", post_ids=POST_IDS, pace="self", feedback="immediate"
    )
    expected = get_post("library-001").expected_decision
    given = {}
    for name, decision, reply in (
        ("Anna", "public", "Wij zijn niet verantwoordelijk!!! 😀😀😀😀"),
        ("Bram", "private", "ok"),
        ("Cem", "none", ""),
    ):
        token = service.join(code, name).token
        given[name] = service.submit(code, token, "library-001", decision, reply)
    text = answers_csv(service.report(code, pin))
    rows = {r["deelnemer"]: r for r in csv.DictReader(io.StringIO(text))}
    labels = {
        "public": "Openbaar reageren",
        "private": "Privé reageren (DM)",
        "none": "Niet reageren",
    }
    for name, answer in given.items():
        row = rows[name]
        assert row["beslissing"] == labels[answer.decision]
        assert row["verwacht"] == labels[expected]
        assert row["regels"] == "; ".join(titles[r] for r in answer.rules)
        assert row["regel_ids"] == ";".join(answer.rules)
    assert given["Anna"].rules, "this reply breaks rules"
    cells = {v for r in rows.values() for k, v in r.items() if k not in ("regel_ids", "post_id")}
    assert not cells & {"public", "private", "none"}
    assert not any(rule_id in cell for cell in cells for rule_id in titles if "-" in rule_id)
    # Excel reads the download as UTF-8 (the é of Privé) only with a byte-order mark
    data = for_spreadsheet(service.report(code, pin))
    assert data.startswith(b"\xef\xbb\xbf") and "Privé reageren".encode() in data


def spreadsheet_rows(data: bytes) -> list[dict[str, str]]:
    """The download as Dutch Excel reads it on a double click: UTF-8 after the byte-order mark,
    columns split on semicolons."""
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert all(None not in r and len(r) == len(header) for r in rows), rows
    return rows


def test_the_download_for_excel_splits_on_semicolons(service: WorkshopService) -> None:
    code, pin = service.create_workshop(
        "Kring, mei; 2025", post_ids=POST_IDS, pace="self", feedback="immediate"
    )
    given = {}
    for name, decision, reply in (
        ("Anna", "public", "Wij zijn niet verantwoordelijk!!! 😀😀😀😀"),
        ("Bram", "private", "Hoi Bram, stuur ons een DM; dan kijken we mee. ^MK"),
        ("Cem", "none", ""),
    ):
        token = service.join(code, name).token
        given[name] = service.submit(code, token, "library-001", decision, reply)
    data = for_spreadsheet(service.report(code, pin))
    first_line = data.decode("utf-8-sig").split("\n", 1)[0]
    assert first_line.startswith("workshop;positie;post_id;deelnemer;beslissing;verwacht;")
    rows = {r["deelnemer"]: r for r in spreadsheet_rows(data)}
    assert set(rows) == set(given)
    for name, answer in given.items():
        row = rows[name]
        assert row["workshop"] == "Kring, mei; 2025"  # commas and semicolons stay in their cell
        assert row["positie"] == "1" and row["post_id"] == "library-001"
        assert row["antwoord"] == answer.reply and float(row["score"]) == answer.score
        assert row["regel_ids"] == ";".join(answer.rules)
    assert rows["Bram"]["beslissing"] == "Privé reageren (DM)"
    assert len(given["Anna"].rules) > 1, "a cell with several rule ids"
    # The Python API stays a standard comma CSV with the same cells.
    text = answers_csv(service.report(code, pin))
    plain = {r["deelnemer"]: r for r in csv.DictReader(io.StringIO(text))}
    assert plain == rows


def test_summary_html_reports_the_session_with_revealed_answers_only(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("Kenniskring Rivierenland", post_ids=POST_IDS)
    shown = service.submit(code, service.join(code, "Anna").token, "library-001", "public", "OPEN")
    service.submit(code, service.join(code, "Bram").token, "library-001", "none", "VERBORGEN")
    service.reveal_answer(code, pin, shown.id)
    page = summary_html(service.report(code, pin))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "Kenniskring Rivierenland" in page
    assert "OPEN" in page and "VERBORGEN" not in page
    assert "Anna" not in page  # no leaderboard asked for: no names in the report
    assert "<script" not in page and "http" not in page  # self-contained, nothing to fetch


def test_messages_and_report_say_bericht_and_begeleider(service: WorkshopService) -> None:
    off = re.compile(r"\b(facilitators?|posts?)\b", re.I)
    code, pin = service.create_workshop("Woorden", post_ids=POST_IDS)
    anna = service.join(code, "Anna").token
    said: list[str] = []
    for attempt in (
        lambda: service.submit(code, anna, POST_IDS[1], "public", "te vroeg"),
        lambda: service.submit(code, anna, POST_IDS[0], "none", "anders"),
        lambda: service.submit(code, service.join(code, "Bram").token, POST_IDS[0], "public"),
    ):
        if len(said) == 1:
            service.submit(code, anna, POST_IDS[0], "public", "eerste")
        if len(said) == 2:
            service.reveal_feedback(code, pin, POST_IDS[0])
        with pytest.raises(AnswerRefusedError) as refused:
            attempt()
        said.append(str(refused.value))
    assert any("begeleider" in m for m in said) and any("bericht" in m for m in said)
    page = summary_html(service.report(code, pin))
    words = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", page, flags=re.S))
    for text in [*said, words]:
        assert not off.search(text), text
    assert "Bericht 1" in words and "3 berichten" in words


def test_report_counts_read_right_for_one_and_for_more(service: WorkshopService) -> None:
    def intro(page: str) -> str:
        return re.sub(r"<[^>]+>", "", page.split('<p class="muted">', 1)[1].split("</p>", 1)[0])

    code, pin = service.create_workshop("Eén", post_ids=POST_IDS[:1])
    service.submit(code, service.join(code, "Anna").token, POST_IDS[0], "public", "Hoi")
    page = summary_html(service.report(code, pin))
    assert intro(page).endswith("1 deelnemer, 1 bericht, 1 antwoord.")
    assert "1 antwoord, " in page and "1 antwoorden" not in page

    code, pin = service.create_workshop("Twee", post_ids=POST_IDS[:2])
    for name in ("Anna", "Bram"):
        service.submit(code, service.join(code, name).token, POST_IDS[0], "public", "Hoi")
    page = summary_html(service.report(code, pin))
    assert intro(page).endswith("2 deelnemers, 2 berichten, 2 antwoorden.")
    assert "2 antwoorden, " in page and "</strong>. Nog geen antwoorden." in page


def test_report_says_when_the_workshop_began_on_the_dutch_clock(service: WorkshopService) -> None:
    code, pin = service.create_workshop("Avond", post_ids=POST_IDS[:1])  # 19:30 UTC in May
    page = summary_html(service.report(code, pin))
    assert f"{code}, 20-05-2025 21:30;" in page and "UTC" not in page


@pytest.mark.parametrize(
    ("submitted", "local"),
    [
        (datetime(2025, 5, 20, 19, 30, 5, tzinfo=UTC), "2025-05-20 21:30:05"),  # summer: CEST
        (datetime(2025, 1, 14, 19, 30, 5, tzinfo=UTC), "2025-01-14 20:30:05"),  # winter: CET
        (datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC), "2025-03-30 01:59:59"),  # just before
        (datetime(2025, 3, 30, 1, 0, 0, tzinfo=UTC), "2025-03-30 03:00:00"),  # and after the switch
        (datetime(2025, 12, 31, 23, 15, tzinfo=UTC), "2026-01-01 00:15:00"),  # a new day in NL
    ],
)
def test_csv_gives_the_dutch_time_an_answer_came_in(
    db: Database, submitted: datetime, local: str
) -> None:
    clock = Clock(submitted - timedelta(minutes=10))
    service = WorkshopService(db, np.random.default_rng(7), now=clock)
    code, pin = service.create_workshop("Klok", post_ids=POST_IDS)
    token = service.join(code, "Anna").token
    clock.moment = submitted
    service.submit(code, token, POST_IDS[0], "public", "Hoi Anna!")
    (row,) = csv.DictReader(io.StringIO(answers_csv(service.report(code, pin))))
    assert row["ingestuurd"] == local
    (cell,) = spreadsheet_rows(for_spreadsheet(service.report(code, pin)))
    assert cell["ingestuurd"] == local


def test_report_names_each_channel_as_the_post_card_does(service: WorkshopService) -> None:
    # library-001 is on X, library-006 a WhatsApp message, library-008 a review
    posts = ["library-001", "library-006", "library-008"]
    code, pin = service.create_workshop("Kanalen", post_ids=posts)
    page = summary_html(service.report(code, pin))
    headings = re.findall(r"<h2>(Bericht \d+:.*?)</h2>", page)
    brand = get_post("library-001").brand.name
    assert headings == [
        f"Bericht 1: X (Twitter) · over {brand}",
        f"Bericht 2: WhatsApp · over {get_post('library-006').brand.name}",
        f"Bericht 3: Reviewsite · over {get_post('library-008').brand.name}",
    ]
    assert not re.search(r"\((x|whatsapp|reviews)\)", page)


def test_an_answer_to_a_message_outside_the_workshop_is_refused_as_bericht(
    service: WorkshopService,
) -> None:
    code, _pin = service.create_workshop("Woorden", post_ids=POST_IDS)
    anna = service.join(code, "Anna").token
    with pytest.raises(AnswerRefusedError) as refused:
        service.submit(code, anna, "bank-001", "public", "Hoi!")
    said = str(refused.value)
    assert said == "Het bericht 'bank-001' hoort niet bij deze workshop."
    assert not re.search(r"\b(facilitators?|posts?)\b", said, re.I)


# -- wording and ranking on the begeleider's screen ----------------------------------------


def test_input_and_refusal_messages_are_plain_dutch_sentences(service: WorkshopService) -> None:
    with pytest.raises(WorkshopInputError) as empty:
        service.join(service.create_workshop("W", post_ids=POST_IDS[:1]).code, "   ")
    assert str(empty.value) == "Vul een naam in."
    with pytest.raises(WorkshopInputError) as untitled:
        service.create_workshop(" ", post_ids=POST_IDS[:1])
    assert str(untitled.value) == "Vul een titel in."
    code, _ = service.create_workshop("W", post_ids=POST_IDS[:1])
    service.join(code, "Nadia D'Souza")
    with pytest.raises(NameTakenError) as taken:
        service.join(code, "nadia d'souza")
    assert "De naam „nadia d'souza” is in deze workshop al in gebruik." in str(taken.value)
    with pytest.raises(UnknownWorkshopError) as unknown:
        service.join(" zz99 ", "Ali")
    assert "Er is geen workshop met deelcode „zz99”." in str(unknown.value)
    for message in (str(taken.value), str(unknown.value)):
        assert '"' not in message and "'zz99'" not in message


def test_the_leaderboard_ranks_only_who_answered(service: WorkshopService) -> None:
    from webcare_app.render import ranking_table

    code, pin = service.create_workshop("W", post_ids=POST_IDS[:1], leaderboard=True)
    service.join(code, "Aaron")  # first in the alphabet, no answer
    bea = service.join(code, "Bea").token
    service.submit(code, bea, POST_IDS[0], "none")  # answered, possibly with a score of 0
    service.reveal_feedback(code, pin, POST_IDS[0])
    rows = service.dashboard(code, pin).leaderboard
    assert rows is not None and [r.display_name for r in rows] == ["Bea", "Aaron"]
    table = ranking_table([(r.display_name, r.total_score, r.answered) for r in rows])
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table)
    assert cells[:2] == ["1", "Bea"] and cells[4:6] == ["", "Aaron"]  # Aaron gets no place
    # every cell has room around it, so the headers do not run together
    assert all("padding" in cell for cell in re.findall(r"<t[hd]\b[^>]*>", table))


def test_the_report_says_no_answers_yet_for_a_post_without_answers(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS[:2])
    service.submit(code, service.join(code, "Cas").token, POST_IDS[0], "public", "Hoi! ^MK")
    page = summary_html(service.report(code, pin))
    assert page.count("Nog geen antwoorden.") == 1 and "nog geen antwoorden" not in page
    assert "score –" not in page and "gemiddelde score" in page
