"""The Simulatie page: a what-if a manager reads at a glance and trusts.

AppTests of the page (verdict first, Dutch labels and figures, no raw ids, sizing with per-day
adoption, saved scenarios compared side by side, the staffing curve) and tests of the pieces it
is built from: figures and differences as shown, the comparison rows, the wait spread with those
who gave up, the Excel CSV, Parquet and the management summary.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from presentation import labels
from presentation.whatif_text import difference, figure, shown, verdict
from sim.sizing_runs import CHECK, SEARCH
from sim.spec import SlaTarget
from trainer.storage import Database
from webcare_app import scenarios_store, services, whatif_charts, whatif_views
from webcare_app.whatif_compare import compare_table
from webcare_app.whatif_service import (
    ABANDONED_BAND,
    OPEN_BAND,
    WAIT_BANDS,
    Cancelled,
    ProgressNote,
    curve_agents,
)

PAGE = Path(__file__).resolve().parents[1] / "webcare_app" / "pages" / "simulatie.py"
RAW_IDS = re.compile(
    r"business-hours|extended-hours|daily-check|split-shift|\b24-7\b|reactie-binnen|reactie-1u"
    r"|oplossing-24u|\(library\)|\bNone\b|\bnan\b"
)


def _page() -> AppTest:
    return AppTest.from_file(str(PAGE), default_timeout=120)


def _table(at: AppTest, first_index: str) -> pd.DataFrame:
    """The static table whose first row label starts with ``first_index``."""
    for table in at.table:
        frame = table.value
        if len(frame) and str(frame.index[0]).startswith(first_index):
            return frame.map(lambda text: str(text).replace("\u00a0", " "))
    raise AssertionError(f"no table starting with {first_index!r}")


def _all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [str(w.label) for w in [*at.number_input, *at.slider, *at.selectbox]]
    for box in at.selectbox:
        parts += [str(o) for o in box.options]
    for table in at.table:
        parts.append(table.value.to_string())
    return "\n".join(parts)


@pytest.fixture(scope="module")
def library() -> services.WhatIfResult:
    return services.run_whatif(services.WhatIfInputs("library", weeks=1))


@pytest.fixture(scope="module")
def telecom() -> services.WhatIfResult:
    return services.run_whatif(services.WhatIfInputs("telecom", weeks=1))


# --- figures as shown ---------------------------------------------------------------------------


def test_differences_are_taken_from_the_figures_as_shown() -> None:
    # € 22,40 against € 23,60: the difference of what is on screen, cents included
    assert figure(22.396, "euro") == "€ 22,40" and figure(23.596, "euro") == "€ 23,60"
    assert difference(22.396, 23.596, "euro") == ("▲ +€ 1,20", 1)
    # large amounts in whole euros; the shown figures subtract exactly
    a, b = 8166.6, 583.4
    text, sign = difference(a, b, "euro")
    assert sign == -1 and text == f"▼ -{figure(shown(a, 'euro') - shown(b, 'euro'), 'euro')}"
    # counts are whole, with a thousands dot
    assert figure(1715.4, "count") == "1.715" and "," not in figure(1715.4, "count")
    # shares in whole percentages, differences in points; equal shown figures: no arrow
    assert figure(0.4149, "percent") == "41%"
    assert difference(0.4149, 0.4121, "percent") == ("0", 0)
    assert difference(0.5, 0.87, "percent")[0].startswith("▲ +37%")
    # long waits in hours, the difference in hours from the shown hours
    assert figure(876, "minutes") == "14,6 uur" and figure(8.4, "minutes") == "8 min"
    assert math.isnan(shown(math.nan, "count")) and figure(math.nan, "euro") == "–"


def test_verdict_names_the_late_share_and_who_gives_up() -> None:
    target = SlaTarget("reactie-1u", "first_response", 60, 0.9)
    sentence = verdict("kantooruren", 0.41, target, 1715.4)
    assert sentence == (
        "Kantooruren: 41% van de klanten wacht langer dan een uur op een eerste reactie "
        "(doel: hoogstens 10%); 1.715 klanten per week haken af."
    )
    business = SlaTarget("r", "first_response", 240, 0.9, clock="business")
    assert "langer dan 4 kantooruren" in verdict("24/7", 0.0, business, 0.2)
    assert verdict("24/7", 0.0, business, 0.2).endswith("niemand haakt af.")


# --- the result and its rows --------------------------------------------------------------------


def test_wait_spread_counts_every_customer_who_needed_a_reply(
    telecom: services.WhatIfResult,
) -> None:
    for run in telecom.runs:
        part = telecom.waits[telecom.waits["coverage"] == run.coverage]
        assert list(part["bin"]) == list(WAIT_BANDS)
        assert part["share"].sum() == pytest.approx(1.0)
        gave_up = float(part.loc[part["bin"] == ABANDONED_BAND, "count"].iloc[0])
        assert gave_up == pytest.approx(telecom.per_week(run.coverage, "abandoned"))
        assert OPEN_BAND in set(part["bin"])
    # short band names (one unit once), so the printed chart's axis does not cut them off
    assert "15–30 min" in WAIT_BANDS and max(len(b) for b in WAIT_BANDS) <= 10
    # business hours leaves telecom customers waiting overnight: many more give up
    hours = whatif_views.abandoned_band_share(telecom, "business-hours")
    assert hours > 2 * whatif_views.abandoned_band_share(telecom, "24-7")


def test_rows_put_who_gives_up_before_response_times_and_never_call_fewer_answered_better(
    telecom: services.WhatIfResult,
) -> None:
    rows = whatif_views.comparison_rows(telecom)
    keys = [r.key for r in rows]
    assert keys.index("abandoned_per_week") < keys.index("first_response_p50_min")
    gave_up = next(r for r in rows if r.key == "abandoned_share")
    assert gave_up.better is False, "business hours: more customers give up"
    for row in rows:
        if row.key.startswith("first_response_"):
            faster = row.difference[1] < 0
            assert row.caveat == faster, row  # faster with more giving up: not judged better
            assert row.better is not True
    # the channel breakdown covers every channel of both models
    assert set(telecom.channels["channel"]) == {
        c.name for c in services.get_profile("telecom").compile("24-7").channels
    }
    assert telecom.channels["attainment"].between(0, 1).all()


def test_heatmaps_show_the_week_as_hour_by_weekday(library: services.WhatIfResult) -> None:
    target = library.sla_names[0]
    spec = whatif_charts.attainment_heatmap(library.attainment, "24-7", target).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 168
    assert {r["dag"] for r in rows} == set(labels.DAY_LABELS.values())
    assert {r["uur"] for r in rows} == set(range(24))
    assert spec["mark"]["type"] == "rect" and spec["encoding"]["y"]["field"] == "dag"
    # every hour and day a column and row of its own, also those without messages (blank)
    assert spec["encoding"]["x"]["scale"]["domain"] == list(range(24))
    assert spec["encoding"]["y"]["scale"]["domain"] == list(labels.DAY_LABELS.values())
    assert spec["encoding"]["color"]["legend"]["orient"] == "bottom"
    waits = whatif_charts.wait_distribution(library.waits).to_dict()
    assert waits["encoding"]["color"]["legend"]["orient"] == "bottom"
    assert waits["encoding"]["y"]["sort"] == list(WAIT_BANDS), "bands in order of waiting"
    # every chart of the page is a valid Vega-Lite specification (the page skips validating)
    backlog = whatif_charts.backlog_heatmap(library.backlog, "business-hours").to_dict()
    assert backlog["encoding"]["color"]["scale"]["domain"][1] == pytest.approx(
        max(1.0, library.backlog["backlog"].max())
    ), "both models' queues on one scale"
    whatif_charts.channel_breakdown(library.channels, "binnen 24 uur").to_dict()
    assert None in [r["procent"] for r in rows] or rows[0]["procent"] is not None


# --- downloads ------------------------------------------------------------------------------------


def test_csv_opens_in_dutch_excel(library: services.WhatIfResult) -> None:
    data = whatif_views.excel_csv(whatif_views.kpi_frame(library))
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark"
    text = data.decode("utf-8-sig")
    assert not text.startswith("#")
    header = text.splitlines()[0]
    assert header == "Kerncijfer;Eenheid;24/7;kantooruren;Verschil (B min A)"
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    cost = frame.set_index("Kerncijfer").loc["Kosten per week"]
    assert cost["24/7"] == round(library.kpi("24-7", "cost_per_week_eur"))
    fte = frame.set_index("Kerncijfer").loc["Fte"]
    assert "," in text and str(fte["24/7"]).count(".") <= 1
    shares = frame[frame["Eenheid"] == "%"]
    assert (shares["24/7"] > 1).any(), "percentages, not fractions"
    hourly = whatif_views.excel_csv(whatif_views.hourly_frame(library)).decode("utf-8-sig")
    assert hourly.splitlines()[0].startswith("Dekkingsmodel;Dag;Uur;Wachtrij (gemiddeld);SLA ")
    assert len(hourly.strip().splitlines()) == 1 + 2 * 168


def test_csv_neutralises_formulas_but_keeps_numbers() -> None:
    frame = pd.DataFrame(
        {"Naam": ['=HYPERLINK("x")', "+31 6", "@SUM", "gewoon"], "Getal": [-1.5, 2, 3, 4]}
    )
    text = whatif_views.excel_csv(frame).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert list(back["Naam"]) == ['\'=HYPERLINK("x")', "'+31 6", "'@SUM", "gewoon"]
    assert back["Getal"].iloc[0] == -1.5, "a negative number stays a number"
    assert text.splitlines()[1].endswith(";-1,5")


def test_parquet_round_trips(library: services.WhatIfResult) -> None:
    frame = whatif_views.hourly_frame(library)
    back = pd.read_parquet(io.BytesIO(whatif_views.parquet_bytes(frame)))
    pd.testing.assert_frame_equal(back, frame)


def test_management_summary_is_one_printable_page_with_verdict_and_charts(
    library: services.WhatIfResult,
) -> None:
    html = whatif_views.summary_html(library, "Bibliotheek <b>Zuid</b>")
    for sentence in whatif_views.verdicts(library):
        assert sentence.replace("'", "&#39;") in html or sentence in html
    assert "Bibliotheek &lt;b&gt;Zuid&lt;/b&gt;" in html, "the title is escaped"
    assert html.count("<svg") == 3, "two heatmaps and the wait spread, inline"
    assert "<script" not in html and "@page" in html
    assert "Kosten per week" in html and not RAW_IDS.search(
        re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    )


# --- sizing, curve, scenarios -----------------------------------------------------------------


def test_sizing_reports_progress_per_phase_and_stops_when_cancelled() -> None:
    notes: list[ProgressNote] = []
    inputs = services.WhatIfInputs("library")
    advice = services.size_coverage(inputs, "24-7", notes.append)
    # counted in simulation runs, each candidate at least one; a search, then its final check
    assert notes and notes[-1].done >= advice.evaluations
    assert [n.done for n in notes] == sorted(n.done for n in notes), "never counts back"
    assert all(n.done < n.expected for n in notes)
    assert all(n.seconds_left is not None and n.seconds_left >= 0 for n in notes)
    phases = [n.phase for n in notes]
    assert phases[0] == SEARCH and CHECK in phases
    assert phases == sorted(phases, key=[SEARCH, CHECK].index), "search first, then the check"

    def stop(note: ProgressNote) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        services.size_coverage(inputs, "business-hours", stop)


def test_progress_line_names_the_phase_and_the_time_left_in_dutch() -> None:
    line = whatif_views.progress_text("Bezetting", ProgressNote(40, 130, 9.4, SEARCH))
    assert line == "Bezetting, zoeken: 40 van ongeveer 130 simulaties, nog ongeveer 9 s"
    line = whatif_views.progress_text("Bezetting", ProgressNote(200, 390, 170.0, CHECK))
    assert line == "Bezetting, eindcontrole: 200 van ongeveer 390 simulaties, nog ongeveer 3 min"
    assert whatif_views.progress_text("Curve", ProgressNote(1, 24, None)) == (
        "Curve: 1 van ongeveer 24 simulaties"
    )
    assert whatif_views.progress_text("Curve", ProgressNote(23, 24, 0.2)).endswith("ongeveer 1 s")


def test_staffing_curve_comes_from_the_sweep(library: services.WhatIfResult) -> None:
    curve = services.staffing_curve(library.inputs, "24-7")
    assert list(curve["agents"]) == list(curve_agents(library.inputs, "24-7"))
    assert curve["cost_per_week_eur"].is_monotonic_increasing
    for name in library.sla_names:
        assert curve[f"sla_{name}_attainment"].between(0, 1).all()


def test_scenarios_are_saved_by_name_and_compared(db_path: Path) -> None:
    with Database(path=db_path) as db:
        first = scenarios_store.save(
            db, "  Groei  ", services.WhatIfInputs("library", volume_factor=1.5)
        )
        again = scenarios_store.save(
            db, "groei", services.WhatIfInputs("library", volume_factor=2.0)
        )
        assert again.id == first.id, "the same name (any case) replaces the settings"
        scenarios_store.save(
            db, "Nu", services.WhatIfInputs("library", agents=(("24-7", (("vroeg", 2),)),))
        )
        saved = scenarios_store.list_saved(db)
        assert [s.name for s in saved] == ["Nu", "groei"]
        assert saved[1].inputs.volume_factor == 2.0
        assert saved[0].inputs.agents == (("24-7", (("vroeg", 2),)),), "tuples again: hashable"
        with pytest.raises(services.ServiceInputError, match="naam"):
            scenarios_store.save(db, "   ", services.WhatIfInputs("library"))
    table = compare_table({s.name: services.run_whatif(s.inputs) for s in saved})
    assert list(table.index) == [
        "Nu · A: 24/7",
        "Nu · B: kantooruren",
        "groei · A: 24/7",
        "groei · B: kantooruren",
    ]
    assert list(table.columns) == ["Op tijd", "Afhakers per week", "Fte", "Kosten per week"]
    grown = services.run_whatif(saved[1].inputs)
    assert table.loc["groei · A: 24/7", "Fte"] == figure(grown.kpi("24-7", "fte"), "number")


# --- the page -------------------------------------------------------------------------------------


def test_page_leads_with_a_verdict_in_dutch_without_raw_ids(db_path: Path) -> None:
    at = _page().run()
    assert not at.exception
    markdown = [m.value for m in at.markdown]
    verdicts = [m for m in markdown if "van de klanten wacht langer dan" in m]
    assert len(verdicts) == 2 and verdicts[0].startswith("- 24/7") and "Kantooruren" in verdicts[1]
    first_table = markdown.index(next(m for m in markdown if m.startswith("**A: ")))
    assert markdown.index(verdicts[0]) < first_table, "the verdict comes before the figures"
    text = _all_text(at)
    assert not RAW_IDS.findall(text), RAW_IDS.findall(text)
    # inputs: whole numbers and percentages, no "1.00" or "90.00"
    assert all(n.proto.format == "%d" for n in at.number_input)
    assert at.slider(key="whatif_volume").value == 100
    table = _table(at, "SLA ")
    assert list(table.columns) == ["A", "B", "Verschil"]
    assert table.loc["Klanten die afhaken, per week", "A"].isdigit()
    # more agents on the business-hours day shift costs more
    before = table.loc["Kosten per week", "B"]
    at.number_input(key="whatif_agents_library_business-hours_dag").set_value(3).run()
    assert not at.exception
    assert _table(at, "SLA ").loc["Kosten per week", "B"] != before
    # a profile with other coverage models: still Dutch names
    at.selectbox(key="whatif_cov_b_library").select("daily-check").run()
    assert not at.exception and not RAW_IDS.findall(_all_text(at))


def test_sizing_advice_per_weekday_is_adopted_exactly(db_path: Path) -> None:
    at = _page().run()
    at.selectbox(key="whatif_cov_b_library").select("extended-hours").run()
    at.selectbox(key="whatif_sizing_cov_library").select("extended-hours")
    at.button(key="whatif_sizing").click().run()
    assert not at.exception
    advice = at.session_state["whatif_sizing_result"]
    days = _table(at, "dag")
    assert list(days.columns) == list(labels.DAY_LABELS.values()), "the weekend is a column"
    assert days.loc["zaterdag", "ma"] == "–" and days.loc["zaterdag", "za"] != "–"
    assert "None" not in days.to_string()
    shifts = next(t.value for t in at.table if "Erlang C*" in t.value.columns)
    assert list(shifts.index) == ["dag", "avond", "zaterdag"]
    assert [int(v) for v in shifts["Advies"]] == [n for _, n in advice.advised]
    assert any("Erlang C" in c.value for c in at.caption), "Erlang C is explained"
    assert any("Doelen gehaald" in m.value for m in at.markdown)
    at.button(key="whatif_sizing_adopt").click().run()
    assert not at.exception
    # the page's own run after adopting: the same staffing, so the same fte as the advice
    after = _table(at, "SLA ").loc["Fte", "B"]
    assert after == figure(advice.fte, "number"), (after, advice.fte)
    key = "whatif_agents_library_extended-hours_dag"
    assert at.number_input(key=key).value == dict(advice.advised)["dag"]


def test_saving_and_comparing_on_the_page(db_path: Path) -> None:
    at = _page().run()
    at.text_input(key="whatif_save_name").input("Huidige situatie")
    at.button(key="whatif_save").click().run()
    assert not at.exception and at.success
    at.slider(key="whatif_volume").set_value(150).run()
    at.text_input(key="whatif_save_name").input("Half zo druk erbij")
    at.button(key="whatif_save").click().run()
    ids = at.multiselect(key="whatif_compare").options
    assert len(ids) == 2
    at.multiselect(key="whatif_compare").select(ids[0]).select(ids[1]).run()
    assert not at.exception
    compared = _table(at, "Half zo druk erbij · A")
    assert len(compared) == 4 and any(i.startswith("Huidige situatie · B") for i in compared.index)


def test_staffing_curve_on_the_page(db_path: Path) -> None:
    at = _page().run()
    charts = len(at.get("vega_lite_chart"))
    at.button(key="whatif_curve").click().run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == charts + 1


def test_a_long_what_if_reports_each_replication_and_can_be_stopped() -> None:
    notes: list[ProgressNote] = []
    inputs = services.WhatIfInputs("library", weeks=1, replications=2)
    services.run_whatif(inputs, notes.append)
    assert [n.done for n in notes] == [1, 2, 3, 4]
    assert notes[-1].expected >= 4 and notes[0].seconds_left is not None
    assert {n.phase for n in notes} == {""}

    def stop(note: ProgressNote) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        services.run_whatif(inputs, stop)


def test_a_second_session_gets_a_kept_curve_and_sizing_without_replaying_their_bars(
    db_path: Path,
) -> None:
    # The runs draw a progress bar; a kept run must not replay it into a page that no longer
    # has it (st.cache_data did, and the second session's page failed).
    for _ in range(2):
        at = _page().run()
        at.button(key="whatif_curve").click().run()
        at.button(key="whatif_sizing").click().run()
        assert not at.exception, at.exception
        assert at.session_state["whatif_sizing_result"] is not None
        assert any("Doelen gehaald" in m.value for m in at.markdown)


def test_run_cache_keeps_finished_runs_only_and_forgets_the_oldest() -> None:
    from webcare_app.whatif_cache import RunCache

    cache = RunCache(max_entries=2)
    calls: list[str] = []

    def run(key: str) -> str:
        calls.append(key)
        return key.upper()

    assert cache.get("a", lambda: run("a")) == "A"
    assert cache.get("a", lambda: run("a")) == "A" and calls == ["a"], "kept"

    def stopped() -> str:
        raise Cancelled

    with pytest.raises(Cancelled):
        cache.get("b", stopped)
    assert "b" not in cache, "a stopped run is not kept"
    cache.get("b", lambda: run("b"))
    cache.get("a", lambda: run("a"))  # a is now the most recent
    cache.get("c", lambda: run("c"))
    assert "b" not in cache and "a" in cache and len(cache) == 2
