"""How often a phone on the waiting screen asks the server whether the workshop moved on.

Every waiting phone polls the one app process on a timer; each poll costs that process CPU
(measured 12–17 ms per poll at 40–200 phones, ``bench/bench_workshop_live.py``), so a fixed
interval makes the total grow with the room: 200 phones every 3 s were 67 polls a second, 0,8
core, and one Python process saturated (phones saw a move 20–30 s late). So the interval grows
with the number of joined participants, keeping the whole room within a budget of polls per
second, and never drops below the small-room interval nor rises above a ceiling that bounds how
late a phone sees the facilitator's move (at most one interval, plus the poll's own run).

The budget: ``POLL_BUDGET_CORE`` of one core at ``POLL_COST_S`` per poll is 40 polls a second;
200 phones then poll every 5 s (0,6 core at the worst measured cost, 0,5 at the typical one).
Rounded up to whole seconds, so a room that grows by one person does not change every phone's
timer (a changed interval costs each phone one full page run).

Since a waiting poll reads one stamp first (``workshop.live_poll``) it costs 4–5 ms, a third of
``POLL_COST_S``; the budget keeps the older, full-page cost on purpose: right after a move every
phone's next poll is a full page run, and that burst, not the waiting, is what a shorter
interval would crowd into the one interpreter lock.
"""

from __future__ import annotations

import math

MIN_REFRESH_S = 3  # a small room: a move shows within 3 s, as before
MAX_REFRESH_S = 10  # whatever the room: a move shows within 10 s
POLL_COST_S = 0.015  # server CPU per full page poll, seconds (measured 12–17 ms)
POLL_BUDGET_CORE = 0.6  # of the one core a Python process can use, for all waiting phones
POLLS_PER_S = POLL_BUDGET_CORE / POLL_COST_S  # 40 polls a second for the whole room


def wait_refresh_s(participants: int) -> int:
    """Seconds between two polls of one waiting phone in a room of ``participants``."""
    if participants <= 0:
        return MIN_REFRESH_S
    # Small epsilon: 200 / 40 is exactly 5 s and must not round up to 6 through float noise.
    spread = math.ceil(participants / POLLS_PER_S - 1e-9)
    return max(MIN_REFRESH_S, min(MAX_REFRESH_S, spread))
