"""The coverage report: every coverage model sized, the 24/7 factor, a safe self-contained page."""

from __future__ import annotations

import json
import math
import re

import pytest

from sim.profile import Profile, load_profile
from sim.report import (
    CLAIM_SOURCE,
    CoverageReport,
    build_report,
    classify_coverages,
    factor_sentence,
    render_html,
    report_frame,
)
from sim.targets import parse_targets


@pytest.fixture(scope="module")
def small_telecom() -> Profile:
    return load_profile("telecom").scaled(volume=0.2)


@pytest.fixture(scope="module")
def report(small_telecom: Profile) -> CoverageReport:
    return build_report(
        small_telecom,
        parse_targets(["first_response<=4h:90%@business"]),
        replications=3,
        weeks=1.0,
        warmup_weeks=1.0,
        seed=3,
    )


def test_the_24_7_and_office_models_are_recognised() -> None:
    for name in ("telecom", "library", "webshop", "airline", "bank"):
        always, office = classify_coverages(load_profile(name))
        assert always == "24-7"
        assert office == "business-hours"


def test_every_coverage_model_is_sized_for_the_same_targets(
    report: CoverageReport, small_telecom: Profile
) -> None:
    assert [r.coverage for r in report.results] == small_telecom.coverage_names
    for r in report.results:
        assert r.targets == report.targets
        assert r.best.meets(r.effective_goals)
    office = report.result("business-hours")
    always = report.result("24-7")
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
