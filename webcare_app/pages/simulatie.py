"""Simulatie: a manager's what-if, two coverage models of one organisation side by side.

Widget keys: ``whatif_profile``, ``whatif_volume``, ``whatif_handle``, ``whatif_weeks``,
``whatif_reps``, ``whatif_cov_a_<profile>``, ``whatif_cov_b_<profile>``,
``whatif_agents_<profile>_<coverage>_<shift>``, ``whatif_sla_within_<profile>_<target>``,
``whatif_sla_goal_<profile>_<target>``, ``whatif_target``, ``whatif_download_kpis``,
``whatif_download_hourly``, ``whatif_sizing_cov_<profile>``, ``whatif_sizing``,
``whatif_sizing_adopt``.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from presentation import labels
from sim import nl
from webcare_app import charts, render, services
from webcare_app.state import init_state, sizing, whatif

# The difference column's colours: B better than A, B worse than A.
BETTER_COLOUR, WORSE_COLOUR = "#1a7f37", "#cf222e"
NBSP = "\u00a0"

init_state()

st.title("Simulatie: wat als…?")
st.write(
    "Kies een organisatie, pas volume, behandeltijd, bezetting en servicedoelen aan en vergelijk "
    "twee dekkingsmodellen, standaard 24/7 tegenover kantooruren. Beide draaien op precies "
    "dezelfde gesimuleerde berichten, zodat de verschillen door de bezetting komen."
)

names = services.profile_names()
profile = st.selectbox(
    "Organisatieprofiel",
    names,
    index=names.index("library") if "library" in names else 0,
    format_func=lambda n: f"{services.profile_overview(n).title} ({n})",
    key="whatif_profile",
)
overview = services.profile_overview(profile)
default_a, default_b = services.compared_default(overview.coverages)

c1, c2 = st.columns(2)
with c1:
    cov_a = st.selectbox(
        "Dekkingsmodel A",
        overview.coverages,
        index=overview.coverages.index(default_a),
        format_func=services.coverage_label,
        key=f"whatif_cov_a_{profile}",
    )
with c2:
    cov_b = st.selectbox(
        "Dekkingsmodel B",
        overview.coverages,
        index=overview.coverages.index(default_b),
        format_func=services.coverage_label,
        key=f"whatif_cov_b_{profile}",
    )

c1, c2, c3, c4 = st.columns(4)
with c1:
    volume = st.slider(
        "Volume (× huidig)",
        0.25,
        3.0,
        1.0,
        0.05,
        key="whatif_volume",
        help=f"Nu {overview.mentions_per_week:,.0f} berichten per week.".replace(",", "."),
    )
with c2:
    handle = st.slider(
        "Behandeltijd (× huidig)",
        0.5,
        2.0,
        1.0,
        0.05,
        key="whatif_handle",
        help=f"Nu gemiddeld {overview.mean_handle_min:.1f} minuten per bericht.",
    )
with c3:
    weeks = st.select_slider("Weken simuleren", [1, 2, 4, 8], value=2, key="whatif_weeks")
with c4:
    reps = st.select_slider("Herhalingen", [1, 2, 3, 5], value=1, key="whatif_reps")

agents: list[tuple[str, tuple[tuple[str, int], ...]]] = []
with st.expander("Medewerkers per dienst"):
    cols = st.columns(2)
    for col, cov in zip(cols, dict.fromkeys((cov_a, cov_b)), strict=False):
        with col:
            st.markdown(f"**{services.coverage_label(cov)}**")
            st.caption(overview.descriptions.get(cov, ""))
            chosen = []
            for shift in overview.shifts[cov]:
                key = f"whatif_agents_{profile}_{cov}_{shift.name}"
                if key not in st.session_state:  # the sizing advice may have set it
                    st.session_state[key] = shift.agents
                n = st.number_input(
                    f"{shift.name} ({shift.days}, {shift.start}-{shift.end})",
                    min_value=0,
                    max_value=500,
                    step=1,
                    key=key,
                )
                chosen.append((shift.name, int(n)))
            agents.append((cov, tuple(chosen)))

sla: list[tuple[str, float, float]] = []
with st.expander("Servicedoelen (SLA)"):
    for name, metric, within_min, goal in overview.sla:
        kind = labels.SLA_METRIC_LABELS.get(metric, metric)
        c1, c2 = st.columns(2)
        with c1:
            hours = st.number_input(
                f"{name}: {kind} binnen (uur)",
                min_value=0.25,
                max_value=24.0 * 14,
                value=float(within_min) / 60,
                step=0.25,
                key=f"whatif_sla_within_{profile}_{name}",
            )
        with c2:
            pct = st.number_input(
                f"{name}: doel (% op tijd)",
                min_value=1.0,
                max_value=100.0,
                value=float(goal) * 100,
                step=1.0,
                key=f"whatif_sla_goal_{profile}_{name}",
            )
        sla.append((name, float(hours) * 60, float(pct) / 100))

inputs = services.WhatIfInputs(
    profile=profile,
    coverages=(cov_a, cov_b),
    volume_factor=float(volume),
    handle_factor=float(handle),
    agents=tuple(agents),
    sla=tuple(sla),
    weeks=float(weeks),
    replications=int(reps),
)
try:
    result = whatif(inputs)
except services.ServiceInputError as exc:
    st.warning(str(exc))
    st.stop()


def _fmt(value: float, unit: str) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "–"
    if unit == "%":
        return f"{nl.number(value * 100, 0)}%"
    if unit == "min":
        return (
            f"{nl.number(value / 60, 1)} uur" if abs(value) >= 120 else f"{nl.number(value, 0)} min"
        )
    if unit == "€":
        return f"€ {nl.number(value, 0)}"
    return nl.number(value, 1)


def _difference(diff: float, unit: str) -> str:
    """B minus A as shown: sign and arrow first ("▼ -€ 8.500"), none when it rounds to zero."""
    if math.isnan(diff):
        return "–"
    shown = _fmt(abs(diff), unit)
    if not any(ch in "123456789" for ch in shown):
        return shown
    return ("▼ -" if diff < 0 else "▲ +") + shown


def _difference_colour(diff: float, unit: str, lower_better: bool) -> str:
    """Green when B is better than A, red when worse, no colour when they are level."""
    if math.isnan(diff) or not _difference(diff, unit).startswith(("▲", "▼")):
        return ""
    better = (diff < 0) == lower_better
    return f"color: {BETTER_COLOUR if better else WORSE_COLOUR}"


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """A chart's data with the coverage models under their Dutch names (legend, tooltip)."""
    return frame.assign(coverage=frame["coverage"].map(services.coverage_label))


st.subheader("Kerncijfers")
run_a, run_b = result.runs
for side, run in zip("AB", result.runs, strict=True):
    st.markdown(
        f"**{side}: {render.md_escape(services.coverage_label(run.coverage))}** · "
        f"{render.md_escape(run.description)}"
    )
# One compact table rather than a card per figure: cards stack into a long column on a phone.
rows = []
colours = []
for key, label, unit, lower_better in services.kpi_rows(result):
    a, b = result.kpi(run_a.coverage, key), result.kpi(run_b.coverage, key)
    rows.append(
        {
            "Kerncijfer": label,
            "A": _fmt(a, unit),
            "B": _fmt(b, unit),
            "Verschil": _difference(b - a, unit),
        }
    )
    colours.append(_difference_colour(b - a, unit, lower_better))
# A static table, so long labels wrap and the four columns fit a phone's width; figures keep
# their spaces unbroken ("€ 8.167" never splits over two lines).
comparison = pd.DataFrame(rows).set_index("Kerncijfer").map(lambda text: text.replace(" ", NBSP))
st.table(comparison.style.apply(lambda _: colours, subset=["Verschil"]))
st.caption("Verschil: B min A. Groen is beter voor B, rood is slechter.")

st.subheader("Wachtrij door de week")
st.altair_chart(charts.backlog_week(_labelled(result.backlog)), width="stretch")

st.subheader("Hoe snel komt de eerste reactie?")
st.altair_chart(charts.wait_distribution(_labelled(result.waits)), width="stretch")

if result.sla_names:
    st.subheader("Servicedoel gehaald, per uur van de week")
    promises = {t.name: labels.sla_label(t) for t in services.sla_targets(result)}
    target = st.selectbox(
        "Servicedoel",
        result.sla_names,
        format_func=lambda name: promises.get(name, name),
        key="whatif_target",
    )
    st.altair_chart(charts.attainment_week(_labelled(result.attainment), target), width="stretch")

st.subheader("Kosten")
k1, k2 = st.columns(2)
for col, run in zip((k1, k2), result.runs, strict=True):
    col.metric(
        f"{services.coverage_label(run.coverage)}: kosten per week",
        _fmt(result.kpi(run.coverage, "cost_per_week_eur"), "€"),
        help="Betaalde uren (incl. shrinkage) met nacht- en weekendtoeslag.",
    )

d1, d2 = st.columns(2)
with d1:
    st.download_button(
        "Kerncijfers als CSV",
        services.whatif_csv(result),
        file_name=f"whatif-{profile}.csv",
        mime="text/csv",
        key="whatif_download_kpis",
    )
with d2:
    st.download_button(
        "Per uur van de week als CSV",
        services.hourly_csv(result),
        file_name=f"whatif-{profile}-per-uur.csv",
        mime="text/csv",
        key="whatif_download_hourly",
    )


def _adopt(advice: services.SizingAdvice) -> None:
    for shift, agents in advice.advised:
        st.session_state[f"whatif_agents_{advice.profile}_{advice.coverage}_{shift}"] = agents


st.subheader("Bezetting laten berekenen")
st.write(
    "Zoek de goedkoopste bezetting per dienst die de servicedoelen haalt (met 95% "
    "zekerheid), met het volume, de behandeltijd en de doelen zoals hierboven ingesteld."
)
sizing_cov = st.selectbox(
    "Dekkingsmodel",
    list(dict.fromkeys((cov_a, cov_b))),
    format_func=services.coverage_label,
    key=f"whatif_sizing_cov_{profile}",
)
if st.button("Bereken benodigde bezetting", key="whatif_sizing"):
    try:
        st.session_state["whatif_sizing_result"] = sizing(inputs, sizing_cov)
    except services.ServiceInputError as exc:
        st.warning(str(exc))
advice = st.session_state["whatif_sizing_result"]
if advice is not None and advice.profile == profile and advice.coverage == sizing_cov:
    if not advice.reachable:
        st.warning(
            "Met dit dekkingsmodel zijn de doelen niet te halen, ook niet met veel meer "
            "mensen (bijvoorbeeld omdat er 's nachts niemand is). Hieronder de goedkoopste "
            "bezetting die het best haalbare resultaat geeft."
        )
    current = dict(advice.current)
    erlang = dict(advice.erlang)
    st.write("Advies per dienst en weekdag (een drukke maandag kan meer mensen vragen):")
    st.dataframe(
        pd.DataFrame(
            [{"Dienst": shift, **dict(per_day)} for shift, per_day in advice.advised_by_day]
        ),
        hide_index=True,
    )
    st.caption(
        'Hierboven stel je één aantal per dienst in. "Neem advies over" neemt daarom per '
        "dienst het hoogste aantal van de week over; op rustiger dagen volstaan er minder."
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Dienst": shift,
                    "Nu": current.get(shift, 0),
                    "Advies (hoogste per dag)": n,
                    "Erlang C alleen": erlang.get(shift, 0),
                }
                for shift, n in advice.advised
            ]
        ),
        hide_index=True,
    )
    m1, m2, m3 = st.columns(3)
    m1.metric("Fte", nl.number(advice.fte, 1))
    m2.metric("Kosten per week", _fmt(advice.cost_per_week_eur, "€"))
    m3.metric(
        "Doelen gehaald",
        ", ".join(f"{name} {value:.0%}" for name, value in advice.attainment),
    )
    st.button(
        "Neem advies over",
        key="whatif_sizing_adopt",
        on_click=_adopt,
        args=(advice,),
    )
