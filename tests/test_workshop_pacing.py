"""The lobby before the first post and the countdown per post (``workshop.pacing``).

Driven with a clock the test moves by hand, on SQLite and on the suite's scratch PostgreSQL
cluster: in the lobby nobody sees a post or can answer, the projector lists who joined, the
facilitator's start shows the first post and starts its clock; the server refuses an answer that
arrives after the deadline; the deadline is a row in the database, so a new service (a restarted
app) keeps it; moving back to a post does not start its clock again.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
import workshop_helpers
from workshop_helpers import Clock

from trainer.storage import Database
from workshop.errors import AnswerRefusedError, WorkshopInputError
from workshop.service import WorkshopService

POST_IDS = ["library-001", "library-002", "library-003"]


db, clock, service = workshop_helpers.db, workshop_helpers.clock, workshop_helpers.service


def test_the_lobby_shows_names_and_no_post_until_the_start(service: WorkshopService) -> None:
    code, pin = service.create_workshop("Kring", post_ids=POST_IDS, lobby=True)
    anna = service.join(code, "Anna").token
    service.join(code, "Bram")
    view = service.participant_view(code, anna)
    assert view.current.lobby and view.current.post is None and not view.current.accepting
    assert view.workshop.lobby
    board = service.dashboard(code, pin)
    assert board.workshop.lobby
    assert [p.display_name for p in board.participants] == ["Anna", "Bram"]
    with pytest.raises(AnswerRefusedError, match="nog niet begonnen"):
        service.submit(code, anna, "library-001", "public", "Hoi")
    with pytest.raises(AnswerRefusedError, match="wachtruimte"):
        service.next_post(code, pin)

    service.start(code, pin)
    service.start(code, pin)  # a second start changes nothing
    current = service.current_post(code, anna)
    assert not current.lobby and current.position == 0 and current.accepting
    assert not service.dashboard(code, pin).workshop.lobby
    service.submit(code, anna, "library-001", "public", "Hoi Anna, dank je!")


def test_without_a_lobby_the_first_post_shows_at_once(service: WorkshopService) -> None:
    code, _ = service.create_workshop("Kring", post_ids=POST_IDS)
    anna = service.join(code, "Anna").token
    assert service.current_post(code, anna).position == 0


def test_the_countdown_closes_answering_and_survives_a_restart(
    db: Database, clock: Clock, service: WorkshopService
) -> None:
    code, pin = service.create_workshop("Kring", post_ids=POST_IDS, lobby=True, countdown_s=30)
    anna = service.join(code, "Anna").token
    bram = service.join(code, "Bram").token
    clock.wait(120)  # the lobby takes as long as it takes: no clock runs yet
    service.start(code, pin)
    first = service.current_post(code, anna)
    assert first.seconds_left == 30 and first.deadline == clock.moment + timedelta(seconds=30)
    clock.wait(20)
    service.submit(code, anna, "library-001", "public", "Hoi, dank je!")

    # A restarted app: a new service on the same database reads the same deadline.
    restarted = WorkshopService(db, np.random.default_rng(6), now=clock)
    assert restarted.current_post(code, bram).seconds_left == 10
    assert restarted.dashboard(code, pin).workshop.seconds_left == 10
    clock.wait(10)
    late = restarted.current_post(code, bram)
    assert late.seconds_left == 0 and not late.accepting
    with pytest.raises(AnswerRefusedError, match="tijd voor dit bericht is om"):
        restarted.submit(code, bram, "library-001", "none")
    # Anna's answer in time still stands and the retry of it is returned, not refused.
    assert restarted.submit(code, anna, "library-001", "public", "Hoi, dank je!").id

    # The next post gets its own clock; moving back does not start the first one again.
    restarted.next_post(code, pin)
    assert restarted.current_post(code, bram).seconds_left == 30
    restarted.previous_post(code, pin)
    assert not restarted.current_post(code, bram).accepting
    restarted.next_post(code, pin)
    clock.wait(5)
    assert restarted.current_post(code, bram).seconds_left == 25
    restarted.submit(code, bram, "library-002", "private", "Stuur ons een DM.")


@pytest.mark.parametrize(
    ("seconds", "pace", "message"),
    [
        (5, "facilitator", "10 tot 900"),
        (3600, "facilitator", "10 tot 900"),
        ("30", "facilitator", "geheel getal"),
        (True, "facilitator", "geheel getal"),
        (30, "self", "alleen als de begeleider"),
    ],
)
def test_a_bad_countdown_is_refused_in_dutch(
    service: WorkshopService, seconds: object, pace: str, message: str
) -> None:
    with pytest.raises(WorkshopInputError, match=message):
        service.create_workshop("Kring", post_ids=POST_IDS, pace=pace, countdown_s=seconds)  # type: ignore[arg-type]


def test_the_facilitator_renames_a_participant(service: WorkshopService) -> None:
    """Moderation: an unfit name is replaced; the token keeps working, taken names are refused."""
    from workshop.errors import NameTakenError, WrongPinError

    code, pin = service.create_workshop("Kring", post_ids=POST_IDS, leaderboard=True)
    rude = service.join(code, "Kwaaie Klant").token
    service.join(code, "Bram")
    who = {p.display_name: p.id for p in service.dashboard(code, pin).participants}
    renamed = service.rename_participant(code, pin, who["Kwaaie Klant"], "  Deelnemer 1 ")
    assert renamed.display_name == "Deelnemer 1"
    assert service.participant_view(code, rude).me.display_name == "Deelnemer 1"
    names = [p.display_name for p in service.dashboard(code, pin).participants]
    assert names == ["Deelnemer 1", "Bram"]
    with pytest.raises(NameTakenError, match="al in gebruik"):
        service.rename_participant(code, pin, who["Kwaaie Klant"], "BRAM")
    with pytest.raises(WorkshopInputError, match="doet niet mee"):
        service.rename_participant(code, pin, 999_999, "Iemand")
    with pytest.raises(WorkshopInputError, match="naam"):
        service.rename_participant(code, pin, who["Bram"], "   ")
    with pytest.raises(WrongPinError):
        service.rename_participant(code, "000000", who["Bram"], "Bas")
    # another workshop's facilitator cannot rename this one's participants
    other, other_pin = service.create_workshop("Andere kring", post_ids=POST_IDS)
    with pytest.raises(WorkshopInputError, match="doet niet mee"):
        service.rename_participant(other, other_pin, who["Bram"], "Bas")
