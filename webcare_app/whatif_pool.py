"""The Simulatie page's simulation runs on worker processes kept by the web server.

Sizing a large team simulates hundreds of staffings. Run one after the other inside the web
server, telecom 24/7 took over two minutes; the CLI spreads the same runs over a process pool
(``sim.parallel.Runner``) and needs a fraction of that. The page now does the same, on a pool
that belongs to the server process:

- It starts on first use (when the Simulatie page is first opened, in the background, so the
  first sizing finds it ready; not at server start), its workers
  spawned safely inside a threaded server (``sim.worker_processes``), and is reused by every
  rerun and every session after that. Workers end with the server, also when it is killed.
- Workers: the cores this process may use (``sim.parallel.available_cores``), or
  ``WEBCARE_SIZING_WORKERS``; ``0`` runs everything in the app process (tests that must stay
  light; a single core, where a pool only adds hand-over costs).
- Stopping: when the caller stops (the page's progress callback raises when the user clicks
  "Stoppen"), the runs not yet handed to a worker are cancelled. The few already running (at
  most one per worker plus one queued) end within one run's time, tenths of a second, and
  their results are dropped. Other sessions' runs on the same pool are not touched, and the
  pool stays ready for the next question.
- A worker that dies (killed, out of memory) breaks the pool: the rest of that batch runs in the
  app process and the next question starts a fresh pool. Where workers cannot start at all (a
  sandbox without semaphores) everything runs in the app process, the reason logged once.

Answers never depend on where the runs happen: every run draws from its own seed sequence.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from queue import Empty
from types import TracebackType
from typing import Any, TypeVar

from sim.parallel import Progress, Runner, available_cores
from sim.worker_processes import plain_main, watch_parent, worker_context, workers_from_env

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

ENV_SIZING_WORKERS = "WEBCARE_SIZING_WORKERS"
# A worker imports numpy, pandas, SciPy, SimPy and the model before its first run: about 2 s on
# an idle machine, several times that on a busy one.
START_TIMEOUT_S = 120.0
JOB_MODULES = ("sim.sizing_runs", "sim.sweep", "webcare_app.whatif_service")


def configured_workers(env: Mapping[str, str] | None = None) -> int:
    """Worker processes for simulation runs: ``WEBCARE_SIZING_WORKERS`` if set, else the cores
    this process may use (none on a single core)."""
    return workers_from_env(ENV_SIZING_WORKERS, "rekenen in het app-proces", available_cores(), env)


# -- in a worker process ------------------------------------------------------------------------


def _init_worker(ready: Any) -> None:
    """Watch the app process, load the job modules once, then say so on ``ready``."""
    import importlib

    watch_parent()
    for name in JOB_MODULES:
        importlib.import_module(name)
    ready.put(os.getpid())


def _ping() -> int:
    return os.getpid()


# -- in the app process -------------------------------------------------------------------------


class SimPool:
    """A pool of ``workers`` processes for simulation runs, started on first use; safe to
    share between threads (sessions). ``runner()`` hands out a ``sim.parallel.Runner`` on it."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = configured_workers() if workers is None else workers
        if self.workers < 0:
            raise ValueError(f"workers: kreeg {workers!r}; verwacht 0 of meer.")
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._failed = False  # workers could not start here: never try again
        self._at_exit = False
        self._starter: threading.Thread | None = None
        self.reason: str | None = None if self.workers else "0 workers configured"
        self.pids: tuple[int, ...] = ()

    @property
    def running(self) -> bool:
        """Whether the workers are started and runs go to them."""
        return self._executor is not None

    def start(self) -> bool:
        """Start the workers (once; again after one died) and wait until each is ready; False
        (with the reason logged) when runs will happen in this process."""
        with self._lock:
            return self._start_locked() is not None

    def start_in_background(self) -> None:
        """Start the workers in a thread of their own (once), so the first sizing finds them
        ready; a ``runner()`` asked for meanwhile waits for them."""
        with self._lock:
            if self._starter is not None or self._failed or not self.workers:
                return
            self._starter = threading.Thread(
                target=self.start, name="simulation-workers-start", daemon=True
            )
        self._starter.start()

    def _start_locked(self) -> ProcessPoolExecutor | None:
        if self._executor is not None or self._failed or not self.workers:
            return self._executor
        executor: ProcessPoolExecutor | None = None
        try:
            context = worker_context()
            ready = context.Queue()
            executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(ready,),
            )
            # Spawned workers start on submit, one per submit while none is idle: as many pings
            # at once as workers start them all, now, while ``__main__`` is plain. Readiness
            # comes from the queue (one warm worker may answer two pings).
            with plain_main():
                pings = [executor.submit(_ping) for _ in range(self.workers)]
            pids = sorted(ready.get(timeout=START_TIMEOUT_S) for _ in range(self.workers))
            for ping in pings:
                ping.result(timeout=START_TIMEOUT_S)
        except (OSError, NotImplementedError, BrokenProcessPool, FutureTimeout, Empty) as exc:
            self._failed = True
            self.reason = f"worker processes could not start: {exc!r}"
            log.warning("simulation runs in the app process: %s", self.reason)
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
            return None
        self._executor, self.pids, self.reason = executor, tuple(pids), None
        if not self._at_exit:
            atexit.register(self.shutdown)
            self._at_exit = True
        log.info("simulation runs on %d worker processes %s", self.workers, self.pids)
        return executor

    def runner(self) -> Runner:
        """A runner on the workers (started now if need be), or inline when there are none."""
        with self._lock:
            executor = self._start_locked()
        if executor is None:
            return Runner(processes=1)
        return PoolRunner(self, executor)

    def discard(self, executor: ProcessPoolExecutor, reason: str) -> None:
        """Drop a broken pool; the next ``runner()`` starts a fresh one."""
        with self._lock:
            if self._executor is executor:
                self._executor, self.pids = None, ()
                self.reason = reason
                log.warning("simulation worker processes stopped: %s", reason)
        executor.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop the workers (runs still queued are cancelled); a later ``runner()`` restarts."""
        with self._lock:
            executor, self._executor, self.pids = self._executor, None, ()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


class PoolRunner(Runner):
    """``sim.parallel.Runner`` on a ``SimPool``'s workers: the same ``map``, but the pool is
    the server's (entering and closing leave it running) and a stopped map cancels its jobs."""

    def __init__(self, pool: SimPool, executor: ProcessPoolExecutor) -> None:
        super().__init__(processes=max(1, pool.workers))
        self._owner = pool
        self._executor = executor

    @property
    def backend(self) -> str:
        return f"server pool ({self.processes})"

    def __enter__(self) -> PoolRunner:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to close: the workers stay for the next question."""

    def map(
        self,
        func: Callable[[T], R],
        items: Sequence[T],
        progress: Progress | None = None,
    ) -> list[R]:
        """``[func(item) for item in items]`` in that order, computed on the workers. If this
        is interrupted (``progress`` raising included), the jobs not yet started are cancelled."""
        total = len(items)
        results: list[Any] = [None] * total
        finished = [False] * total
        futures: dict[Future[R], int] = {}
        count = 0
        try:
            try:
                for i, item in enumerate(items):
                    futures[self._executor.submit(func, item)] = i
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    finished[futures[future]] = True
                    count += 1
                    if progress is not None:
                        progress(count, total)
            except BrokenProcessPool as exc:
                self._owner.discard(self._executor, f"a worker died: {exc!r}")
                # The rest here: every run has its own seed, so the answer is the same.
                for i, item in enumerate(items):
                    if not finished[i]:
                        results[i] = func(item)
                        count += 1
                        if progress is not None:
                            progress(count, total)
            return results
        finally:
            for future in futures:
                future.cancel()  # a no-op for those done or already handed to a worker


_shared: SimPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> SimPool:
    """This process's pool (started on first ``runner()``), sized by ``configured_workers``."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SimPool()
        return _shared


def sim_runner() -> Runner:
    """A runner for the page's simulation runs: on this server's worker pool when it has one."""
    return shared_pool().runner()


__all__ = [
    "ENV_SIZING_WORKERS",
    "PoolRunner",
    "SimPool",
    "configured_workers",
    "shared_pool",
    "sim_runner",
]
