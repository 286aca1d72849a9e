"""Altair charts for the app's pages, built from the service layer's DataFrames.

Charts are plain functions of data (no Streamlit), so a test can build them and check their data;
the pages only hand them to ``st.altair_chart``. Labels are Dutch.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from trainer.rules import load_rules

DAY_NAMES = ("ma", "di", "wo", "do", "vr", "za", "zo")


def scores_over_time(over_time: pd.DataFrame) -> alt.Chart:
    """Score per attempt, in order, with a rolling mean of the last five."""
    data = over_time.reset_index(drop=True).copy()
    data["poging"] = data.index + 1
    data["gemiddelde"] = data["score"].rolling(5, min_periods=1).mean()
    data["beslissing"] = data["decision_correct"].map({True: "goed", False: "fout"})
    base = alt.Chart(data).encode(x=alt.X("poging:Q", title="Poging", axis=alt.Axis(tickMinStep=1)))
    points = base.mark_circle(size=70).encode(
        y=alt.Y("score:Q", title="Score (0-100)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(
            "beslissing:N",
            title="Beslissing",
            scale=alt.Scale(domain=["goed", "fout"], range=["#2da44e", "#cf222e"]),
        ),
        tooltip=[
            alt.Tooltip("poging:Q", title="Poging"),
            alt.Tooltip("post_id:N", title="Bericht"),
            alt.Tooltip("score:Q", title="Score"),
        ],
    )
    line = base.mark_line(color="#1f6feb").encode(y="gemiddelde:Q")
    return (points + line).properties(height=280)


def rules_broken(per_rule: pd.DataFrame) -> alt.Chart:
    """Per rule, the share of the trainee's replies that broke it."""
    data = per_rule.copy()
    data["aandeel"] = data["share"] * 100
    # Trainees read the rule's Dutch title, not its internal id.
    titles = {r.id: r.title for r in load_rules()}
    data["regel"] = [titles.get(rule, rule) for rule in data["rule"]]
    return (
        alt.Chart(data)
        .mark_bar(color="#d4a72c")
        .encode(
            x=alt.X("aandeel:Q", title="% van je antwoorden", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("regel:N", title="Regel", sort="-x"),
            tooltip=[
                alt.Tooltip("regel:N", title="Regel"),
                alt.Tooltip("times_broken:Q", title="Keer overtreden"),
                alt.Tooltip("attempts:Q", title="Antwoorden"),
            ],
        )
        .properties(height=max(120, 26 * len(data)))
    )


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


def backlog_week(backlog: pd.DataFrame) -> alt.Chart:
    """Mean number of cases waiting per hour of the week, one line per coverage model."""
    return (
        alt.Chart(backlog)
        .mark_line(interpolate="step-after")
        .encode(
            x=_week_axis(),
            y=alt.Y("backlog:Q", title="Wachtende berichten (gem.)"),
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
    """SLA attainment of one target per hour of arrival in the week, per coverage model."""
    data = attainment[attainment["target"] == target].assign(
        procent=lambda f: f["attainment"] * 100
    )
    return (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=_week_axis(),
            y=alt.Y("procent:Q", title=f"% op tijd ({target})", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("coverage:N", title="Dekkingsmodel"),
            tooltip=["coverage:N", "hour_of_week:Q", alt.Tooltip("procent:Q", format=".0f")],
        )
        .properties(height=260)
    )
