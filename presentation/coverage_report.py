"""The coverage report as a page: what every coverage model costs and what it buys.

``sim.report.build_report`` sizes every coverage model of a profile for the same targets; this
module shows the result as one self-contained HTML page (``templates/coverage_report.html.j2``):
a table (FTE, euros a week, attainment with intervals, p90 first response, backlog on Monday
09:00, reputation exposure), the advice per shift and weekday, and Altair charts whose Vega-Lite
specs and the Vega JavaScript are embedded in the page, so it opens offline and can be mailed as
one file. Figures are named by the catalogue (``presentation.labels``), numbers written the
Dutch way (``sim.nl``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from presentation.html import render
from presentation.labels import kpi_label, sla_attainment_label
from sim import nl
from sim.report import (
    BEST_ATTEMPT,
    BUSINESS_CLOCK_LABEL,
    CoverageReport,
    ReportError,
    claim_sentence,
    factor_sentence,
    heads_sentence,
    heads_text,
    model_label,
    report_frame,
)
from sim.sizing import DAY_LABELS, Candidate, SizingResult, agents_text
from sim.spec import SlaTarget
from sim.targets import describe

TEMPLATE = "coverage_report.html.j2"

# --- charts ------------------------------------------------------------------------------------


def charts(report: CoverageReport) -> list[alt.TopLevelMixin]:
    """FTE and cost per coverage model (simulation vs Erlang C), attainment against the goals."""
    frame = report_frame(report)
    order = [model_label(r) for r in report.results]
    color = alt.Color("method:N", title="Bezetting volgens")
    fte_title, _ = kpi_label("fte")
    cost_title, _ = kpi_label("cost_per_week_eur")
    fte = (
        alt.Chart(frame, title=f"{fte_title} per dekkingsmodel")
        .mark_bar()
        .encode(
            x=alt.X("model:N", sort=order, title="Dekkingsmodel"),
            xOffset="method:N",
            y=alt.Y("fte:Q", title=fte_title),
            color=color,
            tooltip=["model", "method", alt.Tooltip("fte:Q", format=",.1f")],
        )
    )
    cost = (
        alt.Chart(frame, title=f"{cost_title} (euro)")
        .mark_bar()
        .encode(
            x=alt.X("model:N", sort=order, title="Dekkingsmodel"),
            xOffset="method:N",
            y=alt.Y("cost_per_week_eur:Q", title="Euro per week", axis=alt.Axis(format=",.0f")),
            color=color,
            tooltip=["model", "method", alt.Tooltip("cost_per_week_eur:Q", format="$,.0f")],
        )
    )
    out: list[alt.TopLevelMixin] = [fte, cost]
    for t in report.targets:
        base = alt.Chart(frame, title=sla_attainment_label(t))
        points = base.mark_point(filled=True, size=80).encode(
            x=alt.X("model:N", sort=order, title="Dekkingsmodel"),
            xOffset="method:N",
            y=alt.Y(f"{t.name}_mean:Q", title="Aandeel op tijd", axis=alt.Axis(format="%")),
            color=color,
        )
        bars = base.mark_rule().encode(
            x=alt.X("model:N", sort=order),
            xOffset="method:N",
            y=f"{t.name}_low:Q",
            y2=f"{t.name}_high:Q",
            color=color,
        )
        goal = (
            alt.Chart(pd.DataFrame({"goal": [t.goal]}))
            .mark_rule(strokeDash=[6, 4], color="firebrick")
            .encode(y="goal:Q")
        )
        out.append(bars + points + goal)
    return [dutch_numbers(chart) for chart in out]


def dutch_numbers(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with Dutch number formatting on axes and tooltips (1.800 and 0,5)."""
    return chart.configure(locale=nl.VEGA_LOCALE)


def _vega_bundle() -> str:
    try:
        import vl_convert
        from altair.utils._importers import vl_version_for_vl_convert
    except ImportError:
        raise ReportError(
            "voor een HTML-pagina die zonder internet werkt is het pakket vl-convert-python nodig; "
            "installeer het met `pip install vl-convert-python`"
        ) from None
    bundle: str = vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())  # type: ignore[call-arg]
    return bundle


def json_for_script(data: Any) -> str:
    """JSON safe inside a <script> element: no "</script>" or "<!--" can end it early."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- table cells ---------------------------------------------------------------------------------

_nl = nl.number


def attainment_cell(cand: Candidate, target: SlaTarget) -> str:
    """Attainment ± half-width, ticked when this target's lower bound reaches its goal."""
    est = cand.attainment(target)
    if not math.isfinite(est.mean):
        return "–"
    text = f"{_nl(100 * est.mean)}%"
    if math.isfinite(est.half_width):
        text += f" ± {_nl(100 * est.half_width)}"
    met = math.isfinite(est.low) and est.low >= target.goal - 1e-12
    return text + (" ✓" if met else " ✗")


def _business_cell(report: CoverageReport, index: int) -> str:
    """The office model's attainment on the @business version of target ``index``."""
    fair = report.office_business
    assert fair is not None
    return attainment_cell(fair.best, fair.targets[index]) + " (kantoorklok)"


def _header(report: CoverageReport) -> list[str]:
    head = ["Dekkingsmodel", "Diensten (agents)", kpi_label("fte")[0]]
    head.append(kpi_label("cost_per_week_eur")[0])
    head += [sla_attainment_label(t) for t in report.targets]
    head += [
        kpi_label(key)[0]
        for key in (
            "first_response_p90_min",
            "backlog_monday_shift_start",
            "reputation_exposure_reach_hours",
        )
    ]
    if report.rosters:
        head.append("Mensen op rooster")
    return [*head, "Erlang C"]


def _row(
    report: CoverageReport, label: str, result: SizingResult, cells: Sequence[str]
) -> dict[str, Any]:
    best = result.best
    heads = [heads_text(report.roster(result))] if report.rosters else []
    values = [
        label,
        agents_text(best),
        _nl(best.fte),
        "€ " + _nl(best.cost_per_week_eur, 0),
        *cells,
        nl.minutes(best.estimates["first_response_p90_min"].mean),
        _nl(best.estimates["backlog_monday_shift_start"].mean, 0),
        _nl(best.estimates["reputation_exposure_reach_hours"].mean, 0),
        *heads,
        f"{_nl(result.erlang.fte)} fte, "
        + ("haalt de doelen" if result.erlang.meets() else "haalt de doelen niet"),
    ]
    return {"short": not result.reachable, "cells": values}


def _rows(report: CoverageReport) -> list[dict[str, Any]]:
    rows = [
        _row(report, model_label(r), r, [attainment_cell(r.best, t) for t in report.targets])
        for r in report.results
    ]
    fair = report.office_business
    if fair is not None:
        label = f"{fair.coverage}: {BUSINESS_CLOCK_LABEL}"
        label += "" if fair.reachable else f" ({BEST_ATTEMPT})"
        rows.append(
            _row(
                report, label, fair, [_business_cell(report, i) for i in range(len(report.targets))]
            )
        )
    return rows


def _grid(result: SizingResult) -> dict[str, Any]:
    """One coverage model's advice as a shift x weekday table (Erlang C in brackets)."""
    best = result.best.agents_by_shift_and_day
    erlang = result.erlang.agents_by_shift_and_day
    days = [d for d in DAY_LABELS if any(d in per_day for per_day in best.values())]
    rows = [
        {
            "shift": shift,
            "cells": [f"{per_day[d]} ({erlang[shift][d]})" if d in per_day else "–" for d in days],
        }
        for shift, per_day in best.items()
    ]
    return {"label": model_label(result), "days": [DAY_LABELS[d] for d in days], "rows": rows}


def context(report: CoverageReport, bundle: str) -> dict[str, Any]:
    """Everything the template shows, as plain values (text is escaped by the template)."""
    first = report.results[0]
    specs = [chart.to_dict() for chart in charts(report)]
    return {
        "title": report.title,
        "bundle": bundle,
        "replications": first.replications,
        "weeks": nl.weeks(first.weeks),
        "warmup_weeks": nl.weeks(first.warmup_weeks),
        "seed": first.seed,
        "best_attempt": BEST_ATTEMPT,
        "targets": [describe(t) for t in report.targets],
        "factor_sentence": factor_sentence(report),
        "claim_sentence": claim_sentence(report),
        "heads_sentence": heads_sentence(report),
        "head": _header(report),
        "rows": _rows(report),
        "grids": [_grid(r) for r in report.results],
        "chart_count": len(specs),
        "specs_json": json_for_script(specs),
    }


def render_html(report: CoverageReport) -> str:
    """The whole page as one self-contained HTML string."""
    return render(TEMPLATE, **context(report, _vega_bundle()))


def write_html(report: CoverageReport, path: Any) -> None:
    """Write ``render_html`` to ``path``; ``ReportError`` with a Dutch message if it fails."""
    text = render_html(report)
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise ReportError(f"kan {path} niet schrijven ({exc.strerror or exc})") from None


__all__ = [
    "attainment_cell",
    "charts",
    "context",
    "dutch_numbers",
    "json_for_script",
    "render_html",
    "write_html",
]
