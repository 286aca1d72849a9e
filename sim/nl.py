"""Dutch number writing for everything a manager reads: tables, report pages and charts.

Dutch writes 12.345,6 (a dot groups thousands, a comma marks decimals), "1 week" but "2 weken",
and long waiting times are easier to read in hours than in minutes. The same rules apply in the
terminal, in the HTML report and on chart axes (``VEGA_LOCALE`` is the Vega-Lite number locale,
so axis labels read "1.800" and "0,5" rather than "1,800" and "0.5").
"""

from __future__ import annotations

import math

HOURS_FROM_MIN = 120  # minutes from which a duration is also written in hours ("150 min (2,5 u)")
MINUTES_PER_HOUR = 60

VEGA_LOCALE: dict[str, object] = {
    "number": {
        "decimal": ",",
        "thousands": ".",
        "grouping": [3],
        "currency": ["€ ", ""],
    }
}


def number(value: float, decimals: int = 1) -> str:
    """12.345,6 ("–" when the figure does not exist)."""
    if not math.isfinite(value):
        return "–"
    return f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def short_number(value: float, decimals: int = 1) -> str:
    """Like ``number`` but whole values without decimals: 2 and 1,5."""
    if math.isfinite(value) and float(value).is_integer():
        return number(value, 0)
    return number(value, decimals)


def plural(count: float, one: str, many: str) -> str:
    """The word that goes with a count: 1 week, 1,5 weken, 2 weken."""
    return one if count == 1 else many


def weeks(value: float) -> str:
    """ "1 week", "1,5 weken", "2 weken"."""
    return f"{short_number(value)} {plural(value, 'week', 'weken')}"


def minutes(value: float, decimals: int = 0) -> str:
    """ "45 min", or with hours beside it from ``HOURS_FROM_MIN``: "150 min (2,5 u)"."""
    if not math.isfinite(value):
        return "–"
    if abs(value) >= HOURS_FROM_MIN:
        return f"{number(value, 0)} min ({number(value / MINUTES_PER_HOUR, 1)} u)"
    return f"{number(value, decimals)} min"


__all__ = [
    "HOURS_FROM_MIN",
    "VEGA_LOCALE",
    "minutes",
    "number",
    "plural",
    "short_number",
    "weeks",
]
