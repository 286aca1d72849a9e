"""Every shipped organisation profile loads, compiles every coverage and says where figures
come from."""

from __future__ import annotations

import numpy as np
import pytest

from sim import spec
from sim.engine import simulate
from sim.kpis import summarise
from sim.profile import (
    compile_profile,
    list_profiles,
    load_profile,
    offered_hours_per_week,
    rota_hours_per_week,
)

PROFILES = list_profiles()
SECTIONS_NEEDING_SOURCES = ("general", "volume", "channels", "kinds", "conversation", "costs")


def test_required_profiles_are_shipped() -> None:
    assert {"library", "telecom", "airline", "webshop", "bank"} <= set(PROFILES)


@pytest.mark.parametrize("name", PROFILES)
def test_profile_compiles_every_coverage(name: str) -> None:
    profile = load_profile(name)
    assert profile.name == name  # the short name matches the file name
    assert profile.current_coverage in profile.coverage_names
    for coverage in profile.coverage_names:
        model = profile.compile(coverage)
        assert model.coverage_name == coverage
        assert len(model.rate_per_hour) == spec.HOURS_PER_WEEK
        assert min(model.rate_per_hour) >= 0
        assert model.rota[0][0] == 0
        assert rota_hours_per_week(model) > 0
        # Staffing at least covers the work offered in a week, else the backlog grows forever.
        assert rota_hours_per_week(model) > offered_hours_per_week(model)


@pytest.mark.parametrize("name", PROFILES)
def test_profile_says_where_figures_come_from(name: str) -> None:
    notes = load_profile(name).source_notes()
    missing = [s for s in SECTIONS_NEEDING_SOURCES if not notes.get(s)]
    assert not missing, f"{name}: no sources for {missing}"
    assert notes.get("sla_targets"), f"{name}: SLA targets without sources"


@pytest.mark.parametrize("name", PROFILES)
def test_profile_has_the_usual_coverage_models(name: str) -> None:
    assert {"24-7", "business-hours", "extended-hours"} & set(load_profile(name).coverage_names)


def test_profiles_match_their_reference_figures() -> None:
    """The figures the profiles cite (reference.md) are what the compiled models contain."""
    library = load_profile("library").compile()
    assert 10 <= sum(library.rate_per_hour) < 100  # tens of mentions a week
    assert library.coverage_name == "business-hours"

    telecom = load_profile("telecom").compile()
    assert 1000 <= sum(telecom.rate_per_hour) < 10_000  # thousands a week
    targets = {(t.metric, t.within_min) for t in telecom.sla_targets}
    assert ("first_response", 60.0) in targets and ("resolution", 24 * 60.0) in targets

    airline = load_profile("airline").compile()
    mentions = sum(airline.rate_per_hour)
    assert mentions == pytest.approx(60_000)
    need_reply = mentions * sum(c.share * (1 - c.no_reply_share) for c in airline.channels)
    assert 6_000 < need_reply < 8_000  # KLM 2015: ~7,000 questions a week
    rates = np.array(airline.rate_per_hour).reshape(7, 24)
    assert rates[:, 9:21].sum() / rates.sum() == pytest.approx(0.77, abs=0.02)  # WaveMetrix
    assert airline.coverage_name == "24-7" and min(n for _, n in airline.rota) > 0

    webshop = load_profile("webshop").compile()
    assert sum(webshop.rate_per_hour) == pytest.approx(50_000 * 12 / 52, rel=0.01)
    assert any(t.within_min == 180 and t.clock == "business" for t in webshop.sla_targets)


@pytest.mark.parametrize("name", PROFILES)
def test_profile_simulates_one_week_of_current_coverage(name: str) -> None:
    profile = load_profile(name)
    model = profile.compile()
    result = simulate(model, weeks=1, rng=np.random.default_rng(1), warmup_weeks=0.5)
    kpis = summarise(result).as_dict()
    expected = sum(model.rate_per_hour)
    assert abs(kpis["arrived"] - expected) < 5 * np.sqrt(expected) + 5  # Poisson, 5 sd
    assert kpis["arrived"] == kpis["no_reply"] + kpis["answered"] + kpis["abandoned"] + kpis["open"]
    assert kpis["answered"] > 0.5 * kpis["needs_reply"]  # the current staffing copes
    assert 0 < kpis["utilisation"] < 1
    for target in model.sla_targets:
        assert f"sla_{target.name}_attainment" in kpis


def test_library_staffing_matches_its_description_of_part_time_webcare() -> None:
    profile = load_profile("library")
    model = profile.compile()
    assert rota_hours_per_week(model) == 15.0  # two blocks of 1.5 h on five workdays
    assert "15 uur per week" in profile.description and "naast ander werk" in profile.description
    paid = rota_hours_per_week(model) / (1 - model.cost.shrinkage)
    assert paid / model.cost.fte_hours_per_week < 1  # one person, part of their week


def test_bank_two_working_days_target_counts_the_banks_own_working_day() -> None:
    model = compile_profile("bank")
    target = next(t for t in model.sla_targets if t.name == "oplossing-2-werkdagen")
    assert model.business_hours is not None
    monday = [e - s for s, e in model.business_hours.windows if s < 1440]
    assert target.clock == "business" and target.within_min == 2 * sum(monday)
