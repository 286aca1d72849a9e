"""Altair charts for the app's pages, built from the service layer's DataFrames.

Charts are plain functions of data (no Streamlit), so a test can build them and check their data;
the pages only hand them to ``st.altair_chart``. Labels are Dutch; figures the simulation
reports are named by the catalogue ``presentation.labels``, as in the CLI and the HTML report.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from presentation import labels
from trainer.progress import RECENT_ATTEMPTS

DAY_NAMES = ("ma", "di", "wo", "do", "vr", "za", "zo")
POINTS_LEGEND_TITLE = "Score per poging"
MEAN_LEGEND_TITLE = "Gemiddelde"
MEAN_LINE_LABEL = f"laatste {RECENT_ATTEMPTS} pogingen"


def scores_over_time(over_time: pd.DataFrame) -> alt.LayerChart:
    """Score per attempt, in order, with the mean of the last ten (the summary's window) as a
    line. Both have a legend; the legends sit below the chart, each a short column, so the chart
    keeps its width on a phone.
    """
    data = over_time.reset_index(drop=True).copy()
    data["poging"] = data.index + 1
    data["gemiddelde"] = data["score"].rolling(RECENT_ATTEMPTS, min_periods=1).mean()
    data["beslissing"] = data["decision_correct"].map({True: "goed", False: "fout"})
    data["lijn"] = MEAN_LINE_LABEL
    # Attempts count from 1: an axis from 0 would show an attempt that never was.
    attempts = alt.Scale(domain=[1, max(2, len(data))], nice=False)
    base = alt.Chart(data).encode(
        x=alt.X("poging:Q", title="Poging", scale=attempts, axis=alt.Axis(tickMinStep=1))
    )
    points = base.mark_circle(size=70).encode(
        y=alt.Y("score:Q", title="Score (0-100)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(
            "beslissing:N",
            title=POINTS_LEGEND_TITLE,
            scale=alt.Scale(domain=["goed", "fout"], range=["#2da44e", "#cf222e"]),
            legend=alt.Legend(
                orient="bottom", direction="vertical", labelExpr="'beslissing ' + datum.label"
            ),
        ),
        tooltip=[
            alt.Tooltip("poging:Q", title="Poging"),
            alt.Tooltip("post_id:N", title="Bericht"),
            alt.Tooltip("score:Q", title="Score"),
            alt.Tooltip("beslissing:N", title="Beslissing"),
        ],
    )
    line = base.mark_line().encode(
        y="gemiddelde:Q",
        color=alt.Color(
            "lijn:N",
            title=MEAN_LEGEND_TITLE,
            scale=alt.Scale(domain=[MEAN_LINE_LABEL], range=["#1f6feb"]),
            legend=alt.Legend(orient="bottom", direction="vertical"),
        ),
    )
    # Independent colour scales: one legend for the points, one for the line. The height
    # includes the legends below (Streamlit fits the chart to it), hence taller than the others.
    return alt.layer(points, line).resolve_scale(color="independent").properties(height=350)


def _week_axis() -> alt.X:
    return alt.X(
        "hour_of_week:Q",
        title="Uur van de week (ma 00:00 = 0)",
        scale=alt.Scale(domain=[0, 168]),
        axis=alt.Axis(
            values=list(range(0, 169, 24)),
            labelExpr="['ma','di','wo','do','vr','za','zo',''][datum.value/24]",
        ),
    )


def _kpi_title(key: str) -> str:
    """An axis title: the KPI's name in the catalogue with its unit word."""
    entry = labels.KPIS[key]
    return f"{entry.label} ({entry.symbol})"


def backlog_week(backlog: pd.DataFrame) -> alt.Chart:
    """Mean number of cases waiting per hour of the week, one line per coverage model."""
    return (
        alt.Chart(backlog)
        .mark_line(interpolate="step-after")
        .encode(
            x=_week_axis(),
            y=alt.Y("backlog:Q", title=_kpi_title("backlog_mean")),
            color=alt.Color("coverage:N", title="Dekkingsmodel"),
            tooltip=["coverage:N", "hour_of_week:Q", alt.Tooltip("backlog:Q", format=".1f")],
        )
        .properties(height=260)
    )


def wait_distribution(waits: pd.DataFrame) -> alt.Chart:
    """Share of answered mentions per first-response band, bars side by side per model."""
    order = list(waits.sort_values("order")["bin"].drop_duplicates())
    data = waits.assign(procent=waits["share"] * 100)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("bin:N", title="Eerste reactie binnen", sort=order),
            xOffset="coverage:N",
            y=alt.Y("procent:Q", title="% van de beantwoorde berichten"),
            color=alt.Color("coverage:N", title="Dekkingsmodel"),
            tooltip=["coverage:N", "bin:N", alt.Tooltip("procent:Q", format=".1f")],
        )
        .properties(height=260)
    )


def attainment_week(attainment: pd.DataFrame, target: str) -> alt.Chart:
    """SLA attainment of one target per hour of arrival in the week, per coverage model.

    The page names the target (its promise, from the catalogue) in the selector above the
    chart, so the axis does not repeat the target's id.
    """
    data = attainment[attainment["target"] == target].assign(
        procent=lambda f: f["attainment"] * 100
    )
    return (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=_week_axis(),
            y=alt.Y("procent:Q", title="% op tijd", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("coverage:N", title="Dekkingsmodel"),
            tooltip=["coverage:N", "hour_of_week:Q", alt.Tooltip("procent:Q", format=".0f")],
        )
        .properties(height=260)
    )
