"""A roster as a plain JSON-ready record (the ``--json`` output and the JSON file).

Keys are English, like every JSON output of ``webcare-sim``; shift codes and labels are the ones
the roster table shows, so a spreadsheet or a script can rebuild the table.
"""

from __future__ import annotations

from sim.roster.demand import DAY_LABELS_NL, DAYS_PER_WEEK
from sim.roster.solve import RosterResult


def roster_summary(result: RosterResult) -> dict[str, object]:
    demand = result.demand
    cover = result.cover()
    return {
        "profile": demand.profile,
        "coverage": demand.coverage,
        "demand_source": demand.source,
        "weeks": result.weeks,
        "status": result.status,
        "objective": result.rules.objective,
        "objective_value": result.objective,
        "solver_bound": result.solver_bound,
        "gap": result.gap,
        "seconds": result.seconds,
        "size_seconds": result.size_seconds,
        "heads": result.heads,
        "contract_hours_per_week": sum(p.contract_h for p in result.people),
        "cost_per_week_eur": result.cost_per_week_eur,
        "lower_bound": {
            "heads": result.bound.heads,
            "by_hours": result.bound.by_hours,
            "busiest_day": result.bound.busiest_day,
            "by_weekends": result.bound.by_weekends,
            "demand_hours_per_week": result.bound.hours_per_week,
        },
        "rules": result.rules.model_dump(mode="json"),
        "shifts": [
            {"code": k.code, "name": k.name, "times": k.times, "hours": k.hours}
            for k in demand.kinds
        ],
        "people": [
            {
                "label": p.label,
                "contract_hours": p.contract_h,
                "shifts": [demand.kinds[k].code if k is not None else None for k in p.shifts],
            }
            for p in result.people
        ],
        "cover": [
            {
                "week": d // DAYS_PER_WEEK + 1,
                "day": DAY_LABELS_NL[d % DAYS_PER_WEEK],
                "shift": kind.code,
                "needed": demand.need[k][d % DAYS_PER_WEEK],
                "rostered": cover[d][k],
            }
            for d in range(result.days)
            for k, kind in enumerate(demand.kinds)
            if demand.need[k][d % DAYS_PER_WEEK] or cover[d][k]
        ],
        "shortfall": [
            {
                "week": s.week,
                "day": DAY_LABELS_NL[s.weekday],
                "shift": demand.kinds[s.kind].code,
                "missing": s.missing,
            }
            for s in result.shortfall
        ],
        "suggestion": result.suggestion,
    }


__all__ = ["roster_summary"]
