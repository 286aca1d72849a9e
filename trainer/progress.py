"""Progress: how a trainee is doing, as flat read-only records for the Voortgang charts.

Three views answer the questions a new webcare agent (and their team lead) asks: am I getting
better over time (score per attempt), which rules do I keep breaking (per rule: how many of my
replies broke it, and when last), and where do I stand (attempts, mean score, mean of the last
ten, share of right decisions). Everything is read from the database with plain SQL; the records
become a DataFrame only at the edge, through ``to_frame``.

Three more keep a trainee coming back. The *streak* counts the Dutch calendar days in a row
with at least one attempt (a day ends at midnight in Amsterdam, not in UTC), next to a *weekly
goal* of attempts. *Mastery* per ability (``trainer.skills``: decision, tone, privacy, ...)
reads the spaced-repetition cards the scheduler keeps: the chance (FSRS retrievability) that the
trainee still gets the ability right today, and when its first card comes due again, as
flashcard tools show it. And the *last attempts* list lets a trainee reopen a post to try again.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from fsrs import Card, Scheduler
from sqlalchemy import Float, cast, distinct, func, select

from trainer.skills import SKILL_LABELS, skill_of_card
from trainer.storage import Attempt, AttemptAlert, Database, SkillCard, TraineeRef, trainee_id_of

RECENT_ATTEMPTS = 10  # the "last ten" window of the summary
LAST_ATTEMPTS_LISTED = 5  # attempts the practice page lists to reopen
WEEKLY_GOAL_ATTEMPTS = 15  # attempts per week: three a working day, about 15 minutes a day
DUTCH_TZ = ZoneInfo("Europe/Amsterdam")  # days and weeks end at midnight on the Dutch clock
# Mastery is how well a skill holds up a week without practice: right after a review every
# card is remembered (retrievability 1), so "now" says little; a week on, a skill that keeps
# failing has faded and one done right many times has not.
MASTERY_HORIZON = timedelta(days=7)
SNIPPET_CHARS = 90  # characters of a post's text in the last-attempts list


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


# -- last attempts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecentAttempt:
    """One of the trainee's last attempts, to list and reopen."""

    attempt_id: int
    time: datetime  # UTC
    post_id: str
    channel: str
    snippet: str  # the start of the post's text
    score: float  # 0-100
    decision_correct: bool


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1].rstrip() + "…"


def recent_attempts(
    db: Database, trainee: TraineeRef, limit: int = LAST_ATTEMPTS_LISTED
) -> list[RecentAttempt]:
    """The trainee's last ``limit`` attempts, newest first."""
    query = (
        select(
            Attempt.id,
            Attempt.created_at,
            Attempt.post_id,
            Attempt.post_json,
            Attempt.score,
            Attempt.decision_correct,
        )
        .where(Attempt.trainee_id == trainee_id_of(trainee))
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(limit)
    )
    with db.session(readonly=True) as session:
        rows = session.execute(query).all()
    out = []
    for attempt_id, at, post_id, post_json, score, correct in rows:
        # The post as shown; read as plain JSON (channel and text only), not as a Post, so an
        # attempt stored before a schema change still lists.
        post = json.loads(post_json)
        out.append(
            RecentAttempt(
                attempt_id=attempt_id,
                time=at,
                post_id=post_id,
                channel=str(post.get("channel", "")),
                snippet=_snippet(str(post.get("text", ""))),
                score=float(score),
                decision_correct=bool(correct),
            )
        )
    return out


# -- streak and weekly goal -----------------------------------------------------------------------


@dataclass(frozen=True)
class Streak:
    """Days in a row with practice, and this week's attempts against the weekly goal."""

    current_days: int  # days in a row up to today (or yesterday, if not yet today)
    best_days: int  # the longest run ever
    practised_today: bool
    week_attempts: int  # attempts since Monday 00:00 (Dutch clock)
    weekly_goal: int

    @property
    def goal_share(self) -> float:
        """Progress towards the weekly goal, 0-1 (capped)."""
        return min(1.0, self.week_attempts / self.weekly_goal) if self.weekly_goal else 1.0


def _runs(days: Sequence[date]) -> list[tuple[date, int]]:
    """Runs of consecutive days as (last day, length), oldest first; ``days`` sorted, unique."""
    runs: list[tuple[date, int]] = []
    for day in days:
        if runs and day - runs[-1][0] == timedelta(days=1):
            runs[-1] = (day, runs[-1][1] + 1)
        else:
            runs.append((day, 1))
    return runs


def streak(
    db: Database, trainee: TraineeRef, now: datetime, weekly_goal: int = WEEKLY_GOAL_ATTEMPTS
) -> Streak:
    """The trainee's streak and week on the Dutch calendar, as of ``now`` (timezone-aware)."""
    query = select(Attempt.created_at).where(Attempt.trainee_id == trainee_id_of(trainee))
    with db.session(readonly=True) as session:
        times = list(session.scalars(query))
    local_now = now.astimezone(DUTCH_TZ)
    today = local_now.date()
    week_start = today - timedelta(days=today.weekday())
    local_days = [t.astimezone(DUTCH_TZ).date() for t in times]
    runs = _runs(sorted(set(local_days)))
    current = 0
    if runs and runs[-1][0] >= today - timedelta(days=1):
        current = runs[-1][1]
    return Streak(
        current_days=current,
        best_days=max((n for _, n in runs), default=0),
        practised_today=bool(runs) and runs[-1][0] == today,
        week_attempts=sum(week_start <= d <= today for d in local_days),
        weekly_goal=weekly_goal,
    )


# -- mastery per ability --------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillMastery:
    """How well the trainee masters one ability, read from its spaced-repetition cards."""

    skill: str  # trainer.skills id: decision, tone, privacy, ...
    label: str  # Dutch
    cards: int  # scheduler cards of this ability the trainee has
    reviews: int
    lapses: int  # reviews that went wrong
    retention: float  # 0-1: mean FSRS retrievability of the cards now
    retention_ahead: float  # 0-1: the same a MASTERY_HORIZON later without practice
    next_due: datetime  # UTC; the earliest card's due moment (may be in the past: due now)


def skill_mastery(db: Database, trainee: TraineeRef, now: datetime) -> list[SkillMastery]:
    """Per ability the trainee has practised, in ``SKILL_LABELS`` order."""
    query = select(SkillCard.skill, SkillCard.card_json, SkillCard.reviews, SkillCard.lapses).where(
        SkillCard.trainee_id == trainee_id_of(trainee)
    )
    with db.session(readonly=True) as session:
        rows = session.execute(query).all()
    # Retrievability only reads the card's stability and last review: no fuzz, no global state.
    scheduler = Scheduler(enable_fuzzing=False)
    grouped: dict[str, list[tuple[Card, int, int]]] = {}
    for card_name, card_json, reviews, lapses in rows:
        grouped.setdefault(skill_of_card(card_name), []).append(
            (Card.from_json(card_json), reviews, lapses)
        )
    out = []
    for skill, label in SKILL_LABELS.items():
        cards = grouped.get(skill)
        if not cards:
            continue
        recall = [scheduler.get_card_retrievability(c, now) for c, _, _ in cards]
        later = now + MASTERY_HORIZON
        ahead = [scheduler.get_card_retrievability(c, later) for c, _, _ in cards]
        out.append(
            SkillMastery(
                skill=skill,
                label=label,
                cards=len(cards),
                reviews=sum(r for _, r, _ in cards),
                lapses=sum(lapse for _, _, lapse in cards),
                retention=sum(recall) / len(recall),
                retention_ahead=sum(ahead) / len(ahead),
                next_due=min(c.due for c, _, _ in cards),
            )
        )
    return out
