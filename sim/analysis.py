"""Beyond the headline KPIs: when in the week the backlog builds up and how long customers wait.

A manager comparing two coverage models wants to see *where* they differ: the backlog per hour of
the week (an office-hours team leaves a pile on Monday morning), the spread of first-response
waits (how many wait more than a day) and the SLA attainment per hour of the week of arrival.
``analyse_run`` reads these off one run as a flat, read-only ``RunAnalysis``; ``analyse`` runs a
compiled model under a ``RunPlan`` on a ``Runner`` and pools its replications into one
``ModelAnalysis`` (means of the backlog, pooled counts of waits and of met and breached
mentions, KPI estimates with intervals). Tables and charts are built from these at the edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.engine import SimResult, simulate
from sim.experiment import Estimate, summarise_replications
from sim.kpis import attainment_by, summarise
from sim.parallel import KpiRow, Runner, SimJob
from sim.plan import RunPlan
from sim.spec import HOURS_PER_WEEK, MINUTES_PER_HOUR, MINUTES_PER_WEEK, ModelSpec

BACKLOG_SAMPLE_MIN = 10  # the backlog is read every this many minutes, then averaged per hour
# Edges of the first-response wait bins in minutes: up to 15 min, 15-30 min, ..., over two days.
WAIT_BINS_MIN: tuple[float, ...] = (0, 15, 30, 60, 120, 240, 480, 1440, 2880, math.inf)


@dataclass(frozen=True)
class RunAnalysis:
    """One run, read off for the what-if: KPIs and the per-hour and per-wait breakdowns."""

    kpis: KpiRow  # sim.kpis.Kpis.as_dict()
    backlog_by_hour: tuple[float, ...]  # mean cases waiting per hour of the week (NaN: unseen)
    wait_counts: tuple[int, ...]  # answered measured mentions per bin of WAIT_BINS_MIN
    # Per SLA target (in the spec's order), measured mentions met / breached per hour of arrival.
    met_by_hour: tuple[tuple[int, ...], ...]
    breached_by_hour: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class TargetByHour:
    """One SLA target per hour of the week of arrival, pooled over the replications."""

    target: str
    met: tuple[int, ...]
    breached: tuple[int, ...]

    @property
    def attainment(self) -> tuple[float, ...]:
        """Met / (met + breached) per hour; NaN where nothing was due."""
        pairs = zip(self.met, self.breached, strict=True)
        return tuple(m / (m + b) if m + b else math.nan for m, b in pairs)


@dataclass(frozen=True)
class ModelAnalysis:
    """One compiled model under one plan: the replications pooled."""

    coverage: str
    kpis: dict[str, Estimate]  # mean (and interval when replications > 1) per KPI key
    backlog_by_hour: tuple[float, ...]  # mean over the replications (an unseen hour counts 0)
    wait_bins_min: tuple[float, ...]  # the bin edges of ``wait_shares``
    wait_shares: tuple[float, ...]  # share of answered mentions per bin (0 when none answered)
    targets: tuple[TargetByHour, ...]


def backlog_by_hour(result: SimResult) -> np.ndarray:
    """Mean backlog per hour of the week, read every ``BACKLOG_SAMPLE_MIN`` minutes of the
    measured window; NaN for hours the window never covers."""
    grid = np.arange(result.start_min, result.horizon_min, BACKLOG_SAMPLE_MIN, dtype=float)
    index = np.searchsorted(result.backlog_times, grid, side="right") - 1
    values = result.backlog_values[np.clip(index, 0, None)]
    hour = ((grid % MINUTES_PER_WEEK) // MINUTES_PER_HOUR).astype(int)
    sums = np.bincount(hour, weights=values, minlength=HOURS_PER_WEEK)
    counts = np.bincount(hour, minlength=HOURS_PER_WEEK)
    out: np.ndarray = np.divide(sums, counts, out=np.full(HOURS_PER_WEEK, np.nan), where=counts > 0)
    return out


def wait_counts(result: SimResult, edges: tuple[float, ...] = WAIT_BINS_MIN) -> np.ndarray:
    """Answered measured mentions per first-response wait bin."""
    waits = result.records.column("first_response_wait_min")[result.measured]
    counts: np.ndarray = np.histogram(waits[~np.isnan(waits)], bins=np.asarray(edges))[0]
    return counts


def analyse_run(job: SimJob) -> RunAnalysis:
    """Simulate one job and read it off (a module-level job function for ``Runner.map``)."""
    result = simulate(
        job.spec,
        weeks=job.weeks,
        rng=np.random.default_rng(job.seed),
        warmup_weeks=job.warmup_weeks,
    )
    hourly = attainment_by(result, "hour_of_week")
    names = [t.name for t in job.spec.sla_targets]
    return RunAnalysis(
        kpis=summarise(result).as_dict(),
        backlog_by_hour=tuple(float(v) for v in backlog_by_hour(result)),
        wait_counts=tuple(int(c) for c in wait_counts(result)),
        met_by_hour=tuple(tuple(int(v) for v in hourly[f"{n}_met"]) for n in names),
        breached_by_hour=tuple(tuple(int(v) for v in hourly[f"{n}_breached"]) for n in names),
    )


def pool(spec: ModelSpec, runs: list[RunAnalysis]) -> ModelAnalysis:
    """The replications of one model together."""
    backlog = np.zeros(HOURS_PER_WEEK)
    waits = np.zeros(len(WAIT_BINS_MIN) - 1)
    for run in runs:
        backlog += np.nan_to_num(np.asarray(run.backlog_by_hour, dtype=float))
        waits += np.asarray(run.wait_counts)
    total = waits.sum()
    targets = tuple(
        TargetByHour(
            target=target.name,
            met=tuple(int(v) for v in np.sum([r.met_by_hour[i] for r in runs], axis=0)),
            breached=tuple(int(v) for v in np.sum([r.breached_by_hour[i] for r in runs], axis=0)),
        )
        for i, target in enumerate(spec.sla_targets)
    )
    return ModelAnalysis(
        coverage=spec.coverage_name,
        kpis=summarise_replications([r.kpis for r in runs]),
        backlog_by_hour=tuple(float(v) for v in backlog / len(runs)),
        wait_bins_min=WAIT_BINS_MIN,
        wait_shares=tuple(float(c / total) if total else 0.0 for c in waits),
        targets=targets,
    )


def analyse(spec: ModelSpec, plan: RunPlan, runner: Runner) -> ModelAnalysis:
    """Run ``spec`` under ``plan`` on ``runner`` and pool the replications."""
    plan.check()
    return pool(spec, runner.map(analyse_run, plan.jobs(spec)))


__all__ = [
    "BACKLOG_SAMPLE_MIN",
    "WAIT_BINS_MIN",
    "ModelAnalysis",
    "RunAnalysis",
    "TargetByHour",
    "analyse",
    "analyse_run",
    "backlog_by_hour",
    "pool",
    "wait_counts",
]
