"""The roster as a constraint programme for OR-Tools CP-SAT.

One yes/no variable per candidate person, day of the cycle and shift kind says "this person works
this shift on this day". The cycle of ``weeks`` weeks repeats, so every rule wraps round: the
last Sunday is followed by the first Monday. The labour rules (``sim.roster.rules``) become
constraints on each person's line; the cover (people per shift and day) must reach the demand,
or, in the shortfall model, may fall short at a price.

Candidate people come from a pool larger than any sensible answer; a person is "used" when they
have a contract. Used people come first and in order of contract hours, which removes most of
the pool's symmetry (people are interchangeable, the solver need not try every order).

This module only builds the model; ``sim.roster.solve`` runs it. The independent
``sim.roster.check`` verifies the outcome without this code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from sim.roster.demand import (
    DAYS_PER_WEEK,
    MINUTES_PER_DAY,
    Demand,
    night_minutes,
    touches_weekend,
)
from sim.roster.rules import NIGHT_WORK_MIN, RosterRules, Wish

MAX_DAYS_AHEAD = 3  # rest rules never reach further than 3 days (shifts <= 24 h, rest <= 48 h)
CENTS_PER_EUR = 100

Expr = cp_model.LinearExpr | cp_model.IntVar | int  # what sum() over variables gives


@dataclass(frozen=True)
class Pay:
    """What a contract hour costs and the premiums (fractions) for night and weekend minutes."""

    hourly_eur: float = 40.0
    night_premium: float = 0.0
    weekend_premium: float = 0.0
    night_start_hour: int = 22
    night_end_hour: int = 7


@dataclass
class RosterModel:
    """The CP-SAT model and the variables the solver and the result need."""

    model: cp_model.CpModel
    x: dict[tuple[int, int, int], cp_model.IntVar]  # (person, day, kind) -> works it
    used: list[cp_model.IntVar]
    contract: list[dict[int, cp_model.IntVar]]  # person -> {contract hours: chosen}
    under: dict[tuple[int, int], cp_model.IntVar]  # (day, kind) -> people missing (soft cover)
    nights: list[Expr]  # night shifts per person in the cycle
    weekends: list[Expr]  # weekends worked per person in the cycle
    heads: Expr
    cost_cents: Expr  # pay for the whole cycle
    wishes: list[Wish] = field(default_factory=list)  # wish of person p, for p < len(wishes)


def is_night(demand: Demand, kind: int) -> bool:
    return night_minutes(demand.kinds[kind]) > NIGHT_WORK_MIN


def premium_cents(demand: Demand, kind: int, weekday: int, pay: Pay) -> int:
    """Premium in cents for working ``kind`` on ``weekday``: night or weekend, the higher."""
    shift = demand.kinds[kind]
    total = 0.0
    for minute in range(shift.start_min, shift.start_min + shift.length_min):
        day = (weekday + minute // MINUTES_PER_DAY) % DAYS_PER_WEEK
        hour = (minute % MINUTES_PER_DAY) // 60
        if pay.night_start_hour > pay.night_end_hour:
            night = hour >= pay.night_start_hour or hour < pay.night_end_hour
        else:
            night = pay.night_start_hour <= hour < pay.night_end_hour
        premium = max(pay.night_premium if night else 0.0, pay.weekend_premium if day >= 5 else 0.0)
        total += premium * pay.hourly_eur / 60
    return round(total * CENTS_PER_EUR)


def build(
    demand: Demand,
    rules: RosterRules,
    weeks: int,
    pool: int,
    *,
    soft: bool = False,
    max_heads: int | None = None,
    pay: Pay | None = None,
) -> RosterModel:
    pay = pay or Pay()
    m = cp_model.CpModel()
    days = DAYS_PER_WEEK * weeks
    kinds = range(len(demand.kinds))
    people = range(pool)
    open_kinds = [[k for k in kinds if demand.need[k][d % DAYS_PER_WEEK] > 0] for d in range(days)]
    x = {
        (p, d, k): m.new_bool_var(f"x{p}_{d}_{k}")
        for p in people
        for d in range(days)
        for k in open_kinds[d]
    }
    used = [m.new_bool_var(f"used{p}") for p in people]
    contract = [{c: m.new_bool_var(f"c{p}_{c}") for c in rules.contracts_h} for p in people]
    night_kinds = {k for k in kinds if is_night(demand, k)}

    def on(p: int, d: int, only: set[int] | None = None) -> list[cp_model.IntVar]:
        d %= days
        return [x[p, d, k] for k in open_kinds[d] if only is None or k in only]

    band_min = round(rules.contract_band_h * 60)
    week_max_min = round(rules.max_hours_per_week * 60)
    free = rules.free_weekends(weeks)
    nights_of: list[Expr] = []
    weekends_of: list[Expr] = []
    overtime_min: list[cp_model.IntVar] = []
    wish_of = rules.wish_per_person()
    # People with a wish are real team members: always in the roster (a pool too small for
    # them makes the model infeasible, so a fixed-size try below their number fails).
    m.add(sum(used) >= len(wish_of))
    for p in people:
        m.add(sum(contract[p].values()) == used[p])
        if p < len(wish_of):
            _wish(m, wish_of[p], on, p, days, night_kinds, used)
        for d in range(days):
            m.add(sum(on(p, d)) <= used[p])  # one shift a day, and none for the unused
        _rest(m, demand, rules, on, p, days)
        _in_a_row(m, [on(p, d) for d in range(days)], rules.max_days_in_row, days)
        night_days = [on(p, d, night_kinds) for d in range(days)]
        _in_a_row(m, night_days, rules.max_nights_in_row, days)
        _rest_after_nights(m, demand, rules, on, night_kinds, p, days)
        worked_weekends = []
        for w in range(weeks):
            touching = [
                x[p, d, k]
                for d in range(w * DAYS_PER_WEEK, (w + 1) * DAYS_PER_WEEK)
                for k in open_kinds[d]
                if touches_weekend(demand.kinds[k], d % DAYS_PER_WEEK)
            ]
            if touching:
                wk = m.new_bool_var(f"wk{p}_{w}")
                m.add_max_equality(wk, touching)
                worked_weekends.append(wk)
        if len(worked_weekends) > weeks - free:
            m.add(sum(worked_weekends) <= weeks - free)
        weekends_of.append(sum(worked_weekends))
        nights_of.append(sum(v for row in night_days for v in row))
        minutes = sum(
            x[p, d, k] * demand.kinds[k].length_min for d in range(days) for k in open_kinds[d]
        )
        contract_min = sum(v * c * 60 for c, v in contract[p].items())
        # Hours above the contract over the cycle are paid on top (meerwerk); hours below are
        # paid anyway, so cost never rewards rostering people for less than they earn.
        over = m.new_int_var(0, weeks * week_max_min, f"over{p}")
        m.add(over >= minutes - weeks * contract_min)
        overtime_min.append(over)
        m.add(minutes >= weeks * contract_min - weeks * band_min * used[p])
        m.add(minutes <= weeks * contract_min + weeks * band_min * used[p])
        for w in range(weeks):
            week = range(w * DAYS_PER_WEEK, (w + 1) * DAYS_PER_WEEK)
            m.add(
                sum(x[p, d, k] * demand.kinds[k].length_min for d in week for k in open_kinds[d])
                <= week_max_min
            )
        # Interchangeable people in order (contract hours, then used): symmetry breaking only
        # among people without a wish, who alone are interchangeable.
        if len(wish_of) <= p and p + 1 < pool:
            m.add(used[p] >= used[p + 1])
            m.add(
                sum(v * c for c, v in contract[p].items())
                >= sum(v * c for c, v in contract[p + 1].items())
            )
    under: dict[tuple[int, int], cp_model.IntVar] = {}
    for d in range(days):
        for k in open_kinds[d]:
            need = demand.need[k][d % DAYS_PER_WEEK]
            cover = sum(x[p, d, k] for p in people)
            if soft:
                under[d, k] = m.new_int_var(0, need, f"under{d}_{k}")
                m.add(cover + under[d, k] >= need)
            else:
                m.add(cover >= need)
    heads = sum(used)
    if max_heads is not None:
        m.add(heads <= max_heads)
    salary = sum(
        v * round(c * weeks * pay.hourly_eur * CENTS_PER_EUR)
        for p in people
        for c, v in contract[p].items()
    )
    premiums = sum(
        x[p, d, k] * premium_cents(demand, k, d % DAYS_PER_WEEK, pay)
        for p in people
        for d in range(days)
        for k in open_kinds[d]
    )
    overtime = sum(overtime_min) * round(pay.hourly_eur * CENTS_PER_EUR / 60)
    return RosterModel(
        m,
        x,
        used,
        contract,
        under,
        nights_of,
        weekends_of,
        heads,
        salary + premiums + overtime,
        wish_of,
    )


def _wish(
    m: cp_model.CpModel,
    wish: Wish,
    on,
    p: int,
    days: int,
    night_kinds: set[int],
    used: list[cp_model.IntVar],
) -> None:
    """Person ``p`` is in the team and their line keeps ``wish``."""
    m.add(used[p] == 1)
    for d in range(days):
        if wish.no_nights:
            for var in on(p, d, night_kinds):
                m.add(var == 0)
        if wish.day_off is not None and d % DAYS_PER_WEEK == wish.day_off:
            for var in on(p, d):
                m.add(var == 0)


def _gap_min(demand: Demand, a: int, b: int, days_ahead: int) -> int:
    """Minutes of rest between kind ``a`` on a day and kind ``b`` ``days_ahead`` days later."""
    first, second = demand.kinds[a], demand.kinds[b]
    return days_ahead * MINUTES_PER_DAY + second.start_min - (first.start_min + first.length_min)


def _rest(m: cp_model.CpModel, demand: Demand, rules: RosterRules, on, p: int, days: int) -> None:
    rest_min = rules.min_rest_h * 60
    kinds = range(len(demand.kinds))
    bad = [
        (a, b, ahead)
        for ahead in range(1, MAX_DAYS_AHEAD + 1)
        for a in kinds
        for b in kinds
        if _gap_min(demand, a, b, ahead) < rest_min
    ]
    for d in range(days):
        today = {k: v for k, v in zip(_open(demand, d), on(p, d), strict=True)}
        for a, b, ahead in bad:
            if ahead >= days:
                continue
            later = dict(zip(_open(demand, d + ahead), on(p, d + ahead), strict=True))
            if a in today and b in later:
                m.add_bool_or([today[a].Not(), later[b].Not()])


def _open(demand: Demand, d: int) -> list[int]:
    return [k for k in range(len(demand.kinds)) if demand.need[k][d % DAYS_PER_WEEK] > 0]


def _in_a_row(
    m: cp_model.CpModel, per_day: list[list[cp_model.IntVar]], most: int, days: int
) -> None:
    """At most ``most`` days in a row with one of the day's variables set (cyclic)."""
    if most >= days:
        return
    for d in range(days):
        window = [v for i in range(most + 1) for v in per_day[(d + i) % days]]
        if len(window) > most:
            m.add(sum(window) <= most)


def _rest_after_nights(
    m: cp_model.CpModel,
    demand: Demand,
    rules: RosterRules,
    on,
    nights: set[int],
    p: int,
    days: int,
) -> None:
    """After the last night of a series of ``night_series_for_long_rest`` or more, long rest."""
    series = rules.night_series_for_long_rest
    rest_min = rules.rest_after_nights_h * 60
    if not nights or series > days:
        return
    for d in range(days):
        last = dict(zip(_open(demand, d), on(p, d), strict=True))
        before = [on(p, d - i, nights) for i in range(1, series)]
        if any(not row for row in before):
            continue  # no night shift possible on one of the days before: no series here
        night_flags = [_one(m, row) for row in before]
        next_night = on(p, d + 1, nights)
        for a in nights:
            if a not in last:
                continue
            for ahead in range(1, MAX_DAYS_AHEAD + 1):
                if ahead >= days:
                    break
                later = dict(zip(_open(demand, d + ahead), on(p, d + ahead), strict=True))
                for b, var in later.items():
                    if ahead == 1 and b in nights:
                        continue  # the series goes on
                    if _gap_min(demand, a, b, ahead) < rest_min:
                        m.add_bool_or(
                            [last[a].Not(), var.Not(), *next_night]
                            + [flag.Not() for flag in night_flags]
                        )


def _one(m: cp_model.CpModel, row: list[cp_model.IntVar]) -> cp_model.IntVar:
    if len(row) == 1:
        return row[0]
    flag = m.new_bool_var("")
    m.add_max_equality(flag, row)
    return flag


__all__ = ["Pay", "RosterModel", "build", "is_night", "premium_cents"]
