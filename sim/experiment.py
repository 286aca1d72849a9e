"""Replications: run one model many times with independent random streams and report intervals.

One simulated run is one possible week (or year); the next seed gives another. To say how good a
coverage model is, we run it ``replications`` times and report, per KPI, the mean and a 95%
Student-t confidence interval over the replications. Replication ``i`` always uses child ``i`` of
``np.random.SeedSequence(seed)``, so the same seed gives the same numbers, whether the runs go one
after the other or in several processes. ``compare`` runs every coverage model with the same
seeds (common random numbers: the same mentions arrive under each staffing plan), which makes the
differences between coverage models sharper than the intervals of each alone suggest.

Pure: no printing. Progress is reported through an optional callback ``progress(done, total)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.engine import SimResult, simulate
from sim.parallel import KpiRow, Runner, run_sim_job
from sim.plan import RunPlan, seed_sequences
from sim.spec import ModelSpec

CONFIDENCE = 0.95  # two-sided level of the reported intervals

Progress = Callable[[int, int], None]


def run(spec: ModelSpec, plan: RunPlan) -> SimResult:
    """One run; its KPIs equal replication 0 of ``replicate`` with the same plan."""
    plan.check()
    rng = np.random.default_rng(seed_sequences(plan.seed, 1)[0])
    return simulate(spec, weeks=plan.weeks, rng=rng, warmup_weeks=plan.warmup_weeks)


def replicate(
    spec: ModelSpec,
    plan: RunPlan,
    *,
    progress: Progress | None = None,
    processes: int = 1,
    runner: Runner | None = None,
) -> list[KpiRow]:
    """KPI dicts of the plan's independent runs, in replication order.

    Runs go to ``runner`` (kept open by the caller), or else to a local pool of ``processes``
    (1 runs inline); the numbers do not depend on where they run.
    """
    plan.check()
    jobs = plan.jobs(spec)
    if runner is not None:
        return runner.map(run_sim_job, jobs, progress)
    with Runner(processes) as own:
        return own.map(run_sim_job, jobs, progress)


@dataclass(frozen=True)
class Estimate:
    """Mean of one KPI over replications with a two-sided confidence interval.

    ``n`` counts the replications where the KPI was a number (a NaN, e.g. a response time when
    nothing was answered, is left out). With ``n < 2`` the interval is unknown (NaN).
    """

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def as_dict(self) -> dict[str, float | int]:
        return {
            "mean": self.mean,
            "low": self.low,
            "high": self.high,
            "half_width": self.half_width,
            "n": self.n,
        }


def estimate(values: Iterable[float], confidence: float = CONFIDENCE) -> Estimate:
    """Mean and Student-t interval of independent replication values."""
    data = np.asarray([float(v) for v in values], dtype=float)
    data = data[np.isfinite(data)]
    n = int(data.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(data.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    sd = float(data.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def summarise_replications(
    rows: Sequence[Mapping[str, float | int]], confidence: float = CONFIDENCE
) -> dict[str, Estimate]:
    """Per KPI key (in the order of the first row), the mean and interval over ``rows``."""
    keys: list[str] = []
    for row in rows:
        keys.extend(k for k in row if k not in keys)
    return {key: estimate((row.get(key, math.nan) for row in rows), confidence) for key in keys}


@dataclass(frozen=True)
class CoverageResult:
    """One coverage model's row in a comparison."""

    coverage: str
    estimates: Mapping[str, Estimate]
    replications: tuple[KpiRow, ...]


def compare(
    specs: Sequence[ModelSpec],
    plan: RunPlan,
    *,
    progress: Progress | None = None,
    processes: int = 1,
) -> list[CoverageResult]:
    """Every compiled coverage model under the same plan, so with the same seeds for each.

    ``progress(done, total)`` counts replications over all coverage models together.
    """
    plan.check()
    total = len(specs) * plan.replications
    out: list[CoverageResult] = []
    with Runner(processes) as runner:
        for index, spec in enumerate(specs):
            offset = index * plan.replications

            def step(done: int, _total: int, offset: int = offset) -> None:
                if progress is not None:
                    progress(offset + done, total)

            rows = replicate(spec, plan, progress=step, runner=runner)
            out.append(
                CoverageResult(spec.coverage_name, summarise_replications(rows), tuple(rows))
            )
    return out


__all__ = [
    "CONFIDENCE",
    "CoverageResult",
    "Estimate",
    "RunPlan",
    "compare",
    "estimate",
    "replicate",
    "run",
    "seed_sequences",
    "summarise_replications",
]
