"""Dutch names and units of the KPI keys as the command line prints them, kept in one place.

The catalogue in ``presentation/labels.py`` is meant to replace this table; until then every
command takes its labels from here (``kpi_label``, ``sla_label``, ``verdict``).
"""

from __future__ import annotations

import math

from sim.cli.common import nl_number
from sim.spec import ModelSpec, SlaTarget

# Dutch labels and units for the stable KPI keys of sim.kpis; other keys are shown as they are.
LABELS: dict[str, tuple[str, str]] = {
    "weeks": ("Gemeten weken", "weeks"),
    "arrived": ("Vermeldingen binnengekomen", "count"),
    "no_reply": ("Geen reactie nodig (alleen geteld)", "count"),
    "needs_reply": ("Reactie nodig", "count"),
    "answered": ("Beantwoord", "count"),
    "resolved": ("Afgehandeld", "count"),
    "abandoned": ("Afgehaakt (klant belt alsnog)", "count"),
    "open": ("Nog open aan het eind", "count"),
    "first_response_mean_min": ("Eerste reactie: gemiddeld", "minutes"),
    "first_response_p50_min": ("Eerste reactie: mediaan", "minutes"),
    "first_response_p90_min": ("Eerste reactie: 90% binnen", "minutes"),
    "first_response_p95_min": ("Eerste reactie: 95% binnen", "minutes"),
    "first_response_max_min": ("Eerste reactie: langste", "minutes"),
    "resolution_mean_min": ("Afhandeling: gemiddeld", "minutes"),
    "resolution_p90_min": ("Afhandeling: 90% binnen", "minutes"),
    "backlog_mean": ("Werkvoorraad: gemiddeld", "number"),
    "backlog_max": ("Werkvoorraad: hoogste", "count"),
    "backlog_monday_0900": ("Werkvoorraad maandag 09:00", "number"),
    "utilisation": ("Bezettingsgraad", "percent"),
    "agent_hours_per_week": ("Uren online per week", "number"),
    "paid_hours_per_week": ("Betaalde uren per week", "number"),
    "fte": ("Fte", "number"),
    "cost_per_week_eur": ("Kosten per week", "euro"),
    "cost_per_answered_eur": ("Kosten per beantwoorde vermelding", "euro"),
    "reputation_exposure_reach_hours": ("Reputatierisico (bereik × uur)", "number"),
}


CLOCK_NL = {"calendar": "kalenderklok", "business": "kantoorklok"}


def label_of(key: str, spec: ModelSpec) -> tuple[str, str]:
    if key in LABELS:
        return LABELS[key]
    if key.startswith("sla_"):
        for target in spec.sla_targets:
            stem = f"sla_{target.name}_"
            if key.startswith(stem):
                field = key.removeprefix(stem)
                goal = f"doel {target.goal:.0%}"
                if field == "attainment":
                    return (f"SLA {target.name}: gehaald ({goal})", "percent")
                dutch = {
                    "met": "op tijd (aantal)",
                    "breached": "te laat (aantal)",
                    "pending": "nog niet verlopen (aantal)",
                }
                return (f"SLA {target.name}: {dutch.get(field, field)}", "count")
    return (key, "number")


def sla_label(target: SlaTarget) -> str:
    """ "SLA reactie-1u (kalenderklok, 1 u, doel 90%)": the promise, readable in one row."""
    within = duration_text(target.within_min)
    return f"SLA {target.name} ({CLOCK_NL[target.clock]}, {within}, doel {target.goal:.0%})"


def duration_text(minutes: float) -> str:
    """60 -> "1 u", 90 -> "90 min", 1020 -> "17 u", 150 -> "2,5 u"."""
    if minutes < 60 or (minutes < 120 and minutes % 60):
        return f"{nl_number(minutes, 0 if minutes == int(minutes) else 1)} min"
    hours = minutes / 60
    return f"{nl_number(hours, 0 if hours == int(hours) else 1)} u"


def kpi_label(key: str, spec: ModelSpec) -> tuple[str, str]:
    """``label_of`` with each SLA target's clock and limit, and response times marked as counting
    answered mentions only."""
    for target in spec.sla_targets:
        if key == f"sla_{target.name}_attainment":
            return (f"{sla_label(target)}: gehaald", "percent")
    label, unit = label_of(key, spec)
    if key.startswith("first_response_"):
        label += " (alleen beantwoord)"
    return label, unit


def verdict(key: str, value: float | int, spec: ModelSpec) -> str:
    """A tick or cross after an SLA attainment: did it reach the goal?"""
    for target in spec.sla_targets:
        if key == f"sla_{target.name}_attainment" and math.isfinite(value):
            return " ✓" if value >= target.goal else " ✗"
    return ""


def is_sla_count(key: str) -> bool:
    return key.startswith("sla_") and key.endswith(("_met", "_breached", "_pending"))
