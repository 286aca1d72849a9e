"""The app's service layer: everything a page does, as plain Python over ``trainer`` and ``sim``.

Pages only lay out widgets and charts; they call these functions and classes, which know nothing
about Streamlit. That keeps every user action scriptable and testable without a browser, and it
is the layer the workshop mode builds on:

- ``TrainingService``: practice for one app session. A trainee registers with a name (no
  password) and an organisation type, gets the next post from the spaced-repetition scheduler
  (``trainer.practice``; generated variants join once the hand-written posts are used up),
  submits a decision and a draft, and gets the scorer's feedback, stored in the database.
- ``rulebook`` and ``decision_matrix``: the rules with explanation, a good and a bad example from
  their fixtures, and the respond-or-not matrix worked out by ``trainer.decision`` itself.
- ``run_whatif``: a manager's what-if: one organisation profile with volume, handling time,
  agents per shift and SLA targets changed, two coverage models run on the same random mentions
  (common random numbers), summarised as KPIs, backlog per hour of the week, the spread of
  first-response times and SLA attainment per hour of the week. Inputs are a frozen record, so
  the page can cache runs on them.
- Workshop helpers: the workshop pages call ``workshop.service.WorkshopService`` (one per server,
  built by ``open_workshop_service``) for every action; the helpers here turn its dashboard into
  tables and its stored scores into the practice page's ``Feedback``.

Storage is ``trainer.storage.Database``: a SQLite file by default, ``DATABASE_URL`` for
PostgreSQL; the schema is created when the database is opened.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from presentation import labels
from trainer.channels import channel_or_none
from trainer.decision import decide
from trainer.engine import check_rule, fixture_context
from trainer.generator import generate_posts
from trainer.posts import CHANNEL_LABELS, DECISION_LABELS, DecisionChoice, OrgType, Post
from trainer.practice import PracticeInputError, PracticeService
from trainer.progress import (
    AttemptPoint,
    ProgressSummary,
    RuleStat,
    attempts_over_time,
    per_rule_stats,
    summary,
    to_frame,
)
from trainer.rules import MetricCheck, Rule, load_rules, rule_title
from trainer.scenarios import load_posts
from trainer.score import ScoreResult, readable, score_post
from trainer.storage import Database, Trainee, TraineeRecord, name_key
from webcare_app import whatif_service as _whatif
from workshop.records import Answer as WorkshopAnswerRecord
from workshop.records import Dashboard, PostStats, RuleCount
from workshop.scoring_pool import shared_pool
from workshop.service import WorkshopService

# The what-if lives in ``webcare_app.whatif_service``; these names keep the pages' one entry point.
COMPARED_DEFAULT = _whatif.COMPARED_DEFAULT
WHATIF_WARMUP_WEEKS = _whatif.WHATIF_WARMUP_WEEKS
Cancelled = _whatif.Cancelled
CoverageRun = _whatif.CoverageRun
ProfileOverview = _whatif.ProfileOverview
ProgressHook = _whatif.ProgressHook
ServiceInputError = _whatif.ServiceInputError
ShiftSetting = _whatif.ShiftSetting
SizingAdvice = _whatif.SizingAdvice
WhatIfInputs = _whatif.WhatIfInputs
WhatIfResult = _whatif.WhatIfResult
compared_default = _whatif.compared_default
get_profile = _whatif.get_profile
profile_names = _whatif.profile_names
profile_overview = _whatif.profile_overview
run_whatif = _whatif.run_whatif
size_coverage = _whatif.size_coverage
roster_for_advice = _whatif.roster_for_advice
staffing_curve = _whatif.staffing_curve
whatif_plan = _whatif.whatif_plan


ORG_LABELS: dict[str, str] = {
    "library": "Bibliotheek",
    "telecom": "Telecomprovider",
    "airline": "Luchtvaartmaatschappij",
    "webshop": "Webwinkel",
    "bank": "Bank",
}
LEVEL_LABELS = labels.LEVEL_LABELS
ORG_TYPES: tuple[str, ...] = typing.get_args(OrgType)
DECISIONS: tuple[str, ...] = typing.get_args(DecisionChoice)


def open_database(url: str | None = None) -> Database:
    """The app's database (``url``, else ``DATABASE_URL``, ``WEBCARE_DB_PATH`` or the default
    SQLite file), with its schema created."""
    return Database(url)


# --- practice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feedback:
    """The outcome of one submitted answer, as the practice page shows it."""

    attempt_id: int
    post: Post
    decision: str | None
    draft: str
    result: ScoreResult  # decision, alerts, score, key points and the explained breakdown

    @property
    def score(self) -> int | None:
        return self.result.score

    @property
    def alerts(self) -> list[Mapping[str, Any]]:
        """The alerts as the HTML renderer reads them (rule, level, message, source, span)."""
        return [a.to_dict() for a in self.result.alerts]

    @property
    def covered(self) -> list[str]:
        return list(self.result.key_points_covered)

    @property
    def missed(self) -> list[str]:
        return list(self.result.key_points_missed)


@dataclass(frozen=True)
class ProgressView:
    summary: ProgressSummary
    over_time: pd.DataFrame  # one row per attempt: attempt_id, time, post_id, score, ...
    per_rule: pd.DataFrame  # one row per rule that fired: rule, times_broken, share, ...


@functools.cache
def _hand_written_posts() -> tuple[Post, ...]:
    return tuple(load_posts())


def channel_limit(channel: str) -> int | None:
    """The most characters a reply may have on ``channel`` (from the too-long rule), or None.
    ``channel`` may be any name from ``trainer.channels`` ("Twitter" is x)."""
    channel = channel_or_none(channel) or channel
    for rule in load_rules():
        for check in rule.checks:
            if isinstance(check, MetricCheck) and check.measure == "characters":
                limit = check.channel_max.get(channel, check.max)  # type: ignore[call-overload]
                if limit is not None:
                    return int(limit)
    return None


def _generate(rng: np.random.Generator, n: int, org: str) -> list[Post]:
    if org not in ORG_TYPES:
        raise ServiceInputError(f"Onbekend organisatietype {org!r}.")
    return generate_posts(rng, n, typing.cast(OrgType, org))


class TrainingService:
    """Practice for one app session; share the ``Database``, not this object, between sessions.

    Each session has its own seeded random generator, so the posts drawn for it are reproducible
    from ``seed``; all other state lives in the database.
    """

    def __init__(self, db: Database, *, seed: int) -> None:
        self.db = db
        self.seed = seed
        self.practice = PracticeService(
            db, _hand_written_posts(), np.random.default_rng(seed), generator=_generate
        )

    def start(self, name: str, org_type: str) -> TraineeRecord:
        """Register (or find) the trainee by name; raises ``ServiceInputError`` in Dutch."""
        try:
            return self.practice.get_or_create_trainee(name, org_type)
        except PracticeInputError as exc:
            raise ServiceInputError(str(exc)) from None

    def find_trainee(self, name: str) -> TraineeRecord | None:
        """The trainee with this name (any case, spacing), or None."""
        key = name_key(" ".join(str(name).split()))
        if not key:
            return None
        with self.db.session(readonly=True) as session:
            row = session.scalar(select(Trainee).where(Trainee.name_key == key))
            return None if row is None else TraineeRecord.of(row)

    def next_post(self, trainee: TraineeRecord, org: str | None = None) -> Post:
        return self.practice.next_post(trainee, org)

    def submit(
        self, trainee: TraineeRecord, post: Post, decision: str | None, draft: str | None
    ) -> Feedback:
        """Score the answer, store it with its feedback, update the trainee's skill cards."""
        if decision is not None and decision not in DECISIONS:
            raise ServiceInputError(
                f"Onbekende keuze {decision!r}; kies uit: {', '.join(DECISION_LABELS.values())}."
            )
        # cleaned at the edge: a lone surrogate (half an emoji) cannot be stored by any driver
        text = readable("" if draft is None else str(draft))
        scored = score_post(post, decision, text)
        attempt_id = self.practice.record_attempt(trainee, post, decision, text, scored)
        return Feedback(attempt_id, post, decision, text, scored)

    def progress(self, trainee: TraineeRecord) -> ProgressView:
        return ProgressView(
            summary=summary(self.db, trainee),
            over_time=to_frame(attempts_over_time(self.db, trainee), AttemptPoint),
            per_rule=to_frame(per_rule_stats(self.db, trainee), RuleStat),
        )


# --- rulebook --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleEntry:
    id: str
    title: str
    level: str
    message: str
    explanation: str
    source: str
    good: str  # a reply that passes the rule (its first passing fixture)
    bad: str  # a reply that breaks it (its first failing fixture)
    bad_alerts: tuple[Mapping[str, Any], ...]  # the rule's alerts on ``bad``, for highlighting


def _entry(rule: Rule) -> RuleEntry:
    good = rule.fixtures.passing()[0]
    bad = rule.fixtures.failing()[0]
    alerts = check_rule(rule, bad.reply, fixture_context(bad))
    return RuleEntry(
        id=rule.id,
        title=rule.title,
        level=rule.level,
        message=rule.message,
        explanation=rule.explanation,
        source=rule.source,
        good=good.reply,
        bad=bad.reply,
        bad_alerts=tuple(a.to_dict() for a in alerts),
    )


def rulebook() -> list[RuleEntry]:
    """Every reply rule, errors first, then warnings and tips, by id within a level."""
    order = {"error": 0, "warning": 1, "suggestion": 2}
    return [_entry(r) for r in sorted(load_rules(), key=lambda r: (order[r.level], r.id))]


def decision_matrix() -> pd.DataFrame:
    """The respond-or-not matrix, each cell worked out by ``trainer.decision.decide``."""
    situations: list[tuple[str, str, dict[str, Any]]] = [
        ("Reactief: getagd, merkhashtag of wil een oplossing", "merkplatform",
         {"platform": "brand", "tagged": True}),
        ("Reactief: getagd, merkhashtag of wil een oplossing", "consumentenplatform",
         {"platform": "consumer", "tagged": True}),
        ("Proactief: niemand vraagt om een reactie", "merkplatform",
         {"platform": "brand", "tagged": False}),
        ("Proactief: niemand vraagt om een reactie", "consumentenplatform",
         {"platform": "consumer", "tagged": False}),
        ("Reactief, maar met persoonlijke gegevens", "consumentenplatform",
         {"platform": "consumer", "tagged": True, "privacy": True}),
        ("Reactief, maar een verhitte discussie", "consumentenplatform",
         {"platform": "consumer", "tagged": True, "heated": True}),
        ("Lof voor anderen, organisatie niet getagd", "consumentenplatform",
         {"platform": "consumer", "tagged": False, "praise_for_others": True}),
        ("Bericht via WhatsApp of Messenger", "besloten kanaal",
         {"platform": "brand", "channel": "whatsapp", "tagged": True}),
    ]  # fmt: skip
    rows = []
    for situation, platform, facts in situations:
        post = {"channel": "facebook", "text": "", **facts}
        d = decide(post)
        rows.append(
            {
                "Situatie": situation,
                "Platform": platform,
                "Beslissing": DECISION_LABELS[d.expected],
                "Waarom": d.reason,
            }
        )
    return pd.DataFrame(rows)


# --- what-if simulation ----------------------------------------------------------------------
# The what-if lives in ``webcare_app.whatif_service`` (runs, sizing with progress, the staffing
# curve); its names are re-exported here so pages and tools keep one entry point.

COVERAGE_LABELS = labels.COVERAGE_LABELS  # coverage models as users read them
coverage_label = labels.coverage_label


def days_label(days: Sequence[str]) -> str:
    """Weekdays the Dutch way: ("mon", "tue") -> "ma, di"."""
    return labels.days_label(days)


# --- workshop --------------------------------------------------------------------------------
# The workshop page calls ``workshop.service.WorkshopService`` directly for every action (it is
# already UI-free and thread-safe); these helpers only turn its records into what the page lays
# out: choices for the form, tables for the dashboard, and feedback in the practice page's shape.

WORKSHOP_PACE_LABELS: dict[str, str] = {
    "facilitator": "Begeleider bepaalt het tempo (iedereen hetzelfde bericht)",
    "self": "Eigen tempo (ieder gaat zelf door)",
}
WORKSHOP_FEEDBACK_LABELS: dict[str, str] = {
    "immediate": "Direct na het antwoord",
    "after_reveal": "Pas als de begeleider de uitleg toont",
}


def open_workshop_service(db: Database, seed: int) -> WorkshopService:
    """The workshop service on the app's database; ``seed`` only orders drawn posts (codes and
    PINs come from ``secrets``). Answers are scored in this process's scoring pool
    (``workshop.scoring_pool``), whose workers start with the service's ``warm_up``."""
    return WorkshopService(db, np.random.default_rng(seed), scoring=shared_pool())


def workshop_post_choices() -> dict[str, str]:
    """Hand-written posts a facilitator can pick, id -> a short Dutch label, by organisation."""
    order = {org: k for k, org in enumerate(ORG_TYPES)}
    posts = sorted(_hand_written_posts(), key=lambda p: (order.get(p.org, 99), p.id))
    choices = {}
    for p in posts:
        text = " ".join(p.text.split())
        short = text if len(text) <= 70 else text[:69] + "…"
        channel = CHANNEL_LABELS.get(p.channel, p.channel)
        choices[p.id] = f"{ORG_LABELS.get(p.org, p.org)} · {channel} · {short}"
    return choices


NO_VALUE = "–"  # shown in tables where a figure cannot exist yet (no answers)


def _count_or_dash(value: int | None) -> str:
    return NO_VALUE if value is None else str(value)


def workshop_post_table(board: Dashboard) -> pd.DataFrame:
    """Per post of the workshop: the spread of decisions against the expected one."""
    rows = [
        {
            "bericht": s.position + 1,
            "id": s.post_id,
            "verwacht": DECISION_LABELS.get(s.expected, s.expected),
            "antwoorden": s.answers,
            "openbaar": s.public,
            "privé": s.private,
            "niet": s.none,
            # Text, so a post without answers shows a dash rather than "None"
            "juist (%)": _count_or_dash(round(100 * s.correct / s.answers) if s.answers else None),
            "gem. score": _count_or_dash(None if s.mean_score is None else round(s.mean_score)),
            "uitleg getoond": "ja" if s.feedback_revealed else "nee",
        }
        for s in board.posts
    ]
    return pd.DataFrame(rows)


def decision_spread(stats: PostStats) -> pd.DataFrame:
    """One row per decision for one post: how many chose it and whether it was the expected."""
    counts = {"public": stats.public, "private": stats.private, "none": stats.none}
    return pd.DataFrame(
        [
            {
                "keuze": DECISION_LABELS[d],
                "aantal": counts[d],
                "verwacht": "verwacht" if d == stats.expected else "anders",
                "volgorde": k,
            }
            for k, d in enumerate(DECISIONS)
        ]
    )


def workshop_rule_table(rules: Sequence[RuleCount]) -> pd.DataFrame:
    """The rules most often broken, with their Dutch title and share of written replies.

    The title, not the message: messages are templates ("{label}", "{match}") filled per answer.
    """
    return pd.DataFrame(
        [
            {
                "regel": r.rule,
                "omschrijving": rule_title(r.rule),
                "antwoorden": r.answers,
                "aandeel (%)": round(100 * r.share),
            }
            for r in rules
        ],
        columns=["regel", "omschrijving", "antwoorden", "aandeel (%)"],
    )


def workshop_feedback(post: Post, answer: WorkshopAnswerRecord, result: ScoreResult) -> Feedback:
    """A workshop answer with the scorer's stored result, in the practice page's shape."""
    return Feedback(answer.id, post, answer.decision, answer.reply, result)
