"""Saved what-ifs side by side: the few figures that decide, one column per scenario.

Each saved scenario compares two coverage models; side by side a manager wants, per scenario,
for each model: the share on time of the first target, how many customers give up per week,
the fte and the cost per week. Rows are the scenarios' models (at most
``scenarios_store.COMPARE_MAX`` scenarios, so eight rows), columns those four short figures: a
column per scenario would not fit a phone.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from presentation import labels
from presentation.whatif_text import figure, keep_together, verdict_target
from webcare_app.whatif_service import WhatIfResult


def compare_table(results: Mapping[str, WhatIfResult]) -> pd.DataFrame:
    """One row per scenario and model ("Groei · A: 24/7"), four short figures as columns."""
    rows: dict[str, dict[str, str]] = {}
    for name, result in results.items():
        target = verdict_target(result.targets)
        for side, run in zip("AB", result.runs, strict=True):
            cov = run.coverage
            on_time = (
                figure(result.kpi(cov, f"sla_{target.name}_attainment"), "percent")
                if target is not None
                else "–"
            )
            rows[f"{name} · {side}: {labels.coverage_label(cov)}"] = {
                "Op tijd": on_time,
                "Afhakers per week": figure(result.per_week(cov, "abandoned"), "count"),
                "Fte": figure(result.kpi(cov, "fte"), "number"),
                "Kosten per week": keep_together(
                    figure(result.kpi(cov, "cost_per_week_eur"), "euro")
                ),
            }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("Scenario")


__all__ = ["compare_table"]
