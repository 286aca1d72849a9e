"""Nothing gives the answer away before the reveal: not the service, not the projector.

The expected decision of a post is told by many things besides the field itself: the model answer,
the notes, a participant's score (100 for one decision, 0 for another), the share correct and the
mean score per post, a leaderboard where one person leads. These tests drive the service on SQLite
and on the suite's scratch PostgreSQL cluster and check that none of it comes out of a
participant's calls, and none of it is on the projected dashboard, before the post's feedback may
be shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from workshop_helpers import DATABASES, T0, workshop_database

from trainer.scenarios import get_post
from trainer.storage import Database
from workshop.service import WorkshopService

POST_IDS = ["library-001", "library-002", "library-003"]


@pytest.fixture(params=DATABASES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from workshop_database(request, tmp_path)


@pytest.fixture
def service(db: Database) -> WorkshopService:
    return WorkshopService(db, np.random.default_rng(3), now=lambda: T0)


def _no_key_in(obj: object) -> None:
    """The record carries no answer key: no full post, no score, no expected decision."""
    for name in ("key", "feedback", "model_answer"):
        assert getattr(obj, name, None) is None, name
    answer = getattr(obj, "my_answer", None) or getattr(obj, "answer", None)
    if answer is not None:
        assert answer.score is None and answer.decision_expected is None
        assert answer.decision_correct is None and answer.rules is None
    post = getattr(obj, "post", None)
    if post is not None:
        assert not hasattr(post, "expected_decision") and not hasattr(post, "model_answer")


def test_after_reveal_no_participant_call_returns_the_answer_key(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    anna = service.join(code, "Anna").token
    post = get_post(POST_IDS[0])
    before = service.current_post(code, anna)
    assert before.post is not None and before.post.text == post.text and before.key is None
    answer = service.submit(code, anna, post.id, post.expected_decision, post.model_answer)
    assert answer.score is None and answer.decision_expected is None and answer.rules is None
    # the same answer sent again (a retry) is the stored one, still without its score
    assert service.submit(code, anna, post.id, post.expected_decision, post.model_answer) == answer
    _no_key_in(service.current_post(code, anna))
    view = service.participant_view(code, anna)
    _no_key_in(view)
    _no_key_in(view.current)
    _no_key_in(service.answer_feedback(code, anna, post.id))
    _no_key_in(service.rejoin(code, anna).current)

    service.reveal_feedback(code, pin, post.id)
    shown = service.answer_feedback(code, anna, post.id)
    assert shown.key is not None and shown.key.expected_decision == post.expected_decision
    assert shown.answer is not None and shown.answer.score is not None
    assert shown.answer.decision_correct is True
    after = service.participant_view(code, anna)
    assert after.current.key is not None and after.model_answer == post.model_answer


def test_immediate_feedback_gives_the_key_only_to_who_answered(service: WorkshopService) -> None:
    code, _ = service.create_workshop("W", post_ids=POST_IDS, feedback="immediate")
    anna = service.join(code, "Anna").token
    bram = service.join(code, "Bram").token
    post = get_post(POST_IDS[0])
    answer = service.submit(code, anna, post.id, "none")
    assert answer.score is not None and answer.decision_expected == post.expected_decision
    assert service.current_post(code, anna).key is not None
    _no_key_in(service.current_post(code, bram))
    _no_key_in(service.answer_feedback(code, bram, post.id))


def test_the_projected_dashboard_does_not_rank_or_average_unrevealed_posts(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS, leaderboard=True)
    post = get_post(POST_IDS[0])
    wrong = "none" if post.expected_decision != "none" else "public"
    right_one = service.join(code, "Anna").token
    wrong_one = service.join(code, "Bram").token
    service.submit(code, right_one, post.id, post.expected_decision, post.model_answer)
    service.submit(code, wrong_one, post.id, wrong, "")
    board = service.dashboard(code, pin)
    first = board.posts[0]
    assert not first.key_shown
    assert board.leaderboard is not None
    # before the reveal, nobody leads: equal scores, nothing counted
    assert {r.total_score for r in board.leaderboard} == {0.0}
    assert all(r.answered == 0 for r in board.leaderboard)

    service.reveal_feedback(code, pin, post.id)
    board = service.dashboard(code, pin)
    assert board.posts[0].key_shown and not board.posts[1].key_shown
    assert board.leaderboard is not None and board.leaderboard[0].display_name == "Anna"
    assert board.leaderboard[0].total_score > board.leaderboard[1].total_score


def test_with_immediate_feedback_the_projector_waits_until_the_post_is_past(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS, feedback="immediate")
    anna = service.join(code, "Anna").token
    service.submit(code, anna, POST_IDS[0], "public", "Hoi!")
    assert not service.dashboard(code, pin).posts[0].key_shown
    service.next_post(code, pin)
    board = service.dashboard(code, pin)
    assert board.posts[0].key_shown and not board.posts[1].key_shown


def test_the_podium_shows_the_first_five_places_with_ties_and_no_zeros(
    service: WorkshopService,
) -> None:
    from workshop.dashboard import podium
    from workshop.records import LeaderboardRow

    rows = [LeaderboardRow(name, total, 1) for name, total in
            [("A", 90), ("B", 90), ("C", 80), ("D", 70), ("E", 70), ("F", 70), ("G", 60),
             ("H", 0.2)]] + [LeaderboardRow("Niemand", 0.0, 0)]  # fmt: skip
    places = [(r.place, r.display_name) for r in podium(rows)]
    assert places == [(1, "A"), (1, "B"), (3, "C"), (4, "D"), (4, "E"), (4, "F")]
    # on the dashboard: only who scored in revealed posts
    code, pin = service.create_workshop("W", post_ids=POST_IDS, leaderboard=True)
    post = get_post(POST_IDS[0])
    service.join(code, "Nog niks")
    anna = service.join(code, "Anna").token
    service.submit(code, anna, post.id, post.expected_decision, post.model_answer)
    assert service.dashboard(code, pin).podium == ()
    service.reveal_feedback(code, pin, post.id)
    board = service.dashboard(code, pin)
    assert board.podium is not None and [r.display_name for r in board.podium] == ["Anna"]
    off, off_pin = service.create_workshop("Uit", post_ids=POST_IDS)
    assert service.dashboard(off, off_pin).podium is None  # leaderboard switched off
