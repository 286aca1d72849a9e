"""Simulatie: a manager's what-if, two coverage models of one organisation side by side.

The page leads with a verdict (one sentence per coverage model: who waits too long, who gives
up), then the key figures, the week as heatmaps, the spread of first waits with those who gave
up, the breakdown per channel, downloads, saved scenarios, the staffing curve and sizing.

Widget keys: ``whatif_profile``, ``whatif_volume``, ``whatif_handle``, ``whatif_weeks``,
``whatif_reps``, ``whatif_cov_a_<profile>``, ``whatif_cov_b_<profile>``,
``whatif_agents_<profile>_<coverage>_<shift>``, ``whatif_dayplan_clear_<profile>_<coverage>``,
``whatif_sla_within_<profile>_<target>``, ``whatif_sla_goal_<profile>_<target>``,
``whatif_target``, ``whatif_download_kpis``, ``whatif_download_hourly``,
``whatif_download_parquet``, ``whatif_download_summary``, ``whatif_save_name``,
``whatif_save``, ``whatif_compare``, ``whatif_curve_cov_<profile>``, ``whatif_curve``,
``whatif_curve_stop``, ``whatif_sizing_cov_<profile>``, ``whatif_sizing``,
``whatif_sizing_stop``, ``whatif_sizing_adopt``, ``whatif_roster``.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from presentation import labels
from presentation.roster import roster_weeks_html
from presentation.whatif_text import figure, keep_together, limit_words, verdict_target
from webcare_app import render, scenarios_store, services, whatif_charts, whatif_views
from webcare_app.state import database, init_state, sizing, staffing_curve, whatif
from webcare_app.whatif_compare import compare_table
from webcare_app.whatif_pool import shared_pool
from webcare_app.whatif_service import ProgressNote

BETTER_COLOUR, WORSE_COLOUR = "#1a7f37", "#cf222e"  # difference column: B better / worse
VOLUME_PCT = (25, 300, 5)  # slider: min, max, step (% of today's volume or handling time)
HANDLE_PCT = (50, 200, 5)
SLA_LIMITS_MIN = (15, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440, 2160, 2880, 4320)
LONG_RUN_WEEKS = 8  # weeks x replications from which a what-if shows a progress bar
GOAL_PCT_RANGE = (1, 99)  # a goal of 100% can never be kept with confidence

init_state()
# The sizing and the curve run on the server's worker processes: start them now, in the
# background, so the first click finds them ready (once per server; WEBCARE_SIZING_WORKERS=0:
# none).
shared_pool().start_in_background()


def _minutes_words(minutes: float) -> str:
    if minutes < 60:
        return f"{minutes:g} min"
    hours = minutes / 60
    return f"{labels_number(hours)} uur"


def labels_number(value: float) -> str:
    from sim import nl

    return nl.short_number(value, 1)


def _draw(chart: alt.TopLevelMixin) -> None:
    """A chart at the page's width, its specification passed on without a second validation."""
    st.vega_lite_chart(spec=whatif_charts.spec(chart), width="stretch")


def _progress_hook(bar: st.delta_generator.DeltaGenerator, what: str) -> services.ProgressHook:
    """Updates ``bar`` with the runs done, the sizing's phase and the time left."""

    def hook(note: ProgressNote) -> None:
        bar.progress(
            min(note.done / note.expected, 1.0), text=whatif_views.progress_text(what, note)
        )

    return hook


st.title("Simulatie: wat als…?")
st.write(
    "Kies een organisatie, pas volume, behandeltijd, bezetting en servicedoelen aan en vergelijk "
    "twee dekkingsmodellen. Beide draaien op precies dezelfde gesimuleerde berichten, zodat de "
    "verschillen door de bezetting komen."
)

names = services.profile_names()
profile = st.selectbox(
    "Organisatie",
    names,
    index=names.index("library") if "library" in names else 0,
    format_func=lambda n: services.profile_overview(n).title,
    key="whatif_profile",
)
overview = services.profile_overview(profile)
default_a, default_b = services.compared_default(overview.coverages)

c1, c2 = st.columns(2)
cov_a = c1.selectbox(
    "Dekkingsmodel A",
    overview.coverages,
    index=overview.coverages.index(default_a),
    format_func=labels.coverage_label,
    key=f"whatif_cov_a_{profile}",
)
cov_b = c2.selectbox(
    "Dekkingsmodel B",
    overview.coverages,
    index=overview.coverages.index(default_b),
    format_func=labels.coverage_label,
    key=f"whatif_cov_b_{profile}",
)

c1, c2 = st.columns(2)
volume_pct = c1.slider(
    "Volume (% van nu)",
    *VOLUME_PCT[:2],
    100,
    VOLUME_PCT[2],
    format="%d%%",
    key="whatif_volume",
    help=f"Nu {figure(overview.mentions_per_week, 'count')} berichten per week.",
)
handle_pct = c2.slider(
    "Behandeltijd (% van nu)",
    *HANDLE_PCT[:2],
    100,
    HANDLE_PCT[2],
    format="%d%%",
    key="whatif_handle",
    help=f"Nu gemiddeld {labels_number(round(overview.mean_handle_min, 1))} minuten per bericht.",
)
c1, c2 = st.columns(2)
weeks = c1.select_slider("Weken simuleren", [1, 2, 4, 8], value=2, key="whatif_weeks")
reps = c2.select_slider("Herhalingen", [1, 2, 3, 5], value=1, key="whatif_reps")


def _plan_key(cov: str) -> str:
    return f"whatif_dayplan_{profile}_{cov}"


agents: list[tuple[str, tuple[tuple[str, int], ...]]] = []
day_agents: list[tuple[str, tuple[tuple[str, str, int], ...]]] = []
with st.expander("Medewerkers per dienst"):
    for cov in dict.fromkeys((cov_a, cov_b)):
        st.markdown(f"**{render.md_escape(labels.coverage_label(cov).capitalize())}**")
        st.caption(overview.descriptions.get(cov, ""))
        plan: dict[tuple[str, str], int] = st.session_state.get(_plan_key(cov)) or {}
        chosen = []
        for shift in overview.shifts[cov]:
            key = f"whatif_agents_{profile}_{cov}_{shift.name}"
            if key not in st.session_state:  # the sizing advice may have set it
                st.session_state[key] = shift.agents
            n = st.number_input(
                f"{labels.shift_label(shift.name)} ({labels.days_label(shift.days)}, "
                f"{shift.start}-{shift.end})",
                min_value=0,
                max_value=500,
                step=1,
                format="%d",
                key=key,
            )
            chosen.append((shift.name, int(n)))
        agents.append((cov, tuple(chosen)))
        # An adopted advice per weekday holds for the shifts whose number is still the advice's
        # busiest day; a shift changed by hand counts the same every day again.
        kept = {
            (s, d): v
            for (s, d), v in plan.items()
            if max(x for (t, _), x in plan.items() if t == s) == dict(chosen).get(s)
        }
        if kept:
            per_shift: dict[str, list[str]] = {}
            for (s, d), v in kept.items():
                per_shift.setdefault(s, []).append(f"{labels.DAY_LABELS.get(d, d)} {v}")
            st.info(
                "Volgens het advies per weekdag: "
                + "; ".join(
                    f"{labels.shift_label(s)}: {', '.join(p)}" for s, p in per_shift.items()
                )
                + ". Verander een aantal hierboven om die dienst elke dag gelijk te bezetten."
            )
            day_agents.append((cov, tuple((s, d, v) for (s, d), v in kept.items())))

sla: list[tuple[str, float, float]] = []
clock_of = {t.name: t.clock for t in services.get_profile(profile).sla_targets}
with st.expander("Servicedoelen"):
    for name, metric, within_min, goal in overview.sla:
        kind = labels.SLA_METRIC_LABELS.get(metric, metric)
        options = sorted({*SLA_LIMITS_MIN, float(within_min)})
        clock = labels.CLOCK_LABELS.get(clock_of.get(name, ""), "")
        within = st.select_slider(
            f"{kind.capitalize()} binnen ({clock})" if clock else f"{kind.capitalize()} binnen",
            options,
            value=float(within_min),
            format_func=_minutes_words,
            key=f"whatif_sla_within_{profile}_{name}",
        )
        pct = st.number_input(
            "Doel: % op tijd",
            min_value=GOAL_PCT_RANGE[0],
            max_value=GOAL_PCT_RANGE[1],
            value=min(max(round(goal * 100), GOAL_PCT_RANGE[0]), GOAL_PCT_RANGE[1]),
            step=1,
            format="%d",
            key=f"whatif_sla_goal_{profile}_{name}",
        )
        sla.append((name, float(within), float(pct) / 100))

inputs = services.WhatIfInputs(
    profile=profile,
    coverages=(cov_a, cov_b),
    volume_factor=volume_pct / 100,
    handle_factor=handle_pct / 100,
    agents=tuple(agents),
    sla=tuple(sla),
    weeks=float(weeks),
    replications=int(reps),
    day_agents=tuple(day_agents),
)
# A long run (many weeks or replications) shows a bar with time left; any click stops it.
long_run = weeks * reps >= LONG_RUN_WEEKS
bar = st.progress(0.0, text="Simulatie: bezig…") if long_run else None
try:
    result = whatif(inputs, progress=_progress_hook(bar, "Simulatie") if bar else None)
except services.ServiceInputError as exc:
    st.warning(str(exc))
    st.stop()
if bar is not None:
    bar.empty()

# --- verdict and key figures ---
st.subheader("In één oogopslag")
for sentence in whatif_views.verdicts(result):
    st.markdown(f"- {render.md_escape(sentence)}")

st.subheader("Kerncijfers")
for side, run in zip("AB", result.runs, strict=True):
    st.markdown(
        f"**{side}: {render.md_escape(labels.coverage_label(run.coverage))}** · "
        f"{render.md_escape(run.description)}"
    )
rows = whatif_views.comparison_rows(result)
table = {
    row.label: {
        "A": keep_together(figure(row.a, row.kind)),
        "B": keep_together(figure(row.b, row.kind)),
        "Verschil": keep_together(row.difference[0] + (" *" if row.caveat else "")),
    }
    for row in rows
}
colours = [
    "" if row.better is None else f"color: {BETTER_COLOUR if row.better else WORSE_COLOUR}"
    for row in rows
]
frame = pd.DataFrame.from_dict(table, orient="index").rename_axis("Kerncijfer")
st.table(frame.style.apply(lambda _: colours, subset=["Verschil"]))
st.caption(
    "Verschil: B min A, uit de getoonde (afgeronde) cijfers. Groen is beter voor B, rood is "
    "slechter. Aantallen zijn per week. Reactietijden tellen alleen beantwoorde berichten; "
    "* sneller antwoord terwijl meer klanten afhaken is niet beter en krijgt geen kleur."
)

# --- charts ---
targets = {t.name: t for t in result.targets}
if result.sla_names:
    st.subheader("Servicedoel gehaald, per uur van de week")
    target = st.selectbox(
        "Servicedoel",
        result.sla_names,
        format_func=lambda n: labels.sla_label(targets[n]) if n in targets else n,
        key="whatif_target",
    )
    for run in result.runs:
        _draw(whatif_charts.attainment_heatmap(result.attainment, run.coverage, target))
    st.caption("Rood is te laat, groen op tijd; wit: geen berichten in dat uur.")
st.subheader("Wachtrij per uur van de week")
for run in result.runs:
    _draw(whatif_charts.backlog_heatmap(result.backlog, run.coverage))

st.subheader("Hoe lang wacht een klant op de eerste reactie?")
_draw(whatif_charts.wait_distribution(result.waits))
st.caption(
    "Alle klanten die een reactie nodig hadden, ook wie afhaakte of aan het eind nog wachtte."
)

first = verdict_target(result.targets)
if first is not None and not result.channels.empty:
    st.subheader("Per kanaal")
    _draw(whatif_charts.channel_breakdown(result.channels, f"binnen {limit_words(first)}"))

# --- downloads ---
# The files are made when a button is clicked (a callable), not on every redraw of the page.
st.subheader("Downloaden")
st.caption(
    "CSV opent zo in Nederlandse Excel; Parquet is voor analisten. De samenvatting is één "
    "pagina met oordeel, kerncijfers en grafieken: open hem in de browser en druk af als pdf."
)
stem = f"wat-als-{profile}"
downloads: tuple[tuple[str, str, str, str, Callable[[], bytes | str]], ...] = (
    ("Kerncijfers (CSV voor Excel)", "kerncijfers.csv", "text/csv", "whatif_download_kpis",
     lambda: whatif_views.excel_csv(whatif_views.kpi_frame(result))),
    ("Per uur (CSV voor Excel)", "per-uur.csv", "text/csv", "whatif_download_hourly",
     lambda: whatif_views.excel_csv(whatif_views.hourly_frame(result))),
    ("Per uur (Parquet)", "per-uur.parquet", "application/vnd.apache.parquet",
     "whatif_download_parquet",
     lambda: whatif_views.parquet_bytes(whatif_views.hourly_frame(result))),
    ("Samenvatting (HTML, printbaar)", "samenvatting.html",
     "text/html", "whatif_download_summary",
     lambda: whatif_views.summary_html(result, overview.title)),
)  # fmt: skip
columns = st.columns(2)
for k, (label, suffix, mime, key, make) in enumerate(downloads):
    # first half left, second half right: on a phone the columns stack in reading order
    columns[k * 2 // len(downloads)].download_button(
        label, make, file_name=f"{stem}-{suffix}", mime=mime, key=key, on_click="ignore"
    )

# --- saved scenarios ---
st.subheader("Scenario's bewaren en vergelijken")
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
save_name = c1.text_input("Naam van dit scenario", key="whatif_save_name", max_chars=80)
if c2.button("Bewaren", key="whatif_save"):
    try:
        scenarios_store.save(database(), save_name, inputs)
        st.success(f"Bewaard als “{save_name.strip()}”.")
    except services.ServiceInputError as exc:
        st.warning(str(exc))
saved = {s.id: s for s in scenarios_store.list_saved(database())}
if saved:
    picked = st.multiselect(
        f"Vergelijk (hoogstens {scenarios_store.COMPARE_MAX})",
        list(saved),
        format_func=lambda i: saved[i].name,
        max_selections=scenarios_store.COMPARE_MAX,
        key="whatif_compare",
        placeholder="Kies bewaarde scenario's",
    )
    if picked:
        runs = {saved[i].name: whatif(saved[i].inputs) for i in picked}
        st.table(compare_table(runs))

# --- staffing curve ---
st.subheader("Meer mensen, betere service?")
st.write(
    "Hoe het servicedoel en de kosten veranderen met het aantal medewerkers per dienst (elke "
    "dienst even groot), met het volume, de behandeltijd en de doelen zoals hierboven."
)
curve_cov = st.selectbox(
    "Dekkingsmodel",
    list(dict.fromkeys((cov_a, cov_b))),
    format_func=labels.coverage_label,
    key=f"whatif_curve_cov_{profile}",
)
if st.button("Bereken de curve", key="whatif_curve"):
    bar = st.progress(0.0, text="Curve: bezig…")
    stop = st.empty()
    stop.button("Stoppen", key="whatif_curve_stop")  # a click reruns the page: the run stops
    try:
        st.session_state["whatif_curve_result"] = (
            inputs,
            curve_cov,
            staffing_curve(inputs, curve_cov, progress=_progress_hook(bar, "Curve")),
        )
    except services.ServiceInputError as exc:
        st.warning(str(exc))
    bar.empty()
    stop.empty()
kept_curve = st.session_state.get("whatif_curve_result")
if kept_curve is not None and kept_curve[0].profile == profile and kept_curve[1] == curve_cov:
    # Short names ("eerste reactie binnen 4 kantooruren"): a phone's legend cuts long ones off.
    names_of = {
        n: f"{labels.SLA_METRIC_LABELS.get(targets[n].metric, '')} binnen "
        f"{limit_words(targets[n])}".strip()
        for n in result.sla_names
    }
    if len(set(names_of.values())) < len(names_of):
        names_of = {n: labels.sla_label(targets[n]).removeprefix("SLA ") for n in names_of}
    _draw(whatif_charts.staffing_curve(kept_curve[2], names_of, first.goal if first else 0.9))
    st.caption(
        "Lijnen: % op tijd per doel (links); grijs gestippeld: kosten per week (rechts); "
        "rode streep: het doel."
    )

# --- sizing ---


def _adopt(advice: services.SizingAdvice) -> None:
    st.session_state[f"whatif_dayplan_{advice.profile}_{advice.coverage}"] = {
        (s, d): n for s, d, n in advice.advised_blocks
    }
    for shift, n in advice.advised:
        st.session_state[f"whatif_agents_{advice.profile}_{advice.coverage}_{shift}"] = n


st.subheader("Bezetting laten berekenen")
st.write(
    "Zoek de goedkoopste bezetting per dienst en weekdag die de servicedoelen haalt (met 95% "
    "zekerheid), met het volume, de behandeltijd en de doelen zoals hierboven ingesteld."
)
sizing_cov = st.selectbox(
    "Dekkingsmodel",
    list(dict.fromkeys((cov_a, cov_b))),
    format_func=labels.coverage_label,
    key=f"whatif_sizing_cov_{profile}",
)
if st.button("Bereken benodigde bezetting", key="whatif_sizing"):
    bar = st.progress(0.0, text="Bezetting: bezig…")
    stop = st.empty()
    stop.button("Stoppen", key="whatif_sizing_stop")  # a click reruns the page: the run stops
    try:
        st.session_state["whatif_sizing_result"] = sizing(
            inputs, sizing_cov, progress=_progress_hook(bar, "Bezetting")
        )
    except services.ServiceInputError as exc:
        st.warning(str(exc))
    bar.empty()
    stop.empty()
advice = st.session_state["whatif_sizing_result"]
if advice is not None and advice.profile == profile and advice.coverage == sizing_cov:
    if not advice.reachable:
        st.warning(
            "Met dit dekkingsmodel zijn de doelen niet te halen, ook niet met veel meer "
            "mensen (bijvoorbeeld omdat er 's nachts niemand is). Hieronder de goedkoopste "
            "bezetting die het best haalbare resultaat geeft."
        )
    st.write("Advies per dienst en weekdag (– : de dienst werkt die dag niet):")
    st.table(whatif_views.sizing_day_table(advice))
    st.table(whatif_views.sizing_shift_table(advice))
    st.caption(
        "Advies: het hoogste aantal op een dag van de week. *Erlang C: wat de klassieke "
        "rekenformule voor wachtrijen zonder simulatie adviseert. Die ziet geen nachtelijke "
        "achterstand, geen backoffice en geen gesprekken met meer beurten, en komt daardoor "
        "vaak te laag uit."
    )
    st.markdown(
        f"**Fte:** {labels_number(round(advice.fte, 1))} · **Kosten per week:** "
        f"{figure(advice.cost_per_week_eur, 'euro')}"
    )
    st.markdown("**Doelen gehaald met dit advies:**")
    for line in whatif_views.attainment_lines(advice, result):
        st.markdown(f"- {render.md_escape(line)}")
    st.button(
        "Neem advies over",
        key="whatif_sizing_adopt",
        on_click=_adopt,
        args=(advice,),
        help="Zet de bezetting hierboven per dienst en weekdag op het advies.",
    )

    # --- a roster of people for the advice ---
    st.subheader("Rooster voor dit advies")
    st.write(
        "Een bezetting telt plekken per dienst; aannemen doe je mensen. Maak een rooster van vier "
        "weken met mensen met een contract, met rust na diensten, vrije weekenden en "
        "hoogstens een paar dagen achter elkaar."
    )
    if st.button("Maak een rooster", key="whatif_roster"):
        with st.spinner("Rooster maken, dat duurt hoogstens enkele seconden…"):
            st.session_state["whatif_roster_result"] = (
                advice,
                services.roster_for_advice(inputs, advice),
            )
    kept_roster = st.session_state["whatif_roster_result"]
    if kept_roster is not None and kept_roster[0] == advice:
        staffing = kept_roster[1]
        for line in whatif_views.roster_lines(staffing):
            st.markdown(f"- {render.md_escape(line)}")
        if staffing.result is not None:
            st.html(roster_weeks_html(staffing.result, labels.shift_label))
            with st.expander("Roosterregels"):
                for rule in staffing.result.rules.describe():
                    st.markdown(f"- {render.md_escape(rule)}")
