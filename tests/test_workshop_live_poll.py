"""A waiting phone's one-statement poll (``workshop.live_poll``), on SQLite and PostgreSQL.

The page skips the full read of a participant's view when the stamp is the same as at the last
full read, so the stamp must change whenever anything that screen shows changes (another post,
the answer in, feedback shown, answering open or shut, closed, lobby left, the wall's revealed
answers), through a workshop's whole life; and it must stay the same when nothing on that
screen changed (another participant's hidden answer), or the poll saves nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from workshop_helpers import DATABASES, Clock, library_ids, workshop_database

from trainer.storage import Database
from workshop.live_poll import Stamp, stamp
from workshop.records import ParticipantView
from workshop.service import WorkshopService

REPLY = "Hoi, dank je voor je bericht! Ik zoek het voor je uit en laat het je weten. ^MK"


@pytest.fixture(params=DATABASES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from workshop_database(request, tmp_path)


def screen(view: ParticipantView) -> tuple[Any, ...]:
    """What the waiting screen shows that a poll must notice (the page's redraw signature)."""
    c = view.current
    return (c.position, c.answered, c.feedback_visible, c.accepting, c.closed, c.lobby,
            len(view.wall))  # fmt: skip


def test_the_stamp_changes_whenever_the_screen_does(db: Database) -> None:
    clock = Clock()
    svc = WorkshopService(db, np.random.default_rng(7), now=clock)
    code, pin = svc.create_workshop(
        "Kenniskring", post_ids=library_ids(2), lobby=True, countdown_s=60
    )
    me, other, third = (svc.join(code, name) for name in ("Anna", "Bram", "Cas"))

    seen: list[tuple[str, Stamp | None, tuple[Any, ...]]] = []

    def step(label: str) -> None:
        now = stamp(db, code, me.token, svc.now())
        seen.append((label, now, screen(svc.participant_view(code, me.token))))

    step("lobby")
    svc.start(code, pin)
    step("started")
    post = svc.participant_view(code, me.token).current.post
    assert post is not None
    theirs = svc.submit(code, other.token, post.id, "public", REPLY)
    step("another's answer, hidden")
    svc.submit(code, me.token, post.id, "public", REPLY)
    step("my answer in")
    svc.reveal_answer(code, pin, theirs.id)
    step("an answer on the wall")
    svc.remove_participant(code, pin, other.participant.id)
    step("its giver removed")
    svc.restore_participant(code, pin, other.participant.id)
    step("and back")
    clock.wait(61)
    step("countdown over")
    svc.reveal_feedback(code, pin, post.id)
    step("feedback revealed")
    svc.next_post(code, pin)
    step("next post")
    second = svc.participant_view(code, me.token).current.post
    assert second is not None and second.id != post.id
    svc.submit(code, third.token, second.id, "public", REPLY)
    step("another's answer to it, hidden")
    clock.wait(61)
    step("its countdown over, unanswered")
    svc.close(code, pin)
    step("closed")

    assert all(s is not None for _, s, _ in seen)
    unchanged = {"another's answer, hidden", "another's answer to it, hidden"}
    for (_, s0, v0), (label, s1, v1) in itertools.pairwise(seen):
        if v1 != v0:
            assert s1 != s0, label  # the screen changed: the poll must see it
        if label in unchanged:
            assert (s1, v1) == (s0, v0), label  # nothing to see: the poll ends at the stamp
    # The removal and its undo changed the wall back and forth, and the stamp with it.
    labels = [label for label, _, _ in seen]
    wall = {label: v[-1] for label, _, v in seen}
    assert [wall[k] for k in ("an answer on the wall", "its giver removed", "and back")] == [
        1,
        0,
        1,
    ]
    assert labels[-1] == "closed"


def test_no_stamp_in_self_pace_or_for_an_unknown_phone(db: Database) -> None:
    svc = WorkshopService(db, np.random.default_rng(7))
    code, _pin = svc.create_workshop("Zelf", post_ids=library_ids(2), pace="self")
    me = svc.join(code, "Anna")
    now = svc.now()
    assert stamp(db, code, me.token, now) is None  # each participant has a post of their own
    code2, _pin2 = svc.create_workshop("Samen", post_ids=library_ids(2))
    assert stamp(db, code2, me.token, now) is None  # a token of another workshop
    assert stamp(db, "GEENCODE", me.token, now) is None
    assert stamp(db, code2, "onzin", now) is None
    assert stamp(db, 12, me.token, now) is None  # type: ignore[arg-type]
    joined = svc.join(code2, "Bram")
    assert stamp(db, code2.lower(), joined.token, now) is not None  # as typed: case ignored
