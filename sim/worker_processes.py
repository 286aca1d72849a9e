"""Worker processes owned by a long-running app process (the web server), started safely.

The app hands heavy work to a few worker processes kept for the life of the server: the
workshop's scoring (``workshop.scoring_pool``) and the Simulatie page's sizing runs
(``webcare_app.whatif_pool``). Three things go wrong when such workers are started naively
inside a Streamlit server, and this module holds the one answer to each:

- Forking copies the server's threads' locks in whatever state they are in, so a worker can
  hang on a lock no thread will ever release: workers are *spawned* (a fresh interpreter,
  ``START_METHOD``).
- A spawned worker first runs the parent's ``__main__`` file again. In the app that is the
  Streamlit page last run, which would draw a page and start a pool inside every worker:
  ``plain_main`` hides it while workers start.
- A server stopped with SIGKILL (or one that crashed) never shuts its pools down, and spawned
  workers do not notice on their own: they stayed behind, idle, holding their memory.
  ``watch_parent`` (called in a worker's initializer) ends the worker once the process that
  started it is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from multiprocessing.context import BaseContext

# "spawn": a fresh interpreter per worker. Forking the app process would copy the web server's
# threads' locks in whatever state they are in.
START_METHOD = "spawn"
PARENT_CHECK_S = 1.0  # how often a worker looks whether the app process that started it lives

# Starting workers swaps ``sys.modules["__main__"]``; two pools starting at once from two threads
# would otherwise restore each other's stand-in instead of the real module.
_main_lock = threading.RLock()


def worker_context() -> BaseContext:
    """The multiprocessing context app workers are started with (``START_METHOD``)."""
    return multiprocessing.get_context(START_METHOD)


def _exit_with_parent(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_S)
        if os.getppid() != parent_pid:  # re-parented: the app process is gone
            os._exit(0)


def watch_parent() -> None:
    """In a worker (its pool's initializer): end this process within ``PARENT_CHECK_S`` of the
    app process that started it ending, however that ended."""
    threading.Thread(
        target=_exit_with_parent, args=(os.getppid(),), name="exit-with-parent", daemon=True
    ).start()


@contextmanager
def plain_main() -> Iterator[None]:
    """No ``__main__`` file for workers to run while they are started (see the module text).

    Hold it around whatever starts worker processes (with "spawn", a pool starts them on
    ``submit``); the real ``__main__`` is back afterwards.
    """
    with _main_lock:
        real = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = real


def workers_from_env(
    name: str, inline: str, cores: int, env: Mapping[str, str] | None = None
) -> int:
    """Worker processes for one pool: the environment variable ``name`` if set (0 or more),
    else ``cores`` (none on a single core, where workers would only add hand-over costs).
    ``inline`` says in Dutch what 0 means, for the message on a bad value."""
    source = os.environ if env is None else env
    raw = source.get(name, "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if value < 0:
            raise ValueError(
                f"{name}: kreeg {raw!r}; verwacht een geheel getal van 0 of meer (0 = {inline})."
            )
        return value
    return cores if cores > 1 else 0


__all__ = [
    "PARENT_CHECK_S",
    "START_METHOD",
    "plain_main",
    "watch_parent",
    "worker_context",
    "workers_from_env",
]
