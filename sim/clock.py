"""The business-hours SLA clock: time that only runs while the team (or back office) is open.

Service platforms such as Zendesk and Chatwoot measure some targets in business hours: the clock
stops outside the schedule. A 1-hour first-response target on a message that arrives Friday 16:30,
with hours Monday-Friday 09:00-17:00, is due Monday 09:30: 30 minutes run on Friday, the other
30 on Monday morning.

The clock turns a weekly schedule (``sim.spec.Weekly``) into a cumulative count of open minutes,
``F(t)`` = business minutes between time 0 (Monday 00:00 of week 0) and calendar minute ``t``.
``F`` is continuous and non-decreasing; it grows by the open minutes per week every week. Then

- ``elapsed(s, e) = F(e) - F(s)``, and
- ``add(s, m)`` is the earliest calendar time ``t`` with ``F(t) = F(s) + m``, but never before the
  next opening at or after ``s``.

Conventions (the choices where the platforms leave room):

- Windows are half-open, ``[start, end)``: at the exact closing minute the team is closed.
- A target that runs out exactly at a window's end is due at that end (Friday 16:00 + 60 business
  minutes is Friday 17:00, not Monday 09:00).
- ``add(s, 0)`` outside hours is the next opening: Zendesk puts the due time of a zero-minute
  target on a message that arrives after hours at opening time. Inside hours it is ``s`` itself.
- A schedule without any window never opens: ``add`` returns ``inf`` for every start, ``elapsed``
  is 0, ``is_open`` is False.

Everything is vectorised over numpy arrays with ``np.searchsorted`` on the window starts and the
cumulative open minutes, so the engine can stamp due times on a year of mentions in one call.

Real dates: ``HolidayClock`` is the same clock laid over a stretch of real weeks from a Monday,
closed on given dates (``dutch_holidays``: Koningsdag, Pasen, Pinksteren, Kerst and the rest, from
the well-kept ``holidays`` package). With hours Monday-Friday 09:00-17:00, a 1-hour target on a
message of Friday 16:30 before Easter Monday is due Tuesday 09:30. Goede vrijdag counts as a
working day (as in that example): most Dutch teams work on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from sim.spec import MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_WEEK, CalendarSpec, Weekly

DAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES: dict[str, int] = {
    **{key: i for i, key in enumerate(DAY_KEYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def _validate(windows: Sequence[tuple[float, float]]) -> None:
    previous_end = 0.0
    for i, window in enumerate(windows):
        try:
            start, end = window
        except (TypeError, ValueError):
            raise ValueError(
                f"business-hours window {i} is {window!r}; expected a pair "
                "(start_min, end_min) of minutes of the week"
            ) from None
        if not (np.isfinite(start) and np.isfinite(end)):
            raise ValueError(
                f"business-hours window {i} {window!r} is not finite; expected minutes of the "
                f"week between 0 and {MINUTES_PER_WEEK}"
            )
        if start < 0 or end > MINUTES_PER_WEEK:
            raise ValueError(
                f"business-hours window {i} {window!r} lies outside the week; expected "
                f"0 <= start_min < end_min <= {MINUTES_PER_WEEK} (split a window that crosses "
                "Sunday midnight in two)"
            )
        if end <= start:
            raise ValueError(
                f"business-hours window {i} {window!r} ends at {end}, not after its start "
                f"{start}; expected end_min > start_min"
            )
        if i > 0 and start < previous_end:
            raise ValueError(
                f"business-hours window {i} {window!r} starts at {start}, before window "
                f"{i - 1} {tuple(windows[i - 1])!r} ends at {previous_end}; expected sorted, "
                "non-overlapping windows"
            )
        previous_end = end


class BusinessClock:
    """Calendar <-> business time for one weekly schedule; see the module docstring."""

    def __init__(self, hours: Weekly) -> None:
        _validate(hours.windows)
        windows = tuple((float(w[0]), float(w[1])) for w in hours.windows)
        self.hours = hours
        self._starts = np.array([w[0] for w in windows], dtype=float)
        self._ends = np.array([w[1] for w in windows], dtype=float)
        lengths = self._ends - self._starts
        # Business minutes since Monday 00:00 at each window's start and end.
        self._cum_start = np.concatenate(([0.0], np.cumsum(lengths)[:-1])) if windows else lengths
        self._cum_end = np.cumsum(lengths)
        self.open_min_per_week = float(lengths.sum())

    # --- the cumulative function F and its inverse -------------------------------------------
    def _split(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        week = np.floor(t / MINUTES_PER_WEEK)
        return week, t - week * MINUTES_PER_WEEK

    def business_since_epoch(self, t_min: np.ndarray | float) -> np.ndarray:
        """``F(t)``: business minutes between Monday 00:00 of week 0 and ``t_min``."""
        t = np.asarray(t_min, dtype=float)
        if self._starts.size == 0:
            return np.zeros_like(t)
        week, r = self._split(t)
        i = np.searchsorted(self._starts, r, side="right") - 1
        j = np.maximum(i, 0)
        inside = np.minimum(r - self._starts[j], self._ends[j] - self._starts[j])
        within_week = np.where(i >= 0, self._cum_start[j] + inside, 0.0)
        return week * self.open_min_per_week + within_week

    def _from_business(self, b: np.ndarray) -> np.ndarray:
        """Earliest calendar time ``t`` with ``F(t) >= b`` (``b`` >= 0)."""
        open_week = self.open_min_per_week
        week = np.floor(b / open_week)
        rem = b - week * open_week
        # rem == 0 belongs to the end of the last window of the previous week: earliest t.
        at_week_start = rem <= 0
        week = np.where(at_week_start, week - 1, week)
        rem = np.where(at_week_start, open_week, rem)
        i = np.searchsorted(self._cum_end, rem, side="left")
        i = np.minimum(i, self._starts.size - 1)  # guards rounding just above open_week
        t: np.ndarray = week * MINUTES_PER_WEEK + self._starts[i] + (rem - self._cum_start[i])
        return t

    def next_open(self, t_min: np.ndarray | float) -> np.ndarray:
        """``t_min`` itself if open, else the start of the next window (``inf`` if none)."""
        t = np.asarray(t_min, dtype=float)
        if self._starts.size == 0:
            return np.full_like(t, np.inf)
        week, r = self._split(t)
        nxt = np.searchsorted(self._starts, r, side="right")
        wraps = nxt >= self._starts.size
        start_next = np.where(
            wraps,
            (week + 1) * MINUTES_PER_WEEK + self._starts[0],
            week * MINUTES_PER_WEEK + self._starts[np.minimum(nxt, self._starts.size - 1)],
        )
        result: np.ndarray = np.where(self.is_open(t), t, start_next)
        return result

    # --- public API -----------------------------------------------------------------------------
    def is_open(self, t_min: np.ndarray | float) -> np.ndarray:
        """True where ``t_min`` falls inside a window (start inclusive, end exclusive)."""
        t = np.asarray(t_min, dtype=float)
        if self._starts.size == 0:
            return np.zeros(t.shape, dtype=bool)
        _, r = self._split(t)
        i = np.searchsorted(self._starts, r, side="right") - 1
        j = np.maximum(i, 0)
        result: np.ndarray = (i >= 0) & (r < self._ends[j])
        return result

    def elapsed(self, start_min: np.ndarray | float, end_min: np.ndarray | float) -> np.ndarray:
        """Business minutes between ``start_min`` and ``end_min`` (negative if end < start)."""
        result: np.ndarray = self.business_since_epoch(end_min) - self.business_since_epoch(
            start_min
        )
        return result

    def add(self, start_min: np.ndarray | float, business_min: np.ndarray | float) -> np.ndarray:
        """Calendar time at which ``business_min`` business minutes have run after ``start_min``.

        A start outside hours starts counting at the next opening. Broadcasts like numpy.
        """
        s = np.asarray(start_min, dtype=float)
        m = np.asarray(business_min, dtype=float)
        if np.any(m < 0):
            bad = m[m < 0].flat[0]
            raise ValueError(
                f"business minutes to add must be >= 0; got {bad}. Use elapsed() to measure "
                "backwards"
            )
        if self._starts.size == 0:
            return np.full(np.broadcast(s, m).shape, np.inf)
        due = self._from_business(self.business_since_epoch(s) + m)
        result: np.ndarray = np.maximum(self.next_open(s), due)
        return result


def _parse_time(text: str, day: str, *, allow_24: bool) -> int:
    match = _TIME_RE.match(text) if isinstance(text, str) else None
    if match is not None:
        hour, minute = int(match.group(1)), int(match.group(2))
        if minute < MINUTES_PER_HOUR and (hour < 24 or (allow_24 and hour == 24 and minute == 0)):
            return hour * MINUTES_PER_HOUR + minute
    last = "24:00" if allow_24 else "23:59"
    raise ValueError(
        f"hours for {day!r}: time {text!r} is not a time of day; expected HH:MM between "
        f"00:00 and {last}"
    )


def weekly_from_days(days: Mapping[str, Sequence[tuple[str, str]]]) -> Weekly:
    """Build a ``Weekly`` from day windows, e.g. ``{"mon": [("09:00", "17:00")], ...}``.

    Day keys are ``mon``..``sun`` (or the full English names). A window whose end is before its
    start runs past midnight into the next day (``("22:00", "06:00")`` is a night shift); one
    crossing Sunday midnight is split into Sunday night and Monday morning. ``"24:00"`` ends a
    window at midnight. Touching windows are merged; overlapping ones are an error.
    """
    raw: list[tuple[int, int, str]] = []
    for key, windows in days.items():
        day = _DAY_ALIASES.get(str(key).strip().lower())
        if day is None:
            raise ValueError(
                f"unknown day {key!r} in business hours; expected one of {', '.join(DAY_KEYS)}"
            )
        for window in windows:
            try:
                start_text, end_text = window
            except (TypeError, ValueError):
                raise ValueError(
                    f"hours for {key!r}: window {window!r} is not a pair; expected "
                    '("HH:MM", "HH:MM")'
                ) from None
            start = _parse_time(start_text, str(key), allow_24=False)
            end = _parse_time(end_text, str(key), allow_24=True)
            if end == start:
                raise ValueError(
                    f"hours for {key!r}: window {start_text}-{end_text} is empty; expected an "
                    "end time different from the start (use 00:00-24:00 for a whole day)"
                )
            if end < start:
                end += MINUTES_PER_DAY  # runs past midnight into the next day
            offset = day * MINUTES_PER_DAY
            label = f"{key} {start_text}-{end_text}"
            begin, finish = offset + start, offset + end
            if finish > MINUTES_PER_WEEK:
                raw.append((begin, MINUTES_PER_WEEK, label))
                raw.append((0, finish - MINUTES_PER_WEEK, label))
            else:
                raw.append((begin, finish, label))
    raw.sort()
    merged: list[list[int]] = []
    labels: list[str] = []
    for begin, finish, label in raw:
        if merged and begin < merged[-1][1]:
            raise ValueError(
                f"business hours overlap: {labels[-1]} and {label}; expected windows that do "
                "not overlap"
            )
        if merged and begin == merged[-1][1]:
            merged[-1][1] = finish
            labels[-1] = label
        else:
            merged.append([begin, finish])
            labels.append(label)
    return Weekly(windows=tuple((b, f) for b, f in merged))


def weekdays(start: str = "09:00", end: str = "17:00") -> Weekly:
    """Monday to Friday from ``start`` to ``end``: the usual office hours."""
    return weekly_from_days({day: [(start, end)] for day in DAY_KEYS[:5]})


ALWAYS_OPEN = Weekly(windows=((0, MINUTES_PER_WEEK),))


WORKING_HOLIDAYS = frozenset(("Goede vrijdag",))  # on the holiday list, but most teams work


def dutch_holidays(years: Iterable[int]) -> dict[date, str]:
    """Dutch public holidays on which offices close, by date, with their Dutch names."""
    import holidays  # imported here: only real-date clocks need it, the engine does not

    names = holidays.country_holidays("NL", years=sorted(set(years)), language="nl")
    return {day: name for day, name in names.items() if name not in WORKING_HOLIDAYS}


class HolidayClock:
    """The business-hours clock on real weeks from Monday ``start``, closed on ``closed`` dates.

    Times are calendar minutes from ``start`` 00:00 (Dutch wall clock), as in ``BusinessClock``;
    the conventions are the same. The clock covers ``weeks`` weeks: a due time past its end is
    ``inf``, so build it with room after the last start (a few weeks).
    """

    def __init__(self, hours: Weekly, start: date, weeks: int, closed: Iterable[date] = ()) -> None:
        _validate(hours.windows)
        if start.weekday() != 0:
            raise ValueError(f"start {start} is no Monday; expected the Monday of the first week")
        base = np.asarray(hours.windows, dtype=float).reshape(-1, 2)
        offsets = np.arange(max(int(weeks), 0), dtype=float) * MINUTES_PER_WEEK
        windows = (base[None, :, :] + offsets[:, None, None]).reshape(-1, 2)
        # Split windows at midnight so a closed date removes exactly its own hours.
        pieces: list[tuple[float, float]] = []
        for s, e in windows:
            while s < e:
                midnight = (np.floor(s / MINUTES_PER_DAY) + 1) * MINUTES_PER_DAY
                pieces.append((s, min(e, midnight)))
                s = min(e, midnight)
        shut = {(d - start).days for d in closed}
        kept = [(s, e) for s, e in pieces if int(s // MINUTES_PER_DAY) not in shut]
        self._starts = np.array([p[0] for p in kept], dtype=float)
        self._ends = np.array([p[1] for p in kept], dtype=float)
        lengths = self._ends - self._starts
        self._cum_end = np.cumsum(lengths)
        self._cum_start = self._cum_end - lengths

    def _business(self, t: np.ndarray) -> np.ndarray:
        i = np.searchsorted(self._starts, t, side="right") - 1
        j = np.maximum(i, 0)
        inside = np.clip(t - self._starts[j], 0.0, self._ends[j] - self._starts[j])
        result: np.ndarray = np.where(i >= 0, self._cum_start[j] + inside, 0.0)
        return result

    def next_open(self, t_min: np.ndarray | float) -> np.ndarray:
        """``t_min`` itself if open, else the next opening (``inf`` past the clock's end)."""
        t = np.asarray(t_min, dtype=float)
        if self._starts.size == 0:
            return np.full_like(t, np.inf)
        i = np.searchsorted(self._starts, t, side="right") - 1
        j = np.maximum(i, 0)
        inside = (i >= 0) & (t < self._ends[j])
        nxt = i + 1
        later = np.where(
            nxt < self._starts.size, self._starts[np.minimum(nxt, self._starts.size - 1)], np.inf
        )
        result: np.ndarray = np.where(inside, t, later)
        return result

    def add(self, start_min: np.ndarray | float, business_min: np.ndarray | float) -> np.ndarray:
        """Calendar time at which ``business_min`` business minutes have run after ``start_min``."""
        s = np.asarray(start_min, dtype=float)
        m = np.asarray(business_min, dtype=float)
        if np.any(m < 0):
            raise ValueError("business minutes to add must be >= 0")
        if self._starts.size == 0:
            return np.full(np.broadcast(s, m).shape, np.inf)
        target = self._business(s) + m
        i = np.searchsorted(self._cum_end, target, side="left")
        past = i >= self._starts.size
        k = np.minimum(i, self._starts.size - 1)
        due = np.where(past, np.inf, self._starts[k] + (target - self._cum_start[k]))
        result: np.ndarray = np.maximum(self.next_open(s), due)
        return result


CLOCK_MARGIN_WEEKS = 9  # a run's holiday clock reaches this far past its end (longest tail: 4)


@dataclass(frozen=True)
class RunDays:
    """The real dates of one run: the date of run minute 0 and the closed days after it."""

    origin: date  # the Monday of run minute 0 (the warm-up's first day)
    weeks: int  # weeks the clocks cover, the tail and a margin included
    closed: Mapping[int, str]  # day number from ``origin`` -> name (holiday or "gesloten")

    @property
    def closed_dates(self) -> list[date]:
        return [self.origin + timedelta(days=d) for d in self.closed]


def run_days(calendar: CalendarSpec, warmup_weeks: float, end_min: float) -> RunDays:
    """The closed days of a run of ``spec.calendar`` that ends at ``end_min`` (run minutes)."""
    if not float(warmup_weeks).is_integer():
        raise ValueError(
            f"warmup_weeks is {warmup_weeks}; a model with a calendar needs whole warm-up weeks "
            "(the run must start on a Monday)"
        )
    if calendar.start.weekday() != 0:
        raise ValueError(f"calendar start {calendar.start} is no Monday; expected a Monday")
    origin = calendar.start - timedelta(weeks=int(warmup_weeks))
    weeks = int(np.ceil(end_min / MINUTES_PER_WEEK)) + CLOCK_MARGIN_WEEKS
    last = origin + timedelta(weeks=weeks)
    closed: dict[date, str] = {}
    if calendar.public_holidays:
        closed.update(dutch_holidays(range(origin.year, last.year + 1)))
    for day in calendar.closed:
        closed.setdefault(day, "gesloten")
    days = {(d - origin).days: name for d, name in closed.items() if origin <= d < last}
    return RunDays(origin=origin, weeks=weeks, closed=dict(sorted(days.items())))


def business_clock(
    hours: Weekly, calendar: CalendarSpec | None, warmup_weeks: float, end_min: float
) -> BusinessClock | HolidayClock:
    """The business-hours clock of a run: weekly, or on real dates when the model has a
    calendar (then it covers the run until ``end_min`` and a margin)."""
    if calendar is None:
        return BusinessClock(hours)
    days = run_days(calendar, warmup_weeks, end_min)
    return HolidayClock(hours, days.origin, days.weeks, days.closed_dates)
