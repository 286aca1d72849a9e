"""The Simulatie page's worker pool (``webcare_app.whatif_pool``): the same answers as in the app
process, a stopped run cancels its jobs and leaves the pool ready, and no worker outlives the
server, not even a killed one.

Starting workers costs seconds (each imports numpy, SciPy, pandas and SimPy), so one test tells
the whole story on one real pool of two; the tests that kill a worker or the server start their
own pools and are marked slow.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from webcare_app import whatif_pool, whatif_service
from webcare_app.whatif_pool import PoolRunner, SimPool, configured_workers
from webcare_app.whatif_service import Cancelled, ProgressNote, WhatIfInputs

REPO = Path(__file__).resolve().parents[1]
GONE_WITHIN_S = 15.0  # a worker checks its parent every second; spare time for a busy machine
JOB_S = 0.2  # one test job: long enough that a stop comes while most are still queued


def _slow_square(item: tuple[int, str]) -> int:
    """A test job that leaves a mark in a folder when it starts (module level: workers import
    it)."""
    x, marks = item
    Path(marks, f"{x}").touch()
    time.sleep(JOB_S)
    return x * x


def _alive(pid: int) -> bool:
    try:
        proc = psutil.Process(pid)
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_gone(pids: tuple[int, ...] | list[int]) -> list[int]:
    deadline = time.monotonic() + GONE_WITHIN_S
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


def _children() -> set[int]:
    return {c.pid for c in psutil.Process().children() if c.status() != psutil.STATUS_ZOMBIE}


def test_workers_come_from_the_setting_or_the_cores() -> None:
    cores = whatif_pool.available_cores()
    assert configured_workers({}) == (cores if cores > 1 else 0)
    assert configured_workers({"WEBCARE_SIZING_WORKERS": "3"}) == 3
    assert configured_workers({"WEBCARE_SIZING_WORKERS": " 0 "}) == 0
    for bad in ("-1", "twee", "1.5"):
        with pytest.raises(ValueError, match=r"WEBCARE_SIZING_WORKERS.*0 of meer"):
            configured_workers({"WEBCARE_SIZING_WORKERS": bad})
    assert not SimPool(workers=0).start()
    assert not isinstance(SimPool(workers=0).runner(), PoolRunner), "0: inline"


def test_the_pool_gives_the_inline_answers_and_a_stop_cancels_its_jobs_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One real pool for the whole story (starting workers costs seconds): answers, a stopped
    # map, a stopped sizing, the pool ready after each, and nothing left after shutdown.
    inputs = WhatIfInputs("library")
    inline = whatif_service.size_coverage(inputs, "24-7")
    curve_inline = whatif_service.staffing_curve(inputs, "extended-hours")
    pool = SimPool(workers=2)
    monkeypatch.setattr(whatif_pool, "_shared", pool)
    pool.start_in_background()
    try:
        assert isinstance(whatif_pool.sim_runner(), PoolRunner), "waits for the start"
        pids, before = pool.pids, _children()
        assert len(pids) == 2 and set(pids) <= before
        notes: list[ProgressNote] = []
        assert whatif_service.size_coverage(inputs, "24-7", notes.append) == inline
        assert notes and notes[-1].phase == "check"
        assert whatif_service.staffing_curve(inputs, "extended-hours").equals(curve_inline)

        def stop(done: int, total: int) -> None:
            raise Cancelled

        items = [(x, str(tmp_path)) for x in range(24)]
        with pytest.raises(Cancelled):
            pool.runner().map(_slow_square, items, stop)
        # what was handed to the workers (one running and about one queued per worker) ends;
        # the rest never starts
        time.sleep(JOB_S * 4)
        started = len(list(tmp_path.iterdir()))
        time.sleep(JOB_S * 4)
        assert len(list(tmp_path.iterdir())) == started, "nothing runs after the stop"
        assert started <= len(items) // 2

        seen: list[ProgressNote] = []

        def stop_at_fifth(note: ProgressNote) -> None:
            seen.append(note)
            if len(seen) == 5:
                raise Cancelled

        with pytest.raises(Cancelled):
            whatif_service.size_coverage(WhatIfInputs("telecom"), "24-7", stop_at_fifth)
        assert len(seen) == 5
        # the same workers, nothing else left behind, and ready for the next question
        assert pool.pids == pids and _children() == before
        marks = tmp_path / "again"
        marks.mkdir()
        assert pool.runner().map(_slow_square, [(3, str(marks)), (4, str(marks))]) == [9, 16]
    finally:
        pool.shutdown()
    assert not _wait_gone(pids), "shutdown ends the workers"
    assert not isinstance(pool.runner(), PoolRunner) or pool.pids != pids, "a later run restarts"
    pool.shutdown()


def test_workers_that_cannot_start_run_inline_with_a_logged_reason(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_processes(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented: sem_open")

    monkeypatch.setattr(whatif_pool, "ProcessPoolExecutor", no_processes)
    broken = SimPool(workers=2)
    with caplog.at_level(logging.WARNING, logger="webcare_app.whatif_pool"):
        assert not broken.start()
    assert "sem_open" in (broken.reason or "") and "in the app process" in caplog.text
    assert broken.runner().map(abs, [-5]) == [5]


@pytest.mark.slow
def test_a_worker_that_dies_mid_run_costs_no_answer_and_the_next_run_restarts(
    tmp_path: Path,
) -> None:
    own = SimPool(workers=1)
    assert own.start()
    (first,) = own.pids
    done: list[int] = []

    def kill_after_first(count: int, total: int) -> None:
        done.append(count)
        if count == 1:
            os.kill(first, signal.SIGKILL)

    items = [(x, str(tmp_path)) for x in range(6)]
    try:
        squares = own.runner().map(_slow_square, items, kill_after_first)
        assert squares == [x * x for x in range(6)]
        assert done == list(range(1, 7)), "progress goes on from where the pool stopped"
        assert not own.running and "died" in (own.reason or "")
        assert own.runner().map(abs, [-2]) == [2] and own.running and own.pids != (first,)
    finally:
        own.shutdown()


@pytest.mark.slow
def test_workers_end_when_the_server_process_is_killed() -> None:
    # A server stopped with SIGKILL never shuts its pool down; its workers must not stay behind.
    script = (
        "import time\n"
        "from webcare_app.whatif_pool import SimPool\n"
        "pool = SimPool(workers=2)\n"
        "assert pool.start(), pool.reason\n"
        "print(*pool.pids, flush=True)\n"
        "time.sleep(120)\n"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        workers = [int(p) for p in server.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
    finally:
        server.kill()
        server.wait()
    assert not _wait_gone(workers), "workers of a killed server end on their own"
