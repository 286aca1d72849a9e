"""Roster speed and quality: a 4-week cyclic roster per profile, beside the lower bound.

The peer of a roster solver is the least number of people any roster could have
(``sim.roster.bound``): the answer is printed beside it with the solver's optimality gap, the
seconds taken and the independent checker's verdict.

(a) telecom, 24/7, 4 weeks. Target: within 30 s on 2 cores with a stated gap.
(b) library, opening hours (extended-hours), 4 weeks. Target: within 5 s.
(c) telecom, business hours, 4 weeks: with (a) the real factor between 24/7 and office hours in
    heads (the sources say "about three times the staff").

CP-SAT runs on ``num_workers`` 2. Other work on the machine slows it; the load average is
printed with the figures. Run:  .venv/bin/python -m bench.bench_roster
"""

from __future__ import annotations

import os
import platform
import time

from sim.profile import load_profile
from sim.roster.check import check_roster
from sim.roster.demand import demand_from_profile
from sim.roster.model import Pay
from sim.roster.rules import RosterRules
from sim.roster.solve import RosterResult, solve_roster

WORKERS = 2
WEEKS = 4
CASES = (  # profile, coverage, time limit (s), target (s)
    ("telecom", "24-7", 30.0, 30.0),
    ("library", "extended-hours", 5.0, 5.0),
    ("telecom", "business-hours", 30.0, 30.0),
)


def run(profile_name: str, coverage: str, limit_s: float) -> tuple[RosterResult, float, int]:
    profile = load_profile(profile_name)
    demand = demand_from_profile(profile, coverage)
    costs = profile.costs
    pay = Pay(
        costs.hourly_eur,
        costs.night_premium,
        costs.weekend_premium,
        costs.night_start_hour,
        costs.night_end_hour,
    )
    t0 = time.perf_counter()
    result = solve_roster(
        demand, RosterRules(), WEEKS, time_limit_s=limit_s, workers=WORKERS, pay=pay
    )
    seconds = time.perf_counter() - t0
    lines = [(p.label, p.contract_h, p.shifts) for p in result.people]
    breaches = len(check_roster(lines, demand, result.rules, WEEKS))
    return result, seconds, breaches


def main() -> None:
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} (shared with other work)"
    )
    heads: dict[str, int] = {}
    for profile_name, coverage, limit_s, target_s in CASES:
        result, seconds, breaches = run(profile_name, coverage, limit_s)
        verdict = "ok" if seconds <= target_s + 0.5 else "SLOW"
        bound = result.bound
        print(
            f"  {profile_name:8s} {coverage:15s} {seconds:5.1f} s (size settled after "
            f"{result.size_seconds:4.1f} s)  {result.heads:3d} heads "
            f"(lower bound {bound.heads}: hours {bound.by_hours}, busiest day "
            f"{bound.busiest_day}, weekends {bound.by_weekends})  gap {result.gap:.1%}  "
            f"{result.status}  checker: {breaches} breaches  "
            f"[target <= {target_s:.0f} s: {verdict}]"
        )
        heads[f"{profile_name}/{coverage}"] = result.heads
    factor = heads["telecom/24-7"] / heads["telecom/business-hours"]
    print(f"  telecom 24/7 vs business hours in heads: {factor:.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
