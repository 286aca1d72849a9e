"""Saved what-ifs side by side: the few figures that decide, one column per scenario.

Each saved scenario compares two coverage models; side by side a manager wants, per scenario,
for each model: the share on time of the first target, how many customers give up per week,
the fte and the cost per week. Rows are those figures per model (A, B), columns the scenarios
(at most ``scenarios_store.COMPARE_MAX``, so the table fits a phone).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from presentation import labels
from presentation.whatif_text import figure, keep_together, verdict_target
from webcare_app.whatif_service import WhatIfResult


def compare_table(results: Mapping[str, WhatIfResult]) -> pd.DataFrame:
    """Rows: per model A and B its name and key figures; columns: the scenario names."""
    columns: dict[str, list[str]] = {}
    index: list[str] = []
    for name, result in results.items():
        target = verdict_target(result.targets)
        cells: list[str] = []
        index = []
        for side, run in zip("AB", result.runs, strict=True):
            cov = run.coverage
            on_time = (
                figure(result.kpi(cov, f"sla_{target.name}_attainment"), "percent")
                if target is not None
                else "–"
            )
            index += [
                f"{side}: dekkingsmodel",
                f"{side}: op tijd (eerste doel)",
                f"{side}: afhakers per week",
                f"{side}: fte",
                f"{side}: kosten per week",
            ]
            cells += [
                labels.coverage_label(cov),
                on_time,
                figure(result.per_week(cov, "abandoned"), "count"),
                figure(result.kpi(cov, "fte"), "number"),
                figure(result.kpi(cov, "cost_per_week_eur"), "euro"),
            ]
        columns[name] = [keep_together(c) for c in cells]
    return pd.DataFrame(columns, index=pd.Index(index, name="Scenario"))


__all__ = ["compare_table"]
