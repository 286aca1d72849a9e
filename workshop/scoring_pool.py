"""Scoring workshop answers in worker processes, so answers sent at once are scored side by side.

Scoring an answer (``trainer.score.score_post``) is a few milliseconds of pure Python work. The
app's threads share one interpreter lock, so when 200 participants press send in the same second
their answers are scored one after the other and the last one waits for all the others. A
``ScoringPool`` hands the scoring to a few worker processes, each with its own interpreter lock:

- The workers are started once per app process (``start``, from the app's warm-up) and each
  loads the scorer's dictionaries and language models before it says it is ready, so no
  participant waits for that. Their number is ``os.cpu_count()`` unless
  ``WEBCARE_SCORING_WORKERS`` says otherwise; ``0`` scores in the app process.
- Each worker has its own pipe. The thread that scores an answer writes the request straight
  into the pipe of the worker with the fewest answers in hand and waits; one reader thread per
  worker hands the results back. A few answers queue in each pipe (``PIPE_DEPTH``), so a worker
  goes from one answer to the next without waiting for the app process: under a crowd the app's
  threads hold its interpreter lock most of the time, and a worker that waited for the app after
  every answer (as with an idle-worker queue, or a ``ProcessPoolExecutor``, which passes each
  answer through two more threads of the app) stood idle most of a round (measured: 85% at 40
  at once). Answers beyond that wait in the pool's backlog, and the reader thread of the first
  worker that gives a result back sends the oldest of them down its pipe: assigning all of a
  burst at arrival left one worker with a queue while the other had finished (answers differ
  in cost several times over).
- A post crosses the pipe once per worker, as its JSON text, under a number the pool gives it;
  later answers to it send only the number. The result comes back as ``ScoreResult.to_dict``
  (the JSON the answer is stored as): nothing big crosses the process boundary per answer.
- The result is the same as scoring in the app process (a test compares them answer by answer);
  where worker processes cannot start or stop working (a sandbox without processes, a worker
  killed), the pool says why in the log once and scores in the app process: slower under a
  crowd, never a lost answer.
- ``shutdown`` (also registered to run at exit) stops the workers; a worker also ends by itself
  when the app process is gone (its pipe closes).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import itertools
import logging
import os
import pickle
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from sim.worker_processes import plain_main, watch_parent, worker_context, workers_from_env
from trainer.posts import Post
from trainer.score import ScoreResult, score_post

log = logging.getLogger(__name__)

ENV_SCORING_WORKERS = "WEBCARE_SCORING_WORKERS"
START_TIMEOUT_S = 120.0  # each worker loads ~0.5 GB of dictionaries and models (6 s when idle)
SCORE_TIMEOUT_S = 30.0  # one answer; beyond this it is scored in the app process instead
STOP_TIMEOUT_S = 10.0  # a worker told to stop ends within this, or it is killed
WORKER_POST_CACHE = 512  # parsed posts a worker keeps (a workshop has up to 60)
WORKER_RESULT_CACHE = 4096  # scored answers a worker keeps (dicts of about 2 kB)
# Answers in a worker's hands at once (one being scored, the rest in its pipe); later ones wait
# in the pool's backlog for the first worker with room. Enough that a worker never waits for the
# app between answers (its reader thread needs the app's interpreter lock, up to its 5 ms switch
# interval; an answer takes 2-5 ms to score), few enough that no worker is left with a long
# queue while another stands idle at the end of a burst.
PIPE_DEPTH = 4
WARM_UP_TEXTS = (  # a short and a long text: the language detector loads different models
    ("public", "Hi there, sorry about that, we'll check it!"),
    ("private", "Hoi Sanne, dank je wel voor je bericht! Ik zoek het voor je uit. ^MK"),
)


def configured_workers(env: Mapping[str, str] | None = None) -> int:
    """Worker processes to start: ``WEBCARE_SCORING_WORKERS`` if set, else the machine's cores
    (no workers on a single core, where they would only add hand-over costs)."""
    return workers_from_env(
        ENV_SCORING_WORKERS, "beoordelen in het app-proces", os.cpu_count() or 1, env
    )


# -- in the worker process ---------------------------------------------------------------------


def _warm_up() -> None:
    from trainer.scenarios import posts_by_org

    post = posts_by_org("library")[0]
    for decision, reply in WARM_UP_TEXTS:
        score_post(post, decision, reply)
    score_post(post, "private", post.model_answer or post.text)


def _serve(conn: Connection) -> None:
    """A worker: load the scorer, say so with this pid, then score requests in the order they
    come until the pipe closes or a ``None`` request says stop. A request is ``(number, post
    number, post JSON or None, decision, reply)``; the JSON comes with a post's first request to
    this worker. The answer is ``(number, ok, result)``: ok True with the result dict, False with
    the scorer's exception, None when the post is not (or no longer) known here."""
    watch_parent()  # a killed server's workers must not stay behind with 0.5 GB each
    _warm_up()
    # What is loaded now (dictionaries, models, rules: about a million objects) lives as long
    # as the worker: out of the garbage collector's sight, as in the app (webcare_app.state).
    # Otherwise now and then a full collection walks it all, 0.5-0.7 s with every answer
    # queued in this worker's pipe waiting (measured: a 40-answer round took 1.6-2.9 s instead
    # of 0.4 s, the workers' CPU per answer 10.5 ms instead of 2.5 ms).
    gc.collect()
    gc.freeze()
    conn.send_bytes(pickle.dumps(os.getpid()))
    posts: dict[int, Post] = {}
    # The same answer to the same post (an empty draft, a copied model answer, a retry) is
    # scored once per worker: the scorer's result depends on nothing else.
    results: dict[tuple[int, str | None, str | None], Any] = {}
    while True:
        try:
            request = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return  # the app is gone
        if request is None:
            conn.close()
            return  # shutdown: everything sent before it has been answered
        number, key, post_json, decision, reply = request
        answer: tuple[int, bool | None, Any]
        try:
            if post_json is not None:
                if len(posts) >= WORKER_POST_CACHE:
                    posts.clear()
                posts[key] = Post.model_validate_json(post_json)
            post = posts.get(key)
            if post is None:
                answer = (number, None, None)
            else:
                done = results.get((key, decision, reply))
                if done is None:
                    if len(results) >= WORKER_RESULT_CACHE:
                        results.clear()
                    done = results[key, decision, reply] = score_post(
                        post, decision, reply
                    ).to_dict()
                answer = (number, True, done)
        except Exception as exc:  # the scorer's own error: raised again in the app process
            answer = (number, False, _picklable(exc))
        conn.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"scoring failed in a worker: {exc!r}")
    return exc


# -- in the app process ------------------------------------------------------------------------


class WorkerLost(RuntimeError):
    """A worker process stopped answering (killed, out of memory, pool shut down)."""


class _Worker:
    """One worker process and its pipe: any thread may send; one reader thread per worker
    hands each result to the thread waiting for it."""

    def __init__(
        self,
        process: BaseProcess,
        conn: Connection,
        on_result: Callable[[_Worker], None] | None = None,
    ) -> None:
        self.process = process
        self.conn = conn
        self._on_result = on_result  # the pool's refill: the next waiting answer to this worker
        self.sent: set[int] = set()  # post numbers whose JSON went down this pipe
        self._send_lock = threading.Lock()  # one message at a time in the pipe
        # Never held while reading or writing the pipe: a sender blocked on a full pipe must not
        # stop the reader that empties the other direction.
        self._pending_lock = threading.Lock()
        self._pending: dict[int, Future[tuple[bool | None, Any]]] = {}
        self._numbers = itertools.count()
        # Answers a thread chose this worker for and has not yet put in ``_pending`` (it may be
        # waiting for the send lock): counted in ``in_hand`` so that a burst of threads choosing
        # at once spreads over the workers (uncounted, 184 of 200 went to one worker, measured).
        self._reserved = 0
        self.lost: str | None = None
        self._reader = threading.Thread(
            target=self._read, name=f"scoring-reader-{process.pid}", daemon=True
        )
        self._reader.start()

    @property
    def in_hand(self) -> int:
        """Answers sent (or about to be sent) to this worker and not yet back."""
        return len(self._pending) + self._reserved

    def reserve(self) -> None:
        """Count one answer a thread is about to ``submit`` with ``reserved=True``."""
        with self._pending_lock:
            self._reserved += 1

    def submit(
        self,
        key: int,
        post_json: str,
        decision: str,
        reply: str,
        *,
        with_post: bool = False,
        reserved: bool = False,
        future: Future[tuple[bool | None, Any]] | None = None,
    ) -> Future[tuple[bool | None, Any]]:
        """Send one answer; the future (``future`` if given) gets ``(ok, value)`` as the worker
        answers it. ``reserved``: this answer was counted by ``reserve`` (the count moves to the
        pending)."""
        if future is None:
            future = Future()
        try:
            with self._send_lock:
                with self._pending_lock:
                    if reserved:
                        self._reserved -= 1
                        reserved = False
                    if self.lost is not None:
                        raise WorkerLost(self.lost)
                    number = next(self._numbers)
                    self._pending[number] = future
                self._send(number, key, post_json, decision, reply, with_post)
        finally:
            if reserved:  # failed before it was counted as pending
                with self._pending_lock:
                    self._reserved -= 1
        return future

    def _send(
        self,
        number: int,
        key: int,
        post_json: str,
        decision: str,
        reply: str,
        with_post: bool,
    ) -> None:
        """Under the send lock: the request down the pipe (the post's JSON the first time)."""
        first = with_post or key not in self.sent
        if first and len(self.sent) >= WORKER_POST_CACHE:
            self.sent.clear()  # the worker clears its own posts at the same count
        request = (number, key, post_json if first else None, decision, reply)
        try:
            self.conn.send_bytes(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:
            with self._pending_lock:
                self._pending.pop(number, None)
            raise WorkerLost(f"worker {self.process.pid} stopped: {exc!r}") from None
        if first:
            self.sent.add(key)

    def _read(self) -> None:
        while True:
            try:
                number, ok, value = pickle.loads(self.conn.recv_bytes())
            except (EOFError, OSError) as exc:
                with self._pending_lock:
                    self.lost = f"worker {self.process.pid} stopped: {exc!r}"
                    pending, self._pending = self._pending, {}
                for future in pending.values():
                    future.set_exception(WorkerLost(self.lost))
                return
            with self._pending_lock:
                future = self._pending.pop(number)
            future.set_result((ok, value))
            if self._on_result is not None:
                self._on_result(self)

    def stop(self, *, kill: bool = False) -> None:
        """Stop after the answers already sent (the worker answers them first); ``kill``: now
        (a worker that hangs may never empty its pipe; answers in it are scored in the app)."""
        if kill:
            self.process.kill()
        else:
            with self._send_lock, contextlib.suppress(OSError):  # OSError: gone already
                self.conn.send_bytes(pickle.dumps(None))
        self.process.join(STOP_TIMEOUT_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(STOP_TIMEOUT_S)
        self._reader.join(STOP_TIMEOUT_S)  # it ends at the end of the pipe
        self.conn.close()


def _start_process(context: Any, child: Connection) -> BaseProcess:
    process: BaseProcess = context.Process(
        target=_serve, args=(child,), name="webcare-scoring", daemon=True
    )
    process.start()
    return process


class ScoringPool:
    """Scores answers in ``workers`` processes, or in this process when that is 0 or they could
    not start. Safe to share between threads; ``score`` before ``start`` scores in this process.
    """

    def __init__(self, workers: int | None = None, *, depth: int = PIPE_DEPTH) -> None:
        self.workers = configured_workers() if workers is None else workers
        if self.workers < 0:
            raise ValueError(f"workers: kreeg {workers!r}; verwacht 0 of meer.")
        if depth < 0:
            raise ValueError(f"depth: kreeg {depth!r}; verwacht 0 of meer.")
        self.depth = depth  # answers in a worker's hands at most; 0: no bound, no backlog
        self._lock = threading.Lock()
        # Choosing a worker, the counts it is chosen by and the backlog change together.
        self._choose_lock = threading.Lock()
        # Answers waiting for a worker with room (``PIPE_DEPTH``), oldest first; each with the
        # future its thread waits on for the result.
        self._backlog: deque[tuple[int, str, str, str, Future[tuple[bool | None, Any]]]] = deque()
        self._running: tuple[_Worker, ...] = ()
        self._started = False
        # Post JSON -> the number it goes by in the workers; numbers are never reused, so a
        # worker's parsed post can never be taken for another one.
        self._post_keys: dict[str, int] = {}
        self.reason: str | None = None if self.workers else "0 workers configured"
        self.pids: tuple[int, ...] = ()

    @property
    def running(self) -> bool:
        """Whether answers go to worker processes now."""
        return bool(self._running)

    def start(self) -> bool:
        """Start the workers and wait until each has loaded the scorer (seconds, once);
        False (with the reason logged) when answers will be scored in this process."""
        with self._lock:
            if self._started:
                return self.running
            self._started = True
            if not self.workers:
                return False
            processes: list[tuple[BaseProcess, Connection]] = []
            try:
                context = worker_context()
                with plain_main():
                    for _ in range(self.workers):
                        mine, child = context.Pipe(duplex=True)
                        try:
                            processes.append((_start_process(context, child), mine))
                        finally:
                            child.close()  # the worker has its own copy; EOF reaches it
                deadline = time.monotonic() + START_TIMEOUT_S
                pids = []
                for _process, conn in processes:  # loading side by side: wait for all, once
                    if not conn.poll(max(0.0, deadline - time.monotonic())):
                        raise TimeoutError(f"a worker not ready after {START_TIMEOUT_S:.0f} s")
                    pids.append(pickle.loads(conn.recv_bytes()))
            except (OSError, EOFError, NotImplementedError) as exc:  # TimeoutError is an OSError
                self._fall_back(f"worker processes could not start: {exc!r}")
                for process, conn in processes:
                    conn.close()
                    process.join(STOP_TIMEOUT_S)
                    if process.is_alive():
                        process.kill()
                return False
            self._running = tuple(
                _Worker(process, conn, self._refill) for process, conn in processes
            )
            self.pids = tuple(sorted(pids))
            atexit.register(self.shutdown)
            log.info("scoring in %d worker processes %s", self.workers, self.pids)
            return True

    def score(self, post: Post, decision: str, reply: str) -> ScoreResult:
        """``score_post(post, decision, reply)``, in a worker when the pool runs."""
        return ScoreResult.from_dict(self.score_data(post, decision, reply))

    def score_data(
        self, post: Post, decision: str, reply: str, post_json: str | None = None
    ) -> dict[str, Any]:
        """``score_post(post, decision, reply).to_dict()``: the result as the answer stores it,
        in a worker when the pool runs. ``post_json`` is the post as JSON when the caller has it
        at hand (spares serialising it again)."""
        text = post.model_dump_json() if post_json is None else post_json
        key = self._post_key(text)
        # The thread waits on one future, whichever way its answer goes: one wake-up per
        # answer (each costs a turn at the interpreter lock among 200 threads).
        result: Future[tuple[bool | None, Any]] = Future()
        queued = False
        with self._choose_lock:  # chosen and counted at once: a burst spreads evenly
            workers = self._running
            if workers:
                worker = min(workers, key=lambda w: w.in_hand)
                if self.depth and worker.in_hand >= self.depth:
                    # Every worker has its hands full: the first one with room takes this
                    # answer (``_refill``), so none is left with a long queue at the end.
                    self._backlog.append((key, text, decision, reply, result))
                    queued = True
                else:
                    worker.reserve()
        if not workers:
            return score_post(post, decision, reply).to_dict()
        try:
            if not queued:
                worker.submit(key, text, decision, reply, reserved=True, future=result)
            ok, value = result.result(SCORE_TIMEOUT_S)
            if ok is None:  # the worker had dropped the post from its cache
                ok, value = self._resend(key, text, decision, reply)
        except (WorkerLost, FutureTimeout) as exc:
            # A worker died or hangs: this answer and all later ones are scored here (answers
            # already in another worker's pipe are scored there first).
            reason = str(exc) or f"no result in {SCORE_TIMEOUT_S:.0f} s"
            self._stop_all(f"worker processes stopped: {reason}", kill=True)
            return score_post(post, decision, reply).to_dict()
        if not ok:
            raise value  # the scorer's own error, raised in the worker: as in this process
        scored: dict[str, Any] = value
        return scored

    def _resend(self, key: int, text: str, decision: str, reply: str) -> tuple[bool | None, Any]:
        """An answer whose post a worker no longer knew, sent again with the post."""
        workers = self._running
        if not workers:
            raise WorkerLost(self.reason or "shut down")
        worker = min(workers, key=lambda w: w.in_hand)
        return worker.submit(key, text, decision, reply, with_post=True).result(SCORE_TIMEOUT_S)

    def _refill(self, worker: _Worker) -> None:
        """Called by ``worker``'s reader thread after each result: the oldest answer in the
        backlog goes down its pipe. The reader is awake and holds the interpreter lock anyway,
        so the hand-over costs no extra wake-up of the app."""
        with self._choose_lock:
            if not self._backlog or worker.in_hand >= self.depth:
                return
            key, text, decision, reply, result = self._backlog.popleft()
            worker.reserve()
        try:
            worker.submit(key, text, decision, reply, reserved=True, future=result)
        except Exception as exc:  # WorkerLost; whatever it is, the waiting thread gets it
            result.set_exception(exc)

    def _post_key(self, post_json: str) -> int:
        key = self._post_keys.get(post_json)
        if key is None:
            with self._lock:
                key = self._post_keys.get(post_json)
                if key is None:
                    key = self._post_keys[post_json] = _next_key()
                    if len(self._post_keys) > WORKER_POST_CACHE:
                        self._post_keys = {post_json: key}  # old numbers are never reused
        return key

    def shutdown(self) -> None:
        """Stop the workers once they have scored what they were sent; later answers score
        here."""
        self._stop_all("shut down", log_it=False)

    def _stop_all(self, reason: str, *, log_it: bool = True, kill: bool = False) -> None:
        with self._lock:
            workers, self._running = self._running, ()
            if workers and self.reason is None:
                if log_it:
                    self._fall_back(reason)
                else:
                    self.reason = reason
        with self._choose_lock:  # nothing joins the backlog once ``_running`` is empty
            backlog, self._backlog = self._backlog, deque()
        for *_answer, queued in backlog:  # scored in this process by the threads waiting
            queued.set_exception(WorkerLost(reason))
        for worker in workers:
            worker.stop(kill=kill)

    def _fall_back(self, reason: str) -> None:
        self.reason = reason
        log.warning("scoring answers in the app process: %s", reason)


_key_lock = threading.Lock()
_last_key = 0


def _next_key() -> int:
    global _last_key
    with _key_lock:
        _last_key += 1
        return _last_key


_shared: ScoringPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> ScoringPool:
    """This process's pool (not yet started), sized by ``configured_workers``."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ScoringPool()
        return _shared
