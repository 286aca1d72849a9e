"""Running many independent simulations at once: inline, on local cores, or on a Dask cluster.

Sizing and sweeps need hundreds of runs that do not depend on each other: each is one model, a
length and its own ``numpy.random.SeedSequence``. Because every run draws only from its own seed
sequence, it does not matter where or in which order the runs happen: the results are the same
inline, on a local process pool, or on the workers of a Dask distributed cluster, and ``Runner``
always hands them back in the order of the jobs.

Backends:
- ``processes=1``: inline, in this process (easiest to debug, no pickling).
- default: a local process pool with one worker per available core.
- ``dask_address="tcp://host:8786"`` (or the environment variable ``DASK_SCHEDULER_ADDRESS``): a
  running Dask scheduler; its workers must have this package and the same library versions
  installed (see docs/cli-sim.md).

A job function must be a module-level function (so it can be pickled by reference) taking one
picklable item; ``run_sim_job`` is the standard one (a ``SimJob`` in, a flat KPI dict out).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

import numpy as np

from sim.engine import simulate
from sim.kpis import summarise
from sim.spec import ModelSpec

DASK_ENV = "DASK_SCHEDULER_ADDRESS"
DASK_CONNECT_TIMEOUT_S = 10

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int], None]
KpiRow = dict[str, float | int]


class ParallelError(RuntimeError):
    """The chosen backend cannot run the jobs (e.g. no scheduler at the address)."""


@dataclass(frozen=True)
class SimJob:
    """One run: a compiled model, its measured and warm-up weeks and its own seed stream."""

    spec: ModelSpec
    weeks: float
    warmup_weeks: float
    seed: np.random.SeedSequence


def run_sim_job(job: SimJob) -> KpiRow:
    """Simulate one job and return its KPIs (``sim.kpis.Kpis.as_dict``)."""
    rng = np.random.default_rng(job.seed)
    result = simulate(job.spec, weeks=job.weeks, rng=rng, warmup_weeks=job.warmup_weeks)
    return summarise(result).as_dict()


def available_cores() -> int:
    """Cores this process may use (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def dask_address(option: str | None) -> str | None:
    """The scheduler address given (``option``) or, failing that, ``DASK_SCHEDULER_ADDRESS``."""
    if option:
        return option
    env = os.environ.get(DASK_ENV, "").strip()
    return env or None


class Runner:
    """Maps a job function over items on the chosen backend; use as a context manager so the
    pool or the cluster connection is opened once for many batches (a sizing search)."""

    def __init__(self, processes: int | None = None, dask: str | None = None) -> None:
        if processes is not None and processes < 1:
            raise ValueError(f"processes is {processes}; expected at least 1")
        self.processes = available_cores() if processes is None else processes
        self.dask = dask
        self._pool: Executor | None = None
        self._client: Any = None

    @property
    def backend(self) -> str:
        """Human-readable backend: "inline", "processes (N)" or "dask (address)"."""
        if self.dask:
            return f"dask ({self.dask})"
        return "inline" if self.processes == 1 else f"processes ({self.processes})"

    @property
    def workers(self) -> int:
        """How many jobs can run at the same time."""
        if self._client is not None:
            return max(1, sum(self._client.nthreads().values()))
        return self.processes

    def __enter__(self) -> Runner:
        if self.dask:
            self._client = _connect(self.dask)
        elif self.processes > 1:
            self._pool = ProcessPoolExecutor(max_workers=self.processes)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def map(
        self,
        func: Callable[[T], R],
        items: Sequence[T],
        progress: Progress | None = None,
    ) -> list[R]:
        """``[func(item) for item in items]``, in that order, computed on the backend."""
        total = len(items)
        if total == 0:
            return []
        if self.dask and self._client is None:
            with self:
                return self.map(func, items, progress)
        if self._client is not None:
            return self._map_dask(func, items, progress)
        if self._pool is None or total == 1:
            out: list[R] = []
            for item in items:
                out.append(func(item))
                if progress is not None:
                    progress(len(out), total)
            return out
        futures = {self._pool.submit(func, item): i for i, item in enumerate(items)}
        return _collect(as_completed(futures), futures, total, progress)

    def _map_dask(
        self, func: Callable[[T], R], items: Sequence[T], progress: Progress | None
    ) -> list[R]:
        from distributed import as_completed as dask_as_completed

        # pure=False: equal items are still separate runs (identical seeds give identical rows).
        futures_list = self._client.map(func, list(items), pure=False)
        futures = {f: i for i, f in enumerate(futures_list)}
        return _collect(dask_as_completed(futures_list), futures, len(items), progress)


def _collect(
    done: Iterator[Any], index: dict[Any, int], total: int, progress: Progress | None
) -> list[Any]:
    results: list[Any] = [None] * total
    for count, future in enumerate(done, start=1):
        results[index[future]] = future.result()
        if progress is not None:
            progress(count, total)
    return results


def _connect(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - distributed is a dependency of the venv
        raise ParallelError(
            "het pakket dask[distributed] ontbreekt; installeer het om op een Dask-cluster te "
            "rekenen"
        ) from None
    try:
        return Client(address, timeout=DASK_CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ParallelError(
            f"kan geen verbinding maken met de Dask-scheduler op {address!r} ({exc}); "
            "controleer het adres (bijvoorbeeld tcp://host:8786) en of `dask scheduler` draait, "
            f"of reken op deze computer (geen scheduler-adres en geen {DASK_ENV})"
        ) from None


def run_jobs(
    jobs: Sequence[SimJob],
    *,
    processes: int | None = None,
    dask: str | None = None,
    progress: Progress | None = None,
) -> list[KpiRow]:
    """KPIs of every job, in job order; see the module docstring for the backends."""
    with Runner(processes, dask) as runner:
        return runner.map(run_sim_job, jobs, progress)


__all__ = [
    "DASK_ENV",
    "ParallelError",
    "Runner",
    "SimJob",
    "available_cores",
    "dask_address",
    "run_jobs",
    "run_sim_job",
]
