"""A roster of people for the sizing advice on the Simulatie page.

The AppTest sizes a coverage model, presses "Maak een rooster" and reads the answer: heads
against the lower bound, the independent check, one table per week with coded shifts and a
legend, all Dutch. The pieces are tested on their own too: the roster for a staffing keeps the
rules, the app's fragment is escaped and lists every person every week, and a staffing no
roster can meet gets a Dutch sentence, not a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from presentation.roster import APP_DAY_OFF, roster_weeks_html, short_label
from sim.profile import load_profile
from sim.roster.staffing import StaffingRoster, roster_for_staffing
from webcare_app import whatif_views

PAGE = Path(__file__).resolve().parents[1] / "webcare_app" / "pages" / "simulatie.py"
RAW_IDS = re.compile(r"business-hours|extended-hours|\b24-7\b|\bNone\b|\bnan\b")
ENGLISH = re.compile(r"\b(the|and|with|shift|agents?|coverage|roster|heads|week \d+ \w+day)\b")


@pytest.fixture(scope="module")
def library_roster() -> StaffingRoster:
    profile = load_profile("library")
    return roster_for_staffing(profile, "24-7", None, "profiel", time_limit_s=5)


def test_a_roster_for_a_staffing_keeps_the_rules_and_the_demand(
    library_roster: StaffingRoster,
) -> None:
    result = library_roster.result
    assert result is not None and library_roster.error is None
    assert library_roster.keeps_rules and not result.shortfall
    assert result.heads >= result.bound.heads
    lines = whatif_views.roster_lines(library_roster)
    assert lines[0].startswith(f"{result.heads} medewerkers")
    assert f"Minder dan {result.bound.heads} kan niet" in lines[0]
    assert lines[-1] == "Gecontroleerd: het rooster houdt zich aan alle regels."


def test_the_app_fragment_has_a_table_per_week_with_every_person(
    library_roster: StaffingRoster,
) -> None:
    result = library_roster.result
    assert result is not None
    page = roster_weeks_html(result)
    assert page.count("<table>") == result.weeks
    for person in result.people:
        assert page.count(f">{short_label(person.label, person.contract_h)}<") == result.weeks
    for kind in result.demand.kinds:
        assert f'"code k{result.demand.kinds.index(kind)}">{kind.code}<' in page
    days_off = sum(p.shifts.count(None) for p in result.people)
    assert page.count(f'class="off">{APP_DAY_OFF}<') == days_off
    assert short_label("Medewerker 3 (geen nachten)", 32) == "3 · 32 u (geen nachten)"


def test_a_staffing_no_roster_can_meet_gets_a_dutch_sentence() -> None:
    # The library's office model has 1.5-hour shifts: no 24-hour contract can be filled.
    staffing = roster_for_staffing(load_profile("library"), "business-hours", None)
    assert staffing.result is None and staffing.error is not None
    (line,) = whatif_views.roster_lines(staffing)
    assert line.startswith("Er kon geen rooster worden gemaakt: contract van 24 uur")


def test_make_a_roster_for_the_advice_on_the_page(db_path: Path) -> None:
    at = AppTest.from_file(str(PAGE), default_timeout=180).run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "whatif_roster"], "only after sizing"
    at.selectbox(key="whatif_sizing_cov_library").select("24-7")
    at.button(key="whatif_sizing").click().run()
    assert not at.exception
    at.button(key="whatif_roster").click().run()
    assert not at.exception
    advice, staffing = at.session_state["whatif_roster_result"]
    assert advice == at.session_state["whatif_sizing_result"]
    result = staffing.result
    assert result is not None and staffing.keeps_rules
    # the roster's demand is the advice, per shift and weekday
    assert sum(sum(row) for row in result.demand.need) == sum(
        n for _, _, n in advice.advised_blocks
    )
    text = "\n".join(m.value for m in at.markdown)
    assert f"- {result.heads} medewerkers" in text
    assert "houdt zich aan alle regels" in text
    (fragment,) = at.get("html")
    body = fragment.proto.body
    assert body.count("<table>") == result.weeks and "vrij" in body
    visible = re.sub(r"<style>.*?</style>|<[^>]+>", " ", body, flags=re.S)
    assert not RAW_IDS.findall(visible + text), RAW_IDS.findall(visible + text)
    assert not ENGLISH.findall(visible), ENGLISH.findall(visible)
