"""Charts of a what-if that a manager reads at a glance, on a laptop and on a phone.

- The week as a heatmap: hour of the day across, weekday down, one grid per coverage model, the
  colour the share on time (red is bad) or the queue. A line per hour of the week was a cloud of
  dots at 0 and 100; a grid shows "Monday morning and every night" at once.
- The first wait of every customer who needed a reply in bands, with "afgehaakt" and "nog open"
  as bands of their own, as horizontal bars: band names stay readable on a narrow screen.
- The staffing curve: share on time and cost per week against agents per shift, from the sweep.
- Per channel: the share on time of the first target, with who gave up in the tooltip.

Legends sit below the chart, so a phone keeps the full width for the data. Axis numbers are
written the Dutch way by a label expression (1.800, not 1,800), whatever the browser's locale.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from presentation import labels
from webcare_app.whatif_service import WAIT_BANDS

DAY_ORDER = tuple(labels.DAY_LABELS.values())
HOURS = list(range(24))  # the heatmap's columns, hour of the day
# Streamlit fits a chart into its height, axes, title and legend included: the heights below
# are the plot's rows plus that frame, or the day labels drop out and the grid is a sliver.
FRAME_PX = 120  # x axis with its title, and a legend below
HEAT_ROW_PX = 24  # one weekday
HEAT_HEIGHT_PX = 7 * HEAT_ROW_PX + FRAME_PX + 30  # + the chart's title
BAR_HEIGHT_PX = 14  # one bar (two per band or channel: one per coverage model)
COVERAGE_TITLE = "Dekkingsmodel"
# share on time: red (nobody on time) through yellow to green (everyone)
ATTAINMENT_SCHEME = alt.Scale(domain=[0, 50, 100], range=["#cf222e", "#f2cc60", "#1a7f37"])
DUTCH_INT = "replace(format(datum.value, ',.0f'), ',', '.')"
DUTCH_SMALL = "replace(format(datum.value, '.1~f'), '.', ',')"  # under 1.000: 0,5 and 12
DUTCH_PCT = "format(datum.value, '.0f') + '%'"
DUTCH_EUR = "'€ ' + replace(format(datum.value, ',.0f'), ',', '.')"


def inline(frame: pd.DataFrame) -> alt.InlineData:
    """The frame's rows as inline values, NaN as null (a blank cell), without pandas' slow
    per-cell conversion: the page redraws every chart after each change."""
    columns = list(frame.columns)
    lists = []
    for column in columns:
        values = frame[column].tolist()
        lists.append([None if isinstance(v, float) and math.isnan(v) else v for v in values])
    rows = zip(*lists, strict=True)
    values = [dict(zip(columns, row, strict=True)) for row in rows]
    # Altair checks every row against the schema when the data object is made: seconds for
    # a week of hours. The rows are plain numbers and strings; ``spec`` is checked in the tests.
    with debug_mode(False):
        return alt.InlineData(values=values)


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite specification for ``st.vega_lite_chart``, not validated again
    (the tests validate every chart once; each redraw need not)."""
    out: dict[str, Any] = chart.to_dict(validate=False)
    return out


def _legend() -> alt.Legend:
    return alt.Legend(orient="bottom", direction="horizontal", title=None, labelLimit=220)


def _week_grid(data: pd.DataFrame) -> pd.DataFrame:
    hours = data["hour_of_week"].astype(int)
    return data.assign(
        dag=[DAY_ORDER[h // 24] for h in hours],
        uur=hours % 24,
    )


def week_heatmap(
    data: pd.DataFrame,
    field: str,
    legend_title: str,
    *,
    attainment: bool,
    title: str,
    top: float = 1.0,
) -> alt.Chart:
    """One coverage model's week as a grid (hour x weekday) coloured by ``field``.

    ``attainment``: ``field`` is a share on time in percent (0-100, red to green); otherwise a
    count (the queue) on a scale from 0 to ``top``, darker is more: give both models the same
    ``top`` so their grids compare. Hours without data are left blank.
    """
    grid = _week_grid(data)
    colour = (
        alt.Color(
            f"{field}:Q",
            title=legend_title,
            scale=ATTAINMENT_SCHEME,
            legend=alt.Legend(orient="bottom", labelExpr=DUTCH_PCT, gradientLength=160),
        )
        if attainment
        else alt.Color(
            f"{field}:Q",
            title=legend_title,
            scale=alt.Scale(scheme="oranges", domain=[0, max(top, 1.0)]),
            legend=alt.Legend(orient="bottom", labelExpr=DUTCH_SMALL, gradientLength=160),
        )
    )
    value_format = ".0f" if attainment else ".1f"
    return (
        alt.Chart(inline(grid), title=alt.Title(title, anchor="start", fontSize=13))
        .mark_rect()
        .encode(
            # Fixed domains: Vega-Lite drops hours without a value (no messages due), and a grid
            # built from the rest had fewer columns, each hour elsewhere than in the other grid.
            x=alt.X(
                "uur:O",
                title="Uur van de dag",
                scale=alt.Scale(domain=HOURS),
                axis=alt.Axis(labelAngle=0, values=[0, 6, 12, 18], labelExpr="datum.value + ':00'"),
            ),
            y=alt.Y(
                "dag:O",
                title=None,
                scale=alt.Scale(domain=list(DAY_ORDER)),
                axis=alt.Axis(labelOverlap=False),
            ),
            color=colour,
            tooltip=[
                alt.Tooltip("dag:N", title="Dag"),
                alt.Tooltip("uur:O", title="Uur"),
                alt.Tooltip(f"{field}:Q", title=legend_title, format=value_format),
            ],
        )
        .properties(height=HEAT_HEIGHT_PX)
    )


def attainment_heatmap(attainment: pd.DataFrame, coverage: str, target: str) -> alt.Chart:
    part = attainment[(attainment["coverage"] == coverage) & (attainment["target"] == target)]
    data = part.assign(procent=part["attainment"] * 100)
    return week_heatmap(
        data, "procent", "% op tijd", attainment=True, title=labels.coverage_label(coverage)
    )


def backlog_heatmap(backlog: pd.DataFrame, coverage: str) -> alt.Chart:
    """One model's queue per hour, on the scale of the busiest hour of *all* models shown."""
    part = backlog[backlog["coverage"] == coverage]
    top = float(backlog["backlog"].max()) if len(backlog) else 1.0
    return week_heatmap(
        part,
        "backlog",
        "Berichten in de wachtrij",
        attainment=False,
        title=labels.coverage_label(coverage),
        top=top,
    )


def wait_distribution(waits: pd.DataFrame) -> alt.Chart:
    """Per band of the first wait, the share of customers who needed a reply, per model."""
    data = waits.assign(
        procent=waits["share"] * 100, model=waits["coverage"].map(labels.coverage_label)
    )
    return (
        alt.Chart(inline(data))
        .mark_bar()
        .encode(
            y=alt.Y("bin:N", title=None, sort=list(WAIT_BANDS), axis=alt.Axis(labelLimit=120)),
            yOffset=alt.YOffset("model:N"),
            x=alt.X(
                "procent:Q",
                title="% van de klanten die een reactie nodig hadden",
                axis=alt.Axis(labelExpr=DUTCH_PCT, tickCount=5),
            ),
            color=alt.Color("model:N", title=COVERAGE_TITLE, legend=_legend()),
            tooltip=[
                alt.Tooltip("model:N", title=COVERAGE_TITLE),
                alt.Tooltip("bin:N", title="Eerste reactie"),
                alt.Tooltip("procent:Q", title="% van de klanten", format=".1f"),
                alt.Tooltip("count:Q", title="Klanten per week", format=".0f"),
            ],
        )
        .properties(height=BAR_HEIGHT_PX * 2 * len(WAIT_BANDS) + FRAME_PX)
    )


def staffing_curve(
    curve: pd.DataFrame, target_names: dict[str, str], goal: float
) -> alt.LayerChart:
    """Share on time of each target (left axis) and cost per week (right axis) against agents
    per shift; the dashed line is the first target's goal."""
    long = curve.melt(
        id_vars=["agents"],
        value_vars=[f"sla_{n}_attainment" for n in target_names],
        var_name="doel",
        value_name="aandeel",
    )
    long["doel"] = long["doel"].map({f"sla_{n}_attainment": t for n, t in target_names.items()})
    long["procent"] = long["aandeel"] * 100
    x = alt.X("agents:Q", title="Medewerkers per dienst", axis=alt.Axis(tickMinStep=1, format="d"))
    lines = (
        alt.Chart(inline(long))
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y(
                "procent:Q",
                title="% op tijd",
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(labelExpr=DUTCH_PCT),
            ),
            # one target per line below the chart: the names are long
            color=alt.Color(
                "doel:N",
                title=None,
                legend=alt.Legend(
                    orient="bottom", direction="vertical", columns=1, title=None, labelLimit=330
                ),
            ),
            tooltip=[
                alt.Tooltip("agents:Q", title="Medewerkers per dienst"),
                alt.Tooltip("doel:N", title="Doel"),
                alt.Tooltip("procent:Q", title="% op tijd", format=".0f"),
            ],
        )
    )
    cost = (
        alt.Chart(inline(curve))
        .mark_line(strokeDash=[2, 2], color="#57606a", point=alt.OverlayMarkDef(color="#57606a"))
        .encode(
            x=x,
            y=alt.Y(
                "cost_per_week_eur:Q",
                title="Kosten per week (grijs)",
                axis=alt.Axis(labelExpr=DUTCH_EUR, orient="right", tickCount=5),
            ),
            tooltip=[
                alt.Tooltip("agents:Q", title="Medewerkers per dienst"),
                alt.Tooltip("cost_per_week_eur:Q", title="Kosten per week (€)", format=",.0f"),
            ],
        )
    )
    # The goal on the attainment scale (same domain, no axis of its own).
    rule = (
        alt.Chart(pd.DataFrame({"procent": [goal * 100]}))
        .mark_rule(strokeDash=[6, 4], color="#cf222e")
        .encode(y=alt.Y("procent:Q", scale=alt.Scale(domain=[0, 100]), axis=None))
    )
    return alt.layer(lines, rule, cost).resolve_scale(y="independent").properties(height=340)


def channel_breakdown(channels: pd.DataFrame, target_title: str) -> alt.Chart:
    """Per channel and model, the share on time of the first target."""
    data = channels.assign(
        procent=channels["attainment"] * 100,
        kanaal=channels["channel"].map(labels.channel_label),
        model=channels["coverage"].map(labels.coverage_label),
    )
    return (
        alt.Chart(inline(data))
        .mark_bar()
        .encode(
            y=alt.Y("kanaal:N", title=None, axis=alt.Axis(labelLimit=120)),
            yOffset=alt.YOffset("model:N"),
            x=alt.X(
                "procent:Q",
                title=f"% op tijd: {target_title}",
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(labelExpr=DUTCH_PCT),
            ),
            color=alt.Color("model:N", title=COVERAGE_TITLE, legend=_legend()),
            tooltip=[
                alt.Tooltip("kanaal:N", title="Kanaal"),
                alt.Tooltip("model:N", title=COVERAGE_TITLE),
                alt.Tooltip("procent:Q", title="% op tijd", format=".0f"),
                alt.Tooltip("needs_reply:Q", title="Reactie nodig, per week", format=".0f"),
                alt.Tooltip("abandoned:Q", title="Afgehaakt, per week", format=".0f"),
            ],
        )
        .properties(height=BAR_HEIGHT_PX * 2 * max(1, data["kanaal"].nunique()) + FRAME_PX)
    )


__all__ = [
    "attainment_heatmap",
    "backlog_heatmap",
    "channel_breakdown",
    "inline",
    "spec",
    "staffing_curve",
    "wait_distribution",
    "week_heatmap",
]
