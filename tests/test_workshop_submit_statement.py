"""The answer's checks and insert are one statement (``workshop.answering``): every refusal is
still given, with its Dutch reason, and nothing is stored for it; a taken answer is stored once
with exactly its alerts. On SQLite and on the suite's scratch PostgreSQL cluster, where the
answer, its alerts and the state that explains a refusal come from one statement.
"""

from __future__ import annotations

import pytest
import workshop_helpers
from sqlalchemy import func, select
from workshop_helpers import Clock

from trainer.storage import Database
from workshop.errors import AnswerRefusedError, RemovedParticipantError, WorkshopClosedError
from workshop.service import WorkshopService
from workshop.tables import WorkshopAnswer, WorkshopAnswerAlert

POST_IDS = ["library-001", "library-002", "library-003"]
SERVICE_SEED = 7  # the shared ``service`` fixture's generator (workshop_helpers)
# A reply the rubric flags more than once (stiff, misspelt, misses key points).
FLAGGED = "Geachte klant, wij zijn diccht. Je word morgen gebeld. Met vriendelijke groet."


db, clock, service = workshop_helpers.db, workshop_helpers.clock, workshop_helpers.service


def stored_answers(db: Database) -> int:
    with db.session(readonly=True) as session:
        return session.scalar(select(func.count()).select_from(WorkshopAnswer)) or 0


def test_a_taken_answer_is_stored_once_with_exactly_its_alerts(
    db: Database, service: WorkshopService
) -> None:
    code, _pin = service.create_workshop(
        "Kring", post_ids=POST_IDS, pace="self", feedback="immediate"
    )
    tokens = [service.join(code, name).token for name in ("Anna", "Bram", "Cas")]
    answers = [
        service.submit(code, tokens[0], "library-001", "public", FLAGGED),
        service.submit(code, tokens[1], "library-001", "none"),  # no reply: no text alerts
        service.submit(code, tokens[2], "library-002", "private", FLAGGED + " Bel ons!"),
    ]
    assert answers[0].rules is not None and len(answers[0].rules) > 1
    with db.session(readonly=True) as session:
        for answer in answers:
            rules = session.scalars(
                select(WorkshopAnswerAlert.rule).where(WorkshopAnswerAlert.answer_id == answer.id)
            ).all()
            assert tuple(sorted(set(rules))) == answer.rules
            row = session.get(WorkshopAnswer, answer.id)
            assert row is not None and row.score == answer.score and row.reply == answer.reply
    # A retry returns the stored answer; a different second answer is refused; nothing added.
    assert service.submit(code, tokens[0], "library-001", "public", FLAGGED).id == answers[0].id
    with pytest.raises(AnswerRefusedError, match="al beantwoord"):
        service.submit(code, tokens[0], "library-001", "private", "Iets anders.")
    assert stored_answers(db) == 3


def test_every_refusal_keeps_its_reason_and_stores_nothing(
    db: Database, clock: Clock, service: WorkshopService
) -> None:
    code, pin = service.create_workshop("Kring", post_ids=POST_IDS, lobby=True, countdown_s=30)
    anna, bram, cas, dirk = (service.join(code, n) for n in ("Anna", "Bram", "Cas", "Dirk"))
    with pytest.raises(AnswerRefusedError, match="nog niet begonnen"):
        service.submit(code, anna.token, "library-001", "none")
    service.start(code, pin)
    with pytest.raises(AnswerRefusedError, match="nog niet aan de beurt"):
        service.submit(code, anna.token, "library-002", "none")
    service.remove_participant(code, pin, dirk.participant.id)
    with pytest.raises(RemovedParticipantError, match="verwijderd"):
        service.submit(code, dirk.token, "library-001", "none")
    service.submit(code, anna.token, "library-001", "public", "Hoi!")  # in time
    clock.wait(30)  # the countdown is over at its deadline, not after it
    with pytest.raises(AnswerRefusedError, match="tijd voor dit bericht is om"):
        service.submit(code, bram.token, "library-001", "none")
    service.next_post(code, pin)
    service.submit(code, cas.token, "library-002", "none")
    service.reveal_feedback(code, pin, "library-002")
    with pytest.raises(AnswerRefusedError, match="uitleg bij dit bericht is al getoond"):
        service.submit(code, bram.token, "library-002", "none")
    service.close(code, pin)
    with pytest.raises(WorkshopClosedError, match="afgesloten"):
        service.submit(code, cas.token, "library-003", "none")
    assert stored_answers(db) == 2


def test_late_answers_to_an_earlier_open_post_still_count(service: WorkshopService) -> None:
    code, pin = service.create_workshop("Kring", post_ids=POST_IDS)
    anna = service.join(code, "Anna").token
    service.next_post(code, pin)
    service.next_post(code, pin)
    assert service.submit(code, anna, "library-001", "public", "Hoi, later!").id


def test_a_repeated_answer_comes_back_as_stored_before_any_refusal(
    db: Database, service: WorkshopService
) -> None:
    # A retry is skipped by the insert (no error) and explained from one state row: the stored
    # answer, its scoring fields only once the feedback may be shown, its alerts with them.
    code, pin = service.create_workshop("Kring", post_ids=POST_IDS)
    anna, bram = (service.join(code, n) for n in ("Anna", "Bram"))
    first = service.submit(code, anna.token, "library-001", "public", FLAGGED)
    assert first.score is None and first.rules is None  # after-reveal feedback: hidden
    again = service.submit(code, anna.token, "library-001", "public", FLAGGED)
    assert again == first
    with pytest.raises(AnswerRefusedError, match="al beantwoord"):
        service.submit(code, anna.token, "library-001", "none")
    service.reveal_feedback(code, pin, "library-001")
    shown = service.submit(code, anna.token, "library-001", "public", FLAGGED)  # after reveal
    assert shown.id == first.id and shown.score is not None
    with db.session(readonly=True) as session:
        rules = session.scalars(
            select(WorkshopAnswerAlert.rule).where(WorkshopAnswerAlert.answer_id == first.id)
        ).all()
    assert rules and shown.rules == tuple(sorted(set(rules)))
    assert shown.submitted_at == first.submitted_at and shown.reply == FLAGGED
    service.close(code, pin)
    assert service.submit(code, anna.token, "library-001", "public", FLAGGED) == shown
    with pytest.raises(AnswerRefusedError, match="al beantwoord"):
        service.submit(code, anna.token, "library-001", "private", FLAGGED)
    with pytest.raises(WorkshopClosedError, match="afgesloten"):  # no stored answer: refused
        service.submit(code, bram.token, "library-001", "public", FLAGGED)
    service.remove_participant(code, pin, anna.participant.id)
    with pytest.raises(RemovedParticipantError, match="verwijderd"):
        service.submit(code, anna.token, "library-001", "public", FLAGGED)
    assert stored_answers(db) == 1
