"""How the command line names KPIs and SLA targets: through the one catalogue, plus its marks.

Names come from ``presentation.labels`` (the same catalogue the app and the HTML report use), so
the terminal says "Wachtrij" where the app says "Wachtrij" and names an SLA target by what it
promises. What is only the terminal's lives here: the tick or cross after an attainment and
which SLA figures are counts the compact tables leave out.
"""

from __future__ import annotations

import math

from presentation import labels
from sim.spec import ModelSpec, SlaTarget


def kpi_label(key: str, spec: ModelSpec) -> tuple[str, str]:
    """(Dutch name, unit kind) of KPI ``key``, SLA keys named after the targets of ``spec``."""
    return labels.kpi_label(key, spec.sla_targets)


def sla_label(target: SlaTarget) -> str:
    """A target by what it promises: "SLA eerste reactie binnen 1 uur voor 90% (kalenderklok)"."""
    return labels.sla_label(target)


def sla_attainment_label(target: SlaTarget) -> str:
    """The row of a target's attainment: "SLA … (kalenderklok): gehaald"."""
    return labels.sla_attainment_label(target)


# The figures the sizing tables show under the staffing, in this order.
SIZING_FIGURES = (
    "first_response_p90_min",
    "backlog_monday_0900",
    "reputation_exposure_reach_hours",
)


def figure_label(key: str) -> tuple[str, str]:
    """(name, unit kind) of a fixed KPI row; reach × hours is written as a whole number."""
    label, unit = labels.kpi_label(key)
    return label, "count" if key == "reputation_exposure_reach_hours" else unit


def verdict(key: str, value: float | int, spec: ModelSpec) -> str:
    """A tick or cross after an SLA attainment: did it reach the goal?"""
    for target in spec.sla_targets:
        if key == f"sla_{target.name}_attainment" and math.isfinite(value):
            return " ✓" if value >= target.goal else " ✗"
    return ""


def is_sla_count(key: str) -> bool:
    return key.startswith("sla_") and key.endswith(("_met", "_breached", "_pending"))
