"""The 24/7 question in one page: what every coverage model costs and what it buys.

The sources say being reachable around the clock takes roughly three times the staff of office
hours ("Best in class webcare: waar ontwikkelt webcare naartoe?"). Whether that holds depends on
the organisation: how many mentions arrive at night, how long they take, which targets it
promises. ``build_report`` sizes every coverage model of a profile for the same targets
(``sim.sizing.size``, common seeds) and ``render_html`` writes one self-contained HTML page: a
table (FTE, euros a week, attainment with intervals, p90 first response, backlog on Monday 09:00,
reputation exposure) and Altair charts whose Vega-Lite specs and the Vega JavaScript are embedded
in the page, so it opens offline and can be mailed as one file.

The factor "24/7 staff / business-hours staff" compares FTE of the cheapest staffings found. The
24/7 model is the one whose shifts cover every minute of the week; the business-hours model is
the one named ``business-hours`` or else the one on duty the fewest hours.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from sim.parallel import Runner
from sim.profile import Profile
from sim.sizing import (
    MAX_AGENTS_PER_SHIFT,
    SIZING_REPLICATIONS,
    SIZING_WARMUP_WEEKS,
    SIZING_WEEKS,
    Candidate,
    SizingResult,
    shift_minutes,
    size,
    sizing_summary,
    sizing_targets,
)
from sim.spec import SlaTarget
from sim.targets import describe

CLAIMED_FACTOR_24_7 = 3.0  # "24/7 takes roughly three times the staff"
CLAIM_SOURCE = "Best in class webcare: waar ontwikkelt webcare naartoe?"
BUSINESS_HOURS_NAME = "business-hours"


class ReportError(RuntimeError):
    """The page cannot be written (e.g. vl-convert-python missing, file not writable)."""


@dataclass(frozen=True)
class CoverageReport:
    """Sizing results for every coverage model of one profile, and the 24/7 factor."""

    profile: str
    title: str
    targets: tuple[SlaTarget, ...]
    results: tuple[SizingResult, ...]
    always_open: str | None  # the coverage model on duty every minute of the week
    office: str | None  # the business-hours coverage model

    @property
    def factor_24_7(self) -> float:
        """FTE of the 24/7 model / FTE of the business-hours model (NaN if either is missing)."""
        by_name = {r.coverage: r for r in self.results}
        if self.always_open is None or self.office is None:
            return math.nan
        office_fte = by_name[self.office].best.fte
        return by_name[self.always_open].best.fte / office_fte if office_fte > 0 else math.nan

    def result(self, coverage: str) -> SizingResult:
        return next(r for r in self.results if r.coverage == coverage)


def classify_coverages(profile: Profile) -> tuple[str | None, str | None]:
    """(24/7 model, business-hours model) of the profile; ``None`` where there is none."""
    hours = {name: shift_minutes(profile, name).any(axis=0) for name in profile.coverage_names}
    always = [name for name, on in hours.items() if on.all()]
    others = [name for name in profile.coverage_names if name not in always]
    office: str | None = None
    if BUSINESS_HOURS_NAME in others:
        office = BUSINESS_HOURS_NAME
    elif others:
        office = min(others, key=lambda name: int(hours[name].sum()))
    return (always[0] if always else None), office


def build_report(
    profile: Profile,
    targets: Sequence[SlaTarget] = (),
    *,
    replications: int = SIZING_REPLICATIONS,
    weeks: float = SIZING_WEEKS,
    warmup_weeks: float = SIZING_WARMUP_WEEKS,
    max_agents: int = MAX_AGENTS_PER_SHIFT,
    seed: int = 1,
    runner: Runner | None = None,
    on_coverage: Callable[[str], None] | None = None,
) -> CoverageReport:
    """Size every coverage model of ``profile`` for the same targets and seeds."""
    final_targets = sizing_targets(profile, targets)
    results = []
    for name in profile.coverage_names:
        if on_coverage is not None:
            on_coverage(name)
        results.append(
            size(
                profile,
                name,
                final_targets,
                replications=replications,
                weeks=weeks,
                warmup_weeks=warmup_weeks,
                max_agents=max_agents,
                seed=seed,
                runner=runner,
            )
        )
    always, office = classify_coverages(profile)
    return CoverageReport(
        profile=profile.name,
        title=profile.title or profile.name,
        targets=final_targets,
        results=tuple(results),
        always_open=always,
        office=office,
    )


def report_summary(report: CoverageReport) -> dict[str, Any]:
    """Plain dict (JSON-ready) of the report."""
    return {
        "profile": report.profile,
        "title": report.title,
        "targets": [t.name for t in report.targets],
        "always_open": report.always_open,
        "office": report.office,
        "factor_24_7": report.factor_24_7,
        "claimed_factor_24_7": CLAIMED_FACTOR_24_7,
        "claim_source": CLAIM_SOURCE,
        "coverages": {r.coverage: sizing_summary(r) for r in report.results},
    }


def report_frame(report: CoverageReport) -> pd.DataFrame:
    """One row per coverage model and staffing (``simulatie`` or ``erlang``), tidy for charts."""
    rows: list[dict[str, Any]] = []
    for r in report.results:
        for method, cand in (("simulatie", r.best), ("Erlang C", r.erlang)):
            row: dict[str, Any] = {
                "coverage": r.coverage,
                "method": method,
                "fte": cand.fte,
                "cost_per_week_eur": cand.cost_per_week_eur,
                "meets_targets": cand.meets(),
                "reachable": r.reachable,
                "first_response_p90_min": cand.estimates["first_response_p90_min"].mean,
                "backlog_monday_0900": cand.estimates["backlog_monday_0900"].mean,
                "reputation_exposure_reach_hours": cand.estimates[
                    "reputation_exposure_reach_hours"
                ].mean,
            }
            for t in report.targets:
                est = cand.attainment(t)
                row[f"{t.name}_mean"] = est.mean
                row[f"{t.name}_low"] = est.low
                row[f"{t.name}_high"] = est.high
            rows.append(row)
    return pd.DataFrame(rows)


# --- charts ------------------------------------------------------------------------------------


def charts(report: CoverageReport) -> list[alt.TopLevelMixin]:
    """FTE and cost per coverage model (simulation vs Erlang C), attainment against the goals."""
    frame = report_frame(report)
    order = [r.coverage for r in report.results]
    color = alt.Color("method:N", title="Bezetting volgens")
    fte = (
        alt.Chart(frame, title="Fte per dekkingsmodel")
        .mark_bar()
        .encode(
            x=alt.X("coverage:N", sort=order, title="Dekkingsmodel"),
            xOffset="method:N",
            y=alt.Y("fte:Q", title="Fte"),
            color=color,
            tooltip=["coverage", "method", alt.Tooltip("fte:Q", format=".1f")],
        )
    )
    cost = (
        alt.Chart(frame, title="Kosten per week (euro)")
        .mark_bar()
        .encode(
            x=alt.X("coverage:N", sort=order, title="Dekkingsmodel"),
            xOffset="method:N",
            y=alt.Y("cost_per_week_eur:Q", title="Euro per week"),
            color=color,
            tooltip=["coverage", "method", alt.Tooltip("cost_per_week_eur:Q", format=",.0f")],
        )
    )
    out: list[alt.TopLevelMixin] = [fte, cost]
    for t in report.targets:
        base = alt.Chart(frame, title=f"Gehaald: {describe(t)}")
        points = base.mark_point(filled=True, size=80).encode(
            x=alt.X("coverage:N", sort=order, title="Dekkingsmodel"),
            xOffset="method:N",
            y=alt.Y(f"{t.name}_mean:Q", title="Aandeel op tijd", axis=alt.Axis(format="%")),
            color=color,
        )
        bars = base.mark_rule().encode(
            x=alt.X("coverage:N", sort=order),
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
    return out


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


def _json_for_script(data: Any) -> str:
    """JSON safe inside a <script> element: no "</script>" or "<!--" can end it early."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _nl(value: float, decimals: int = 1) -> str:
    if not math.isfinite(value):
        return "–"
    return f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _pct(cand: Candidate, target: SlaTarget) -> str:
    est = cand.attainment(target)
    if not math.isfinite(est.mean):
        return "–"
    text = f"{_nl(100 * est.mean)}%"
    if math.isfinite(est.half_width):
        text += f" ± {_nl(100 * est.half_width)}"
    return text + (" ✓" if cand.meets() else "")


def factor_sentence(report: CoverageReport) -> str:
    """Dutch sentence with the 24/7 factor next to the sources' claim."""
    factor = report.factor_24_7
    if not math.isfinite(factor):
        return (
            "Dit profiel heeft geen dekkingsmodel dat 24/7 bezet is naast een kantoortijdenmodel, "
            "dus de factor 24/7 ÷ kantoortijden is niet te berekenen."
        )
    assert report.always_open is not None and report.office is not None
    always, office = report.result(report.always_open), report.result(report.office)
    text = (
        f"24/7 ({always.coverage}) vraagt {_nl(always.best.fte)} fte tegen "
        f"{_nl(office.best.fte)} fte voor kantoortijden ({office.coverage}): factor "
        f"{_nl(factor, 2)}. De bronnen noemen ongeveer {CLAIMED_FACTOR_24_7:g}× zoveel "
        f"personeel ('{CLAIM_SOURCE}')."
    )
    if not office.reachable:
        text += (
            f" Let op: {office.coverage} haalt de doelen met geen enkele bezetting (tot "
            f"{office.max_agents} per dienst); de vergelijking gebruikt de goedkoopste bezetting "
            "die het beste haalbare bereikt."
        )
    if not always.reachable:
        text += f" Ook {always.coverage} haalt de doelen niet binnen het maximum."
    return text


def render_html(report: CoverageReport) -> str:
    """The whole page as one self-contained HTML string."""
    esc = html.escape
    bundle = _vega_bundle()
    head = ["Dekkingsmodel", "Diensten (agents)", "Fte", "Euro/week"]
    head += [f"Gehaald: {describe(t)}" for t in report.targets]
    head += ["p90 eerste reactie (min)", "Werkvoorraad ma 09:00", "Reputatierisico", "Erlang C"]
    rows = []
    for r in report.results:
        best = r.best
        cells = [
            r.coverage + ("" if r.reachable else " (doel onhaalbaar)"),
            ", ".join(f"{k} {v}" for k, v in best.agents),
            _nl(best.fte),
            "€ " + _nl(best.cost_per_week_eur, 0),
            *(_pct(best, t) for t in report.targets),
            _nl(best.estimates["first_response_p90_min"].mean, 0),
            _nl(best.estimates["backlog_monday_0900"].mean, 0),
            _nl(best.estimates["reputation_exposure_reach_hours"].mean, 0),
            f"{_nl(r.erlang.fte)} fte, "
            + ("haalt de doelen" if r.erlang.meets() else "haalt de doelen niet"),
        ]
        rows.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
    specs = [chart.to_dict() for chart in charts(report)]
    divs = "\n".join(f'<div class="chart" id="chart-{i}"></div>' for i in range(len(specs)))
    targets = "".join(f"<li>{esc(describe(t))}</li>" for t in report.targets)
    first = report.results[0]
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="UTF-8">
<title>{esc(f"Dekkingsmodellen: {report.title}")}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; max-width: 70em; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }}
td:first-child, th:first-child, td:nth-child(2) {{ text-align: left; }}
.chart {{ margin: 1.5em 0; }}
</style>
<script type="text/javascript">
{bundle}
</script>
</head>
<body>
<h1>{esc(f"Wat kost elk dekkingsmodel? {report.title}")}</h1>
<p>Elk dekkingsmodel is doorgerekend op de goedkoopste bezetting die deze doelen haalt
(ondergrens van het 95%-interval over {first.replications} herhalingen van
{_nl(first.weeks, 0)} weken, na {_nl(first.warmup_weeks, 0)} week inloop, seed {first.seed}):</p>
<ul>{targets}</ul>
<p><strong>{esc(factor_sentence(report))}</strong></p>
<table>
<thead><tr>{"".join(f"<th>{esc(h)}</th>" for h in head)}</tr></thead>
<tbody>
{"".join(rows)}
</tbody>
</table>
<p>Erlang C rekent per uur alsof de wachtrij stil staat: nachtelijke achterstanden,
backoffice-uren en gesprekken van meerdere beurten ziet de formule niet. Daarom staat de
bezetting volgens Erlang C, ook gesimuleerd, ernaast.</p>
{divs}
<script type="application/json" id="specs">{_json_for_script(specs)}</script>
<script type="text/javascript">
const specs = JSON.parse(document.getElementById("specs").textContent);
specs.forEach((spec, i) => vegaEmbed("#chart-" + i, spec, {{"actions": false}})
  .catch(console.error));
</script>
<p><small>Fte = betaalde uren per week (uren online gedeeld door 1 − shrinkage) gedeeld door
de fte-uren van het profiel; kosten met nacht- en weekendtoeslag. Reputatierisico = bereik van de
auteur × uren dat een publieke klacht onbeantwoord bleef, opgeteld.</small></p>
</body>
</html>
"""


def write_html(report: CoverageReport, path: Any) -> None:
    """Write ``render_html`` to ``path``; ``ReportError`` with a Dutch message if it fails."""
    text = render_html(report)
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise ReportError(f"kan {path} niet schrijven ({exc.strerror})") from None


__all__ = [
    "CLAIMED_FACTOR_24_7",
    "CLAIM_SOURCE",
    "CoverageReport",
    "ReportError",
    "build_report",
    "charts",
    "classify_coverages",
    "factor_sentence",
    "render_html",
    "report_frame",
    "report_summary",
    "write_html",
]
