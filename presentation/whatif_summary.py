"""The one-page management summary of a what-if: verdict, key figures and charts, printable.

A manager forwards this page to a director or prints it to PDF, so it holds only what decides:
the verdict (one sentence per coverage model), the key figures of both models with the
difference as shown, the charts as inline SVG (no scripts, nothing loaded from the internet:
it prints the same offline), and the settings that produced it. The page is an autoescaped
Jinja2 template (``templates/whatif_summary.html.j2``); only the SVG charts, rendered here by
Vega from our own chart specifications, are marked safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import altair as alt
from markupsafe import Markup

from presentation.html import render

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")  # fmt: skip
CHART_WIDTH_PX = 640  # a printed A4 page at the template's margins
HALF_WIDTH_PX = 290  # two charts side by side (the week heatmaps of A and B)


@dataclass(frozen=True)
class SummaryRow:
    label: str
    a: str
    b: str
    difference: str
    tone: str  # "better", "worse" or "" (the difference's colour)


def dutch_datetime(moment: datetime) -> str:
    """ "3 december 2026, 09:15" in Amsterdam time."""
    local = moment.astimezone(AMSTERDAM)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


def chart_svg(chart: alt.TopLevelMixin, *, width: int = CHART_WIDTH_PX, height: int) -> Markup:
    """An Altair chart as inline SVG, its plot ``width`` x ``height`` pixels (vl-convert renders
    it without a browser; the app's heights include axes and legends, a printed page's not)."""
    import vl_convert

    spec = chart.to_dict()
    spec["width"], spec["height"] = width, height
    # Vega's own SVG of our own chart specification: safe to inline.
    return Markup(vl_convert.vegalite_to_svg(spec))


def render_summary(
    *,
    title: str,
    made_at: datetime,
    names: tuple[str, str],
    verdicts: Sequence[str],
    rows: Sequence[SummaryRow],
    charts: Sequence[tuple[str, Markup]],
    half_charts: Sequence[tuple[str, Markup]] = (),
    settings: Sequence[str],
    notes: Sequence[str],
) -> str:
    """The summary page as HTML."""
    return render(
        "whatif_summary.html.j2",
        title=title,
        made_at=dutch_datetime(made_at),
        names=names,
        verdicts=list(verdicts),
        rows=list(rows),
        charts=list(charts),
        half_charts=list(half_charts),
        settings=list(settings),
        notes=list(notes),
    )


__all__ = ["HALF_WIDTH_PX", "SummaryRow", "chart_svg", "dutch_datetime", "render_summary"]
