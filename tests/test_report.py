"""The coverage report: every coverage model sized, the 24/7 factor, a safe self-contained page."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace

import pytest

from presentation.coverage_report import attainment_cell, charts, render_html
from presentation.labels import kpi_label, sla_attainment_label
from sim import nl
from sim.plan import RunPlan
from sim.profile import Profile, load_profile
from sim.report import (
    BEST_ATTEMPT,
    BUSINESS_CLOCK_LABEL,
    CLAIM_SOURCE,
    CoverageReport,
    build_report,
    classify_coverages,
    factor_sentence,
    heads_sentence,
    heads_text,
    report_frame,
    report_summary,
)
from sim.targets import parse_targets


@pytest.fixture(scope="module")
def small_telecom() -> Profile:
    return load_profile("telecom").scaled(volume=0.2)


@pytest.fixture(scope="module")
def patient_telecom(small_telecom: Profile) -> Profile:
    """Customers who never give up: an office team can then keep office-clock promises (with
    the profile's patience, mentions from the evening are abandoned before the office opens)."""
    return small_telecom.model_copy(update={"patience": None})


@pytest.fixture(scope="module")
def report(patient_telecom: Profile) -> CoverageReport:
    return build_report(
        patient_telecom,
        parse_targets(["first_response<=4h:90%@business", "resolution<=24h:90%@business"]),
        plan=RunPlan(weeks=1.0, warmup_weeks=1.0, replications=3, seed=3),
    )


def test_the_24_7_and_office_models_are_recognised() -> None:
    for name in ("telecom", "library", "webshop", "airline", "bank"):
        always, office = classify_coverages(load_profile(name))
        assert always == "24-7"
        assert office == "business-hours"


def test_every_coverage_model_is_sized_for_the_same_targets(
    report: CoverageReport, patient_telecom: Profile
) -> None:
    assert [r.coverage for r in report.results] == patient_telecom.coverage_names
    for r in report.results:
        assert r.targets == report.targets
        assert r.best.meets(r.effective_goals)
    office = report.result("business-hours")
    always = report.result("24-7")
    assert office.reachable and always.reachable and report.factor_comparable
    assert report.office_business is None  # the targets already count office hours only
    assert report.factor_24_7 == pytest.approx(always.best.fte / office.best.fte)
    assert report.factor_24_7 > 1  # round the clock never costs less than office hours
    sentence = factor_sentence(report)
    assert CLAIM_SOURCE in sentence and "factor" in sentence


def test_report_frame_has_both_staffings_per_coverage(report: CoverageReport) -> None:
    frame = report_frame(report)
    assert len(frame) == 2 * len(report.results)
    assert set(frame["method"]) == {"simulatie", "Erlang C"}
    assert (frame["fte"] > 0).all()


def test_page_embeds_specs_and_escapes_names(report: CoverageReport) -> None:
    hostile = "<script>alert(1)</script>"
    renamed = CoverageReport(
        profile=report.profile,
        title=hostile,
        targets=report.targets,
        results=report.results,
        always_open=report.always_open,
        office=report.office,
    )
    page = render_html(renamed)
    assert hostile not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    specs_text = re.search(r'<script type="application/json" id="specs">(.*?)</script>', page, re.S)
    assert specs_text is not None
    specs = json.loads(specs_text.group(1))
    assert len(specs) == 2 + len(report.targets)
    assert all("$schema" in spec for spec in specs)
    assert "vegaEmbed" in page and "cdn.jsdelivr" not in page
    assert math.isfinite(report.factor_24_7)


def test_page_shows_each_models_staffing_per_shift_and_weekday(report: CoverageReport) -> None:
    page = render_html(report)
    assert "Agents per dienst en dag" in page
    tables = re.findall(r'<table class="blocks">(.*?)</table>', page, re.S)
    assert len(tables) == len(report.results)
    for result, table in zip(report.results, tables, strict=True):
        for day in ("ma", "di", "wo", "do", "vr"):
            assert f"<th>{day}</th>" in table
        for shift in result.best.agents_by_shift:
            assert f"<td>{shift}</td>" in table
        best = result.best.agents_by_shift_and_day
        erlang = result.erlang.agents_by_shift_and_day
        first_shift, per_day = next(iter(best.items()))
        day, agents = next(iter(per_day.items()))
        assert f"<td>{agents} ({erlang[first_shift][day]})</td>" in table


@pytest.fixture(scope="module")
def calendar_report(patient_telecom: Profile) -> CoverageReport:
    """The profile's own calendar-clock targets: office hours cannot keep them at night."""
    # Office hours cannot keep these at any size: a ceiling of 20 agents per shift (the 24/7
    # and business-clock office answers for a fifth of telecom's volume fit under it) ends that
    # search early.
    # No rosters: no test of this report reads them (the rosters are checked on ``report``),
    # and each one is a solver run of up to QUICK_TIME_LIMIT_S (5 s) of wall time.
    return build_report(
        patient_telecom,
        plan=RunPlan(weeks=1.0, warmup_weeks=1.0, replications=3, seed=3),
        max_agents=20,
        roster_time_limit_s=None,
    )


def test_a_factor_against_an_office_model_that_misses_the_targets_is_not_comparable(
    calendar_report: CoverageReport,
) -> None:
    office = calendar_report.result("business-hours")
    always = calendar_report.result("24-7")
    assert not office.reachable and always.reachable
    assert not calendar_report.factor_comparable
    assert math.isnan(calendar_report.factor_24_7)
    sentence = factor_sentence(calendar_report)
    assert "niet vergelijkbaar: kantooruren halen de doelen niet" in sentence
    erlang = calendar_report.erlang_factor_24_7
    assert erlang == pytest.approx(always.erlang.fte / office.erlang.fte)
    assert f"factor {erlang:.2f}".replace(".", ",") in sentence
    assert (
        report_summary(calendar_report)["factor_24_7"]
        != report_summary(calendar_report)["factor_24_7"]
    )  # NaN: not a number to quote


def test_office_hours_are_also_sized_on_the_business_clock_for_a_fair_factor(
    calendar_report: CoverageReport,
) -> None:
    fair = calendar_report.office_business
    assert fair is not None and fair.coverage == "business-hours"
    assert [t.clock for t in fair.targets] == ["business"] * len(calendar_report.targets)
    assert [t.within_min for t in fair.targets] == [t.within_min for t in calendar_report.targets]
    assert fair.reachable and fair.best.meets()
    always = calendar_report.result("24-7")
    factor = calendar_report.business_clock_factor_24_7
    assert factor == pytest.approx(always.best.fte / fair.best.fte)
    # No "> 1" here: on the business clock the office team must clear the whole weekend's
    # mentions in Monday's first business hour, which at a fifth of telecom's volume can take
    # more agents than a thin round-the-clock team (every measured weekend counts: no pending).
    assert math.isfinite(factor) and factor > 0
    assert BUSINESS_CLOCK_LABEL in factor_sentence(calendar_report)
    page = render_html(calendar_report)
    assert BUSINESS_CLOCK_LABEL in page
    assert f"business-hours ({BEST_ATTEMPT})" in page
    assert "(kantoorklok)" in page


def test_page_writes_weeks_and_times_the_dutch_way(report: CoverageReport) -> None:
    first = report.results[0]
    plan = replace(first.plan, weeks=1.5, warmup_weeks=1.0)
    results = (replace(first, plan=plan), *report.results[1:])
    page = render_html(replace(report, results=results))
    assert "1,5 weken, na 1 week inloop" in page
    # every figure under the catalogue's name, the one the app and the CLI use too
    for key in ("fte", "cost_per_week_eur", "first_response_p90_min", "backlog_monday_shift_start"):
        assert f"<th>{kpi_label(key)[0]}</th>" in page, key
    for target in report.targets:
        assert f"<th>{sla_attainment_label(target)}</th>" in page
    assert "Reputatierisico (bereik × uur)" in page
    assert nl.minutes(150) == "150 min (2,5 u)" and nl.minutes(45) == "45 min"
    assert nl.weeks(2) == "2 weken" and nl.number(1800, 0) == "1.800"


def test_a_tick_belongs_to_its_own_target(report: CoverageReport) -> None:
    cand = report.results[0].best
    first, second = report.targets
    easy = replace(first, goal=cand.attainment(first).low - 0.001)
    hard = replace(second, goal=cand.attainment(second).low + 0.001)
    assert attainment_cell(cand, easy).endswith("✓") and attainment_cell(cand, hard).endswith("✗")


def test_charts_format_numbers_in_dutch(report: CoverageReport) -> None:
    for chart in charts(report):
        locale = chart.to_dict()["config"]["locale"]["number"]
        assert locale["thousands"] == "." and locale["decimal"] == ","


def test_the_report_explains_the_three_times_claim_in_plain_dutch(report: CoverageReport) -> None:
    from sim.report import claim_sentence

    text = claim_sentence(report)
    assert CLAIM_SOURCE in text and "openingstijden" in text
    # Telecom's office model is on duty 5 x 10 hours: 168 / 50 = 3,4 times the shifts.
    assert report.office_hours_per_week == pytest.approx(50.0)
    assert "3,4× zoveel diensten" in text
    assert 0 < report.share_outside_office < 1
    assert f"{report.share_outside_office * 100:.0f}% van de berichten" in text
    always, office = report.comparable_pair() or (None, None)
    assert always is not None and office is not None
    cost = always.best.cost_per_week_eur / office.best.cost_per_week_eur
    assert f"{cost:.2f}× de kosten".replace(".", ",") in text
    assert "× de kosten per week" in render_html(report)
    assert report_summary(report)["claim_explanation"] == text


def test_every_staffing_gets_a_roster_of_people_that_keeps_the_rules(
    report: CoverageReport,
) -> None:
    assert len(report.rosters) == len(report.results)
    for result, roster in zip(report.results, report.rosters, strict=True):
        assert roster.coverage == result.coverage
        assert roster.result is not None, roster.error
        assert roster.keeps_rules, roster.breaches
        assert not roster.result.shortfall
        assert roster.result.heads >= roster.result.bound.heads
        # The roster's demand is the sized staffing, not the profile's own agents.
        need = sum(sum(row) for row in roster.result.demand.need)
        assert need == sum(n for _, n in result.best.agents)


def test_the_24_7_factor_is_also_given_in_heads(report: CoverageReport) -> None:
    pair = report.heads_pair()
    assert pair is not None
    always, office = pair
    assert report.heads_factor_24_7 == pytest.approx(always.heads / office.heads)
    sentence = heads_sentence(report)
    assert f"24/7 vraagt {always.heads} medewerkers" in sentence
    assert f"factor {nl.number(report.heads_factor_24_7, 2)} in mensen" in sentence
    summary = report_summary(report)
    assert summary["rosters"]["24-7"]["heads"] == always.heads
    assert summary["heads_factor_24_7"] == report.heads_factor_24_7
    json.dumps(summary)
    page = render_html(report)
    assert "Mensen op rooster" in page
    assert heads_text(report.roster(report.result("24-7"))) in page
