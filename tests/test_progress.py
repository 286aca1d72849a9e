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


def test_streak_counts_dutch_days_in_a_row_and_the_week(db: Database) -> None:
    from datetime import UTC, datetime

    from trainer.progress import streak

    clock = Clock()
    service = PracticeService(db, [make_post()], np.random.default_rng(0), now=clock)
    sanne = service.get_or_create_trainee("Sanne", "library")
    post = make_post()
    # Thursday 3 December 2026: Monday 30 Nov, then Tue 1 Dec 23:30 Amsterdam (22:30 UTC),
    # Wed 2 Dec 00:30 Amsterdam (23:30 UTC on the 1st) and Thu 3 Dec: three Dutch days in a row.
    for moment in (
        datetime(2026, 11, 28, 12, 0, tzinfo=UTC),  # Saturday, last week
        datetime(2026, 12, 1, 22, 30, tzinfo=UTC),
        datetime(2026, 12, 1, 23, 30, tzinfo=UTC),
        datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
    ):
        clock.moment = moment
        service.record_attempt(sanne, post, "public", "a", make_result())
    now = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)
    run = streak(db, sanne, now, weekly_goal=5)
    assert run.current_days == 3 and run.best_days == 3 and run.practised_today
    assert run.week_attempts == 3 and run.goal_share == pytest.approx(0.6)
    # in UTC the Tuesday evening and the Wednesday night are one day: not what a Dutch agent lives
    later = streak(db, sanne, datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    assert later.current_days == 0 and later.best_days == 3 and not later.practised_today
    nothing = streak(db, service.get_or_create_trainee("Piet", "library"), now)
    assert (nothing.current_days, nothing.best_days, nothing.week_attempts) == (0, 0, 0)


def test_skill_mastery_reads_the_scheduler_cards(db: Database) -> None:
    from trainer.progress import skill_mastery

    clock = Clock()
    service = PracticeService(db, [make_post()], np.random.default_rng(0), now=clock)
    sanne = service.get_or_create_trainee("Sanne", "library")
    post = make_post()
    service.record_attempt(sanne, post, "public", "a", make_result(rules=("jargon",)))
    clock.advance(hours=1)
    mastery = {m.skill: m for m in skill_mastery(db, sanne, clock())}
    assert "decision" in mastery and "tone" in mastery
    tone = mastery["tone"]
    assert tone.lapses >= 1, "jargon fired: a tone card was rated Again"
    assert 0.0 <= tone.retention_ahead < tone.retention <= 1.0
    assert tone.retention_ahead < mastery["decision"].retention_ahead, "a failed skill fades"
    assert tone.next_due <= clock() + timedelta(days=1), "a failed skill comes back soon"
    assert mastery["decision"].lapses == 0
    assert [m.skill for m in skill_mastery(db, sanne, clock())] == [
        s
        for s in ("decision", "tone", "privacy", "ownership", "spelling", "content", "form")
        if s in mastery
    ]


def test_recent_attempts_newest_first_with_snippet(db: Database) -> None:
    from trainer.progress import recent_attempts

    clock = Clock()
    service = PracticeService(db, [make_post()], np.random.default_rng(0), now=clock)
    sanne = service.get_or_create_trainee("Sanne", "library")
    ids = []
    for score in (40.0, 90.0):
        ids.append(
            service.record_attempt(sanne, make_post(), "public", "a", make_result(score=score))
        )
        clock.advance(minutes=5)
    listed = recent_attempts(db, sanne)
    assert [a.attempt_id for a in listed] == ids[::-1]
    assert [a.score for a in listed] == [90.0, 40.0]
    assert listed[0].snippet and listed[0].channel
