"""The roster for people: a table of people by days, a CSV for Dutch Excel, an HTML page.

Each person is a row (Medewerker 1, 2, ...) with their contract, and each day of the cycle a
column holding the code of the shift they work (V, L, N...) or a dot for a day off. The CSV is
what Dutch Excel opens with a double click: semicolons, a UTF-8 byte-order mark and Dutch
headers. The HTML page adds a heatmap of cover against demand per shift and day, so a shortage
(red) or overstaffing (blue) shows at a glance.

In the app (``roster_weeks_html``) the roster is one small table per week, people by the seven
days, with the shift codes coloured and a legend: seven narrow columns fit a phone, where one
row of 28 days would not.
"""

from __future__ import annotations

from collections.abc import Callable

from datafiles.csv_io import csv_text
from presentation.html import render
from sim.nl import number
from sim.roster.demand import DAY_LABELS_NL, DAYS_PER_WEEK
from sim.roster.solve import RosterResult

DAY_OFF = "."
APP_DAY_OFF = "·"  # a day off in the app: a middle dot reads lighter than a full stop
# Background per shift kind in the app, in the order of the kinds (early to late); light
# enough for black text. More kinds than colours repeat the cycle.
KIND_COLOURS = ("#fff3b0", "#c8e6c9", "#bbdefb", "#d1c4e9", "#ffe0b2", "#f8bbd0")
UTF8_BOM = "\ufeff"
STATUS_NL = {
    "optimaal": "optimaal (bewezen: minder kan niet)",
    "toelaatbaar": "goed rooster, niet bewezen optimaal",
    "tekort": "tekort: de regels laten de vraag niet helemaal toe",
}


def day_headers(weeks: int) -> list[str]:
    """Column headers: "w1 ma", "w1 di", ..."""
    return [f"w{w + 1} {DAY_LABELS_NL[d]}" for w in range(weeks) for d in range(DAYS_PER_WEEK)]


def roster_rows(result: RosterResult) -> list[list[str]]:
    """Per person: label, contract, then one shift code (or a dot) per day of the cycle."""
    kinds = result.demand.kinds
    rows = []
    for person in result.people:
        codes = [kinds[k].code if k is not None else DAY_OFF for k in person.shifts]
        hours = sum(kinds[k].hours for k in person.shifts if k is not None) / result.weeks
        rows.append([person.label, f"{person.contract_h}", number(hours, 1), *codes])
    return rows


def roster_csv(result: RosterResult) -> str:
    """The roster as CSV text for Dutch Excel (write it with encoding ``utf-8``)."""
    header = ["Medewerker", "Contracturen", "Gem. uren per week", *day_headers(result.weeks)]
    text = csv_text(header, roster_rows(result), delimiter=";", lineterminator="\r\n")
    return UTF8_BOM + text


def headline(result: RosterResult) -> list[str]:
    """The answer in a few Dutch lines: heads, bound, gap, time, cost."""
    bound = result.bound
    lines = [
        f"{result.heads} medewerkers ({sum(p.contract_h for p in result.people)} contracturen "
        f"per week) voor {result.weeks} weken; ondergrens {bound.heads} "
        f"({bound.binding}: uren {bound.by_hours}, drukste dag {bound.busiest_day}, "
        f"weekenden {bound.by_weekends})",
        f"Status: {STATUS_NL[result.status]}; optimaliteitsmarge "
        f"{number(result.gap * 100, 1)}% na {number(result.seconds, 1)} s",
        f"Kosten per week € {number(result.cost_per_week_eur, 0)} (contracturen, meeruren en "
        "toeslagen voor nacht en weekend)",
    ]
    if result.rules.objective == "cost":
        lines[1] += " (doel: laagste kosten)"
    return lines


def shortfall_lines(result: RosterResult) -> list[str]:
    kinds = result.demand.kinds
    lines = [
        f"week {s.week} {DAY_LABELS_NL[s.weekday]}: dienst {kinds[s.kind].code} "
        f"({kinds[s.kind].times}) {s.missing} te weinig"
        for s in result.shortfall
    ]
    if result.suggestion:
        lines.append(f"Kleinste wijziging die het tekort oplost: {result.suggestion}")
    elif result.shortfall:
        lines.append(
            "Geen enkele losse wijziging van de regels of het team lost het tekort op; "
            "combineer wijzigingen of verlaag de gevraagde bezetting"
        )
    return lines


def short_label(label: str, contract_h: int) -> str:
    """ "Medewerker 3 (geen nachten)" with 32 hours -> "3 · 32 u (geen nachten)"."""
    rest = label.removeprefix("Medewerker ").strip()
    number, _, wish = rest.partition(" ")
    return f"{number} · {contract_h} u" + (f" {wish}" if wish else "")


def roster_weeks_html(result: RosterResult, name_of: Callable[[str], str] = str) -> str:
    """The roster for the app: a table per week (people x days), coded shifts and a legend;
    ``name_of`` words a profile's shift name for the legend."""
    kinds = result.demand.kinds
    weeks = [
        {
            "number": w + 1,
            "rows": [
                {
                    "label": short_label(p.label, p.contract_h),
                    "cells": [
                        {"kind": k, "code": kinds[k].code if k is not None else ""}
                        for k in p.shifts[w * DAYS_PER_WEEK : (w + 1) * DAYS_PER_WEEK]
                    ],
                }
                for p in result.people
            ],
        }
        for w in range(result.weeks)
    ]
    return render(
        "roster_weeks.html.j2",
        kinds=[
            {
                "code": k.code,
                "name": " / ".join(name_of(n) for n in k.name.split(" / ")),
                "times": k.times,
                "colour": KIND_COLOURS[i % len(KIND_COLOURS)],
            }
            for i, k in enumerate(kinds)
        ],
        days=DAY_LABELS_NL,
        weeks=weeks,
        day_off=APP_DAY_OFF,
    )


def _heat(needed: int, rostered: int) -> str:
    """Cell colour: red for short, green for exact, blue for more than needed."""
    if rostered < needed:
        return "short"
    if rostered == needed:
        return "exact" if needed else "none"
    return "over"


def roster_html(result: RosterResult) -> str:
    demand = result.demand
    cover = result.cover()
    heat = [
        {
            "code": kind.code,
            "name": kind.name,
            "times": kind.times,
            "cells": [
                {
                    "needed": demand.need[k][d % DAYS_PER_WEEK],
                    "rostered": cover[d][k],
                    "css": _heat(demand.need[k][d % DAYS_PER_WEEK], cover[d][k]),
                }
                for d in range(result.days)
            ],
        }
        for k, kind in enumerate(demand.kinds)
    ]
    return render(
        "roster.html.j2",
        title=f"Rooster {demand.profile} — {demand.coverage}",
        headline=headline(result),
        rules=result.rules.describe(),
        days=day_headers(result.weeks),
        rows=roster_rows(result),
        heat=heat,
        shortfall=shortfall_lines(result),
        kinds=[(k.code, k.name, k.times) for k in demand.kinds],
    )


__all__ = [
    "day_headers",
    "headline",
    "roster_csv",
    "roster_html",
    "roster_rows",
    "roster_weeks_html",
    "short_label",
    "shortfall_lines",
]
