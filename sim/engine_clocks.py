"""Scalar back-office clocks for the event loop: when a case handed over at a given minute is done.

The back office works its own business hours, so a case handed over at minute ``t`` with ``w``
minutes of work is done at the ``w``-th open minute after ``t``. ``sim.clock`` answers that for
whole arrays at once; the event loop asks it one case at a time, where numpy's per-call overhead
costs more than the sum itself. These twins do the same sums in plain Python (same conventions,
checked against ``BusinessClock`` and ``HolidayClock`` in the tests): ``WeekClock`` for the
weekly hours, ``DayClock`` for real dates with closed days.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from itertools import accumulate

from sim.clock import BusinessClock, HolidayClock
from sim.spec import MINUTES_PER_WEEK, Weekly


class WeekClock:
    """``BusinessClock.add`` for one case at a time, for the event loop.

    The back office finishes a case at ``add(now, work)``; calling the vectorised clock once per
    case costs microseconds of numpy overhead each, so the loop uses this scalar twin (same
    conventions, checked against ``BusinessClock`` in the tests).
    """

    def __init__(self, hours: Weekly) -> None:
        BusinessClock(hours)  # validates the windows
        self.starts = [float(w[0]) for w in hours.windows]
        self.ends = [float(w[1]) for w in hours.windows]
        lengths = [e - s for s, e in zip(self.starts, self.ends, strict=True)]
        self.cum_end = list(accumulate(lengths))
        self.cum_start = [c - length for c, length in zip(self.cum_end, lengths, strict=True)]
        self.open_week = sum(lengths)

    def add(self, start_min: float, business_min: float) -> float:
        if not self.open_week:
            return float("inf")
        starts, n = self.starts, len(self.starts)
        week, r = divmod(start_min, MINUTES_PER_WEEK)
        i = bisect_right(starts, r) - 1
        if i >= 0 and r < self.ends[i]:
            opens = start_min
            before = self.cum_start[i] + r - starts[i]
        else:
            before = self.cum_end[i] if i >= 0 else 0.0
            opens = (
                week * MINUTES_PER_WEEK + starts[i + 1]
                if i + 1 < n
                else (week + 1) * MINUTES_PER_WEEK + starts[0]
            )
        target = week * self.open_week + before + business_min
        # The earliest time at which the target is reached; a target on a week boundary
        # belongs to the end of the previous week's last window.
        due_week, rem = divmod(target, self.open_week)
        if rem <= 0:
            due_week, rem = due_week - 1, self.open_week
        k = min(bisect_left(self.cum_end, rem), n - 1)
        due = due_week * MINUTES_PER_WEEK + starts[k] + (rem - self.cum_start[k])
        return max(opens, due)


class DayClock:
    """``HolidayClock.add`` for one case at a time (the back office on real dates): the same
    sums over the clock's explicit windows, without numpy's per-call overhead."""

    def __init__(self, clock: HolidayClock) -> None:
        self.starts: list[float] = clock._starts.tolist()
        self.ends: list[float] = clock._ends.tolist()
        self.cum_start: list[float] = clock._cum_start.tolist()
        self.cum_end: list[float] = clock._cum_end.tolist()

    def add(self, start_min: float, business_min: float) -> float:
        starts, n = self.starts, len(self.starts)
        i = bisect_right(starts, start_min) - 1
        if i >= 0 and start_min < self.ends[i]:
            opens = start_min
            before = self.cum_start[i] + (start_min - starts[i])
        else:
            before = self.cum_end[i] if i >= 0 else 0.0
            opens = starts[i + 1] if i + 1 < n else math.inf
        target = before + business_min
        k = bisect_left(self.cum_end, target)
        if k >= n:
            return math.inf
        return max(opens, starts[k] + (target - self.cum_start[k]))


__all__ = ["DayClock", "WeekClock"]
