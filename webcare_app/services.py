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

import dataclasses
import functools
import io
import math
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from presentation import labels
from sim.analysis import analyse
from sim.experiment import Estimate
from sim.parallel import Runner
from sim.plan import RunPlan
from sim.profile import Profile, list_profiles, load_profile, resolve_profile
from sim.spec import HOURS_PER_WEEK, SlaTarget
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
from trainer.score import ScoreResult, score_post
from trainer.storage import Database, Trainee, TraineeRecord, name_key
from workshop.records import Answer as WorkshopAnswerRecord
from workshop.records import Dashboard, PostStats, RuleCount
from workshop.service import WorkshopService

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


class ServiceInputError(ValueError):
    """Input a page passed that the services cannot use; the message is Dutch, for the user."""


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
        text = "" if draft is None else str(draft)
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

WHATIF_WARMUP_WEEKS = 0.5  # the queue starts empty on Monday 00:00; skip the first half week
COMPARED_DEFAULT: tuple[str, str] = ("24-7", "business-hours")

# KPI keys shown in the comparison and in the CSV; names, units and direction from the catalogue.
WHATIF_KPI_KEYS: tuple[str, ...] = (
    "first_response_p50_min",
    "first_response_p90_min",
    "backlog_mean",
    "backlog_monday_0900",
    "abandoned",
    "utilisation",
    "agent_hours_per_week",
    "fte",
    "cost_per_week_eur",
    "cost_per_answered_eur",
)
# (key, Dutch label, unit word, lower is better)
KPI_ROWS: tuple[tuple[str, str, str, bool], ...] = tuple(
    (key, labels.KPIS[key].label, labels.KPIS[key].symbol, bool(labels.KPIS[key].lower_is_better))
    for key in WHATIF_KPI_KEYS
)


@dataclass(frozen=True)
class WhatIfInputs:
    """One what-if question; hashable, so runs can be cached on it.

    ``agents`` overrides agents per shift as ``((coverage, ((shift, agents), ...)), ...)``;
    ``sla`` overrides targets as ``((name, within_min, goal), ...)``.
    """

    profile: str
    coverages: tuple[str, str] = COMPARED_DEFAULT
    volume_factor: float = 1.0
    handle_factor: float = 1.0
    agents: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    sla: tuple[tuple[str, float, float], ...] = ()
    weeks: float = 2.0
    replications: int = 1
    seed: int = 2024


@dataclass(frozen=True)
class CoverageRun:
    coverage: str
    description: str
    kpis: Mapping[str, Estimate]  # mean (and interval when replications > 1) per KPI key


@dataclass(frozen=True)
class WhatIfResult:
    inputs: WhatIfInputs
    runs: tuple[CoverageRun, ...]
    sla_names: tuple[str, ...]
    backlog: pd.DataFrame  # coverage, hour_of_week, backlog (mean cases waiting)
    waits: pd.DataFrame  # coverage, bin, order, share (of answered mentions)
    attainment: pd.DataFrame  # coverage, hour_of_week, target, attainment, met, breached
    mentions_per_week: float

    def kpi(self, coverage: str, key: str) -> float:
        run = next(r for r in self.runs if r.coverage == coverage)
        est = run.kpis.get(key)
        return math.nan if est is None else est.mean


def profile_names() -> list[str]:
    return list_profiles()


@functools.lru_cache(maxsize=16)
def get_profile(name: str) -> Profile:
    return load_profile(resolve_profile(name))


def _whatif_profile(inputs: WhatIfInputs) -> Profile:
    base = get_profile(inputs.profile)
    missing = [c for c in inputs.coverages if c not in base.coverages]
    if missing:
        raise ServiceInputError(
            f"Profiel {inputs.profile!r} kent geen dekkingsmodel {missing[0]!r}; kies uit: "
            f"{', '.join(base.coverage_names)}."
        )
    if not (inputs.volume_factor > 0 and inputs.handle_factor > 0):
        raise ServiceInputError("Volume en behandeltijd moeten groter dan 0 zijn.")
    profile = base.scaled(volume=inputs.volume_factor, handle_time=inputs.handle_factor)
    for coverage, shifts in inputs.agents:
        profile = profile.with_agents(coverage, dict(shifts))
    if inputs.sla:
        changes = {name: (within, goal) for name, within, goal in inputs.sla}
        targets = [
            s.model_copy(update={"within": changes[s.name][0], "goal": changes[s.name][1]})
            if s.name in changes
            else s
            for s in profile.sla_targets
        ]
        profile = profile.model_copy(update={"sla_targets": targets})
    return profile


def _wait_label(low: float, high: float) -> str:
    def fmt(m: float) -> str:
        return f"{m / 60:g} u" if m >= 60 else f"{m:g} min"

    return f"meer dan {fmt(low)}" if math.isinf(high) else f"{fmt(low)} – {fmt(high)}"


def whatif_plan(inputs: WhatIfInputs) -> RunPlan:
    """The runs behind a what-if: the page's weeks, replications and seed after a warm-up."""
    return RunPlan(
        weeks=inputs.weeks,
        warmup_weeks=WHATIF_WARMUP_WEEKS,
        replications=inputs.replications,
        seed=inputs.seed,
    )


def run_whatif(inputs: WhatIfInputs) -> WhatIfResult:
    """Run both coverage models with the same seeds and lay the analyses out for the page."""
    if inputs.replications < 1 or not inputs.weeks > 0:
        raise ServiceInputError("Kies minstens één herhaling en een looptijd van meer dan 0 weken.")
    profile = _whatif_profile(inputs)
    plan = whatif_plan(inputs)
    hours = np.arange(HOURS_PER_WEEK)
    runs: list[CoverageRun] = []
    backlog_rows: list[pd.DataFrame] = []
    wait_rows: list[dict[str, Any]] = []
    attain_rows: list[pd.DataFrame] = []
    sla_names = tuple(s.name for s in profile.sla_targets)
    with Runner(processes=1) as runner:  # inside the web server: no process pool
        analyses = [analyse(profile.compile(c), plan, runner) for c in inputs.coverages]
    for coverage, found in zip(inputs.coverages, analyses, strict=True):
        runs.append(CoverageRun(coverage, profile.coverages[coverage].description, found.kpis))
        backlog_rows.append(
            pd.DataFrame(
                {
                    "coverage": coverage,
                    "hour_of_week": hours,
                    "backlog": np.asarray(found.backlog_by_hour),
                }
            )
        )
        edges = found.wait_bins_min
        for k, share in enumerate(found.wait_shares):
            wait_rows.append(
                {
                    "coverage": coverage,
                    "bin": _wait_label(edges[k], edges[k + 1]),
                    "order": k,
                    "share": share,
                }
            )
        for by_hour in found.targets:
            attain_rows.append(
                pd.DataFrame(
                    {
                        "coverage": coverage,
                        "hour_of_week": hours,
                        "target": by_hour.target,
                        "attainment": np.asarray(by_hour.attainment, dtype=float),
                        "met": np.asarray(by_hour.met, dtype=np.int64),
                        "breached": np.asarray(by_hour.breached, dtype=np.int64),
                    }
                )
            )
    return WhatIfResult(
        inputs=inputs,
        runs=tuple(runs),
        sla_names=sla_names,
        backlog=pd.concat(backlog_rows, ignore_index=True),
        waits=pd.DataFrame(wait_rows),
        attainment=(
            pd.concat(attain_rows, ignore_index=True)
            if attain_rows
            else pd.DataFrame(
                columns=["coverage", "hour_of_week", "target", "attainment", "met", "breached"]
            )
        ),
        mentions_per_week=profile.volume.mentions_per_week,
    )


def sla_targets(result: WhatIfResult) -> tuple[SlaTarget, ...]:
    """The SLA targets of the what-if as run (the page's changes to limits and goals included)."""
    # The targets are the profile's, the same under every coverage model; compiling resolves
    # their limits to minutes and their clocks, as the run used them.
    return _whatif_profile(result.inputs).compile(result.inputs.coverages[0]).sla_targets


def kpi_rows(result: WhatIfResult) -> list[tuple[str, str, str, bool]]:
    """The KPI rows of the comparison: one per SLA target, then the fixed ones."""
    targets = sla_targets(result)
    sla = []
    for name in result.sla_names:
        entry = labels.kpi(f"sla_{name}_attainment", targets)
        sla.append((f"sla_{name}_attainment", entry.label, entry.symbol, False))
    return [*sla, *KPI_ROWS]


def kpi_table(result: WhatIfResult) -> pd.DataFrame:
    """KPIs of both coverage models side by side, with the difference (second minus first)."""
    first, second = (r.coverage for r in result.runs)
    rows = []
    for key, label, unit, lower_better in kpi_rows(result):
        a, b = result.kpi(first, key), result.kpi(second, key)
        rows.append(
            {
                "kpi": key,
                "omschrijving": label,
                "eenheid": unit,
                first: a,
                second: b,
                "verschil": b - a,
                "lager_is_beter": lower_better,
            }
        )
    return pd.DataFrame(rows)


def whatif_csv(result: WhatIfResult) -> str:
    """The comparison as CSV: one row per KPI, the inputs as comment lines on top."""
    buffer = io.StringIO()
    i = result.inputs
    buffer.write(
        f"# profiel={i.profile}; volume x{i.volume_factor:g}; behandeltijd x{i.handle_factor:g}; "
        f"weken={i.weeks:g}; herhalingen={i.replications}; seed={i.seed}\n"
    )
    kpi_table(result).to_csv(buffer, index=False)
    return buffer.getvalue()


def hourly_csv(result: WhatIfResult) -> str:
    """Backlog and SLA attainment per hour of the week for both coverage models, as CSV."""
    wide = result.attainment.pivot_table(
        index=["coverage", "hour_of_week"], columns="target", values="attainment", dropna=False
    )
    wide.columns = [f"sla_{c}_attainment" for c in wide.columns]
    frame = result.backlog.set_index(["coverage", "hour_of_week"]).join(wide).reset_index()
    return str(frame.to_csv(index=False))


COVERAGE_LABELS = labels.COVERAGE_LABELS  # coverage models as users read them
coverage_label = labels.coverage_label


def days_label(days: Sequence[str]) -> str:
    """Weekdays the Dutch way: ("mon", "tue") -> "ma, di"."""
    from sim.sizing import DAY_LABELS  # the sizing engine's own day names; loaded on first use

    return ", ".join(DAY_LABELS.get(d, d) for d in days)


@dataclass(frozen=True)
class ShiftSetting:
    name: str
    days: str  # Dutch, for the label: "ma, di, wo"
    start: str
    end: str
    agents: int


@dataclass(frozen=True)
class ProfileOverview:
    name: str
    title: str
    mentions_per_week: float
    coverages: tuple[str, ...]
    descriptions: Mapping[str, str]
    shifts: Mapping[str, tuple[ShiftSetting, ...]]
    sla: tuple[tuple[str, str, float, float], ...]  # name, metric, within_min, goal
    mean_handle_min: float


def profile_overview(name: str) -> ProfileOverview:
    """What the what-if page needs to build its inputs for a profile."""
    p = get_profile(name)
    shifts = {
        cov: tuple(
            ShiftSetting(n, days_label(s.days), s.start, s.end, s.agents)
            for n, s in zip(p.shift_names(cov), p.coverages[cov].shifts, strict=True)
        )
        for cov in p.coverage_names
    }
    handle = sum(ch.share * ch.handling.mean_min for ch in p.channels.values())
    return ProfileOverview(
        name=p.name,
        title=p.title or p.name,
        mentions_per_week=p.volume.mentions_per_week,
        coverages=tuple(p.coverage_names),
        descriptions={c: p.coverages[c].description for c in p.coverage_names},
        shifts=shifts,
        sla=tuple((s.name, s.metric, s.within, s.goal) for s in p.sla_targets),
        mean_handle_min=handle,
    )


SIZING_REPLICATIONS = 3  # sizing needs an interval, so at least 2; 3 keeps the button quick


@dataclass(frozen=True)
class SizingAdvice:
    """The cheapest agents per shift of one coverage model that keep the SLA targets."""

    profile: str
    coverage: str
    current: tuple[tuple[str, int], ...]  # agents per shift as set on the page
    # Per shift, the most agents any of its days needs: what the page's per-shift inputs adopt.
    advised: tuple[tuple[str, int], ...]
    erlang: tuple[tuple[str, int], ...]  # the textbook (Erlang C) answer, for comparison
    # Sizing staffs each shift day by day: per shift, (Dutch weekday "ma", agents) of the advice.
    advised_by_day: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    fte: float
    cost_per_week_eur: float
    reachable: bool  # False: even the most agents allowed per shift miss a target
    attainment: tuple[tuple[str, float], ...]  # per target, mean attainment of the advice
    evaluations: int


def size_coverage(inputs: WhatIfInputs, coverage: str) -> SizingAdvice:
    """Run ``sim.sizing.size`` on the what-if's profile (volume, handling time, SLA as set)."""
    from sim.sizing import DAY_LABELS, SIZING_PLAN, SizingError, size, sizing_model

    profile = _whatif_profile(inputs)
    if coverage not in profile.coverages:
        raise ServiceInputError(f"Onbekend dekkingsmodel {coverage!r}.")
    plan = dataclasses.replace(SIZING_PLAN, replications=SIZING_REPLICATIONS, seed=inputs.seed)
    try:
        result = size(
            sizing_model(profile, coverage),
            plan=plan,
            processes=1,  # inside the web server: no process pool
        )
    except SizingError as exc:
        raise ServiceInputError(str(exc)) from None
    current = tuple(
        (name, shift.agents)
        for name, shift in zip(
            profile.shift_names(coverage), profile.coverages[coverage].shifts, strict=True
        )
    )
    best = result.best
    return SizingAdvice(
        profile=inputs.profile,
        coverage=coverage,
        current=current,
        advised=tuple(best.agents_by_shift.items()),
        erlang=tuple(result.erlang.agents_by_shift.items()),
        advised_by_day=tuple(
            (shift, tuple((DAY_LABELS.get(d, d), n) for d, n in per_day.items()))
            for shift, per_day in best.agents_by_shift_and_day.items()
        ),
        fte=best.fte,
        cost_per_week_eur=best.cost_per_week_eur,
        reachable=result.reachable,
        attainment=tuple((t.name, best.attainment(t).mean) for t in result.targets),
        evaluations=result.evaluations,
    )


def compared_default(coverages: Sequence[str]) -> tuple[str, str]:
    """24/7 against business hours when the profile has both, else its first two models."""
    if all(c in coverages for c in COMPARED_DEFAULT):
        return COMPARED_DEFAULT
    if len(coverages) >= 2:
        return (coverages[0], coverages[1])
    return (coverages[0], coverages[0])


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
    PINs come from ``secrets``)."""
    return WorkshopService(db, np.random.default_rng(seed))


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
