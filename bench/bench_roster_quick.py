"""The quick roster of the coverage report and the app, beside a long solve and the lower bound.

``sim.roster.staffing`` gives the solver 5 s (one retry at 20 s if nothing was found) so that
the coverage report and the app's "Maak een rooster" stay quick. This prints, per profile and
coverage model (the profile's own agents), the quick answer in heads beside a solve with the
CLI's default 20 s and beside the lower bound, with seconds, gap and the checker's verdict, and
the 24/7 ÷ business-hours factor in heads from both.
Run:  .venv/bin/python -m bench.bench_roster_quick
"""

from __future__ import annotations

import os
import time

from sim.profile import load_profile
from sim.roster.solve import DEFAULT_TIME_LIMIT_S
from sim.roster.staffing import QUICK_TIME_LIMIT_S, roster_for_staffing

CASES = (("telecom", "24-7"), ("telecom", "business-hours"), ("webshop", "24-7"))


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f}; quick {QUICK_TIME_LIMIT_S:g} s, long "
          f"{DEFAULT_TIME_LIMIT_S:g} s")  # fmt: skip
    print(f"{'profile':9} {'coverage':15} {'quick':>5} {'s':>5} {'gap':>5} {'long':>5} {'s':>5} "
          f"{'bound':>5} {'quick/bound':>11} rules")  # fmt: skip
    heads: dict[tuple[str, str, str], int] = {}
    for name, coverage in CASES:
        profile = load_profile(name)
        row = []
        for label, limit in (("quick", QUICK_TIME_LIMIT_S), ("long", DEFAULT_TIME_LIMIT_S)):
            t0 = time.perf_counter()
            staffing = roster_for_staffing(profile, coverage, None, time_limit_s=limit)
            seconds = time.perf_counter() - t0
            res = staffing.result
            assert res is not None, staffing.error
            heads[(name, coverage, label)] = res.heads
            row.append((res, seconds, staffing.keeps_rules))
        (q, qs, ok), (lg, ls, _) = row
        print(f"{name:9} {coverage:15} {q.heads:5d} {qs:5.1f} {q.gap:5.1%} {lg.heads:5d} "
              f"{ls:5.1f} {q.bound.heads:5d} {q.heads / q.bound.heads:11.2f} "
              f"{'ok' if ok else 'BREACH'}")  # fmt: skip
    for label in ("quick", "long"):
        factor = heads[("telecom", "24-7", label)] / heads[("telecom", "business-hours", label)]
        print(f"telecom 24/7 ÷ business-hours in heads ({label}): {factor:.2f}")


if __name__ == "__main__":
    main()
