"""When the rules make the demand impossible: what stays short, and the smallest fix.

A solver that answers "infeasible" leaves a manager with nothing. Instead the cover is made
soft: every missing person on a shift costs more than any extra head, so the solver finds the
roster that leaves the fewest shifts short. What stays short is reported per shift and day.

Then the smallest change that would close the gap is searched: each candidate change (one more
head when the team is capped, one more day in a row, one weekend fewer off per cycle, one more
night in a row, a wider contract band, a smaller contract, a longer week) is tried on its own,
in that order, and the first that leaves nothing short is reported. Changes below the legal
minimum rest are never suggested.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from sim.roster.bound import LowerBound
from sim.roster.demand import DAYS_PER_WEEK, Demand
from sim.roster.model import Pay, build
from sim.roster.rules import RosterRules
from sim.roster.solve import (
    PersonLine,
    RosterError,
    RosterResult,
    RosterTimeoutError,
    Shortfall,
    _lines,
    check_inputs,
    cost_per_week,
    new_solver,
)

SUGGESTION_SHARE = 0.6  # share of the time for trying changes; the rest finds the shortfall
EXTRA_CONTRACTS_H = (16, 8)  # smaller contracts to try when hours do not fill a contract
EXTRA_WEEK_H = 12.0
EXTRA_BAND_H = 2.0
MIN_TRY_S = 1.0


@dataclass(frozen=True)
class Change:
    """One candidate change to the rules or the team, in Dutch."""

    text: str
    rules: RosterRules
    max_heads: int | None


def _soft_solve(
    demand: Demand,
    rules: RosterRules,
    weeks: int,
    pool: int,
    max_heads: int | None,
    pay: Pay,
    seconds: float,
    workers: int,
) -> tuple[cp_model.CpSolver, object, int] | None:
    built = build(demand, rules, weeks, pool, soft=True, max_heads=max_heads, pay=pay)
    missing = sum(built.under.values())
    built.model.minimize(missing * (pool + 1) + built.heads)
    solver = new_solver(seconds, workers)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    total = sum(int(solver.value(v)) for v in built.under.values())
    return solver, built, total


def candidate_changes(
    rules: RosterRules, weeks: int, max_heads: int | None, least_heads: int = 0
) -> list[Change]:
    changes = []
    if max_heads is not None and least_heads > max_heads + 2:
        # Fewer people than the lower bound: one or two more cannot be enough.
        changes.append(
            Change(
                f"minstens {least_heads} medewerkers in plaats van {max_heads} (de ondergrens)",
                rules,
                least_heads,
            )
        )
    elif max_heads is not None:
        for extra in (1, 2):
            word = "één medewerker" if extra == 1 else f"{extra} medewerkers"
            changes.append(
                Change(
                    f"{word} meer ({max_heads + extra} in plaats van {max_heads})",
                    rules,
                    max_heads + extra,
                )
            )
    if rules.max_days_in_row < DAYS_PER_WEEK:
        n = rules.max_days_in_row + 1
        changes.append(
            Change(
                f"{n} dagen achter elkaar toestaan in plaats van {rules.max_days_in_row}",
                rules.model_copy(update={"max_days_in_row": n}),
                max_heads,
            )
        )
    free = rules.free_weekends(weeks)
    if free > 0:
        changes.append(
            Change(
                f"één vrij weekend minder per {weeks} weken ({free - 1} in plaats van {free})",
                rules.model_copy(update={"free_weekends_share": (free - 1) / weeks}),
                max_heads,
            )
        )
    if rules.max_nights_in_row < DAYS_PER_WEEK:
        n = rules.max_nights_in_row + 1
        changes.append(
            Change(
                f"{n} nachtdiensten achter elkaar toestaan in plaats van {rules.max_nights_in_row}",
                rules.model_copy(update={"max_nights_in_row": n}),
                max_heads,
            )
        )
    band = rules.contract_band_h + EXTRA_BAND_H
    changes.append(
        Change(
            f"marge rond de contracturen ±{band:g} uur in plaats van ±{rules.contract_band_h:g}",
            rules.model_copy(update={"contract_band_h": band}),
            max_heads,
        )
    )
    for hours in EXTRA_CONTRACTS_H:
        if hours < min(rules.contracts_h):
            changes.append(
                Change(
                    f"ook contracten van {hours} uur per week",
                    rules.model_copy(update={"contracts_h": (hours, *rules.contracts_h)}),
                    max_heads,
                )
            )
    week = rules.max_hours_per_week + EXTRA_WEEK_H
    changes.append(
        Change(
            f"hoogstens {week:g} uur in één week in plaats van {rules.max_hours_per_week:g}",
            rules.model_copy(update={"max_hours_per_week": week}),
            max_heads,
        )
    )
    return changes


def shortfall_roster(
    demand: Demand,
    rules: RosterRules,
    weeks: int,
    *,
    bound: LowerBound,
    pool: int,
    time_limit_s: float,
    workers: int,
    max_heads: int | None,
    pay: Pay,
    started: float,
    suggest: bool = True,
) -> RosterResult:
    """The roster that leaves fewest shifts short, with the shortfall and the smallest fix."""
    found = _soft_solve(
        demand,
        rules,
        weeks,
        pool,
        max_heads,
        pay,
        time_limit_s * (1 - SUGGESTION_SHARE if suggest else 1),
        workers,
    )
    if found is None:
        raise RosterTimeoutError(
            "binnen de tijdslimiet is geen rooster gevonden, ook geen met tekorten; verwacht "
            "meer rekentijd of een kortere cyclus"
        )
    solver, built, _ = found
    lines: list[PersonLine] = _lines(solver, built, demand, weeks)  # type: ignore[arg-type]
    shortfall = tuple(
        Shortfall(d // DAYS_PER_WEEK + 1, d % DAYS_PER_WEEK, k, int(solver.value(v)))
        for (d, k), v in sorted(built.under.items())  # type: ignore[attr-defined]
        if solver.value(v) > 0
    )
    if not lines:
        raise RosterError(
            "met deze regels kan geen enkele medewerker worden ingeroosterd (rust, dagen achter "
            "elkaar, vrije weekenden en contracturen sluiten elkaar uit); verwacht ruimere regels"
        )
    suggestion = None
    if suggest and shortfall:
        changes = candidate_changes(rules, weeks, max_heads, bound.heads)
        # Each try gets at least MIN_TRY_S, so the search may run a little past the limit.
        budget = max(time_limit_s * SUGGESTION_SHARE / max(len(changes), 1), MIN_TRY_S)
        for change in changes:
            try:
                check_inputs(demand, change.rules, weeks)
            except RosterError:
                continue
            extra = max(pool, (change.max_heads or 0))
            tried = _soft_solve(
                demand, change.rules, weeks, extra, change.max_heads, pay, budget, workers
            )
            if tried is not None and tried[2] == 0:
                suggestion = change.text
                break
    return RosterResult(
        demand=demand,
        rules=rules,
        weeks=weeks,
        people=tuple(lines),
        # The soft model may still meet the demand when the sizing round ran out of time.
        status="tekort" if shortfall else "toelaatbaar",
        objective=float(len(lines)),
        solver_bound=float(min(bound.heads, len(lines))),
        bound=bound,
        seconds=time.perf_counter() - started,
        cost_per_week_eur=cost_per_week(lines, demand, weeks, pay),
        shortfall=shortfall,
        suggestion=suggestion,
    )


__all__ = ["Change", "candidate_changes", "shortfall_roster"]
