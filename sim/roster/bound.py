"""The least number of people any roster could have: a lower bound printed beside the answer.

No roster can beat these, whatever the solver does, so the manager sees how close the answer is
to the least possible:

- **hours**: the shift hours a week demands, divided by the most hours one person may work on
  average (the longest contract plus the band around it);
- **busiest day**: one person works at most one shift a day, so the day with the most shifts
  needs that many different people;
- **weekends**: every weekend needs at least as many people as its busiest day (Saturday or
  Sunday), and each person works at most the weekends the free-weekend rule leaves, so over the
  cycle ``heads x working weekends >= weeks x weekend people``.

The bound is the largest of the three; each part is reported, so the reader sees which one binds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.roster.demand import Demand
from sim.roster.rules import RosterRules

SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class LowerBound:
    """Least heads by each argument; ``heads`` is the largest."""

    by_hours: int
    busiest_day: int
    by_weekends: int
    weekends_impossible: bool  # weekend demand, yet the rules leave nobody a weekend to work
    hours_per_week: float
    max_average_hours: float  # the most one person may average per week

    @property
    def heads(self) -> int:
        return max(self.by_hours, self.busiest_day, self.by_weekends)

    @property
    def binding(self) -> str:
        """Which argument gives the bound, in Dutch."""
        if self.heads == self.by_hours:
            return "uren ÷ langste contract"
        if self.heads == self.busiest_day:
            return "drukste dag"
        return "vrije weekenden"


def lower_bound(demand: Demand, rules: RosterRules, weeks: int) -> LowerBound:
    hours = demand.hours_per_week()
    most = min(max(rules.contracts_h) + rules.contract_band_h, rules.max_hours_per_week)
    by_hours = math.ceil(hours / most - 1e-9) if most > 0 else 0
    busiest = max(demand.shifts_on(d) for d in range(7))
    weekend_people = max(demand.shifts_on(SATURDAY), demand.shifts_on(SUNDAY))
    working_weekends = weeks - rules.free_weekends(weeks)
    impossible = weekend_people > 0 and working_weekends <= 0
    by_weekends = 0
    if weekend_people > 0 and working_weekends > 0:
        by_weekends = math.ceil(weeks * weekend_people / working_weekends - 1e-9)
    return LowerBound(by_hours, busiest, by_weekends, impossible, hours, most)


__all__ = ["LowerBound", "lower_bound"]
