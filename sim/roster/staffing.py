"""A roster for a sizing answer: from "agents per shift and weekday" to people one can hire.

Sizing answers in agents per shift and weekday; a manager hires people. This module turns one
such staffing (the agents of ``sim.sizing``'s best candidate, ``{shift: {day: n}}``) into a
cyclic roster under the profile's labour rules (its ``roster:`` section, else the Dutch
defaults), with the profile's pay for night and weekend premiums, and runs the independent
checker on it. The coverage report and the app both ask this one question, with a short solver
time limit: the answer states its optimality gap, so a quick answer is an honest one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.profile import Profile
from sim.roster.check import Violation, check_roster
from sim.roster.demand import DemandError, demand_from_profile
from sim.roster.model import Pay
from sim.roster.rules import RosterRules, RulesError, parse_rules
from sim.roster.solve import RosterError, RosterResult, RosterTimeoutError, solve_roster

QUICK_TIME_LIMIT_S = 5.0  # seconds of solver time per roster in the report and the app
QUICK_WEEKS = 4  # a four-week cycle: the usual length, and every free-weekend rate fits it
QUICK_WORKERS = 2
# A busy machine can leave the first try without any roster (or with a shortfall that more
# search time would close): one more try with this many times the time limit.
RETRY_FACTOR = 4


@dataclass(frozen=True)
class StaffingRoster:
    """A roster for one staffing and what the checker found; ``error`` when none could be made."""

    coverage: str
    result: RosterResult | None
    breaches: tuple[Violation, ...] = ()  # rule breaches (cover shortfalls are in the result)
    error: str | None = None  # Dutch: why no roster could be made

    @property
    def keeps_rules(self) -> bool:
        return self.result is not None and not self.breaches


def profile_rules(profile: Profile) -> RosterRules:
    """The profile's ``roster:`` rules, else the Dutch defaults (``RulesError`` if invalid)."""
    own = profile.roster.model_dump() if profile.roster is not None else {}
    return parse_rules(own, f"profiel {profile.name}, roster")


def profile_pay(profile: Profile) -> Pay:
    costs = profile.costs
    return Pay(
        costs.hourly_eur,
        costs.night_premium,
        costs.weekend_premium,
        costs.night_start_hour,
        costs.night_end_hour,
    )


def roster_for_staffing(
    profile: Profile,
    coverage: str,
    agents: Mapping[str, Mapping[str, int]] | None,
    source: str = "bezettingsadvies",
    *,
    weeks: int = QUICK_WEEKS,
    time_limit_s: float = QUICK_TIME_LIMIT_S,
    workers: int = QUICK_WORKERS,
) -> StaffingRoster:
    """Solve and check the roster for ``agents`` of ``coverage``; never raises on bad input.

    When the first try finds no roster, or one with a shortfall, in ``time_limit_s``, a second
    try gets ``RETRY_FACTOR`` times as long: a shortfall that remains is the rules' doing."""
    try:
        rules = profile_rules(profile)
        demand = demand_from_profile(profile, coverage, agents, source)
    except (RulesError, DemandError) as exc:
        return StaffingRoster(coverage, None, error=str(exc))
    result: RosterResult | None = None
    for seconds in (time_limit_s, time_limit_s * RETRY_FACTOR):
        try:
            result = solve_roster(
                demand,
                rules,
                weeks,
                time_limit_s=seconds,
                workers=workers,
                pay=profile_pay(profile),
            )
        except RosterTimeoutError:
            continue  # a shortfall roster from the first try, if any, stays the answer
        except RosterError as exc:
            return StaffingRoster(coverage, None, error=str(exc))
        if not result.shortfall:
            break
    if result is None:
        return StaffingRoster(
            coverage,
            None,
            error=f"in {time_limit_s * (1 + RETRY_FACTOR):g} seconden rekentijd is geen rooster "
            "gevonden; de computer had het misschien druk, probeer het nog eens",
        )
    breaches = check_roster(
        [(p.label, p.contract_h, p.shifts) for p in result.people],
        demand,
        rules,
        weeks,
        {p.label: p.wish for p in result.people if p.wish is not None},
    )
    rule_breaches = tuple(v for v in breaches if v.rule != "bezetting")
    return StaffingRoster(coverage, result, rule_breaches)


__all__ = [
    "QUICK_TIME_LIMIT_S",
    "QUICK_WEEKS",
    "StaffingRoster",
    "profile_pay",
    "profile_rules",
    "roster_for_staffing",
]
