"""Two app processes on one database serve the same workshop consistently (issue 16).

Replicas behind a proxy each run their own ``WorkshopService``: the facilitator's laptop may talk
to one and the participants' phones to another. Here the facilitator acts on the test's service
and the participants on a service in another OS process (``workshop_peer``), on one PostgreSQL
database (a scratch cluster) and on one SQLite file: answers, the lobby and start, moves, reveals,
the countdown, renames, PIN limits and a PIN reset must agree, since each process caches only
what never changes once written (``WorkshopService._fixed``, tokens, verified PINs keyed on the
stored PIN hash).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from workshop_peer import Peer, PeerError, clock_reader, shared_clock

from trainer.scenarios import posts_by_org
from trainer.storage import Database
from workshop.errors import PinLockedError, WrongPinError
from workshop.pin_guard import PIN_MAX_FAILURES
from workshop.service import WorkshopService

COUNTDOWN_S = 60


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def clock() -> Any:
    return shared_clock()


@pytest.fixture
def here(url: str, clock: Any) -> Iterator[WorkshopService]:
    db = Database(url)
    yield WorkshopService(db, np.random.default_rng(1), now=clock_reader(clock))
    db.dispose()


@pytest.fixture
def there(url: str, clock: Any, here: WorkshopService) -> Iterator[Peer]:
    peer = Peer(url, clock)  # after ``here``: the schema exists before the peer opens it
    yield peer
    peer.close()


def refused(peer: Peer, kind: str, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(PeerError) as caught:
        peer.call(*args, **kwargs)
    assert caught.value.kind == kind, caught.value
    return caught.value.message


@pytest.mark.slow  # ~20 s each: the peer process loads the scorer
def test_facilitator_on_one_process_participants_on_another(
    here: WorkshopService, there: Peer, clock: Any
) -> None:
    posts = posts_by_org("library")[:3]
    created = here.create_workshop(
        "Twee servers", post_ids=[p.id for p in posts], lobby=True, countdown_s=COUNTDOWN_S
    )
    code, pin = created
    sanne = there.call("join", code, "Sanne")
    piet = there.call("join", code, "Piet")
    reply = posts[0].model_answer

    # The lobby: the other process refuses answers until the facilitator starts here.
    assert there.call("current_post", code, sanne.token).lobby
    refused(there, "AnswerRefusedError", "submit", code, sanne.token, posts[0].id, "public", reply)
    here.start(code, pin)
    now_there = there.call("current_post", code, sanne.token)
    assert (now_there.position, now_there.accepting, now_there.lobby) == (0, True, False)
    assert now_there.deadline is not None

    # Answers sent there are in the facilitator's report here, once.
    there.call("submit", code, sanne.token, posts[0].id, "public", reply)
    again = there.call("submit", code, sanne.token, posts[0].id, "public", reply)  # a retry
    assert [(a.display_name, a.post_id) for a in here.report(code, pin).answers] == [
        ("Sanne", posts[0].id)
    ]
    assert again.id is not None

    # A reveal here closes the post there and shows Sanne her feedback there.
    assert there.call("participant_view", code, sanne.token).feedback is None
    here.reveal_feedback(code, pin, posts[0].id)
    refused(there, "AnswerRefusedError", "submit", code, piet.token, posts[0].id, "none", "")
    view = there.call("participant_view", code, sanne.token)
    assert view.feedback is not None and view.my_answer.score is not None

    # Moves here are where the participants are there, both ways.
    assert here.next_post(code, pin) == 1
    assert there.call("current_post", code, piet.token).position == 1
    assert here.previous_post(code, pin) == 0
    assert there.call("current_post", code, piet.token).position == 0
    refused(there, "AnswerRefusedError", "submit", code, piet.token, posts[1].id, "none", "")
    assert here.next_post(code, pin) == 1

    # The countdown, kept by the database: past the deadline neither process takes an answer.
    deadline = there.call("current_post", code, piet.token).deadline
    assert deadline == here.current_post(code, piet.token).deadline
    clock.value = (deadline + timedelta(seconds=1)).timestamp()
    assert not there.call("current_post", code, piet.token).accepting
    message = refused(
        there, "AnswerRefusedError", "submit", code, piet.token, posts[1].id, "none", ""
    )
    assert "tijd" in message

    # A rename here is the name there.
    here.rename_participant(code, pin, piet.participant.id, "Pieter")
    assert there.call("participant_view", code, piet.token).me.display_name == "Pieter"
    refused(there, "NameTakenError", "join", code, "pieter")

    # Wrong PINs count in one table: tries on both processes add up to one client's limit.
    wrong = "000000" if pin != "000000" else "111111"
    for k in range(PIN_MAX_FAILURES):
        if k % 2:
            with pytest.raises(WrongPinError):
                here.next_post(code, wrong, client="zaal")
        else:
            refused(there, "WrongPinError", "next_post", code, wrong, client="zaal")
    refused(there, "PinLockedError", "next_post", code, pin, client="zaal")
    with pytest.raises(PinLockedError):
        here.next_post(code, wrong, client="zaal")
    # The PIN this process verified before still opens it here (the facilitator's open
    # dashboard keeps working, ``workshop.pin_guard``); another device gets in there.
    assert here.next_post(code, pin, client="zaal") == 2
    assert there.call("previous_post", code, pin, client="laptop") == 1

    # A PIN reset there: the old PIN, verified and remembered here, stops working here.
    new_pin = there.call("recover", code, created.recovery, client="laptop")
    with pytest.raises(WrongPinError):
        here.dashboard(code, pin, client="laptop")
    assert here.previous_post(code, new_pin, client="laptop") == 0

    # Closing here stops answering there.
    here.close(code, new_pin, client="laptop")
    refused(there, "WorkshopClosedError", "submit", code, piet.token, posts[2].id, "none", "")
    assert there.call("current_post", code, sanne.token).closed
