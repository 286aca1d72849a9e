"""Service-level targets typed on the command line, such as ``first_response<=60min:90%``.

A manager states a promise in one short string: which clock-time is measured
(``first_response``, ``next_response``: each customer reply until the agent's next reply, or
``resolution``), within how long (minutes ``min``, hours ``h``/``u`` or days ``d`` as in profile
files; a bare number is minutes), and for what share of the mentions that need a reply.
An optional ``@business`` suffix measures the time on the business-hours clock of the profile
(``@calendar`` is the default)::

    first_response<=60min:90%
    resolution<=24h:90%
    first_response<=2h:80%@business

``parse_target`` turns one string into a ``sim.spec.SlaTarget`` named after its parts (e.g.
``first_response-60min`` so the KPI key is ``sla_first_response-60min_attainment``).
``merge_targets`` puts command-line targets in the place of the profile's own: a typed target
replaces every profile target with the same metric, the others stay. Targets no simulation can
ever show to be met with confidence are refused here with a Dutch message (``TargetError``):
0 minutes (a first reply takes handling time), goals of 0% or of 100% and more (an attainment
of exactly 100% in every replication cannot have a confidence bound above the goal in general),
and unknown metrics or units.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal, cast

from sim.spec import MINUTES_PER_DAY, MINUTES_PER_HOUR, SlaTarget

METRICS: tuple[str, ...] = ("first_response", "next_response", "resolution")
CLOCKS: tuple[str, ...] = ("calendar", "business")
UNIT_MINUTES: dict[str, float] = {
    "min": 1.0,
    "m": 1.0,
    "h": MINUTES_PER_HOUR,
    "u": MINUTES_PER_HOUR,
    "d": MINUTES_PER_DAY,  # as in profile files ("1d")
}
METRIC_NAMES: dict[str, str] = {
    "first_response": "eerste reactie",
    "next_response": "volgende reactie",
    "resolution": "oplossing",
}
EXAMPLE = '"first_response<=60min:90%" of "resolution<=24h:90%@business"'

_TARGET_RE = re.compile(
    r"""^\s*(?P<metric>[A-Za-z_]+)\s*<=\s*
        (?P<number>[0-9]+(?:[.,][0-9]+)?)\s*(?P<unit>[A-Za-z]*)\s*:\s*
        (?P<goal>-?[0-9]+(?:[.,][0-9]+)?)\s*%\s*
        (?:@\s*(?P<clock>[A-Za-z]+))?\s*$""",
    re.VERBOSE,
)


class TargetError(ValueError):
    """A target string that cannot be used; the message says why and shows an example."""


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def target_name(metric: str, within_min: float, clock: str) -> str:
    """Short stable name: ``first_response-60min``, ``resolution-24h``, ``...-business``."""
    if within_min % MINUTES_PER_HOUR == 0:
        within = f"{within_min / MINUTES_PER_HOUR:g}h"
    else:
        within = f"{within_min:g}min"
    suffix = "-business" if clock == "business" else ""
    return f"{metric}-{within}{suffix}"


def parse_target(text: str) -> SlaTarget:
    """One ``metric<=time:goal%[@clock]`` string as an SLA target; ``TargetError`` if invalid."""
    match = _TARGET_RE.match(text)
    if match is None:
        raise TargetError(
            f"doel {text!r} is niet te lezen; verwacht metriek<=tijd:percentage[@klok], "
            f"bijvoorbeeld {EXAMPLE}"
        )
    metric = match.group("metric").lower()
    if metric not in METRICS:
        raise TargetError(
            f"doel {text!r}: onbekende metriek {metric!r}; kies uit {', '.join(METRICS)}"
        )
    unit = match.group("unit").lower() or "min"
    if unit not in UNIT_MINUTES:
        raise TargetError(
            f"doel {text!r}: onbekende tijdseenheid {unit!r}; gebruik min (minuten), h (uren) "
            "of d (dagen)"
        )
    within_min = _number(match.group("number")) * UNIT_MINUTES[unit]
    if within_min <= 0:
        raise TargetError(
            f"doel {text!r}: binnen 0 minuten kan nooit, want elke reactie kost behandeltijd; "
            "geef een tijd groter dan 0, bijvoorbeeld 60min"
        )
    goal_pct = _number(match.group("goal"))
    if not 0 < goal_pct < 100:
        raise TargetError(
            f"doel {text!r}: percentage {goal_pct:g}% kan niet; geef meer dan 0% en minder dan "
            "100% (100% kan een simulatie met toeval nooit met zekerheid beloven)"
        )
    clock = (match.group("clock") or "calendar").lower()
    if clock not in CLOCKS:
        raise TargetError(
            f"doel {text!r}: onbekende klok {clock!r}; kies @calendar (kalendertijd, standaard) "
            "of @business (alleen kantooruren tellen)"
        )
    return SlaTarget(
        name=target_name(metric, within_min, clock),
        metric=cast(Literal["first_response", "next_response", "resolution"], metric),
        within_min=within_min,
        goal=goal_pct / 100.0,
        clock=cast(Literal["calendar", "business"], clock),
    )


def parse_targets(texts: Iterable[str]) -> tuple[SlaTarget, ...]:
    """Several target strings; two with the same name are refused."""
    targets: list[SlaTarget] = []
    for text in texts:
        target = parse_target(text)
        if any(t.name == target.name for t in targets):
            raise TargetError(
                f"doel {text!r} staat er twee keer in (als {target.name}); geef elk doel één keer"
            )
        targets.append(target)
    return tuple(targets)


def merge_targets(
    profile_targets: Sequence[SlaTarget], typed: Sequence[SlaTarget]
) -> tuple[SlaTarget, ...]:
    """Typed targets replace the profile's targets of the same metric; the rest are kept."""
    typed_metrics = {t.metric for t in typed}
    kept = [t for t in profile_targets if t.metric not in typed_metrics]
    return (*kept, *typed)


def on_business_clock(target: SlaTarget) -> SlaTarget:
    """The same promise counted on the business-hours clock (``@business``); unchanged if it is.

    A calendar-clock target keeps its time and goal; only office hours count towards the time,
    which is the promise an office-hours team can make. The name gets ``-business``.
    """
    if target.clock == "business":
        return target
    return SlaTarget(
        name=f"{target.name}-business",
        metric=target.metric,
        within_min=target.within_min,
        goal=target.goal,
        clock="business",
    )


def describe(target: SlaTarget) -> str:
    """Dutch one-liner: "eerste reactie binnen 60 min voor 90% (kalenderklok)"."""
    metric = METRIC_NAMES[target.metric]
    if target.within_min % MINUTES_PER_HOUR == 0:
        within = f"{target.within_min / MINUTES_PER_HOUR:g} uur"
    else:
        within = f"{target.within_min:g} min"
    clock = "kantoorklok" if target.clock == "business" else "kalenderklok"
    return f"{metric} binnen {within} voor {target.goal:.0%} ({clock})"


__all__ = [
    "CLOCKS",
    "METRICS",
    "TargetError",
    "describe",
    "merge_targets",
    "on_business_clock",
    "parse_target",
    "parse_targets",
    "target_name",
]
