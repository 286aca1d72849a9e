"""How often a waiting phone polls, by the size of its room (``workshop.live_refresh``), and the
room size the page reads for it (``WorkshopService.room_size``), on SQLite and PostgreSQL.

The rule keeps the whole room's polls per second within the budget once a room is larger than
a small one, never polls faster than the small-room interval and never slower than the stated
bound on how late a phone may see the facilitator's move.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from workshop_helpers import DATABASES, PAGE_TIMEOUT_S, PARTICIPANT, library_ids, workshop_database

from trainer.storage import Database
from workshop import service as service_module
from workshop.live_refresh import (
    MAX_REFRESH_S,
    MIN_REFRESH_S,
    POLLS_PER_S,
    wait_refresh_s,
)
from workshop.service import WorkshopService


@pytest.fixture(params=DATABASES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from workshop_database(request, tmp_path)


def test_a_small_room_polls_every_three_seconds_as_before() -> None:
    assert [wait_refresh_s(n) for n in (0, 1, 10, 40, 120)] == [MIN_REFRESH_S] * 5
    assert MIN_REFRESH_S == 3


def test_two_hundred_phones_see_a_move_within_five_seconds() -> None:
    assert wait_refresh_s(200) == 5


def test_the_whole_room_stays_within_the_poll_budget() -> None:
    """Above the small-room size, N phones each polling every wait_refresh_s(N) seconds send at
    most POLLS_PER_S polls a second (until the ceiling), and the interval never shrinks as the
    room grows."""
    small = int(POLLS_PER_S * MIN_REFRESH_S)
    ceiling = int(POLLS_PER_S * MAX_REFRESH_S)
    previous = 0
    for n in range(0, 1001):
        interval = wait_refresh_s(n)
        assert MIN_REFRESH_S <= interval <= MAX_REFRESH_S
        assert interval >= previous
        previous = interval
        if small < n <= ceiling:
            assert n / interval <= POLLS_PER_S + 1e-9, n
    assert wait_refresh_s(10_000) == MAX_REFRESH_S


def test_room_size_counts_joined_participants_not_removed_ones(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "ROOM_SIZE_TTL_S", 0.0)
    svc = WorkshopService(db, np.random.default_rng(7))
    code, pin = svc.create_workshop("Zaal", post_ids=library_ids(2))
    assert svc.room_size(code) == 0
    ids = [svc.join(code, f"Deelnemer {k}").participant.id for k in range(3)]
    assert svc.room_size(code) == 3
    svc.remove_participant(code, pin, ids[0])
    assert svc.room_size(code) == 2


def test_room_size_is_counted_once_per_ttl(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """200 phones asking on every poll must not mean 200 counts: within the TTL the count held
    is returned; after it the database is asked again."""
    clock = [1000.0]
    monkeypatch.setattr(service_module.time, "monotonic", lambda: clock[0])
    svc = WorkshopService(db, np.random.default_rng(7))
    code, _pin = svc.create_workshop("Zaal", post_ids=library_ids(2))
    svc.join(code, "Ans")
    assert svc.room_size(code) == 1
    svc.join(code, "Bert")
    clock[0] += service_module.ROOM_SIZE_TTL_S / 2
    assert svc.room_size(code) == 1  # held
    clock[0] += service_module.ROOM_SIZE_TTL_S
    assert svc.room_size(code) == 2


def test_the_waiting_page_sets_its_timer_by_the_room(
    db_path: Path, phone: WorkshopService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's fragment timer follows the room: 3 s alone, 4 s once 121 people are in."""
    monkeypatch.setattr(service_module, "ROOM_SIZE_TTL_S", 0.0)
    code, _pin = phone.create_workshop("Kenniskring", post_ids=library_ids(2))
    me = AppTest.from_file(PARTICIPANT, default_timeout=PAGE_TIMEOUT_S)
    me.query_params["code"] = code
    me.run()
    me.text_input(key="wp_name").input("Cor")
    me.button(key="wp_join").click().run()
    assert not me.exception
    assert me.session_state["_wp_refresh_s"] == 3
    for k in range(120):
        phone.join(code, f"Deelnemer {k}")
    me.run()
    assert not me.exception
    assert me.session_state["_wp_refresh_s"] == wait_refresh_s(121) == 4
