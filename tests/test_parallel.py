"""Parallel runs give the same numbers inline, on a process pool and on a Dask cluster."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest

from sim import parallel
from sim.parallel import (
    DASK_ENV,
    ParallelError,
    Runner,
    SimJob,
    dask_address,
    run_jobs,
    run_sim_job,
)
from sim.plan import RunPlan
from sim.profile import load_profile


def _jobs() -> list[SimJob]:
    profile = load_profile("telecom").scaled(volume=0.1)
    specs = [profile.compile(name) for name in ("24-7", "business-hours")]
    plan = RunPlan(weeks=1.0, warmup_weeks=0.5, replications=3, seed=11)
    return [job for spec in specs for job in plan.jobs(spec)]


def _same(a: list[dict[str, float | int]], b: list[dict[str, float | int]]) -> bool:
    if len(a) != len(b):
        return False
    for row_a, row_b in zip(a, b, strict=True):
        if row_a.keys() != row_b.keys():
            return False
        for key in row_a:
            x, y = float(row_a[key]), float(row_b[key])
            if not (x == y or (math.isnan(x) and math.isnan(y))):
                return False
    return True


@pytest.fixture(scope="module")
def inline_rows() -> list[dict[str, float | int]]:
    return run_jobs(_jobs(), processes=1)


def test_jobs_are_independent_of_each_other(inline_rows: list[dict[str, float | int]]) -> None:
    # Different seeds give different weeks; the two coverage models share arrivals per seed.
    assert len({row["arrived"] for row in inline_rows[:3]}) > 1
    assert [r["arrived"] for r in inline_rows[:3]] == [r["arrived"] for r in inline_rows[3:]]


def test_process_pool_gives_identical_rows_in_order(
    inline_rows: list[dict[str, float | int]],
) -> None:
    assert _same(run_jobs(_jobs(), processes=2), inline_rows)


def test_progress_counts_every_job() -> None:
    seen: list[tuple[int, int]] = []
    with Runner(processes=2) as runner:
        out = runner.map(abs, [-3, 1, -2], lambda done, total: seen.append((done, total)))
    assert out == [3, 1, 2]
    assert seen[-1] == (3, 3) and len(seen) == 3


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as local:
        yield str(local.scheduler_address)


def test_dask_cluster_gives_identical_rows_in_order(
    cluster: str, inline_rows: list[dict[str, float | int]]
) -> None:
    with Runner(dask=cluster) as runner:
        assert runner.workers == 2
        rows = runner.map(run_sim_job, _jobs())
    assert _same(rows, inline_rows)


def test_dask_address_from_environment(
    cluster: str, monkeypatch: pytest.MonkeyPatch, inline_rows: list[dict[str, float | int]]
) -> None:
    monkeypatch.setenv(DASK_ENV, cluster)
    address = dask_address(None)
    assert address == cluster
    assert dask_address("tcp://elders:8786") == "tcp://elders:8786"
    assert _same(run_jobs(_jobs(), dask=address), inline_rows)


def test_unreachable_scheduler_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "DASK_CONNECT_TIMEOUT_S", 1)
    with pytest.raises(ParallelError, match="Dask-scheduler"), Runner(dask="tcp://127.0.0.1:1"):
        pass


def test_sizing_on_dask_equals_sizing_inline(cluster: str) -> None:
    from sim.sizing import size, sizing_model
    from sim.targets import parse_targets

    profile = load_profile("telecom").scaled(volume=0.2)
    targets = parse_targets(["first_response<=20min:90%", "resolution<=72h:90%"])
    plan = RunPlan(weeks=1.0, warmup_weeks=0.5, replications=3, seed=5)
    model = sizing_model(profile, "24-7")
    local = size(model, targets, plan=plan, processes=1)
    with Runner(dask=cluster) as runner:
        remote = size(model, targets, plan=plan, runner=runner)
    assert remote.best.agents == local.best.agents
    assert remote.best.estimates == local.best.estimates
    assert np.isfinite(remote.best.fte)
