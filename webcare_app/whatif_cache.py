"""Finished what-if runs kept per server process, keyed on the question that was asked.

A what-if, a sizing search and a staffing curve depend only on their inputs (a frozen, hashable
``WhatIfInputs`` and a coverage model), so a second session asking the same question, or the
same session after changing a widget that the simulation does not read, gets the answer at once.

Why not ``st.cache_data``: a cached function's Streamlit calls are recorded and replayed on a
hit, and these runs update a progress bar made outside them. On the next hit, in another session
or the same one after a rerun, Streamlit replayed that bar into a block that no longer existed
and the page failed (``CacheReplayClosureError``). Here the run is a plain call: the bar is
drawn live, nothing is replayed. A run that fails or is stopped (the stop button reruns the page,
which interrupts it) raises and is not kept. Kept results are shared by every session: callers
read them and never change them (the pages build new frames with ``assign``/``melt``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
RUN_CACHE_ENTRIES = 128  # what-ifs, sizings and curves together; a result is ~100 kB


class RunCache:
    """A thread-safe least-recently-used store of finished runs."""

    def __init__(self, max_entries: int = RUN_CACHE_ENTRIES) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The kept result for ``key``, else ``compute()`` kept and returned. The lock is not
        held while computing: two sessions asking the same new question both compute it, rather
        than one waiting without a progress bar."""
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                found: T = self._kept[key]
                return found
        value = compute()
        with self._lock:
            self._kept[key] = value
            self._kept.move_to_end(key)
            while len(self._kept) > self.max_entries:
                self._kept.popitem(last=False)
        return value

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._kept

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


__all__ = ["RUN_CACHE_ENTRIES", "RunCache"]
