"""Scoring workshop answers in worker processes, so answers sent at once are scored side by side.

Scoring an answer (``trainer.score.score_post``) is a few milliseconds of pure Python work. The
app's threads share one interpreter lock, so when 200 participants press send in the same second
their answers are scored one after the other and the last one waits for all the others. A
``ScoringPool`` hands the scoring to a few worker processes, each with its own interpreter lock:

- The workers are started once per app process (``start``, from the app's warm-up) and each
  loads the scorer's dictionaries and language models before it says it is ready, so no
  participant waits for that. Their number is ``os.cpu_count()`` unless
  ``WEBCARE_SCORING_WORKERS`` says otherwise; ``0`` scores in the app process.
- Each worker has its own pipe, and the thread that scores an answer takes an idle worker, writes
  the request to its pipe and reads the result itself. No hand-over thread sits in between (a
  ``ProcessPoolExecutor`` passes every answer through two threads of the app process, each
  waiting for the interpreter lock while 200 requests are busy: measured, that cost more app CPU
  per answer than storing it).
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
import logging
import multiprocessing
import os
import pickle
import queue
import sys
import threading
import time
import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from trainer.posts import Post
from trainer.score import ScoreResult, score_post

log = logging.getLogger(__name__)

ENV_SCORING_WORKERS = "WEBCARE_SCORING_WORKERS"
START_TIMEOUT_S = 120.0  # each worker loads ~0.5 GB of dictionaries and models (6 s when idle)
SCORE_TIMEOUT_S = 30.0  # one answer; beyond this it is scored in the app process instead
STOP_TIMEOUT_S = 10.0  # a worker told to stop ends within this, or it is killed
WORKER_POST_CACHE = 512  # parsed posts a worker keeps (a workshop has up to 60)
# "spawn": a fresh interpreter per worker. Forking the app process would copy the web server's
# threads' locks in whatever state they are in.
START_METHOD = "spawn"
WARM_UP_TEXTS = (  # a short and a long text: the language detector loads different models
    ("public", "Hi there, sorry about that, we'll check it!"),
    ("private", "Hoi Sanne, dank je wel voor je bericht! Ik zoek het voor je uit. ^MK"),
)
PARENT_CHECK_S = 1.0  # how often a worker looks whether the app process that started it lives


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


def _exit_with_parent(parent_pid: int) -> None:
    """End this worker when the app process is gone. A server stopped with SIGKILL (or one that
    crashed) never shuts its pool down; the closed pipe ends a worker waiting for an answer, and
    this ends one that is busy (each holds the dictionaries, about 0.5 GB)."""
    while True:
        time.sleep(PARENT_CHECK_S)
        if os.getppid() != parent_pid:
            os._exit(0)


def _warm_up() -> None:
    from trainer.scenarios import posts_by_org

    post = posts_by_org("library")[0]
    for decision, reply in WARM_UP_TEXTS:
        score_post(post, decision, reply)
    score_post(post, "private", post.model_answer or post.text)


def _serve(conn: Connection, parent_pid: int) -> None:
    """A worker: load the scorer, say so with this pid, then score requests until the pipe
    closes. A request is ``(post number, post JSON or None, decision, reply)``; the JSON comes
    with a post's first request to this worker (``None`` as JSON clears the worker's posts)."""
    threading.Thread(
        target=_exit_with_parent, args=(parent_pid,), name="exit-with-parent", daemon=True
    ).start()
    _warm_up()
    conn.send_bytes(pickle.dumps(os.getpid()))
    posts: dict[int, Post] = {}
    while True:
        try:
            key, post_json, decision, reply = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return  # the app closed the pipe (shutdown) or is gone
        answer: tuple[bool | None, Any]
        try:
            if post_json is not None:
                if len(posts) >= WORKER_POST_CACHE:
                    posts.clear()
                posts[key] = Post.model_validate_json(post_json)
            post = posts.get(key)
            if post is None:
                answer = (None, None)  # not (or no longer) parsed here: send me the JSON
            else:
                answer = (True, score_post(post, decision, reply).to_dict())
        except Exception as exc:  # the scorer's own error: raised again in the app process
            answer = (False, _picklable(exc))
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


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    sent: set[int] = field(default_factory=set)  # post numbers this worker has parsed

    def score(self, key: int, post_json: str, decision: str, reply: str) -> dict[str, Any]:
        """One answer scored in this worker; only the thread that took it from the idle queue
        may call this."""
        first = key not in self.sent
        ok, value = self._ask(key, post_json if first else None, decision, reply)
        if ok is None:  # the worker had dropped the post from its cache
            ok, value = self._ask(key, post_json, decision, reply)
        self.sent.add(key)
        if not ok:
            raise value
        result: dict[str, Any] = value
        return result

    def _ask(self, key: int, post_json: str | None, decision: str, reply: str) -> tuple[Any, Any]:
        if post_json is not None and len(self.sent) >= WORKER_POST_CACHE:
            self.sent.clear()  # the worker clears its own posts at the same count
        request = (key, post_json, decision, reply)
        try:
            self.conn.send_bytes(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
            if not self.conn.poll(SCORE_TIMEOUT_S):
                raise TimeoutError(f"worker {self.process.pid}: no result in {SCORE_TIMEOUT_S} s")
            answer: tuple[Any, Any] = pickle.loads(self.conn.recv_bytes())
        except (EOFError, OSError) as exc:
            if isinstance(exc, TimeoutError):
                raise
            raise WorkerLost(f"worker {self.process.pid} stopped: {exc!r}") from None
        return answer

    def stop(self) -> None:
        self.conn.close()  # the worker reads the end of its pipe and returns
        self.process.join(STOP_TIMEOUT_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(STOP_TIMEOUT_S)


def _start_process(context: Any, child: Connection) -> BaseProcess:
    process: BaseProcess = context.Process(
        target=_serve, args=(child, os.getpid()), name="webcare-scoring", daemon=True
    )
    process.start()
    return process


class ScoringPool:
    """Scores answers in ``workers`` processes, or in this process when that is 0 or they could
    not start. Safe to share between threads; ``score`` before ``start`` scores in this process.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = configured_workers() if workers is None else workers
        if self.workers < 0:
            raise ValueError(f"workers: kreeg {workers!r}; verwacht 0 of meer.")
        self._lock = threading.Lock()
        # Idle workers; None once the pool has stopped (it wakes answers queued for a worker).
        self._idle: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()
        self._running = False
        self._started = False
        # Post JSON -> the number it goes by in the workers; numbers are never reused, so a
        # worker's parsed post can never be taken for another one.
        self._post_keys: dict[str, int] = {}
        self.reason: str | None = None if self.workers else "0 workers configured"
        self.pids: tuple[int, ...] = ()

    @property
    def running(self) -> bool:
        """Whether answers go to worker processes now."""
        return self._running

    def start(self) -> bool:
        """Start the workers and wait until each has loaded the scorer (seconds, once);
        False (with the reason logged) when answers will be scored in this process."""
        with self._lock:
            if self._started:
                return self._running
            self._started = True
            if not self.workers:
                return False
            started: list[_Worker] = []
            try:
                context = multiprocessing.get_context(START_METHOD)
                with _plain_main():
                    for _ in range(self.workers):
                        mine, child = context.Pipe(duplex=True)
                        try:
                            started.append(_Worker(_start_process(context, child), mine))
                        finally:
                            child.close()  # the worker has its own copy; EOF reaches it
                deadline = time.monotonic() + START_TIMEOUT_S
                pids = []
                for worker in started:  # loading side by side: wait for all, once
                    if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                        raise TimeoutError(f"a worker not ready after {START_TIMEOUT_S:.0f} s")
                    pids.append(pickle.loads(worker.conn.recv_bytes()))
            except (OSError, EOFError, NotImplementedError) as exc:  # TimeoutError is an OSError
                self._fall_back(f"worker processes could not start: {exc!r}")
                for worker in started:
                    worker.stop()
                return False
            for worker in started:
                self._idle.put(worker)
            self.pids = tuple(sorted(pids))
            self._running = True
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
        if not self._running:
            return score_post(post, decision, reply).to_dict()
        try:
            # As many answers are scored at once as there are workers; the others queue here.
            worker = self._idle.get(timeout=SCORE_TIMEOUT_S)
        except queue.Empty:
            log.warning("no scoring worker free for %.0f s; scored here", SCORE_TIMEOUT_S)
            return score_post(post, decision, reply).to_dict()
        if worker is None:  # the pool stopped while this answer queued: pass the word on
            self._idle.put(None)
            return score_post(post, decision, reply).to_dict()
        text = post.model_dump_json() if post_json is None else post_json
        try:
            data = worker.score(self._post_key(text), text, decision, reply)
        except (WorkerLost, TimeoutError) as exc:
            # A worker died or hangs: this answer and all later ones are scored here (a
            # timed-out worker may still write its late answer to the pipe, so none is reused).
            worker.stop()
            self._stop_all(f"worker processes stopped: {exc!r}")
            return score_post(post, decision, reply).to_dict()
        except BaseException:
            self._give_back(worker)  # the scorer's own error: the worker is fine
            raise
        self._give_back(worker)
        return data

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if self._running:
                self._idle.put(worker)
                return
        worker.stop()  # the pool was shut down while this worker scored

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
        """Stop the workers; later answers score here (one being scored now too)."""
        self._stop_all("shut down" if self.reason is None else self.reason, log_it=False)

    def _stop_all(self, reason: str, *, log_it: bool = True) -> None:
        """Stop the idle workers now; a busy one is stopped by its thread when it is done
        (closing a pipe another thread waits on would leave that thread hanging)."""
        idle: list[_Worker] = []
        with self._lock:
            was_running, self._running = self._running, False
            if was_running and self.reason is None:
                if log_it:
                    self._fall_back(reason)
                else:
                    self.reason = reason
            while True:
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    break
                if worker is not None:
                    idle.append(worker)
            if was_running:
                self._idle.put(None)
        for worker in idle:
            worker.stop()

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


@contextmanager
def _plain_main() -> Iterator[None]:
    """No ``__main__`` file for the workers to run while they are started.

    A spawned worker first runs the parent's ``__main__`` file again. In the app that is the
    Streamlit page last run (Streamlit puts each page's module there), which would start a
    server's warm-up, and a pool, inside every worker. The workers need only this module.
    """
    real = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if sys.modules.get("__main__") is not real:
            sys.modules["__main__"] = real


_shared: ScoringPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> ScoringPool:
    """This process's pool (not yet started), sized by ``configured_workers``."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ScoringPool()
        return _shared
