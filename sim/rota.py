"""The rota: how many agents are on duty at each minute of the week, repeating every week.

A coverage model (24/7, business hours, extended hours) is, for the engine, a step function over
the week: change points ``(minute_of_week, agents)``. This module answers the questions the engine
and the KPIs ask of it: who is on duty at time ``t``, when does the number change, and how many
agent-minutes (optionally weighted, e.g. by the hourly cost with night and weekend premiums) fall
in a stretch of simulated time.

``CalendarRota`` lays the weekly rota over real days: on a closed day (a public holiday or the
organisation's own) only the shifts marked for holidays work, the holiday rota; the next
ordinary day the usual rota takes over again at midnight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from sim.spec import MINUTES_PER_DAY, MINUTES_PER_WEEK


class Rota:
    """Agents on duty as a weekly step function; see the module docstring."""

    def __init__(self, points: Sequence[tuple[int, int]]) -> None:
        _validate(points)
        self.minutes = np.array([p[0] for p in points], dtype=float)
        self.agents = np.array([p[1] for p in points], dtype=np.int64)
        # Agents on duty in each minute of the week: change points are whole minutes.
        bounds = np.append(self.minutes.astype(np.int64), MINUTES_PER_WEEK)
        self.per_minute = np.repeat(self.agents, np.diff(bounds)).astype(float)

    def agents_at(self, t_min: np.ndarray | float) -> np.ndarray:
        """Agents on duty at time(s) ``t_min`` (minutes since Monday 00:00 of week 0)."""
        r = np.mod(np.asarray(t_min, dtype=float), MINUTES_PER_WEEK)
        result: np.ndarray = self.agents[np.searchsorted(self.minutes, r, side="right") - 1]
        return result

    def changes(self, horizon_min: float) -> tuple[np.ndarray, np.ndarray]:
        """Times in ``(0, horizon_min)`` where the rota may change, and agents from then on."""
        weeks = int(np.ceil(horizon_min / MINUTES_PER_WEEK))
        offsets = np.arange(weeks, dtype=float)[:, None] * MINUTES_PER_WEEK
        times = (offsets + self.minutes[None, :]).ravel()
        agents = np.tile(self.agents, weeks)
        keep = (times > 0) & (times < horizon_min)
        return times[keep], agents[keep]

    def monday_first_start(self) -> float:
        """Minute of the week (on Monday) when the first Monday shift comes on duty: the first
        rise in agents on Monday, counting minute 0 if Monday opens with more agents than
        Sunday closed with. NaN when no shift starts on Monday (nobody works, or a 24/7 team
        without a rise)."""
        previous = int(self.agents[-1])  # Sunday 23:59 carries on into Monday 00:00
        for minute, agents in zip(self.minutes, self.agents, strict=True):
            if minute >= MINUTES_PER_DAY:
                break
            if agents > previous:
                return float(minute)
            previous = int(agents)
        return float("nan")

    def agent_minutes(
        self, start_min: float, end_min: float, weight: np.ndarray | None = None
    ) -> float:
        """Agent-minutes on duty in ``[start_min, end_min)``, each minute of the week weighted by
        ``weight`` (an array of ``MINUTES_PER_WEEK`` values, e.g. euros per agent-minute)."""
        per_minute = self.per_minute if weight is None else self.per_minute * weight
        cumulative = np.concatenate(([0.0], np.cumsum(per_minute)))
        week_total = cumulative[-1]

        def integral(t: float) -> float:
            week, r = divmod(t, MINUTES_PER_WEEK)
            whole = int(r)
            partial = (r - whole) * per_minute[whole] if whole < MINUTES_PER_WEEK else 0.0
            return float(week * week_total + cumulative[whole] + partial)

        return integral(end_min) - integral(start_min)


class CalendarRota:
    """``Rota`` on real days: ``holiday`` replaces ``rota`` on the ``closed`` day numbers."""

    def __init__(self, rota: Rota, holiday: Rota, closed: Iterable[int]) -> None:
        self.rota = rota
        self.holiday = holiday
        self.closed = np.array(sorted(set(closed)), dtype=float)

    def _is_closed(self, t: np.ndarray) -> np.ndarray:
        result: np.ndarray = np.isin(np.floor(t / MINUTES_PER_DAY), self.closed)
        return result

    def agents_at(self, t_min: np.ndarray | float) -> np.ndarray:
        t = np.asarray(t_min, dtype=float)
        result: np.ndarray = np.where(
            self._is_closed(t), self.holiday.agents_at(t), self.rota.agents_at(t)
        )
        return result

    def changes(self, horizon_min: float) -> tuple[np.ndarray, np.ndarray]:
        """As ``Rota.changes``: the usual changes on ordinary days, the holiday rota's on
        closed days, and a change at every midnight where the regime switches."""
        usual, _ = self.rota.changes(horizon_min)
        holiday, _ = self.holiday.changes(horizon_min)
        days = self.closed[self.closed * MINUTES_PER_DAY < horizon_min]
        switch = np.concatenate((days, days + 1)) * MINUTES_PER_DAY
        times = np.concatenate(
            (usual[~self._is_closed(usual)], holiday[self._is_closed(holiday)], switch)
        )
        times = np.unique(times[(times > 0) & (times < horizon_min)])
        return times, self.agents_at(times)

    def agent_minutes(
        self, start_min: float, end_min: float, weight: np.ndarray | None = None
    ) -> float:
        """As ``Rota.agent_minutes``, with the holiday rota on closed days."""
        total = self.rota.agent_minutes(start_min, end_min, weight)
        for day in self.closed:
            a = max(start_min, day * MINUTES_PER_DAY)
            b = min(end_min, (day + 1) * MINUTES_PER_DAY)
            if a < b:
                total += self.holiday.agent_minutes(a, b, weight) - self.rota.agent_minutes(
                    a, b, weight
                )
        return total

    def monday_first_start(self) -> float:
        return self.rota.monday_first_start()


def _validate(points: Sequence[tuple[int, int]]) -> None:
    if not points:
        raise ValueError("rota is empty; expected change points (minute_of_week, agents)")
    previous = -1
    for i, point in enumerate(points):
        try:
            minute, agents = point
        except (TypeError, ValueError):
            raise ValueError(
                f"rota entry {i} is {point!r}; expected a pair (minute_of_week, agents)"
            ) from None
        if i == 0 and minute != 0:
            raise ValueError(f"rota starts at minute {minute}; expected the first change at 0")
        if int(minute) != minute or not previous < minute < MINUTES_PER_WEEK:
            raise ValueError(
                f"rota entry {i} {point!r}: minute {minute} is not a whole minute after the "
                f"previous change ({previous}) and before {MINUTES_PER_WEEK}"
            )
        if int(agents) != agents or agents < 0:
            raise ValueError(
                f"rota entry {i} {point!r}: agents {agents} is not a whole number >= 0"
            )
        previous = minute
