"""Solved rosters pass the independent checker, sit at or above the lower bound, and a demand
the rules cannot meet gets a shortfall report with the smallest fix, not "infeasible"."""

from __future__ import annotations

import pytest

from sim.profile import load_profile
from sim.roster.check import check_roster
from sim.roster.demand import Demand, DemandError, ShiftKind, demand_from_profile
from sim.roster.rules import RosterRules, RulesError, load_rules, parse_rules
from sim.roster.solve import RosterError, RosterResult, solve_roster

KINDS = (
    ShiftKind("V", "vroeg", 7 * 60, 8 * 60),
    ShiftKind("L", "laat", 15 * 60, 8 * 60),
    ShiftKind("N", "nacht", 23 * 60, 8 * 60),
)
SMALL_24_7 = Demand("test", "24-7", KINDS, ((1,) * 7, (1,) * 7, (1,) * 7), "test")
FAST_S = 4.0


def breaches(result: RosterResult) -> list[str]:
    lines = [(p.label, p.contract_h, p.shifts) for p in result.people]
    return [v.message for v in check_roster(lines, result.demand, result.rules, result.weeks)]


@pytest.mark.parametrize("objective", ["heads", "cost"])
def test_small_24_7_roster_passes_the_checker_and_the_bound(objective: str) -> None:
    rules = RosterRules(objective=objective)  # type: ignore[arg-type]
    result = solve_roster(SMALL_24_7, rules, weeks=2, time_limit_s=FAST_S)
    assert result.status in {"optimaal", "toelaatbaar"}
    assert not result.shortfall
    assert breaches(result) == []
    assert result.bound.heads <= result.heads
    # 168 hours a week at most 38 hours a person: at least 5 people.
    assert result.bound.by_hours == 5


def test_library_opening_hours_roster_is_proven_best() -> None:
    demand = demand_from_profile(load_profile("library"), "extended-hours")
    result = solve_roster(demand, weeks=4, time_limit_s=FAST_S)
    assert breaches(result) == []
    assert result.status == "optimaal"
    assert result.heads == result.bound.heads
    assert result.gap == 0


def test_demand_from_a_sizing_answer_replaces_the_profile_agents() -> None:
    profile = load_profile("library")
    agents = {"dag": {"mon": 2, "tue": 2}}
    demand = demand_from_profile(profile, "extended-hours", agents, "size.json")
    day = next(i for i, k in enumerate(demand.kinds) if k.name == "dag")
    assert demand.need[day][:3] == (2, 2, 1)
    result = solve_roster(demand, weeks=2, time_limit_s=FAST_S)
    assert breaches(result) == []


def test_same_times_merge_into_one_shift_kind() -> None:
    demand = demand_from_profile(load_profile("telecom"), "24-7")
    names = {k.code: k.name for k in demand.kinds}
    assert names["V"] == "vroeg / weekend-vroeg"
    vroeg = demand.need[[k.code for k in demand.kinds].index("V")]
    assert vroeg == (7, 7, 7, 7, 7, 5, 5)


def test_too_few_heads_gives_a_shortfall_and_one_more_head_as_the_fix() -> None:
    result = solve_roster(SMALL_24_7, weeks=2, time_limit_s=FAST_S * 2, max_heads=4)
    assert result.status == "tekort"
    assert result.shortfall
    assert sum(s.missing for s in result.shortfall) > 0
    assert result.suggestion is not None and "medewerker" in result.suggestion
    # Whatever is short, the people who are rostered keep every labour rule.
    assert all("ingeroosterd" in m for m in breaches(result))


def test_no_nights_allowed_reports_the_night_shortfall_and_the_rule_to_change() -> None:
    rules = RosterRules(max_nights_in_row=0)
    result = solve_roster(SMALL_24_7, rules, weeks=2, time_limit_s=FAST_S * 2)
    assert result.status == "tekort"
    assert {result.demand.kinds[s.kind].code for s in result.shortfall} == {"N"}
    assert len(result.shortfall) == 14  # every night of the two weeks
    assert result.suggestion is not None and "nachtdiensten" in result.suggestion


def test_contract_shorter_than_any_shift_is_refused_in_dutch() -> None:
    demand = Demand("test", "x", (ShiftKind("D", "dag", 8 * 60, 8 * 60),), ((1,) * 7,), "test")
    with pytest.raises(RosterError, match="korter dan de kortste dienst"):
        solve_roster(demand, RosterRules(contracts_h=(4, 24)), weeks=2, time_limit_s=1)


def test_rules_no_person_can_meet_are_refused_in_dutch() -> None:
    rules = RosterRules(max_days_in_row=1, contracts_h=(36,))
    with pytest.raises(RosterError, match="niet te halen"):
        solve_roster(SMALL_24_7, rules, weeks=2, time_limit_s=1)


def test_a_cycle_length_out_of_range_is_refused() -> None:
    with pytest.raises(RosterError, match="cyclus van 0 weken") as info:
        solve_roster(SMALL_24_7, weeks=0, time_limit_s=1)
    assert "--" not in str(info.value)  # the domain names no CLI option (issue 10)


def test_a_coverage_with_no_staffed_shifts_is_refused_in_dutch() -> None:
    profile = load_profile("library")
    agents = {
        "dag": dict.fromkeys(["mon", "tue", "wed", "thu", "fri"], 0),
        "avond": dict.fromkeys(["mon", "tue", "wed", "thu"], 0),
        "zaterdag": {"sat": 0},
    }
    with pytest.raises(DemandError, match="geen diensten met medewerkers"):
        demand_from_profile(profile, "extended-hours", agents)


def test_unknown_shift_or_coverage_is_refused_in_dutch() -> None:
    profile = load_profile("library")
    with pytest.raises(DemandError, match="bestaat niet"):
        demand_from_profile(profile, "extended-hours", {"nacht": {"mon": 1}}, "size.json")
    with pytest.raises(DemandError, match="onbekend dekkingsmodel"):
        demand_from_profile(profile, "nergens")


def test_rules_file_errors_name_the_field_and_value(tmp_path) -> None:
    bad = tmp_path / "regels.yaml"
    bad.write_text("max_days_in_row: 9\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"max_days_in_row.*9"):
        load_rules(bad)
    bad.write_text("max_dagen: 5\n", encoding="utf-8")
    with pytest.raises(RulesError, match="onbekende regel"):
        load_rules(bad)
    assert parse_rules({"objective": "kosten"}).objective == "cost"
    good = tmp_path / "profiel.yaml"
    good.write_text("roster:\n  max_days_in_row: 6\n  contracts_h: [32, 24]\n", encoding="utf-8")
    rules = load_rules(good)
    assert rules.max_days_in_row == 6 and rules.contracts_h == (24, 32)


@pytest.mark.slow
def test_telecom_24_7_roster_passes_the_checker() -> None:
    demand = demand_from_profile(load_profile("telecom"), "24-7")
    result = solve_roster(demand, weeks=4, time_limit_s=30)
    assert not result.shortfall
    assert breaches(result) == []
    assert result.bound.heads <= result.heads


def test_wishes_are_kept_and_checked() -> None:
    rules = parse_rules(
        {"wishes": [{"people": 2, "no_nights": True}, {"day_off": "woensdag"}]}, "test"
    )
    demand = demand_from_profile(load_profile("library"), "24-7", None, "profiel")
    result = solve_roster(demand, rules, weeks=2, time_limit_s=10)
    wished = [p for p in result.people if p.wish is not None]
    assert [p.wish.describe() for p in wished].count("geen nachten") == 2
    assert any(p.wish.day_off == 2 for p in wished)
    for person in wished:
        assert person.label.endswith(f"({person.wish.describe()})")
    lines = [(p.label, p.contract_h, p.shifts) for p in result.people]
    wishes = {p.label: p.wish for p in wished}
    assert check_roster(lines, result.demand, result.rules, result.weeks, wishes) == []
    # the checker catches a broken wish: put the night person on the Wednesday-off line
    off = next(p for p in wished if p.wish.day_off == 2)
    night = next(k for k, s in enumerate(demand.kinds) if s.start_min >= 22 * 60)
    broken = list(off.shifts)
    broken[2] = night
    found = check_roster(
        [(off.label, off.contract_h, tuple(broken))], result.demand, result.rules, 2, wishes
    )
    assert any(v.rule == "wens" and "vrije dag" in v.message for v in found)


def test_wish_with_an_unknown_day_is_refused_in_dutch() -> None:
    with pytest.raises(RulesError, match="weekdag"):
        parse_rules({"wishes": [{"day_off": "blauwdag"}]}, "test")
