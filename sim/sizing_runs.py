"""Simulating sizing candidates: every run kept per (staffing, replication), common seeds.

Sizing (``sim.sizing``) compares hundreds of staffings of one coverage model. Each runs on the
same seeds (common random numbers: the same mentions arrive whatever the staffing), so a
difference between two staffings is the staffing, not luck. Replication ``k`` is the same seed
stream whatever the number of replications (``SeedSequence.spawn`` children are fixed by their
index), so a staffing asked for with more replications later (the final check) only runs the
seeds it lacks. A reduction can be screened cheaply: a few runs, read against the staffing it
reduces on the same seeds (a control variate), estimate its mean over many.

Every run also blames its breached mentions on the blocks on duty when they arrived (or due
next), which steers the repair.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from sim.engine import simulate
from sim.experiment import estimate, summarise_replications
from sim.kpis import BREACHED, sla_status, summarise, week_cost_eur
from sim.parallel import KpiRow, Runner, SimJob
from sim.plan import RunPlan
from sim.sizing_records import Candidate
from sim.spec import MINUTES_PER_WEEK, SlaTarget
from sim.staffing import SizingModel, rota_array


@dataclass(frozen=True)
class _EvalJob:
    job: SimJob
    shift_rotas: tuple[tuple[tuple[int, int], ...], ...]  # each block alone with one agent


@functools.lru_cache(maxsize=16)
def _blame_matrix(
    shift_rotas: tuple[tuple[tuple[int, int], ...], ...], reach_min: float
) -> np.ndarray:
    """(minute of the week x shifts): share of a breach arriving then blamed on each shift.

    A breach that arrives while shifts are on duty is shared by them. One that arrives while
    nobody is on duty is blamed on the shifts that come on duty next, but only if they start
    within ``reach_min`` (the target's time on the calendar clock): more agents cannot answer a
    mention in time if nobody is there until after it is due.
    """
    on = np.stack([rota_array(r) > 0 for r in shift_rotas], axis=1).astype(float)
    any_on = on.sum(axis=1) > 0
    if not any_on.any():
        return on
    covered_idx = np.flatnonzero(any_on)
    minutes = np.arange(MINUTES_PER_WEEK)
    pos = np.searchsorted(covered_idx, minutes) % covered_idx.size
    gap = (covered_idx[pos] - minutes) % MINUTES_PER_WEEK
    blame = on[covered_idx[pos]] * (gap < reach_min)[:, None]
    total = blame.sum(axis=1, keepdims=True)
    result: np.ndarray = np.divide(blame, total, out=np.zeros_like(blame), where=total > 0)
    return result


def _evaluate_run(item: _EvalJob) -> tuple[KpiRow, tuple[float, ...]]:
    """One replication: KPIs plus breached mentions blamed on each block."""
    job = item.job
    result = simulate(
        job.spec,
        weeks=job.weeks,
        rng=np.random.default_rng(job.seed),
        warmup_weeks=job.warmup_weeks,
    )
    # Each target's statuses once, for the KPIs and the blame alike.
    statuses = [sla_status(result, target)[1] for target in job.spec.sla_targets]
    kpis = summarise(result, statuses).as_dict()
    measured = result.measured
    minute = (result.records.column("arrival_min") % MINUTES_PER_WEEK).astype(np.int64)
    breaches = np.zeros(len(item.shift_rotas))
    for target, status in zip(job.spec.sla_targets, statuses, strict=True):
        reach = target.within_min if target.clock == "calendar" else math.inf
        blame = _blame_matrix(item.shift_rotas, reach)
        hit = measured & (status == BREACHED)
        breaches += blame[minute[hit]].sum(axis=0)
    return kpis, tuple(float(b) for b in breaches)


# Screening a reduction (trim and final check): this many runs on the first seeds, read against
# the staffing it reduces on the same seeds; only one that could still pass gets the full plan.
SCREEN_REPLICATIONS = 2
# A screened reduction is dropped when its projected lower bound (``projected_low``) misses a
# goal by more than this many standard errors of the projection, and by at least
# ``SCREEN_SLACK`` (a share: 0.3 points; two paired runs say little about their own spread).
SCREEN_SURE = 2.0
SCREEN_SLACK = 0.003
# The final check verifies a reduction in two stages: after this many runs it stops one whose
# projected bound misses a goal by more than ``CHECK_SURE`` standard errors (the answer must
# not keep a reduction that would pass, so the check is surer than the search's screen).
CHECK_STAGE_REPLICATIONS = 6
CHECK_SURE = 3.0
# Sequential tests: the runs after which a reduction is looked at again before it gets all of
# them (the trim's plan, the final check's plan). Never more runs than without them: each
# stage's runs are part of the full set, and a stage that decides saves the rest.
TRIM_STAGES = (SCREEN_REPLICATIONS, 4)
CHECK_STAGES = (SCREEN_REPLICATIONS, CHECK_STAGE_REPLICATIONS, 12)
# The trim takes a removal on its screen alone when its projected bound clears every goal by
# this many standard errors (at least ``SCREEN_SLACK``): the final check re-simulates the
# answer with its longer plan anyway.
ACCEPT_SURE = 3.0
Progress = Callable[[str, int, int], None]  # (phase, runs done, runs known so far)
SEARCH, CHECK = "search", "check"  # the phases ``on_progress`` reports


class Evaluator:
    """Simulates candidates with common random numbers and remembers every run.

    Rows are cached per (staffing, replication): replication ``k`` of any plan with this seed is
    the same seed stream whatever the number of replications (``SeedSequence.spawn`` children
    are fixed by their index), so a candidate asked for with 18 replications after the search
    ran it with 6 only runs the 12 it lacks. All missing runs of a batch go to the runner in one
    call, so every core is busy.
    """

    def __init__(
        self,
        model: SizingModel,
        targets: tuple[SlaTarget, ...],
        *,
        plan: RunPlan,
        runner: Runner,
        on_candidate: Callable[[Candidate], None] | None,
        on_progress: Progress | None = None,
    ) -> None:
        self.model, self.targets, self.plan = model, targets, plan
        self.names = model.blocks
        self.runner = runner
        self.on_candidate = on_candidate
        self.on_progress = on_progress
        self.phase = SEARCH
        self.rows: dict[tuple[int, ...], list[tuple[KpiRow, tuple[float, ...]]]] = {}
        self.cache: dict[tuple[tuple[int, ...], int], Candidate] = {}
        self.runs = 0  # simulations actually run
        self._done = {SEARCH: 0, CHECK: 0}
        self._known = {SEARCH: 0, CHECK: 0}

    def week_cost(self, agents: tuple[int, ...]) -> float:
        """What ``agents`` cost a week (the ``cost_per_week_eur`` its runs report, exactly), known
        without simulating: the rota fixes it."""
        spec = self.model.staffed(agents, self.targets)
        return week_cost_eur(spec, self.plan.weeks, self.plan.warmup_weeks)

    @property
    def evaluations(self) -> int:
        """Distinct staffings simulated (whatever the number of replications)."""
        return len(self.rows)

    def __call__(
        self, batch: Sequence[tuple[int, ...]], replications: int | None = None
    ) -> list[Candidate]:
        reps = self.plan.replications if replications is None else replications
        seeds = replace(self.plan, replications=reps).seeds()
        todo = [a for a in dict.fromkeys(batch) if (a, reps) not in self.cache]
        missing = [
            (agents, k) for agents in todo for k in range(len(self.rows.get(agents, ())), reps)
        ]
        specs = {
            a: self.model.staffed(a, self.targets) for a in dict.fromkeys(a for a, _ in missing)
        }
        items = [
            _EvalJob(
                SimJob(specs[a], self.plan.weeks, self.plan.warmup_weeks, seeds[k]),
                self.model.block_rotas,
            )
            for a, k in missing
        ]
        phase = self.phase
        base = self._done[phase]
        self._known[phase] += len(items)

        def progress(done: int, _total: int) -> None:
            self._done[phase] = base + done
            if self.on_progress is not None:
                self.on_progress(phase, self._done[phase], self._known[phase])

        if items and self.on_progress is not None:
            self.on_progress(phase, base, self._known[phase])
        outputs = self.runner.map(_evaluate_run, items, progress)
        self.runs += len(items)
        for (agents, _k), out in zip(missing, outputs, strict=True):
            self.rows.setdefault(agents, []).append(out)
        for agents in todo:
            chunk = self.rows[agents][:reps]
            rows = [row for row, _ in chunk]
            blame = np.mean([b for _, b in chunk], axis=0)
            candidate = Candidate(
                agents=tuple(zip(self.names, agents, strict=True)),
                estimates=summarise_replications(rows),
                targets=self.targets,
                breaches_by_block=tuple(float(b) for b in blame),
            )
            self.cache[(agents, reps)] = candidate
            if self.on_candidate is not None:
                self.on_candidate(candidate)
        return [self.cache[(a, reps)] for a in batch]


def promising(
    evaluate: Evaluator,
    option: tuple[int, ...],
    base: tuple[int, ...],
    replications: int,
    goals: Mapping[str, float],
    runs: int,
    sure: float = SCREEN_SURE,
) -> bool:
    """Run ``option`` on the first ``runs`` seeds; could its lower bound over ``replications``
    runs still meet every goal (see ``could_pass``)?"""
    evaluate([option], runs)
    return could_pass(evaluate, option, base, replications, goals, sure)


def could_pass(
    evaluate: Evaluator,
    option: tuple[int, ...],
    base: tuple[int, ...],
    replications: int,
    goals: Mapping[str, float],
    sure: float,
) -> bool:
    """Is the lower bound ``option`` would show over ``replications`` runs (``projected_low``)
    within ``sure`` standard errors (at least ``SCREEN_SLACK``) of every goal? With all its
    runs done this is exactly whether it passes."""
    return _meets_goals(evaluate, option, base, replications, goals, sure, optimistic=True)


def sure_to_pass(
    evaluate: Evaluator,
    option: tuple[int, ...],
    base: tuple[int, ...],
    replications: int,
    goals: Mapping[str, float],
    sure: float,
) -> bool:
    """Does the lower bound ``option`` would show over ``replications`` runs
    (``projected_low``) clear every goal by ``sure`` standard errors of the projection (at
    least ``SCREEN_SLACK``)? With all its runs done this is exactly whether it passes."""
    return _meets_goals(evaluate, option, base, replications, goals, sure, optimistic=False)


def _meets_goals(
    evaluate: Evaluator,
    option: tuple[int, ...],
    base: tuple[int, ...],
    replications: int,
    goals: Mapping[str, float],
    sure: float,
    *,
    optimistic: bool,
) -> bool:
    """Does ``option``'s projected lower bound, moved by a slack of ``sure`` standard errors
    (at least ``SCREEN_SLACK``), meet every goal? ``optimistic`` moves the bound up: may it
    still pass (a screen that drops only hopeless options); otherwise down: must it pass (an
    early acceptance).

    The two sides differ in more than the sign, on purpose. The optimistic side takes no slack
    once the projection has no error left (all runs done, or diffs that never vary), and a
    bound it cannot compute (NaN) lets the option through; the pessimistic side keeps the
    slack until every run is done and fails a NaN bound: each side gives the benefit of the
    doubt to the answer that costs only more simulation.
    """
    done = len(evaluate.rows.get(option, ()))
    for target in evaluate.targets:
        low, error = projected_low(evaluate, option, base, replications, target)
        exact = error == 0 if optimistic else done >= replications
        slack = 0.0 if exact else max(SCREEN_SLACK, sure * error)
        goal = goals[target.name] - 1e-12
        # written as two comparisons, not one with a sign, so that NaN falls as described
        if optimistic and low + slack < goal:
            return False
        if not optimistic and not low - slack >= goal:
            return False
    return True


def projected_low(
    evaluate: Evaluator,
    option: tuple[int, ...],
    base: tuple[int, ...],
    replications: int,
    target: SlaTarget,
) -> tuple[float, float]:
    """The lower 95% bound of ``target``'s attainment ``option`` would show over
    ``replications`` runs, projected from the ``k`` runs it has, and the standard error of the
    projected mean.

    On the seeds it lacks, ``option`` is taken as ``base`` (which must have them) shifted by
    the mean paired difference on the shared seeds: common random numbers make that
    difference far steadier than either staffing's attainment, so a few runs tell where the
    bound will land. The error is that of the mean difference over the seeds still to run
    (finite-population correction: with all ``replications`` done it is 0 and the bound is
    exact). No mentions to judge
    (NaN) projects as +inf: nothing can fail.
    """
    key = f"sla_{target.name}_attainment"
    base_rows = np.array([float(row[key]) for row, _ in evaluate.rows[base][:replications]])
    own = np.array([float(row[key]) for row, _ in evaluate.rows.get(option, [])[:replications]])
    k = own.size
    if not (0 < k <= base_rows.size) or not np.isfinite(own).all():
        return math.inf, 0.0
    diffs = own - base_rows[:k]
    if not np.isfinite(diffs).all():
        return math.inf, 0.0
    shift = float(diffs.mean())
    filled = np.concatenate((own, base_rows[k:] + shift))
    n = filled.size
    low = estimate(filled).low
    low = low if math.isfinite(low) else float(filled.mean())
    if k >= n:
        return low, 0.0
    spread = float(diffs.std(ddof=1)) if k > 1 else math.inf
    return low, spread / math.sqrt(k) * math.sqrt(1 - k / n)


def paired_mean(
    evaluate: Evaluator,
    option: tuple[int, ...],
    base: tuple[int, ...],
    replications: int,
    target: SlaTarget,
) -> float:
    """The attainment ``option`` would show over ``replications`` runs, estimated from the runs
    it has: the base's mean over all of them plus the mean paired difference on the shared
    seeds (a control variate). NaN (no mentions to judge) counts as promising."""
    key = f"sla_{target.name}_attainment"
    base_rows = [float(row[key]) for row, _ in evaluate.rows[base][:replications]]
    own = [float(row[key]) for row, _ in evaluate.rows[option][:replications]]
    diffs = [o - b for o, b in zip(own, base_rows, strict=False)]
    value = float(np.mean(base_rows) + np.mean(diffs)) if diffs else math.nan
    return value if math.isfinite(value) else math.inf


__all__ = [
    "ACCEPT_SURE",
    "CHECK",
    "CHECK_STAGES",
    "CHECK_STAGE_REPLICATIONS",
    "CHECK_SURE",
    "SCREEN_REPLICATIONS",
    "SCREEN_SLACK",
    "SCREEN_SURE",
    "SEARCH",
    "TRIM_STAGES",
    "Evaluator",
    "Progress",
    "could_pass",
    "paired_mean",
    "projected_low",
    "promising",
    "sure_to_pass",
]
