"""An independent check of a roster against the labour rules and the demand.

The solver builds its rules as constraints between pairs of days; this checker shares none of
that code. It lays every person's shifts out as clock intervals on a timeline of the cycle, laid
twice end to end so the rules that wrap round (the last Sunday before the first Monday) are seen,
and measures: the rest between one interval's end and the next one's start, the runs of
consecutive days and of night shifts, the rest after a series of nights, the weekends touched by
any interval, the average and the longest week's hours against the contract, and per day and
shift the people present against the people needed.

It returns every breach as a Dutch sentence a team lead can act on. The tests run it on every
roster the solver produces and on hand-made bad rosters, one per rule.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sim.roster.demand import Demand
from sim.roster.rules import RosterRules, Wish

DAY_MIN = 1440
WEEK_DAYS = 7
DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
LAW_NIGHT = (0, 360)  # 00:00-06:00
LAW_NIGHT_MORE_THAN_MIN = 60
EPS = 1e-9


@dataclass(frozen=True)
class Violation:
    rule: str  # rust, dagen, nachten, nachtrust, weekend, contract, week, bezetting, dienst, wens
    person: str | None
    message: str


def _when(day: int) -> str:
    return f"week {day // WEEK_DAYS + 1} {DAY_NAMES[day % WEEK_DAYS]}"


def _n(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _night(start: int, end: int) -> bool:
    """More than an hour of the interval falls between 00:00 and 06:00 of some day."""
    inside = 0
    first_day = start // DAY_MIN
    for day in range(first_day, end // DAY_MIN + 1):
        lo, hi = day * DAY_MIN + LAW_NIGHT[0], day * DAY_MIN + LAW_NIGHT[1]
        inside += max(0, min(end, hi) - max(start, lo))
    return inside > LAW_NIGHT_MORE_THAN_MIN


def check_roster(
    lines: Sequence[tuple[str, int, Sequence[int | None]]],
    demand: Demand,
    rules: RosterRules,
    weeks: int,
    wishes: Mapping[str, Wish] | None = None,
) -> list[Violation]:
    """Breaches of ``rules`` and ``demand`` by ``lines`` (label, contract hours, kind per day),
    and of the ``wishes`` of the people they name (by label)."""
    days = WEEK_DAYS * weeks
    cycle = days * DAY_MIN
    out: list[Violation] = []
    present = [[0] * len(demand.kinds) for _ in range(days)]
    for label, contract, shifts in lines:
        if len(shifts) != days:
            out.append(
                Violation("dienst", label, f"{label}: {len(shifts)} dagen in plaats van {days}")
            )
            continue
        intervals: list[tuple[int, int, int]] = []  # (start, end, day) over two cycles
        for lap in range(2):
            for day, kind in enumerate(shifts):
                if kind is None:
                    continue
                shift = demand.kinds[kind]
                start = lap * cycle + day * DAY_MIN + shift.start_min
                intervals.append((start, start + shift.length_min, day))
        for day, kind in enumerate(shifts):
            if kind is not None:
                if demand.need[kind][day % WEEK_DAYS] == 0:
                    out.append(
                        Violation(
                            "dienst",
                            label,
                            f"{label}: dienst {demand.kinds[kind].code} op {_when(day)} is "
                            "daar niet nodig",
                        )
                    )
                present[day][kind] += 1
        out.extend(_rest(label, intervals, rules, cycle))
        out.extend(_runs(label, shifts, demand, rules, days))
        out.extend(_weekends(label, intervals[: len(intervals) // 2], cycle, rules, weeks))
        out.extend(_hours(label, contract, shifts, demand, rules, weeks))
        wish = (wishes or {}).get(label)
        if wish is not None:
            out.extend(_wish(label, wish, shifts, demand))
    named = len((wishes or {}).keys() & {label for label, _, _ in lines})
    if len(rules.wish_per_person()) > named and wishes is not None:
        out.append(
            Violation(
                "wens",
                None,
                f"{len(rules.wish_per_person())} medewerkers met een wens, {named} in het rooster",
            )
        )
    for day in range(days):
        for kind, shift in enumerate(demand.kinds):
            need = demand.need[kind][day % WEEK_DAYS]
            if present[day][kind] < need:
                out.append(
                    Violation(
                        "bezetting",
                        None,
                        f"{_when(day)}, dienst {shift.code} ({shift.times}): {present[day][kind]} "
                        f"ingeroosterd, {need} nodig",
                    )
                )
    return out


def _wish(label: str, wish: Wish, shifts: Sequence[int | None], demand: Demand) -> list[Violation]:
    out = []
    for day, kind in enumerate(shifts):
        if kind is None:
            continue
        shift = demand.kinds[kind]
        if wish.no_nights and _night(shift.start_min, shift.start_min + shift.length_min):
            out.append(
                Violation("wens", label, f"{label}: nachtdienst {shift.code} op {_when(day)}")
            )
        if wish.day_off is not None and day % WEEK_DAYS == wish.day_off:
            out.append(
                Violation("wens", label, f"{label}: dienst {shift.code} op vrije dag {_when(day)}")
            )
    return out


def _rest(
    label: str, intervals: list[tuple[int, int, int]], rules: RosterRules, cycle: int
) -> list[Violation]:
    out = []
    ordered = sorted(intervals)
    for (s1, e1, d1), (s2, _, d2) in itertools.pairwise(ordered):
        if s1 >= cycle:
            break  # the second lap only serves the wrap-round of the first
        rest_h = (s2 - e1) / 60
        if rest_h < rules.min_rest_h - EPS:
            out.append(
                Violation(
                    "rust",
                    label,
                    f"{label}: {rest_h:g} uur rust tussen de dienst van {_when(d1)} en die van "
                    f"{_when(d2)}; minstens {rules.min_rest_h:g} uur nodig".replace(".", ","),
                )
            )
    return out


def _runs(
    label: str, shifts: Sequence[int | None], demand: Demand, rules: RosterRules, days: int
) -> list[Violation]:
    out = []
    worked = [k is not None for k in shifts]
    nights = []
    for day, kind in enumerate(shifts):
        if kind is None:
            nights.append(False)
        else:
            start = day * DAY_MIN + demand.kinds[kind].start_min
            nights.append(_night(start, start + demand.kinds[kind].length_min))
    for flags, most, rule, what in (
        (worked, rules.max_days_in_row, "dagen", "dagen"),
        (nights, rules.max_nights_in_row, "nachten", "nachtdiensten"),
    ):
        for start, length in _streaks(flags):
            if length > most:
                out.append(
                    Violation(
                        rule,
                        label,
                        f"{label}: {length} {what} achter elkaar vanaf {_when(start)}; "
                        f"hoogstens {most} toegestaan",
                    )
                )
    for start, length in _streaks(nights):
        if length < rules.night_series_for_long_rest:
            continue
        last = (start + length - 1) % days
        kind = shifts[last]
        assert kind is not None
        end = last * DAY_MIN + demand.kinds[kind].start_min + demand.kinds[kind].length_min
        for ahead in range(1, days):
            nxt = shifts[(last + ahead) % days]
            if nxt is None:
                continue
            begin = (last + ahead) * DAY_MIN + demand.kinds[nxt].start_min
            rest_h = (begin - end) / 60
            if rest_h < rules.rest_after_nights_h - EPS:
                out.append(
                    Violation(
                        "nachtrust",
                        label,
                        f"{label}: na {length} nachten (laatste op {_when(last)}) maar "
                        f"{_n(rest_h)} uur rust; minstens {_n(rules.rest_after_nights_h)} uur "
                        "nodig",
                    )
                )
            break
    return out


def _streaks(flags: list[bool]) -> list[tuple[int, int]]:
    """Maximal runs of True in a cyclic list: (start, length); an all-True list is one run."""
    n = len(flags)
    if all(flags):
        return [(0, n)] if n else []
    first_false = flags.index(False)
    runs = []
    length = 0
    for i in range(1, n + 1):
        j = (first_false + i) % n
        if flags[j]:
            length += 1
        elif length:
            runs.append(((j - length) % n, length))
            length = 0
    return runs


def _weekends(
    label: str, intervals: list[tuple[int, int, int]], cycle: int, rules: RosterRules, weeks: int
) -> list[Violation]:
    free = 0
    for week in range(weeks):
        lo = (week * WEEK_DAYS + 5) * DAY_MIN
        hi = lo + 2 * DAY_MIN
        touched = any(
            s + shift < hi and e + shift > lo for s, e, _ in intervals for shift in (0, -cycle)
        )
        free += not touched
    need = math.ceil(rules.free_weekends_share * weeks - EPS)
    if free < need:
        return [
            Violation(
                "weekend",
                label,
                f"{label}: {free} van de {weeks} weekenden vrij; minstens {need} nodig",
            )
        ]
    return []


def _hours(
    label: str,
    contract: int,
    shifts: Sequence[int | None],
    demand: Demand,
    rules: RosterRules,
    weeks: int,
) -> list[Violation]:
    out = []
    if contract not in rules.contracts_h:
        out.append(
            Violation(
                "contract", label, f"{label}: contract van {contract} uur bestaat niet in de regels"
            )
        )
    per_week = [0.0] * weeks
    for day, kind in enumerate(shifts):
        if kind is not None:
            per_week[day // WEEK_DAYS] += demand.kinds[kind].length_min / 60
    average = sum(per_week) / weeks
    if abs(average - contract) > rules.contract_band_h + EPS:
        out.append(
            Violation(
                "contract",
                label,
                f"{label}: gemiddeld {_n(round(average, 1))} uur per week bij een contract van "
                f"{contract} uur; toegestaan ±{_n(rules.contract_band_h)} uur",
            )
        )
    for week, hours in enumerate(per_week):
        if hours > rules.max_hours_per_week + EPS:
            out.append(
                Violation(
                    "week",
                    label,
                    f"{label}: {hours:g} uur in week {week + 1}; hoogstens "
                    f"{rules.max_hours_per_week:g} uur".replace(".", ","),
                )
            )
    return out


__all__ = ["Violation", "check_roster"]
