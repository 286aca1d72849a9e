"""Progress records: the numbers behind the Voortgang charts must be exactly right.

A trainee who sees "you broke 'jargon' in 2 of your 3 replies" acts on it, so every count, share
and date is checked against a history built by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from test_storage import T0, Clock, make_post, make_result

from trainer.practice import PracticeService
from trainer.progress import (
    AttemptPoint,
    ProgressSummary,
    RuleStat,
    attempts_over_time,
    per_rule_stats,
    summary,
    to_frame,
)
from trainer.storage import Database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(path=tmp_path / "progress.sqlite")
    yield database
    database.dispose()


def test_per_rule_stats_count_replies_alerts_and_last_time(db: Database) -> None:
    clock = Clock()
    service = PracticeService(db, [make_post()], np.random.default_rng(0), now=clock)
    sanne = service.get_or_create_trainee("Sanne", "library")
    piet = service.get_or_create_trainee("Piet", "library")
    post = make_post()

    service.record_attempt(sanne, post, "public", "a", make_result(rules=("jargon", "jargon")))
    clock.advance(hours=1)
    service.record_attempt(sanne, post, "public", "b", make_result(rules=("jargon", "referral")))
    clock.advance(hours=1)
    last_jargon = clock()
    service.record_attempt(sanne, post, "public", "c", make_result(rules=("jargon",)))
    clock.advance(hours=1)
    service.record_attempt(sanne, post, "public", "d", make_result())
    clock.advance(hours=1)
    service.record_attempt(sanne, post, "none", "", make_result(False, 0))  # no reply: no rules
    service.record_attempt(piet, post, "public", "e", make_result(rules=("jargon", "spelling")))

    stats = per_rule_stats(db, sanne)
    assert stats == [
        RuleStat(
            "jargon", times_broken=3, alerts=4, attempts=4, share=0.75, last_broken=last_jargon
        ),
        RuleStat("referral", 1, 1, 4, 0.25, T0 + timedelta(hours=1)),
    ]
    pooled = {s.rule: s for s in per_rule_stats(db)}
    assert pooled["jargon"].times_broken == 4
    assert pooled["jargon"].attempts == 5
    assert pooled["spelling"].share == pytest.approx(1 / 5)
    assert per_rule_stats(db, sanne.id) == stats  # a bare id works as well


def test_attempts_over_time_and_summary(db: Database) -> None:
    clock = Clock()
    pool = [make_post("library-000")]
    service = PracticeService(db, pool, np.random.default_rng(0), now=clock)
    trainee = service.get_or_create_trainee("Sanne", "library")
    scores = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100, 100]
    for i, score in enumerate(scores):
        correct = i % 3 != 0
        service.record_attempt(
            trainee, make_post(f"library-{i:03d}"), "public", "x", make_result(correct, score)
        )
        clock.advance(minutes=7)

    points = attempts_over_time(db, trainee)
    assert [p.score for p in points] == scores
    assert [p.post_id for p in points] == [f"library-{i:03d}" for i in range(12)]
    assert [p.time for p in points] == [T0 + timedelta(minutes=7 * i) for i in range(12)]
    assert [p.decision_correct for p in points] == [i % 3 != 0 for i in range(12)]
    assert [p.is_generated for p in points] == [i != 0 for i in range(12)]  # not in the pool

    result = summary(db, trainee)
    assert result.attempts == 12
    assert result.mean_score == pytest.approx(sum(scores) / 12)
    assert result.recent_mean_score == pytest.approx(sum(scores[-10:]) / 10)
    assert result.decisions_correct_share == pytest.approx(8 / 12)


def test_a_new_trainee_has_empty_progress_and_frames_keep_their_columns(db: Database) -> None:
    service = PracticeService(db, [make_post()], np.random.default_rng(0))
    trainee = service.get_or_create_trainee("Nieuw", "bank")
    assert attempts_over_time(db, trainee) == []
    assert per_rule_stats(db, trainee) == []
    assert summary(db, trainee) == ProgressSummary(0, None, None, None)
    empty = to_frame(attempts_over_time(db, trainee), AttemptPoint)
    assert list(empty.columns) == [
        "attempt_id",
        "time",
        "post_id",
        "is_generated",
        "score",
        "decision_correct",
    ]
    assert len(empty) == 0


def test_to_frame_has_one_row_per_record(db: Database) -> None:
    service = PracticeService(db, [make_post()], np.random.default_rng(0), now=Clock())
    trainee = service.get_or_create_trainee("Sanne", "library")
    service.record_attempt(trainee, make_post(), "public", "x", make_result(rules=("jargon",)))
    frame = to_frame(per_rule_stats(db, trainee), RuleStat)
    assert frame.to_dict("records") == [
        {
            "rule": "jargon",
            "times_broken": 1,
            "alerts": 1,
            "attempts": 1,
            "share": 1.0,
            "last_broken": T0,
        }
    ]
