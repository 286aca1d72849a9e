"""Replications are reproducible, independent, and summarised with honest 95% intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiment import (
    compare,
    estimate,
    replicate,
    run,
    summarise_replications,
)
from sim.kpis import summarise
from sim.plan import PlanError, RunPlan
from sim.profile import ProfileError, load_profile

LIBRARY = load_profile("library")


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    spec = LIBRARY.compile()
    first = replicate(spec, RunPlan(weeks=1, replications=3, seed=7))
    again = replicate(spec, RunPlan(weeks=1, replications=3, seed=7))
    other = replicate(spec, RunPlan(weeks=1, replications=3, seed=8))
    assert first == again
    assert first != other
    assert len({row["arrived"] for row in first}) > 1  # replications are not copies


def test_run_equals_first_replication() -> None:
    spec = LIBRARY.compile()
    single = summarise(run(spec, RunPlan(weeks=1, warmup_weeks=0.5, seed=3))).as_dict()
    rows = replicate(spec, RunPlan(weeks=1, warmup_weeks=0.5, replications=2, seed=3))
    assert rows[0] == single


def test_processes_do_not_change_results() -> None:
    spec = LIBRARY.compile()
    serial = replicate(spec, RunPlan(weeks=1, replications=3, seed=11))
    parallel = replicate(spec, RunPlan(weeks=1, replications=3, seed=11), processes=2)
    assert serial == parallel


def test_progress_reports_each_replication() -> None:
    seen: list[tuple[int, int]] = []
    replicate(
        LIBRARY.compile(),
        RunPlan(weeks=0.5, replications=3, seed=1),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_bad_arguments() -> None:
    with pytest.raises(PlanError) as info:
        replicate(LIBRARY.compile(), RunPlan(weeks=1, replications=0, seed=1))
    assert info.value.field == "replications" and info.value.value == 0
    assert "--" not in str(info.value)  # the domain names fields, not command-line flags
    with pytest.raises(PlanError, match="weeks"):
        replicate(LIBRARY.compile(), RunPlan(weeks=0, replications=1, seed=1))
    with pytest.raises(ValueError):
        replicate(LIBRARY.compile(), RunPlan(weeks=1, replications=2, seed=1), processes=0)


def test_estimate_matches_the_t_interval_by_hand() -> None:
    est = estimate([1, 2, 3, 4, 5])
    t_975_4 = 2.7764451051977987  # Student t, 4 degrees of freedom, 97.5% quantile (tables)
    half = t_975_4 * math.sqrt(2.5) / math.sqrt(5)
    assert est.mean == 3
    assert est.low == pytest.approx(3 - half) and est.high == pytest.approx(3 + half)
    assert est.half_width == pytest.approx(half) and est.n == 5


def test_estimate_skips_nan_and_handles_tiny_samples() -> None:
    assert estimate([2.0, math.nan, 4.0]).n == 2
    assert estimate([2.0, math.nan, 4.0]).mean == 3.0
    single = estimate([5.0])
    assert single.mean == 5.0 and math.isnan(single.low) and single.n == 1
    empty = estimate([math.nan])
    assert empty.n == 0 and math.isnan(empty.mean)


def test_intervals_cover_the_true_mean_about_95_percent() -> None:
    rng = np.random.default_rng(2024)
    trials = 2000
    covered = 0
    for _ in range(trials):
        est = estimate(rng.exponential(10.0, size=30))
        covered += est.low <= 10.0 <= est.high
    # Skewed data and n = 30: the t interval is slightly optimistic; 4 sd of the binomial is 0.02.
    assert 0.92 <= covered / trials <= 0.97


def test_summarise_replications_keeps_every_key() -> None:
    rows = [{"a": 1, "b": 2.0}, {"a": 3, "b": math.nan, "c": 1.0}]
    summary = summarise_replications(rows)
    assert list(summary) == ["a", "b", "c"]
    assert summary["a"].mean == 2 and summary["b"].n == 1 and summary["c"].n == 1


def test_compare_runs_each_coverage_with_the_same_mentions() -> None:
    ticks: list[tuple[int, int]] = []
    rows = compare(
        [LIBRARY.compile("business-hours"), LIBRARY.compile("24-7")],
        RunPlan(weeks=2, warmup_weeks=1, replications=4, seed=5),
        progress=lambda d, t: ticks.append((d, t)),
    )
    assert [r.coverage for r in rows] == ["business-hours", "24-7"]
    assert ticks[-1] == (8, 8) and len(ticks) == 8
    office, always = rows
    # Common random numbers: the same mentions arrive under each staffing plan.
    assert [r["arrived"] for r in office.replications] == [
        r["arrived"] for r in always.replications
    ]
    # Round-the-clock staff answer far sooner than one person on weekdays 9-17.
    assert always.estimates["first_response_mean_min"].high < (
        office.estimates["first_response_mean_min"].low
    )
    assert always.estimates["cost_per_week_eur"].mean > office.estimates["cost_per_week_eur"].mean


def test_compare_names_each_result_after_its_coverage_model() -> None:
    specs = [LIBRARY.compile(name) for name in LIBRARY.coverage_names]
    rows = compare(specs, RunPlan(weeks=0.5, replications=1, seed=1))
    assert [r.coverage for r in rows] == LIBRARY.coverage_names
    with pytest.raises(ProfileError, match="business-hours"):
        LIBRARY.compile("nachtdienst")
