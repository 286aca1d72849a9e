"""Solving the roster: fewest heads (or lowest cost) first, then a fair spread of the hard shifts.

The solver works in two rounds on the model of ``sim.roster.model``:

1. **Size.** Fewest people (``objective: heads``) or the lowest pay for the cycle
   (``objective: cost``: contract hours plus night and weekend premiums on the shifts worked).
   CP-SAT stops at the time limit and reports the best answer found and the best bound it
   proved; their distance is the optimality gap printed beside the answer.
2. **Fairness.** With the size of round 1 held, night shifts and weekends worked are spread as
   evenly as the rules allow: the solver minimises the difference between the person with most
   and the person with fewest of each.

When no roster meets the demand under the rules, there is no "infeasible": the shortfall model
(``sim.roster.shortfall``) reports which shifts on which days stay short and the smallest change
that would close the gap.

Before any solving, inputs that cannot work are refused with a Dutch message
(``RosterError``): a contract shorter than the shortest shift, or rules under which no single
person can reach their contract hours.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from sim.roster.bound import LowerBound, lower_bound
from sim.roster.demand import DAYS_PER_WEEK, Demand
from sim.roster.model import CENTS_PER_EUR, Expr, Pay, RosterModel, build, premium_cents
from sim.roster.rules import RosterRules, Wish

DEFAULT_TIME_LIMIT_S = 20.0
DEFAULT_WORKERS = 2
SOLVER_SEED = 1
SIZE_SHARE = 0.7  # share of the time limit for round 1; fairness gets the rest
POOL_MARGIN = 1.25  # candidate people: this much above the hours a smallest contract covers
MIN_WEEKS, MAX_WEEKS = 1, 12


class RosterError(ValueError):
    """Input for which no roster can be made, with one Dutch message (never a CLI option)."""


class RosterTimeoutError(RosterError):
    """The solver found no roster at all, not even one with shortfalls, in its time limit: more
    time or a shorter cycle may find one, so callers may retry (the app does, once)."""


@dataclass(frozen=True)
class PersonLine:
    """One person's line in the cycle: a shift kind index per day, or None for a day off."""

    label: str
    contract_h: int
    shifts: tuple[int | None, ...]
    wish: Wish | None = None  # what this person needs from their line, if anything


@dataclass(frozen=True)
class Shortfall:
    """People missing on one shift on one day of the cycle."""

    week: int  # 1-based
    weekday: int  # 0 = Monday
    kind: int
    missing: int


@dataclass(frozen=True)
class RosterResult:
    """A roster and how good it is; ``shortfall`` is empty when the demand is fully met."""

    demand: Demand
    rules: RosterRules
    weeks: int
    people: tuple[PersonLine, ...]
    status: str  # "optimaal", "toelaatbaar" or "tekort"
    objective: float  # heads, or euros per cycle
    solver_bound: float  # best bound CP-SAT proved for the objective
    bound: LowerBound
    seconds: float
    cost_per_week_eur: float
    shortfall: tuple[Shortfall, ...] = ()
    suggestion: str | None = None
    size_seconds: float = 0.0  # until round 1 (the size) was settled; fairness takes the rest

    @property
    def heads(self) -> int:
        return len(self.people)

    @property
    def gap(self) -> float:
        """Relative optimality gap of round 1 (0 = proven best)."""
        if self.objective <= 0:
            return 0.0
        return max(0.0, (self.objective - self.solver_bound) / self.objective)

    @property
    def days(self) -> int:
        return DAYS_PER_WEEK * self.weeks

    def cover(self) -> list[list[int]]:
        """People on each shift kind on each day: ``cover[day][kind]``."""
        out = [[0] * len(self.demand.kinds) for _ in range(self.days)]
        for person in self.people:
            for d, k in enumerate(person.shifts):
                if k is not None:
                    out[d][k] += 1
        return out


def check_inputs(demand: Demand, rules: RosterRules, weeks: int) -> None:
    """Refuse inputs no roster can meet, before solving; Dutch messages."""
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise RosterError(
            f"cyclus van {weeks} weken; verwacht een cyclus van {MIN_WEEKS} tot en met "
            f"{MAX_WEEKS} weken (meestal 4 tot 6)"
        )
    shortest = min(k.hours for k in demand.kinds)
    longest = max(k.hours for k in demand.kinds)
    for contract in rules.contracts_h:
        if contract < shortest:
            raise RosterError(
                f"contract van {contract} uur per week is korter dan de kortste dienst "
                f"({_h(shortest)} uur); verwacht contracten van minstens {_h(shortest)} uur"
            )
    most_days = DAYS_PER_WEEK * rules.max_days_in_row / (rules.max_days_in_row + 1)
    most_days = min(most_days, DAYS_PER_WEEK)
    reachable = min(longest * most_days, rules.max_hours_per_week)
    for contract in rules.contracts_h:
        if contract - rules.contract_band_h > reachable + 1e-9:
            raise RosterError(
                f"contract van {contract} uur is met deze regels niet te halen: met hoogstens "
                f"{rules.max_days_in_row} dagen achter elkaar, diensten van hoogstens "
                f"{_h(longest)} uur en hoogstens {_h(rules.max_hours_per_week)} uur per week komt "
                f"iemand gemiddeld op hoogstens {_h(round(reachable, 1))} uur; verwacht kleinere "
                "contracten of ruimere regels (max_days_in_row, max_hours_per_week)"
            )


def _h(hours: float) -> str:
    return f"{hours:g}".replace(".", ",")


def pool_size(demand: Demand, rules: RosterRules, weeks: int, bound: LowerBound) -> int:
    """Candidate people: enough for any sensible roster, few enough to solve quickly."""
    smallest = max(min(rules.contracts_h) - rules.contract_band_h, 1.0)
    by_hours = math.ceil(demand.hours_per_week() / smallest * POOL_MARGIN)
    return max(by_hours, bound.heads + 2, len(rules.wish_per_person()) + 2, 2)


def new_solver(seconds: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = SOLVER_SEED
    return solver


def solve_roster(
    demand: Demand,
    rules: RosterRules | None = None,
    weeks: int = 4,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    workers: int = DEFAULT_WORKERS,
    max_heads: int | None = None,
    pay: Pay | None = None,
    suggest: bool = True,
) -> RosterResult:
    """The best roster found within ``time_limit_s``; a shortfall report when none meets demand."""
    rules = rules or RosterRules()
    pay = pay or Pay()
    check_inputs(demand, rules, weeks)
    started = time.perf_counter()
    bound = lower_bound(demand, rules, weeks)
    pool = pool_size(demand, rules, weeks, bound)
    if max_heads is not None:
        pool = min(pool, max_heads)
    size_s = time_limit_s * SIZE_SHARE
    if rules.objective == "heads":
        found = _fewest_heads(demand, rules, weeks, bound, pool, size_s, workers, pay)
    else:
        found = _cheapest(demand, rules, weeks, bound, pool, size_s, workers, max_heads, pay)
    if found is None:
        from sim.roster.shortfall import shortfall_roster  # imports this module: import late

        remaining = max(time_limit_s - (time.perf_counter() - started), time_limit_s * 0.3)
        return shortfall_roster(
            demand,
            rules,
            weeks,
            bound=bound,
            pool=pool,
            time_limit_s=remaining,
            workers=workers,
            max_heads=max_heads,
            pay=pay,
            started=started,
            suggest=suggest,
        )
    solver, built, objective, best, best_bound = found
    size_seconds = time.perf_counter() - started
    lines = _lines(solver, built, demand, weeks)
    remaining = time_limit_s - (time.perf_counter() - started)
    fair = _fairness(built, solver, objective, best, remaining, workers)
    if fair is not None:
        lines = _lines(fair, built, demand, weeks)
    proven = best_bound >= best - 1e-9
    scale = 1.0 if rules.objective == "heads" else 1 / CENTS_PER_EUR
    return RosterResult(
        demand=demand,
        rules=rules,
        weeks=weeks,
        people=tuple(lines),
        status="optimaal" if proven else "toelaatbaar",
        objective=best * scale,
        solver_bound=min(best_bound, best) * scale,
        bound=bound,
        seconds=time.perf_counter() - started,
        cost_per_week_eur=cost_per_week(lines, demand, weeks, pay),
        size_seconds=size_seconds,
    )


Found = tuple[cp_model.CpSolver, RosterModel, Expr, float, float]


def _fewest_heads(
    demand: Demand,
    rules: RosterRules,
    weeks: int,
    bound: LowerBound,
    pool: int,
    seconds: float,
    workers: int,
    pay: Pay,
) -> Found | None:
    """Try a team of exactly h people for h = the lower bound, h + 1, ... up to the pool.

    A team of fixed size is a plain feasibility question, which CP-SAT answers far faster than
    "minimise the heads" over a large pool. Each try gets half the time left; a try that runs
    out of time without an answer leaves ``h`` unproven, so the reported bound stays at ``h``.
    """
    deadline = time.perf_counter() + seconds
    proven_below = bound.heads  # every team smaller than this is shown not to work
    for heads in range(max(bound.heads, 1), pool + 1):
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        built = build(demand, rules, weeks, heads, pay=pay)
        for used in built.used:
            built.model.add(used == 1)
        solver = new_solver(left / 2 if heads < pool else left, workers)
        status = solver.solve(built.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return solver, built, built.heads, float(heads), float(proven_below)
        if status == cp_model.INFEASIBLE and proven_below == heads:
            proven_below = heads + 1
    return None


def _cheapest(
    demand: Demand,
    rules: RosterRules,
    weeks: int,
    bound: LowerBound,
    pool: int,
    seconds: float,
    workers: int,
    max_heads: int | None,
    pay: Pay,
) -> Found | None:
    """Lowest pay for the cycle over a pool of candidate people."""
    built = build(demand, rules, weeks, pool, max_heads=max_heads, pay=pay)
    built.model.add(built.heads >= bound.heads)  # a valid cut: no roster has fewer people
    built.model.minimize(built.cost_cents)
    solver = new_solver(seconds, workers)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver, built, built.cost_cents, solver.objective_value, solver.best_objective_bound


def _fairness(
    built: RosterModel,
    first: cp_model.CpSolver,
    objective: Expr,
    best: float,
    seconds: float,
    workers: int,
) -> cp_model.CpSolver | None:
    """Round 2: hold round 1's size, spread nights and weekends; None if it found nothing."""
    if seconds <= 0.2:
        return None
    m = built.model
    m.add(objective <= round(best))
    for var in built.x.values():  # start from round 1's answer
        m.add_hint(var, first.value(var))
    for var in built.used:
        m.add_hint(var, first.value(var))
    spread = []
    big = len(built.x)
    for counts in (built.nights, built.weekends):
        hi = m.new_int_var(0, big, "")
        lo = m.new_int_var(0, big, "")
        for used, count in zip(built.used, counts, strict=True):
            m.add(hi >= count)
            m.add(lo <= count + big * (1 - used))
        spread.append(hi - lo)
    m.minimize(sum(spread))
    solver = new_solver(seconds, workers)
    status = solver.solve(m)
    return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def _lines(
    solver: cp_model.CpSolver, built: RosterModel, demand: Demand, weeks: int
) -> list[PersonLine]:
    days = DAYS_PER_WEEK * weeks
    wish_of = built.wishes
    lines = []
    for p, used in enumerate(built.used):
        if not solver.value(used):
            continue
        contract = next(c for c, v in built.contract[p].items() if solver.value(v))
        shifts: list[int | None] = [None] * days
        for d in range(days):
            for k in range(len(demand.kinds)):
                var = built.x.get((p, d, k))
                if var is not None and solver.value(var):
                    shifts[d] = k
        lines.append((contract, tuple(shifts), wish_of[p] if p < len(wish_of) else None))
    lines.sort(key=lambda line: (-line[0], line[1].count(None)))
    return [
        PersonLine(
            f"Medewerker {i + 1}" + (f" ({wish.describe()})" if wish is not None else ""),
            contract,
            shifts,
            wish,
        )
        for i, (contract, shifts, wish) in enumerate(lines)
    ]


def cost_per_week(lines: list[PersonLine], demand: Demand, weeks: int, pay: Pay) -> float:
    """Contract pay, hours above the contract, and premiums on the shifts worked, per week."""
    salary = 0.0
    for line in lines:
        worked_h = sum(demand.kinds[k].length_min for k in line.shifts if k is not None) / 60
        salary += max(line.contract_h * weeks, worked_h) * pay.hourly_eur
    premiums = (
        sum(
            premium_cents(demand, k, d % DAYS_PER_WEEK, pay)
            for line in lines
            for d, k in enumerate(line.shifts)
            if k is not None
        )
        / CENTS_PER_EUR
    )
    return (salary + premiums) / weeks


__all__ = [
    "DEFAULT_TIME_LIMIT_S",
    "PersonLine",
    "RosterError",
    "RosterResult",
    "RosterTimeoutError",
    "Shortfall",
    "check_inputs",
    "cost_per_week",
    "solve_roster",
]
