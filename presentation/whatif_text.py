"""Figures and sentences of a what-if as a manager reads them, in Dutch, the same everywhere.

A comparison is only trusted when what it shows adds up: a difference is taken between the two
figures *as shown* (rounded), so "€ 22" against "€ 24" reads "+€ 2", never "+€ 1". Counts are
whole ("1.715", not "1.715,0"); shares are whole percentages; waiting times under two hours in
minutes, longer ones in hours with one decimal. Numbers are written by ``sim.nl``.

A verdict is one sentence per coverage model that says what a customer gets: how many wait
longer than the promise and how many give up. Response times alone cover only answered
mentions, so a model where customers give up would otherwise look fast.
"""

from __future__ import annotations

import math
from typing import Literal

from sim import nl
from sim.spec import SlaTarget

Kind = Literal["percent", "minutes", "euro", "count", "number"]

MINUTES_AS_HOURS_FROM = 120  # minutes from which a waiting time is written in hours
SMALL_EURO = 100  # amounts below this many euros are written with cents ("€ 22,40")
NO_FIGURE = "–"
NBSP = "\u00a0"


def shown(value: float, kind: Kind) -> float:
    """The value as the page rounds it, in the value's own unit (a share stays a share)."""
    if not math.isfinite(value):
        return math.nan
    if kind == "percent":
        return round(value * 100) / 100
    if kind == "minutes":
        if abs(value) >= MINUTES_AS_HOURS_FROM:
            return round(value / 60, 1) * 60
        return float(round(value))
    if kind == "euro":
        return round(value, 2) if abs(value) < SMALL_EURO else float(round(value))
    if kind == "count":
        return float(round(value))
    return round(value, 1)


def figure(value: float, kind: Kind) -> str:
    """A figure as text: "41%", "35 min", "2,5 uur", "€ 8.167", "€ 22,40", "1.715", "3,4"."""
    value = shown(value, kind)
    if math.isnan(value):
        return NO_FIGURE
    if kind == "percent":
        return f"{nl.number(value * 100, 0)}%"
    if kind == "minutes":
        if abs(value) >= MINUTES_AS_HOURS_FROM:
            return f"{nl.number(value / 60, 1)} uur"
        return f"{nl.number(value, 0)} min"
    if kind == "euro":
        return f"€ {nl.number(value, 2 if abs(value) < SMALL_EURO else 0)}"
    if kind == "count":
        return nl.number(value, 0)
    return nl.number(value, 1)


def difference(a: float, b: float, kind: Kind) -> tuple[str, int]:
    """B minus A from the shown figures: ("▲ +€ 2", 1), ("▼ -4%", -1) or ("0", 0).

    Percentages differ in points; waiting times in the unit the larger figure is shown in.
    """
    sa, sb = shown(a, kind), shown(b, kind)
    if math.isnan(sa) or math.isnan(sb):
        return NO_FIGURE, 0
    diff = sb - sa
    if kind == "minutes" and max(abs(sa), abs(sb)) >= MINUTES_AS_HOURS_FROM:
        text = f"{nl.number(abs(diff) / 60, 1)} uur"
        sign = 0 if round(abs(diff) / 60, 1) == 0 else (1 if diff > 0 else -1)
    elif kind == "percent":
        points = round(abs(diff) * 100)
        text = f"{nl.number(points, 0)}%\u2011punt"  # a hyphen that never breaks
        sign = 0 if points == 0 else (1 if diff > 0 else -1)
    else:
        text = figure(abs(diff), kind)
        sign = 0 if shown(abs(diff), kind) == 0 else (1 if diff > 0 else -1)
    if sign == 0:
        return ("0" if kind != "euro" else "€ 0"), 0
    return ("▲ +" if sign > 0 else "▼ -") + text, sign


def limit_words(target: SlaTarget) -> str:
    """A target's limit as words: "een uur", "4 uur", "30 minuten", "4 kantooruren"."""
    minutes = target.within_min
    business = target.clock == "business"
    if minutes % 60 == 0:
        hours = int(minutes // 60)
        if business:
            return "een kantooruur" if hours == 1 else f"{hours} kantooruren"
        return "een uur" if hours == 1 else f"{hours} uur"
    unit = "kantoorminuten" if business else "minuten"
    return f"{nl.short_number(minutes, 1)} {unit}"


def verdict(
    coverage_name: str,
    late_share: float,
    target: SlaTarget | None,
    abandoned_per_week: float,
) -> str:
    """One sentence: "Kantooruren: 41% van de klanten wacht langer dan een uur op een eerste
    reactie (doel: hoogstens 10%); 1.715 klanten per week haken af." """
    name = coverage_name[:1].upper() + coverage_name[1:]
    gave_up = round(abandoned_per_week)
    quit_text = (
        "niemand haakt af"
        if gave_up == 0
        else f"{figure(gave_up, 'count')} {'klant' if gave_up == 1 else 'klanten'} per week "
        f"{'haakt' if gave_up == 1 else 'haken'} af"
    )
    if target is None or math.isnan(late_share):
        return f"{name}: {quit_text}."
    metric = "een eerste reactie" if target.metric == "first_response" else "een oplossing"
    allowed = figure(1 - target.goal, "percent")
    return (
        f"{name}: {figure(late_share, 'percent')} van de klanten wacht langer dan "
        f"{limit_words(target)} op {metric} (doel: hoogstens {allowed}); {quit_text}."
    )


def verdict_target(targets: tuple[SlaTarget, ...]) -> SlaTarget | None:
    """The target a verdict speaks of: the first first-response target, else the first."""
    return next(
        (t for t in targets if t.metric == "first_response"), targets[0] if targets else None
    )


def keep_together(text: str) -> str:
    """Spaces inside a figure made unbreakable, so "€ 8.167" never splits over two lines."""
    return text.replace(" ", NBSP)


__all__ = [
    "NO_FIGURE",
    "Kind",
    "difference",
    "figure",
    "keep_together",
    "limit_words",
    "shown",
    "verdict",
    "verdict_target",
]
