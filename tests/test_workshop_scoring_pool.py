"""Scoring in worker processes (``workshop.scoring_pool``): the same results as in the app
process, and a fall-back to the app process when workers cannot start or die."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from trainer.scenarios import load_posts
from trainer.score import score_post
from trainer.storage import Database
from workshop import scoring_pool
from workshop.scoring_pool import ScoringPool, configured_workers
from workshop.service import WorkshopService

REPLIES = (
    "",
    "ok",
    "👍👍",
    "Hoi Sanne, wat vervelend! Stuur ons je klantnummer via DM, dan zoeken we het uit. ^MK",
    "Dat is niet ons probleem, bel maar naar de klantenservice.",
    "Thanks for your message, we will look into it today. Kind regards, Tom",
    "Beste meneer, uw wachtwoord is 1234 en uw adres Dorpsstraat 1. " * 3,
    "x" * 5000,  # beyond the draft bound: scored on its first part, with a note
)


@pytest.fixture(scope="module")
def pool() -> Iterator[ScoringPool]:
    started = ScoringPool(workers=2)
    assert started.start(), started.reason
    yield started
    started.shutdown()


def test_pool_scores_every_answer_as_the_app_process_does(pool: ScoringPool) -> None:
    rng = np.random.default_rng(16)
    posts = load_posts()
    compared = 0
    for post in posts:
        for decision in ("public", "private", "none"):
            reply = REPLIES[int(rng.integers(len(REPLIES)))]
            # Every kind of reply on the first post; one drawn and the model answer on the rest.
            replies: tuple[str, ...] = (
                REPLIES if post is posts[0] else (reply, post.model_answer or "")
            )
            for text in replies:
                here = score_post(post, decision, text)
                there = pool.score(post, decision, text)
                assert there == here, (post.id, decision, text[:40])
                assert there.to_dict() == here.to_dict()
                compared += 1
    assert compared > 100
    assert pool.running and len(pool.pids) == 2
    assert all(pid != os.getpid() for pid in pool.pids)


def test_answers_sent_at_once_each_get_their_own_result(pool: ScoringPool) -> None:
    # Answers queue in the workers' pipes and come back through reader threads: each thread
    # must get the result of its own answer, not of the one before it in the pipe.
    from concurrent.futures import ThreadPoolExecutor

    posts = load_posts()[:3]
    jobs = [
        (posts[k % 3], ("public", "private", "none")[k % 3], f"{REPLIES[3]} Bestelling {k}.")
        for k in range(60)
    ]
    with ThreadPoolExecutor(max_workers=30) as threads:
        there = list(threads.map(lambda job: pool.score(*job), jobs))
    assert there == [score_post(*job) for job in jobs]
    assert pool.running


def test_answers_beyond_the_pipe_depth_wait_in_the_backlog_and_each_gets_its_result(
    pool: ScoringPool,
) -> None:
    # One answer in a worker's hands at a time: the rest wait in the pool's backlog and go to
    # whichever worker gives a result back first (its reader thread sends the next one).
    from concurrent.futures import ThreadPoolExecutor

    posts = load_posts()[:2]
    jobs = [(posts[k % 2], "private", f"{REPLIES[3]} Order {k}.") for k in range(24)]
    depth, pool.depth = pool.depth, 1
    try:
        with ThreadPoolExecutor(max_workers=24) as threads:
            there = list(threads.map(lambda job: pool.score(*job), jobs))
    finally:
        pool.depth = depth
    assert there == [score_post(*job) for job in jobs]
    assert not pool._backlog and all(w.in_hand == 0 for w in pool._running)
    assert pool.running


def test_a_post_a_worker_no_longer_knows_is_sent_again(pool: ScoringPool) -> None:
    # The pool thinks both workers have the post (as after a worker cleared its post cache):
    # the worker answers "unknown post", and the answer goes again with the post's JSON.
    post = load_posts()[0].model_copy(update={"id": "library-resend"})
    key = pool._post_key(post.model_dump_json())
    for worker in pool._running:
        worker.sent.add(key)
    assert pool.score(post, "private", REPLIES[3]) == score_post(post, "private", REPLIES[3])
    assert pool.running


def test_answers_waiting_to_be_sent_count_so_a_burst_spreads(pool: ScoringPool) -> None:
    # A thread that chose a worker may wait for its pipe (another thread is sending): it must
    # count for that worker already, or every thread of a burst sees the same counts and picks
    # the same worker (measured: 184 of 200 answers in one worker, the other idle).
    import threading

    post = load_posts()[0]
    busy, free = pool._running
    jobs = [("private", f"{REPLIES[3]} Bestelling {k}.") for k in range(6)]
    got: dict[int, object] = {}

    def send(k: int) -> None:
        got[k] = pool.score(post, *jobs[k])

    with busy._send_lock:  # this worker's pipe taken: whoever chose it waits
        threads = [threading.Thread(target=send, args=(k,)) for k in range(len(jobs))]
        for k, thread in enumerate(threads):  # one after another: each sees the counts so far
            thread.start()
            deadline = time.monotonic() + 30
            while len(got) + busy.in_hand < k + 1 and time.monotonic() < deadline:
                time.sleep(0.005)
        assert len(got) == len(jobs) - 1  # the first waits; all later ones went to the free one
        assert busy.in_hand == 1 and free.in_hand == 0
    for thread in threads:
        thread.join(30)
    assert busy.in_hand == 0
    assert got == {k: score_post(post, *job) for k, job in enumerate(jobs)}


def test_a_service_with_the_pool_stores_the_in_process_result(pool: ScoringPool) -> None:
    post = load_posts()[0]
    reply = REPLIES[3]
    with Database("sqlite://") as db:
        service = WorkshopService(db, np.random.default_rng(1), scoring=pool)
        code, _pin = service.create_workshop("Pool", post_ids=[post.id], feedback="immediate")
        token = service.join(code, "Sanne").token
        stored = service.submit(code, token, post.id, "private", reply)
        feedback = service.answer_feedback(code, token, post.id).feedback
    expected = score_post(post, "private", reply)
    assert stored.score == expected.score
    assert stored.rules == tuple(sorted({a.rule for a in expected.alerts}))
    assert feedback == expected


def test_no_workers_scores_in_this_process() -> None:
    pool = ScoringPool(workers=0)
    assert not pool.start()
    assert pool.reason == "0 workers configured"
    post = load_posts()[1]
    assert pool.score(post, "public", REPLIES[3]) == score_post(post, "public", REPLIES[3])


def test_workers_that_cannot_start_fall_back_with_a_logged_reason(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_processes(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented: sem_open")

    monkeypatch.setattr(scoring_pool, "_start_process", no_processes)
    pool = ScoringPool(workers=2)
    with caplog.at_level(logging.WARNING, logger="workshop.scoring_pool"):
        assert not pool.start()
    assert not pool.running
    assert pool.reason is not None and "sem_open" in pool.reason
    assert "scoring answers in the app process" in caplog.text
    post = load_posts()[2]
    assert pool.score(post, "private", REPLIES[3]) == score_post(post, "private", REPLIES[3])


def test_setting_sizes_the_pool() -> None:
    cores = os.cpu_count() or 1
    assert configured_workers({}) == (cores if cores > 1 else 0)
    assert configured_workers({"WEBCARE_SCORING_WORKERS": "3"}) == 3
    assert configured_workers({"WEBCARE_SCORING_WORKERS": "0"}) == 0
    for bad in ("-1", "twee", "1.5"):
        with pytest.raises(ValueError, match="WEBCARE_SCORING_WORKERS"):
            configured_workers({"WEBCARE_SCORING_WORKERS": bad})


@pytest.mark.slow
def test_a_killed_worker_falls_back_and_shutdown_stops_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pool = ScoringPool(workers=1)
    assert pool.start()
    post = load_posts()[0]
    (pid,) = pool.pids
    os.kill(pid, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="workshop.scoring_pool"):
        result = pool.score(post, "public", REPLIES[3])
    assert result == score_post(post, "public", REPLIES[3])
    assert not pool.running
    assert pool.reason is not None and "stopped" in pool.reason
    assert "scoring answers in the app process" in caplog.text
    pool.shutdown()


def test_workers_do_not_run_the_page_and_stop_at_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In the app ``__main__`` is the Streamlit page last run: a worker must not run it again.
    page = tmp_path / "page.py"
    ran = tmp_path / "ran"
    page.write_text(f"open({str(ran)!r}, 'w').close()\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    pool = ScoringPool(workers=1)
    assert pool.start()
    assert sys.modules["__main__"] is fake_main
    assert not ran.exists()
    (pid,) = pool.pids
    pool.shutdown()
    assert not pool.running
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)
    post = load_posts()[0]
    assert pool.score(post, "none", "") == score_post(post, "none", "")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A stopped child not yet reaped is a zombie: gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_workers_end_when_the_app_process_is_killed(tmp_path: Path) -> None:
    # A server stopped with SIGKILL never shuts its pool down; its workers must not stay behind
    # (each holds the dictionaries, about 0.5 GB).
    import subprocess

    script = (
        "import sys, time\n"
        "from workshop.scoring_pool import ScoringPool\n"
        "pool = ScoringPool(workers=1)\n"
        "assert pool.start()\n"
        "print(pool.pids[0], flush=True)\n"
        "time.sleep(120)\n"
    )
    app = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert app.stdout is not None
        worker = int(app.stdout.readline())
        assert _alive(worker)
    finally:
        app.kill()
        app.wait()
    deadline = time.monotonic() + 15
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)
