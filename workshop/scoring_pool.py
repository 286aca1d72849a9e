"""Scoring workshop answers in worker processes, so answers sent at once are scored side by side.

Scoring an answer (``trainer.score.score_post``) is a few milliseconds of pure Python work. The
app's threads share one interpreter lock, so when 200 participants press send in the same second
their answers are scored one after the other and the last one waits for all the others. A
``ScoringPool`` hands the scoring to a few worker processes, each with its own interpreter lock:

- The workers are started once per app process (``start``, from the app's warm-up) and each
  loads the scorer's dictionaries and language models in its initializer, so no participant waits
  for that. Their number is ``os.cpu_count()`` unless ``WEBCARE_SCORING_WORKERS`` says otherwise;
  ``0`` scores in the app process.
- A submit sends the post as its JSON text (about 1 kB; a worker keeps the posts it has parsed)
  with the decision and the reply, and gets the result back as ``ScoreResult.to_dict`` (the JSON
  the answer is stored as): nothing big crosses the process boundary per answer.
- The result is the same as scoring in the app process (a test compares them answer by answer);
  where worker processes cannot start or stop working (a sandbox without semaphores, a worker
  killed), the pool says why in the log once and scores in the app process: slower under a
  crowd, never a lost answer.
- ``shutdown`` (also registered to run at exit) stops the workers.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from queue import Empty
from typing import Any

from sim.worker_processes import START_METHOD, watch_parent
from sim.worker_processes import plain_main as _plain_main
from trainer.posts import Post
from trainer.score import ScoreResult, score_post

log = logging.getLogger(__name__)

ENV_SCORING_WORKERS = "WEBCARE_SCORING_WORKERS"
START_TIMEOUT_S = 120.0  # each worker loads ~0.5 GB of dictionaries and models (6 s when idle)
SCORE_TIMEOUT_S = 30.0  # one answer; beyond this it is scored in the app process instead
WORKER_POST_CACHE = 512  # parsed posts a worker keeps (a workshop has up to 60)
WARM_UP_TEXTS = (  # a short and a long text: the language detector loads different models
    ("public", "Hi there, sorry about that, we'll check it!"),
    ("private", "Hoi Sanne, dank je wel voor je bericht! Ik zoek het voor je uit. ^MK"),
)


def configured_workers(env: Mapping[str, str] | None = None) -> int:
    """Worker processes to start: ``WEBCARE_SCORING_WORKERS`` if set, else the machine's cores
    (no workers on a single core, where they would only add hand-over costs)."""
    source = os.environ if env is None else env
    raw = source.get(ENV_SCORING_WORKERS, "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if value < 0:
            raise ValueError(
                f"{ENV_SCORING_WORKERS}: kreeg {raw!r}; verwacht een geheel getal van 0 of meer "
                "(0 = beoordelen in het app-proces)."
            )
        return value
    cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


# -- in the worker process ---------------------------------------------------------------------

_posts: dict[str, Post] = {}


def _init_worker(ready: Any) -> None:
    """Load the scorer once per worker, before any answer arrives; then say so on ``ready``."""
    from trainer.scenarios import posts_by_org

    watch_parent()  # a killed server's workers must not stay behind with 0.5 GB each

    post = posts_by_org("library")[0]
    for decision, reply in WARM_UP_TEXTS:
        score_post(post, decision, reply)
    score_post(post, "private", post.model_answer or post.text)
    ready.put(os.getpid())


def _ping() -> int:
    return os.getpid()


def _score_in_worker(post_json: str, decision: str, reply: str) -> dict[str, Any]:
    post = _posts.get(post_json)
    if post is None:
        if len(_posts) >= WORKER_POST_CACHE:
            _posts.clear()
        post = _posts[post_json] = Post.model_validate_json(post_json)
    return score_post(post, decision, reply).to_dict()


# -- in the app process ------------------------------------------------------------------------


class ScoringPool:
    """Scores answers in ``workers`` processes, or in this process when that is 0 or they could
    not start. Safe to share between threads; ``score`` before ``start`` scores in this process.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = configured_workers() if workers is None else workers
        if self.workers < 0:
            raise ValueError(f"workers: kreeg {workers!r}; verwacht 0 of meer.")
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._started = False
        self.reason: str | None = None if self.workers else "0 workers configured"
        self.pids: tuple[int, ...] = ()

    @property
    def running(self) -> bool:
        """Whether answers go to worker processes now."""
        return self._executor is not None

    def start(self) -> bool:
        """Start the workers and wait until each has loaded the scorer (seconds, once);
        False (with the reason logged) when answers will be scored in this process."""
        with self._lock:
            if self._started:
                return self.running
            self._started = True
            if not self.workers:
                return False
            executor: ProcessPoolExecutor | None = None
            try:
                context = multiprocessing.get_context(START_METHOD)
                ready = context.Queue()
                executor = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=context,
                    initializer=_init_worker,
                    initargs=(ready,),
                )
                # Workers start on demand: as many pings at once as workers start them all
                # (one warm worker may answer several pings, so readiness comes from the queue).
                with _plain_main():
                    pings = [executor.submit(_ping) for _ in range(self.workers)]
                self.pids = tuple(
                    sorted(ready.get(timeout=START_TIMEOUT_S) for _ in range(self.workers))
                )
                for ping in pings:
                    ping.result(timeout=START_TIMEOUT_S)
            except (OSError, NotImplementedError, BrokenProcessPool, FutureTimeout, Empty) as exc:
                self._fall_back(f"worker processes could not start: {exc!r}")
                if executor is not None:
                    executor.shutdown(wait=False, cancel_futures=True)
                return False
            self._executor = executor
            atexit.register(self.shutdown)
            log.info("scoring in %d worker processes %s", self.workers, self.pids)
            return True

    def score(self, post: Post, decision: str, reply: str) -> ScoreResult:
        """``score_post(post, decision, reply)``, in a worker when the pool runs."""
        executor = self._executor
        if executor is None:
            return score_post(post, decision, reply)
        try:
            future: Future[dict[str, Any]] = executor.submit(
                _score_in_worker, post.model_dump_json(), decision, reply
            )
            data = future.result(timeout=SCORE_TIMEOUT_S)
        except RuntimeError as exc:
            if not isinstance(exc, BrokenProcessPool) and "shutdown" not in str(exc):
                raise  # the scorer's own error, raised in the worker: as in this process
            # A worker died (killed, out of memory) or the pool was shut down: this answer and
            # all later ones are scored here.
            with self._lock:
                if self._executor is executor:
                    self._executor = None
                    self._fall_back(f"worker processes stopped: {exc!r}")
                    executor.shutdown(wait=False, cancel_futures=True)
            return score_post(post, decision, reply)
        except FutureTimeout:
            log.warning("an answer took over %.0f s in a worker; scored here", SCORE_TIMEOUT_S)
            return score_post(post, decision, reply)
        return ScoreResult.from_dict(data)

    def shutdown(self) -> None:
        """Stop the workers (waiting for answers being scored); later answers score here."""
        with self._lock:
            executor, self._executor = self._executor, None
            if executor is not None and self.reason is None:
                self.reason = "shut down"
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _fall_back(self, reason: str) -> None:
        self.reason = reason
        log.warning("scoring answers in the app process: %s", reason)


_shared: ScoringPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> ScoringPool:
    """This process's pool (not yet started), sized by ``configured_workers``."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ScoringPool()
        return _shared
