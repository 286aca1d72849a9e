"""One Dutch name for every figure, target, coverage model, channel and decision a user reads.

The simulation reports its figures under stable English keys (``sim.kpis``: ``backlog_mean``,
``first_response_p90_min``, ``sla_<name>_attainment``...). A manager reads them in the terminal
(``webcare-sim``), on the app's what-if page and in the HTML coverage report; the same figure
must carry the same Dutch name in all three, or one reader thinks "Wachtrij" and "Werkvoorraad"
are two different things. This catalogue is that one place: every edge asks it for a name
(``kpi_label``) instead of writing its own.

Each KPI has a name in plain words, a unit kind that says how its value is written (``count``,
``minutes``, ``percent``, ``euro``, ``number``, ``weeks``), a short unit word for a table column
("min", "berichten", "%", "€") and whether lower is better. Response times only cover answered
mentions (a customer who gave up has no response time), so their names say so: otherwise a
coverage model that lets more customers give up looks faster.

SLA targets are named by what they promise ("eerste reactie binnen 1 uur voor 90%
(kalenderklok)"), not by their id in the profile, so a typed ``--target`` and a profile's target
read alike. Numbers themselves are written by ``sim.nl`` (12.345,6), the one Dutch number writer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from sim.spec import SlaTarget
from sim.targets import describe
from trainer.posts import CHANNEL_LABELS, DECISION_LABELS

Unit = Literal["count", "number", "minutes", "percent", "euro", "weeks"]

ANSWERED_ONLY = " (alleen beantwoord)"  # after a response time: only answered mentions count


@dataclass(frozen=True)
class Kpi:
    """How one KPI is shown: name, unit kind, unit word and which direction is better."""

    label: str  # Dutch, plain words
    unit: Unit  # how the value is written (see the module docstring)
    symbol: str  # the unit as a short word in a table column ("min", "berichten", "%")
    lower_is_better: bool | None = True  # None: neither (a count of what arrived)


# Every stable KPI key of ``sim.kpis`` (README, "KPI keys"), in the order the CLI lists them.
KPIS: Mapping[str, Kpi] = {
    "weeks": Kpi("Gemeten weken", "weeks", "weken", None),
    "arrived": Kpi("Berichten binnengekomen", "count", "berichten", None),
    "no_reply": Kpi("Geen reactie nodig (alleen geteld)", "count", "berichten", None),
    "needs_reply": Kpi("Reactie nodig", "count", "berichten", None),
    "answered": Kpi("Beantwoord", "count", "berichten", False),
    "resolved": Kpi("Afgehandeld", "count", "berichten", False),
    "abandoned": Kpi("Afgehaakt (klant belt alsnog)", "count", "berichten"),
    "open": Kpi("Nog open aan het eind", "count", "berichten"),
    "first_response_mean_min": Kpi(f"Eerste reactie: gemiddeld{ANSWERED_ONLY}", "minutes", "min"),
    "first_response_p50_min": Kpi(f"Eerste reactie: mediaan{ANSWERED_ONLY}", "minutes", "min"),
    "first_response_p90_min": Kpi(f"Eerste reactie: 90% binnen{ANSWERED_ONLY}", "minutes", "min"),
    "first_response_p95_min": Kpi(f"Eerste reactie: 95% binnen{ANSWERED_ONLY}", "minutes", "min"),
    "first_response_max_min": Kpi(f"Eerste reactie: langste{ANSWERED_ONLY}", "minutes", "min"),
    "resolution_mean_min": Kpi("Afhandeling: gemiddeld", "minutes", "min"),
    "resolution_p90_min": Kpi("Afhandeling: 90% binnen", "minutes", "min"),
    "backlog_mean": Kpi("Wachtrij: gemiddeld", "number", "berichten"),
    "backlog_max": Kpi("Wachtrij: hoogste", "count", "berichten"),
    "backlog_monday_shift_start": Kpi(
        "Wachtrij bij start eerste maandagdienst", "number", "berichten"
    ),
    "monday_shift_start_min": Kpi("Start eerste maandagdienst", "number", "min na 00:00"),
    "backlog_monday_0900": Kpi("Wachtrij maandag 09:00 (vaste referentie)", "number", "berichten"),
    "sla_case_attainment": Kpi("SLA per zaak: alle doelen gehaald", "percent", "%", False),
    "sla_case_met": Kpi("SLA per zaak: alle doelen op tijd (aantal)", "count", "zaken", False),
    "sla_case_breached": Kpi("SLA per zaak: een doel te laat (aantal)", "count", "zaken"),
    "sla_case_pending": Kpi("SLA per zaak: nog niet verlopen (aantal)", "count", "zaken", None),
    "utilisation": Kpi("Bezettingsgraad", "percent", "%", False),
    "agent_hours_per_week": Kpi("Uren online per week", "number", "uur"),
    "paid_hours_per_week": Kpi("Betaalde uren per week", "number", "uur"),
    "fte": Kpi("Fte", "number", "fte"),
    "cost_per_week_eur": Kpi("Kosten per week", "euro", "€"),
    "cost_per_answered_eur": Kpi("Kosten per beantwoord bericht", "euro", "€"),
    "reputation_exposure_reach_hours": Kpi(
        "Reputatierisico (bereik × uur)", "number", "bereik × uur"
    ),
}

# Per SLA figure of a target (``sla_<name>_<field>``): the words after the target's name.
SLA_FIELDS: Mapping[str, Kpi] = {
    "attainment": Kpi("gehaald", "percent", "%", False),
    "met": Kpi("op tijd (aantal)", "count", "berichten", False),
    "breached": Kpi("te laat (aantal)", "count", "berichten"),
    "pending": Kpi("nog niet verlopen (aantal)", "count", "berichten", None),
}
SLA_METRIC_LABELS: Mapping[str, str] = {
    "first_response": "eerste reactie",
    "next_response": "volgende reactie",
    "resolution": "oplossing",
}
CLOCK_LABELS: Mapping[str, str] = {"calendar": "kalenderklok", "business": "kantoorklok"}

# Coverage models as users read them; a name not listed here is shown as it is.
COVERAGE_LABELS: Mapping[str, str] = {
    "24-7": "24/7",
    "business-hours": "kantooruren",
    "extended-hours": "ruime openingstijden",
    "daily-check": "elke dag twee keer kijken",
    "split-shift": "gebroken diensten",
}
# Weekdays as profiles write them ("mon") and as a Dutch table or label shows them ("ma").
DAY_LABELS: Mapping[str, str] = {
    "mon": "ma", "tue": "di", "wed": "wo", "thu": "do", "fri": "vr", "sat": "za", "sun": "zo",
}  # fmt: skip
LEVEL_LABELS: Mapping[str, str] = {"error": "fout", "warning": "waarschuwing", "suggestion": "tip"}

# The phases of a sizing search (``sim.sizing_runs.SEARCH``/``CHECK``), on the CLI's progress bar
# and the app's alike.
SIZING_PHASE_LABELS: Mapping[str, str] = {"search": "Zoeken", "check": "Eindcontrole"}


def sla_label(target: SlaTarget) -> str:
    """A target by what it promises: "SLA eerste reactie binnen 1 uur voor 90% (kalenderklok)"."""
    return f"SLA {describe(target)}"


def sla_attainment_label(target: SlaTarget) -> str:
    """The share of mentions on time for ``target``: "SLA … (kalenderklok): gehaald"."""
    return f"{sla_label(target)}: {SLA_FIELDS['attainment'].label}"


def kpi(key: str, targets: Iterable[SlaTarget] = ()) -> Kpi:
    """The catalogue entry of KPI ``key``; SLA keys are named after their target in ``targets``.

    A key the catalogue does not know is shown as it is, as a plain number, so a KPI added to
    ``sim.kpis`` is never hidden; an SLA key whose target is not in ``targets`` keeps the
    target's id ("SLA reactie-1u: gehaald").
    """
    if key in KPIS:
        return KPIS[key]
    if key.startswith("sla_"):
        for target in targets:
            stem = f"sla_{target.name}_"
            field = key.removeprefix(stem)
            if key.startswith(stem) and field in SLA_FIELDS:
                entry = SLA_FIELDS[field]
                return Kpi(f"{sla_label(target)}: {entry.label}", entry.unit, entry.symbol,
                           entry.lower_is_better)  # fmt: skip
        for field, entry in SLA_FIELDS.items():
            if key.endswith(f"_{field}"):
                name = key.removeprefix("sla_").removesuffix(f"_{field}")
                return Kpi(f"SLA {name}: {entry.label}", entry.unit, entry.symbol,
                           entry.lower_is_better)  # fmt: skip
    return Kpi(key, "number", "", None)


def kpi_label(key: str, targets: Iterable[SlaTarget] = ()) -> tuple[str, Unit]:
    """(Dutch name, unit kind) of KPI ``key``: what a table row needs (see ``kpi``)."""
    entry = kpi(key, targets)
    return entry.label, entry.unit


def coverage_label(coverage: str) -> str:
    """A coverage model's Dutch name for labels, legends and headings ("24-7" -> "24/7")."""
    return COVERAGE_LABELS.get(coverage, coverage)


def days_label(days: Iterable[str]) -> str:
    """Weekdays the Dutch way: ("mon", "tue") -> "ma, di"."""
    return ", ".join(DAY_LABELS.get(d, d) for d in days)


def shift_label(shift: str) -> str:
    """A shift's name as a word ("weekend-vroeg" -> "weekend vroeg"); unnamed shifts from a
    profile ("shift-2") read "dienst 2"."""
    if shift.startswith("shift-") and shift.removeprefix("shift-").isdigit():
        return f"dienst {shift.removeprefix('shift-')}"
    return shift.replace("-", " ")


def channel_label(channel: str) -> str:
    """A channel as users know it ("x" -> "X (Twitter)"); unknown ones as they are."""
    return CHANNEL_LABELS.get(channel, channel)


def decision_label(decision: str) -> str:
    """A respond-or-not decision in words ("private" -> "Privé reageren (DM)")."""
    return DECISION_LABELS.get(decision, decision)


def level_label(level: str) -> str:
    """A rule alert's level in words ("error" -> "fout")."""
    return LEVEL_LABELS.get(level, level)


__all__ = [
    "ANSWERED_ONLY",
    "CHANNEL_LABELS",
    "CLOCK_LABELS",
    "COVERAGE_LABELS",
    "DAY_LABELS",
    "DECISION_LABELS",
    "KPIS",
    "LEVEL_LABELS",
    "SIZING_PHASE_LABELS",
    "SLA_FIELDS",
    "SLA_METRIC_LABELS",
    "Kpi",
    "Unit",
    "channel_label",
    "coverage_label",
    "days_label",
    "decision_label",
    "kpi",
    "kpi_label",
    "level_label",
    "shift_label",
    "sla_attainment_label",
    "sla_label",
]
