"""A manager's what-if as plain Python: one organisation, two coverage models, the same mentions.

The Simulatie page changes volume, handling time, agents per shift (or per shift and weekday,
after adopting a sizing advice) and the SLA targets of one organisation profile, and runs two
coverage models on the same random mentions (common random numbers), so every difference comes
from the staffing. What a run shows is laid out here as flat tables for the page, the charts,
the downloads and the management summary:

- KPIs per coverage model (mean, and an interval with more than one replication);
- backlog and SLA attainment per hour of the week (for the heatmaps);
- the first wait of *every* customer who needed a reply, in bands, with "afgehaakt" and "nog
  open" as bands of their own: response-time figures cover only answered mentions, so a model
  where customers give up would otherwise look faster;
- per channel: how many needed a reply, were answered, gave up, and met the first target.

Sizing (``size_coverage``) and the staffing curve (``staffing_curve``, the sweep engine over
agents per shift) run on the server's worker processes (``webcare_app.whatif_pool``), as the
CLI's runs go to a process pool; they report every finished run through a callback (a
``ProgressNote``: runs done, expected, time left, the sizing's phase) so the page can show a
progress bar and stop the run. Nothing here knows Streamlit.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis import WAIT_BINS_MIN, backlog_by_hour
from sim.engine import simulate
from sim.experiment import Estimate, summarise_replications
from sim.kpis import attainment_by, summarise
from sim.parallel import KpiRow, Runner, SimJob
from sim.plan import RunPlan
from sim.profile import Profile, list_profiles, load_profile, resolve_profile
from sim.spec import HOURS_PER_WEEK, SlaTarget
from webcare_app.whatif_pool import sim_runner

if TYPE_CHECKING:
    from sim.roster.staffing import StaffingRoster

WHATIF_WARMUP_WEEKS = 0.5  # the queue starts empty on Monday 00:00; skip the first half week
COMPARED_DEFAULT: tuple[str, str] = ("24-7", "business-hours")
ABANDONED_BAND = "afgehaakt"  # wait band of customers who gave up before a first response
OPEN_BAND = "nog open"  # wait band of customers still waiting at the end of the run
SIZING_REPLICATIONS = 3  # sizing needs an interval, so at least 2; 3 keeps the button quick
# The app sizes on 1 measured week after half a week of warm-up (the CLI: 2 after 1): half the
# simulation per candidate, so a large 24/7 team is sized in seconds rather than half a minute.
SIZING_WEEKS = 1.0
SIZING_WARMUP_WEEKS = 0.5
# A sizing search simulates about this many runs per block (shift x weekday) and replication:
# the median over all 17 coverage models of the five profiles with the sequential check
# (0.14 to 12.2; telecom 24/7: 3.2). Only the first guess of the bar's total; the search's own
# count takes over once it is larger.
SIZING_RUNS_PER_BLOCK = 3.5
CURVE_REPLICATIONS = 2  # the staffing curve: two seeds per point, the same for every point
CURVE_WEEKS = 1.0  # measured weeks per point of the staffing curve
CURVE_MAX_POINTS = 12  # agents per shift tried on the curve (1 .. at most this many)


class ServiceInputError(ValueError):
    """Input a page passed that the services cannot use; the message is Dutch, for the user."""


class Cancelled(Exception):
    """A long run stopped on the user's request (raised by a progress callback)."""


Blocks = tuple[tuple[str, str, int], ...]  # (shift, weekday "mon", agents)


@dataclass(frozen=True)
class WhatIfInputs:
    """One what-if question; hashable, so runs can be cached on it.

    ``agents`` overrides agents per shift as ``((coverage, ((shift, agents), ...)), ...)``;
    ``day_agents`` per shift and weekday as ``((coverage, ((shift, day, agents), ...)), ...)``
    (an adopted sizing advice); ``sla`` overrides targets as ``((name, within_min, goal), ...)``.
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
    day_agents: tuple[tuple[str, Blocks], ...] = ()


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
    targets: tuple[SlaTarget, ...]  # as run (the page's limits and goals), minutes and clocks
    backlog: pd.DataFrame  # coverage, hour_of_week, backlog (mean cases waiting)
    # coverage, bin, order, share (of customers who needed a reply), count (per week)
    waits: pd.DataFrame
    attainment: pd.DataFrame  # coverage, hour_of_week, target, attainment, met, breached
    # coverage, channel, needs_reply, answered, abandoned (per week), attainment (first target)
    channels: pd.DataFrame
    mentions_per_week: float

    def kpi(self, coverage: str, key: str) -> float:
        run = next(r for r in self.runs if r.coverage == coverage)
        est = run.kpis.get(key)
        return math.nan if est is None else est.mean

    def per_week(self, coverage: str, key: str) -> float:
        """A count KPI (over the measured weeks) per week."""
        return self.kpi(coverage, key) / self.inputs.weeks


# --- profiles ---


def profile_names() -> list[str]:
    return list_profiles()


@functools.lru_cache(maxsize=16)
def get_profile(name: str) -> Profile:
    return load_profile(resolve_profile(name))


def whatif_profile(inputs: WhatIfInputs) -> Profile:
    """The profile as the what-if changes it (volume, handling, agents, targets)."""
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
    for coverage, blocks in inputs.day_agents:  # last: it splits shifts into single days
        if blocks:
            profile = profile.with_agents(coverage, {(s, d): n for s, d, n in blocks})
    return profile


def whatif_plan(inputs: WhatIfInputs) -> RunPlan:
    """The runs behind a what-if: the page's weeks, replications and seed after a warm-up."""
    return RunPlan(
        weeks=inputs.weeks,
        warmup_weeks=WHATIF_WARMUP_WEEKS,
        replications=inputs.replications,
        seed=inputs.seed,
    )


# --- one run, read off ---


@dataclass(frozen=True)
class _RunView:
    """One replication of one coverage model, read off for the page."""

    kpis: KpiRow
    backlog_by_hour: tuple[float, ...]
    wait_counts: tuple[int, ...]  # answered, per band of WAIT_BINS_MIN; then abandoned, open
    met_by_hour: tuple[tuple[int, ...], ...]  # per target
    breached_by_hour: tuple[tuple[int, ...], ...]
    channels: tuple[tuple[str, int, int, int, int, int], ...]  # name, need, ans, aband, met, br


def _run_view(job: SimJob) -> _RunView:
    """Simulate one job and read off what the page shows (a module-level job for ``Runner``)."""
    result = simulate(
        job.spec,
        weeks=job.weeks,
        rng=np.random.default_rng(job.seed),
        warmup_weeks=job.warmup_weeks,
    )
    rec = result.records
    measured = result.measured
    needs = rec.column("needs_reply")[measured].astype(bool)
    waits = rec.column("first_response_wait_min")[measured]
    abandoned = rec.column("abandoned")[measured].astype(bool) & needs
    answered = needs & ~np.isnan(waits)
    counts = np.histogram(waits[answered], bins=np.asarray(WAIT_BINS_MIN))[0]
    still_open = needs & ~answered & ~abandoned
    names = [t.name for t in job.spec.sla_targets]
    hourly = attainment_by(result, "hour_of_week")
    per_channel = attainment_by(result, "channel")
    channel_of = rec.column("channel")[measured]
    first = names[0] if names else None
    channels = []
    for name, row in per_channel.iterrows():
        channels.append(
            (
                str(name),
                int(row["needs_reply"]),
                int(row["answered"]),
                int((abandoned & (channel_of == name)).sum()),
                int(row[f"{first}_met"]) if first else 0,
                int(row[f"{first}_breached"]) if first else 0,
            )
        )
    return _RunView(
        kpis=summarise(result).as_dict(),
        backlog_by_hour=tuple(float(v) for v in backlog_by_hour(result)),
        wait_counts=(*(int(c) for c in counts), int(abandoned.sum()), int(still_open.sum())),
        met_by_hour=tuple(tuple(int(v) for v in hourly[f"{n}_met"]) for n in names),
        breached_by_hour=tuple(tuple(int(v) for v in hourly[f"{n}_breached"]) for n in names),
        channels=tuple(channels),
    )


def _wait_label(low: float, high: float) -> str:
    def fmt(m: float) -> str:
        return f"{m / 60:g} u" if m >= 60 else f"{m:g} min"

    if math.isinf(high):
        return f"> {fmt(low)}"
    if low == 0:
        return f"< {fmt(high)}"
    if (low >= 60) == (high >= 60):  # one unit once: "15–30 min", "1–2 u" (short on a phone)
        return f"{fmt(low).split()[0]}–{fmt(high)}"
    return f"{fmt(low)}–{fmt(high)}"


WAIT_BANDS: tuple[str, ...] = (
    *(_wait_label(lo, hi) for lo, hi in itertools.pairwise(WAIT_BINS_MIN)),
    ABANDONED_BAND,
    OPEN_BAND,
)


def run_whatif(inputs: WhatIfInputs, progress: ProgressHook | None = None) -> WhatIfResult:
    """Run both coverage models with the same seeds and lay the results out for the page;
    ``progress`` hears of every finished replication (and may stop the run)."""
    if inputs.replications < 1 or not inputs.weeks > 0:
        raise ServiceInputError("Kies minstens één herhaling en een looptijd van meer dan 0 weken.")
    profile = whatif_profile(inputs)
    plan = whatif_plan(inputs)
    hours = np.arange(HOURS_PER_WEEK)
    runs: list[CoverageRun] = []
    backlog, waits, attain, channels = [], [], [], []
    specs = [profile.compile(c) for c in dict.fromkeys(inputs.coverages)]
    clock = _Clock(progress, expected=len(specs) * inputs.replications)
    views: dict[str, list[_RunView]] = {}
    # In the server process: a page redraw of two or four runs gains little from handing them
    # to the workers, and a first redraw would wait for the workers to start.
    with Runner(processes=1) as runner:
        for spec in specs:
            views[spec.coverage_name] = runner.map(
                _run_view, plan.jobs(spec), lambda _done, _total: clock.step()
            )
    reps, weeks = inputs.replications, inputs.weeks
    for coverage in inputs.coverages:
        found = views[coverage]
        runs.append(
            CoverageRun(
                coverage,
                profile.coverages[coverage].description,
                summarise_replications([v.kpis for v in found]),
            )
        )
        mean_backlog = np.mean([np.nan_to_num(v.backlog_by_hour) for v in found], axis=0)
        backlog.append(pd.DataFrame({"coverage": coverage, "hour_of_week": hours,
                                     "backlog": mean_backlog}))  # fmt: skip
        counts = np.sum([v.wait_counts for v in found], axis=0)
        total = counts.sum()
        for k, (band, count) in enumerate(zip(WAIT_BANDS, counts, strict=True)):
            waits.append({"coverage": coverage, "bin": band, "order": k,
                          "share": float(count / total) if total else 0.0,
                          "count": float(count) / reps / weeks})  # fmt: skip
        for i, target in enumerate(specs[0].sla_targets):
            met = np.sum([v.met_by_hour[i] for v in found], axis=0)
            breached = np.sum([v.breached_by_hour[i] for v in found], axis=0)
            due = met + breached
            share = np.divide(met, due, out=np.full(len(due), np.nan), where=due > 0)
            attain.append(pd.DataFrame({"coverage": coverage, "hour_of_week": hours,
                                        "target": target.name, "attainment": share,
                                        "met": met, "breached": breached}))  # fmt: skip
        per_channel: dict[str, np.ndarray] = {}
        for v in found:
            for name, *numbers in v.channels:
                per_channel[name] = per_channel.get(name, np.zeros(5)) + np.asarray(numbers)
        for name, (need, ans, aband, met, br) in per_channel.items():
            channels.append({"coverage": coverage, "channel": name,
                             "needs_reply": need / reps / weeks, "answered": ans / reps / weeks,
                             "abandoned": aband / reps / weeks,
                             "attainment": met / (met + br) if met + br else math.nan})  # fmt: skip
    columns = ["coverage", "hour_of_week", "target", "attainment", "met", "breached"]
    return WhatIfResult(
        inputs=inputs,
        runs=tuple(runs),
        sla_names=tuple(s.name for s in profile.sla_targets),
        targets=specs[0].sla_targets,
        backlog=pd.concat(backlog, ignore_index=True),
        waits=pd.DataFrame(waits),
        attainment=(
            pd.concat(attain, ignore_index=True) if attain else pd.DataFrame(columns=columns)
        ),
        channels=pd.DataFrame(channels),
        mentions_per_week=profile.volume.mentions_per_week,
    )


# --- what the page needs to build its inputs ---


@dataclass(frozen=True)
class ShiftSetting:
    name: str
    days: tuple[str, ...]  # weekday keys: "mon", "tue", ...
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
            ShiftSetting(n, tuple(str(d) for d in s.days), s.start, s.end, s.agents)
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


def compared_default(coverages: Sequence[str]) -> tuple[str, str]:
    """24/7 against business hours when the profile has both, else its first two models."""
    if all(c in coverages for c in COMPARED_DEFAULT):
        return COMPARED_DEFAULT
    if len(coverages) >= 2:
        return (coverages[0], coverages[1])
    return (coverages[0], coverages[0])


# --- progress ---


@dataclass(frozen=True)
class ProgressNote:
    """How far a long run is, for the page's bar: counted in simulation runs."""

    done: int  # runs finished
    expected: int  # runs expected in all (a sizing search asks for more as it goes)
    seconds_left: float | None  # from the pace so far; None before the first run ends
    phase: str = ""  # sizing: ``sim.sizing_runs.SEARCH`` or ``CHECK``; "" for other runs


# Hears of every finished run; raising (``Cancelled``, or Streamlit's rerun) stops the run.
ProgressHook = Callable[[ProgressNote], None]


class _Clock:
    """Time left from the pace so far: seconds per run times the runs still expected."""

    def __init__(self, hook: ProgressHook | None, expected: int) -> None:
        self.hook, self.expected, self.done = hook, max(1, expected), 0
        self.started = time.perf_counter()

    def step(self, done: int | None = None, known: int = 0, phase: str = "") -> None:
        """One more run done (or ``done`` in all); ``known``: runs now known to be asked."""
        self.done = self.done + 1 if done is None else done
        self.expected = max(self.expected, known, self.done + 1)
        if self.hook is not None:
            pace = (time.perf_counter() - self.started) / self.done
            left = pace * (self.expected - self.done)
            self.hook(ProgressNote(self.done, self.expected, left, phase))


# --- sizing ---


@dataclass(frozen=True)
class SizingAdvice:
    """The cheapest agents per shift and weekday of one coverage model that keep the targets."""

    profile: str
    coverage: str
    current: tuple[tuple[str, int], ...]  # agents per shift as set on the page
    advised: tuple[tuple[str, int], ...]  # per shift, the most agents any of its days needs
    erlang: tuple[tuple[str, int], ...]  # the textbook (Erlang C) answer, for comparison
    advised_blocks: Blocks  # (shift, weekday "mon", agents): what "Neem advies over" sets
    fte: float
    cost_per_week_eur: float
    reachable: bool  # False: even the most agents allowed per shift miss a target
    attainment: tuple[tuple[str, float], ...]  # per target name, mean attainment of the advice
    evaluations: int


def sizing_plan(inputs: WhatIfInputs) -> RunPlan:
    """The runs behind every candidate of the page's sizing (shorter than the CLI's)."""
    from sim.sizing import SIZING_PLAN

    return dataclasses.replace(
        SIZING_PLAN,
        weeks=SIZING_WEEKS,
        warmup_weeks=SIZING_WARMUP_WEEKS,
        replications=SIZING_REPLICATIONS,
        seed=inputs.seed,
    )


def size_coverage(
    inputs: WhatIfInputs, coverage: str, progress: ProgressHook | None = None
) -> SizingAdvice:
    """Run ``sim.sizing.size`` on the what-if's profile (volume, handling time, SLA as set)."""
    from sim.sizing import SizingError, size, sizing_model

    # Size the profile as set on the page, but per whole shift: an adopted per-day plan is
    # what sizing answers, not where it starts.
    profile = whatif_profile(dataclasses.replace(inputs, day_agents=()))
    if coverage not in profile.coverages:
        raise ServiceInputError(f"Onbekend dekkingsmodel {coverage!r}.")
    plan = sizing_plan(inputs)
    blocks = len(profile.shift_blocks(coverage))
    done: dict[str, int] = {}
    known: dict[str, int] = {}
    # The runs go to the server's worker pool (started on the first sizing, then kept), as the
    # CLI's go to its pool: the same answer, several times sooner.
    with sim_runner() as runner:
        # Counted in simulation runs, reported as each one ends: a batch can take seconds, and
        # the bar (and the stop button, which acts when the bar is updated) must not wait for
        # it. The clock starts once the workers are ready, so their start-up does not inflate
        # the pace. The total grows as the search asks for more.
        clock = _Clock(progress, expected=round(SIZING_RUNS_PER_BLOCK * blocks * plan.replications))

        def on_progress(phase: str, runs_done: int, runs_known: int) -> None:
            done[phase], known[phase] = runs_done, runs_known
            if runs_done:
                clock.step(sum(done.values()), sum(known.values()), phase)

        try:
            result = size(
                sizing_model(profile, coverage),
                plan=plan,
                runner=runner,
                on_progress=on_progress,
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
        advised_blocks=tuple(
            (shift, str(day), int(n))
            for shift, per_day in best.agents_by_shift_and_day.items()
            for day, n in per_day.items()
        ),
        fte=best.fte,
        cost_per_week_eur=best.cost_per_week_eur,
        reachable=result.reachable,
        attainment=tuple((t.name, best.attainment(t).mean) for t in result.targets),
        evaluations=result.evaluations,
    )


def roster_for_advice(inputs: WhatIfInputs, advice: SizingAdvice) -> StaffingRoster:
    """A roster of people for the sizing advice (``sim.roster.staffing.StaffingRoster``): the
    advised agents per shift and weekday, the profile's labour rules, a short solver time."""
    from sim.roster.staffing import roster_for_staffing

    profile = whatif_profile(dataclasses.replace(inputs, day_agents=()))
    agents: dict[str, dict[str, int]] = {}
    for shift, day, n in advice.advised_blocks:
        agents.setdefault(shift, {})[day] = n
    return roster_for_staffing(profile, advice.coverage, agents, "het bezettingsadvies")


# --- staffing curve (sweep engine) ---


def curve_agents(inputs: WhatIfInputs, coverage: str) -> tuple[int, ...]:
    """Agents per shift to try: 1 up to twice the busiest shift now (at least 6), at most
    ``CURVE_MAX_POINTS`` points."""
    now = max((s.agents for s in profile_overview(inputs.profile).shifts[coverage]), default=1)
    top = max(6, 2 * now)
    step = max(1, math.ceil(top / CURVE_MAX_POINTS))
    return tuple(range(1, top + 1, step))


def staffing_curve(
    inputs: WhatIfInputs, coverage: str, progress: ProgressHook | None = None
) -> pd.DataFrame:
    """Attainment of every target and cost per week against agents per shift (every shift the
    same count), from ``sim.sweep``: one row per point with ``agents``, ``cost_per_week_eur``,
    ``fte``, ``abandoned_per_week`` and ``sla_<name>_attainment``."""
    from sim.sweep import grid, run_sweep

    profile = whatif_profile(dataclasses.replace(inputs, agents=(), day_agents=()))
    if coverage not in profile.coverages:
        raise ServiceInputError(f"Onbekend dekkingsmodel {coverage!r}.")
    points = grid({"agents": [float(a) for a in curve_agents(inputs, coverage)]})
    plan = RunPlan(CURVE_WEEKS, WHATIF_WARMUP_WEEKS, CURVE_REPLICATIONS, inputs.seed)
    targets = profile.compile(coverage).sla_targets
    with sim_runner() as runner:  # the server's worker pool, as for sizing
        clock = _Clock(progress, expected=len(points) * CURVE_REPLICATIONS)
        tidy = run_sweep(
            profile,
            coverage,
            points,
            targets,
            plan,
            runner=runner,
            progress=lambda done, total: clock.step(done),
        )
    columns: dict[str, Any] = {"cost_per_week_eur": "mean", "fte": "mean", "abandoned": "mean"}
    columns.update({f"sla_{t.name}_attainment": "mean" for t in targets})
    out = tidy.groupby("agents", sort=True).agg(columns).reset_index()
    out["abandoned_per_week"] = out.pop("abandoned") / CURVE_WEEKS
    return out


__all__ = [
    "ABANDONED_BAND",
    "COMPARED_DEFAULT",
    "OPEN_BAND",
    "WAIT_BANDS",
    "WHATIF_WARMUP_WEEKS",
    "Cancelled",
    "CoverageRun",
    "ProfileOverview",
    "ProgressHook",
    "ProgressNote",
    "ServiceInputError",
    "ShiftSetting",
    "SizingAdvice",
    "WhatIfInputs",
    "WhatIfResult",
    "compared_default",
    "curve_agents",
    "get_profile",
    "profile_names",
    "profile_overview",
    "run_whatif",
    "size_coverage",
    "sizing_plan",
    "staffing_curve",
    "whatif_plan",
    "whatif_profile",
]
