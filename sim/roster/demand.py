"""Demand for a roster: how many people each shift needs on each weekday.

A coverage model in a profile lists shifts (``vroeg``, mon-fri, 07:00-15:00, 7 agents). For a
roster what matters is the *kind* of shift a person works on a day: its start and its length.
Shifts with the same times are one kind (``vroeg`` on weekdays and ``weekend-vroeg`` on
Saturday and Sunday are both 07:00-15:00), so a person can work the same kind all week. Each kind
gets a short code for the roster table (V, L, M, N).

The agents come from the coverage model as the profile has them, or from the answer of
``webcare-sim size ... --json`` (``best.agents``: agents per shift and weekday), which is what a
manager wants to hire for. The demand repeats every week of the cycle.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datafiles import DataFileError, read_text
from sim.profile import WEEKDAYS, Profile, minutes_of

MINUTES_PER_DAY = 24 * 60
DAYS_PER_WEEK = 7
NIGHT_START_MIN = 0  # the law's night: 00:00-06:00
NIGHT_END_MIN = 6 * 60
WEEKEND_START_MIN = 5 * MINUTES_PER_DAY  # Saturday 00:00 as minute of the week
DAY_LABELS_NL: tuple[str, ...] = ("ma", "di", "wo", "do", "vr", "za", "zo")


class DemandError(ValueError):
    """A coverage model or sizing answer that gives no usable demand (Dutch message)."""


@dataclass(frozen=True)
class ShiftKind:
    """One kind of shift: a start time and a length; the same every day it runs."""

    code: str  # short code for the roster table: V, L, N...
    name: str  # the profile's shift name(s), "vroeg / weekend-vroeg"
    start_min: int  # minute of the day the shift starts
    length_min: int  # a shift past midnight ends the next day

    @property
    def hours(self) -> float:
        return self.length_min / 60

    @property
    def times(self) -> str:
        end = (self.start_min + self.length_min) % MINUTES_PER_DAY
        return f"{_clock(self.start_min)}-{_clock(end)}"


@dataclass(frozen=True)
class Demand:
    """People needed per shift kind and weekday (``need[kind][weekday]``, Monday first)."""

    profile: str
    coverage: str
    kinds: tuple[ShiftKind, ...]
    need: tuple[tuple[int, ...], ...]
    source: str  # "profiel" or the sizing file the agents came from

    def hours_per_week(self) -> float:
        return (
            sum(k.length_min * sum(row) for k, row in zip(self.kinds, self.need, strict=True)) / 60
        )

    def shifts_on(self, weekday: int) -> int:
        return sum(row[weekday] for row in self.need)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _codes(names: list[str]) -> list[str]:
    """Short unique codes: first letter, else the first two letters, else a number."""
    codes: list[str] = []
    for i, name in enumerate(names):
        letters = "".join(ch for ch in name if ch.isalnum()) or "D"
        for candidate in (letters[:1].upper(), letters[:2].capitalize(), f"D{i + 1}"):
            if candidate not in codes:
                codes.append(candidate)
                break
    return codes


def demand_from_profile(
    profile: Profile,
    coverage: str,
    agents: Mapping[str, Mapping[str, int]] | None = None,
    source: str = "profiel",
) -> Demand:
    """The demand of one coverage model; ``agents`` ({shift: {day: n}}) overrides its agents."""
    if coverage not in profile.coverages:
        raise DemandError(
            f"onbekend dekkingsmodel {coverage!r} in profiel {profile.name}; kies een van: "
            + ", ".join(profile.coverage_names)
        )
    names = profile.shift_names(coverage)
    shifts = profile.coverages[coverage].shifts
    if agents is not None:
        unknown = [s for s in agents if s not in names]
        if unknown:
            raise DemandError(
                f"{source}: dienst {unknown[0]!r} bestaat niet in dekkingsmodel {coverage}; "
                f"verwacht een van: {', '.join(names)}"
            )
    by_times: dict[tuple[int, int], list[str]] = {}
    need_by_times: dict[tuple[int, int], list[int]] = {}
    for name, shift in zip(names, shifts, strict=True):
        start = minutes_of(shift.start)
        end = minutes_of(shift.end)
        length = (end - start) % MINUTES_PER_DAY or MINUTES_PER_DAY
        key = (start, length)
        by_times.setdefault(key, [])
        need_by_times.setdefault(key, [0] * DAYS_PER_WEEK)
        if name not in by_times[key]:
            by_times[key].append(name)
        for day in shift.days:
            count = shift.agents
            if agents is not None and name in agents:
                count = _count(agents[name].get(day, shift.agents), source, name, day)
            need_by_times[key][WEEKDAYS.index(day)] += count
    keys = [k for k in by_times if any(need_by_times[k])]
    if not keys:
        raise DemandError(
            f"dekkingsmodel {coverage} van profiel {profile.name} heeft geen diensten met "
            "medewerkers; verwacht minstens één dienst met agents groter dan 0"
        )
    keys.sort()
    labels = [" / ".join(by_times[k]) for k in keys]
    codes = _codes([by_times[k][0] for k in keys])
    kinds = tuple(
        ShiftKind(code, label, start, length)
        for code, label, (start, length) in zip(codes, labels, keys, strict=True)
    )
    need = tuple(tuple(need_by_times[k]) for k in keys)
    return Demand(profile.name, coverage, kinds, need, source)


def _count(value: Any, source: str, shift: str, day: str) -> int:
    whole = isinstance(value, int | float) and not isinstance(value, bool) and value == int(value)
    if not whole or value < 0:
        raise DemandError(
            f"{source}: agents voor dienst {shift} op {day} is {value!r}; verwacht een heel "
            "getal van 0 of meer"
        )
    return int(value)


MAX_SIZING_BYTES = 10_000_000  # 10 MB; `size --json` output is a few kilobytes


def agents_from_sizing(path: str | Path) -> dict[str, dict[str, int]]:
    """Agents per shift and day from ``webcare-sim size ... --json`` output (``best.agents``)."""
    file = Path(path)
    try:
        data = json.loads(read_text(file, max_bytes=MAX_SIZING_BYTES).text)
    except DataFileError as exc:
        raise DemandError(f"{file}: {exc.message}") from None
    except (json.JSONDecodeError, RecursionError, ValueError):
        raise DemandError(
            f"{file}: geen geldige JSON; verwacht de uitvoer van `webcare-sim size PROFIEL --json`"
        ) from None
    agents = data.get("best", {}).get("agents") if isinstance(data, dict) else None
    if not isinstance(agents, dict) or not all(isinstance(v, dict) for v in agents.values()):
        raise DemandError(
            f"{file}: veld `best.agents` ontbreekt of is geen tabel per dienst en dag; verwacht "
            "de uitvoer van `webcare-sim size PROFIEL --json`"
        )
    for shift, days in agents.items():
        for day in days:
            if day not in WEEKDAYS:
                raise DemandError(
                    f"{file}: veld `best.agents.{shift}` heeft dag {day!r}; verwacht een van "
                    + ", ".join(WEEKDAYS)
                )
    return {str(s): dict(d) for s, d in agents.items()}


def night_minutes(kind: ShiftKind) -> int:
    """Minutes of the shift between 00:00 and 06:00 (of its own day or the next)."""
    start, end = kind.start_min, kind.start_min + kind.length_min
    total = 0
    for offset in (0, MINUTES_PER_DAY):
        lo, hi = NIGHT_START_MIN + offset, NIGHT_END_MIN + offset
        total += max(0, min(end, hi) - max(start, lo))
    return total


def touches_weekend(kind: ShiftKind, weekday: int) -> bool:
    """Whether the shift, started on ``weekday`` (0 = Monday), has any minute on Sat or Sun."""
    start = weekday * MINUTES_PER_DAY + kind.start_min
    end = start + kind.length_min
    week = DAYS_PER_WEEK * MINUTES_PER_DAY
    return end > WEEKEND_START_MIN and start < week


__all__ = [
    "DAY_LABELS_NL",
    "Demand",
    "DemandError",
    "ShiftKind",
    "agents_from_sizing",
    "demand_from_profile",
    "night_minutes",
    "touches_weekend",
]
