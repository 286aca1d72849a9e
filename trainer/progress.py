"""Progress: how a trainee is doing, as flat read-only records for the Voortgang charts.

Three views answer the questions a new webcare agent (and their team lead) asks: am I getting
better over time (score per attempt), which rules do I keep breaking (per rule: how many of my
replies broke it, and when last), and where do I stand (attempts, mean score, mean of the last
ten, share of right decisions). Everything is read from the database with plain SQL; the records
become a DataFrame only at the edge, through ``to_frame``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Float, cast, distinct, func, select

from trainer.storage import Attempt, AttemptAlert, Database, TraineeRef, trainee_id_of

RECENT_ATTEMPTS = 10  # the "last ten" window of the summary


@dataclass(frozen=True)
class AttemptPoint:
    """One answered post, for the score-over-time chart."""

    attempt_id: int
    time: datetime  # UTC
    post_id: str
    is_generated: bool
    score: float  # 0-100
    decision_correct: bool


@dataclass(frozen=True)
class RuleStat:
    """How often one rule fired in the trainee's replies."""

    rule: str
    times_broken: int  # replies in which the rule raised at least one alert
    alerts: int  # alerts in total (a reply can break a rule at several places)
    attempts: int  # replies written, i.e. attempts the rules were checked on
    share: float  # times_broken / attempts, 0-1
    last_broken: datetime  # UTC


@dataclass(frozen=True)
class ProgressSummary:
    attempts: int
    mean_score: float | None  # None before the first attempt
    recent_mean_score: float | None  # mean over the last RECENT_ATTEMPTS attempts
    decisions_correct_share: float | None  # 0-1


def attempts_over_time(db: Database, trainee: TraineeRef) -> list[AttemptPoint]:
    """Every attempt of the trainee, oldest first."""
    query = (
        select(
            Attempt.id,
            Attempt.created_at,
            Attempt.post_id,
            Attempt.is_generated,
            Attempt.score,
            Attempt.decision_correct,
        )
        .where(Attempt.trainee_id == trainee_id_of(trainee))
        .order_by(Attempt.created_at, Attempt.id)
    )
    with db.session(readonly=True) as session:
        return [AttemptPoint(*row) for row in session.execute(query)]


def per_rule_stats(db: Database, trainee: TraineeRef | None = None) -> list[RuleStat]:
    """Per rule that ever fired, most often broken first; ``trainee=None`` pools everyone."""
    alerts = (
        select(
            AttemptAlert.rule,
            func.count(distinct(AttemptAlert.attempt_id)),
            func.count(AttemptAlert.id),
            func.max(Attempt.created_at),
        )
        .join(Attempt, Attempt.id == AttemptAlert.attempt_id)
        .group_by(AttemptAlert.rule)
    )
    replies = select(func.count(Attempt.id)).where(Attempt.reply != "")
    if trainee is not None:
        tid = trainee_id_of(trainee)
        alerts = alerts.where(Attempt.trainee_id == tid)
        replies = replies.where(Attempt.trainee_id == tid)
    with db.session(readonly=True) as session:
        n_replies = session.scalar(replies) or 0
        rows = session.execute(alerts).all()
    stats = [
        RuleStat(
            rule=rule,
            times_broken=broken,
            alerts=n_alerts,
            attempts=max(n_replies, broken),
            share=broken / max(n_replies, broken),
            last_broken=last,
        )
        for rule, broken, n_alerts, last in rows
    ]
    return sorted(stats, key=lambda s: (-s.times_broken, s.rule))


def summary(db: Database, trainee: TraineeRef) -> ProgressSummary:
    tid = trainee_id_of(trainee)
    totals = select(
        func.count(Attempt.id),
        func.avg(Attempt.score),
        func.avg(cast(Attempt.decision_correct, Float)),
    ).where(Attempt.trainee_id == tid)
    recent = (
        select(Attempt.score)
        .where(Attempt.trainee_id == tid)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(RECENT_ATTEMPTS)
    )
    with db.session(readonly=True) as session:
        count, mean, correct = session.execute(totals).one()
        last_scores = list(session.scalars(recent))
    return ProgressSummary(
        attempts=count,
        mean_score=None if mean is None else float(mean),
        recent_mean_score=sum(last_scores) / len(last_scores) if last_scores else None,
        decisions_correct_share=None if correct is None else float(correct),
    )


def to_frame(records: Sequence[Any], record_type: type) -> pd.DataFrame:
    """Records as a DataFrame with one column per field, also when there are no records."""
    columns = [f.name for f in dataclasses.fields(record_type)]
    return pd.DataFrame([dataclasses.astuple(r) for r in records], columns=columns)
