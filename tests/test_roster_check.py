"""The independent roster checker catches each labour rule on hand-made bad rosters."""

from __future__ import annotations

import pytest

from sim.roster.check import check_roster
from sim.roster.demand import Demand, ShiftKind
from sim.roster.rules import RosterRules

V, L, N = 0, 1, 2
KINDS = (
    ShiftKind("V", "vroeg", 7 * 60, 8 * 60),
    ShiftKind("L", "laat", 15 * 60, 8 * 60),
    ShiftKind("N", "nacht", 23 * 60, 8 * 60),
)
# Demand of one person on every shift every day would need many people; the rule tests only
# look at each person's own line, so the cover is zero and the cover test uses its own demand.
NO_DEMAND = Demand("test", "test", KINDS, ((1,) * 7, (1,) * 7, (1,) * 7), "test")
RULES = RosterRules(contract_band_h=40, max_hours_per_week=168, free_weekends_share=0)
WEEKS = 2


def line(*codes: int | None) -> tuple[int | None, ...]:
    padded = list(codes) + [None] * (7 * WEEKS - len(codes))
    return tuple(padded)


def rules_broken(shifts: tuple[int | None, ...], rules: RosterRules = RULES, contract=24):
    found = check_roster([("Medewerker 1", contract, shifts)], NO_DEMAND, rules, WEEKS)
    return {v.rule for v in found if v.rule != "bezetting"}, found


def test_a_line_within_every_rule_passes() -> None:
    broken, _ = rules_broken(line(V, V, V, None, L, L, None, None, N, N, None, None))
    assert broken == set()


def test_rest_between_late_and_early_is_caught() -> None:
    broken, found = rules_broken(line(L, V))
    assert broken == {"rust"}
    assert any("8 uur rust" in v.message for v in found)


def test_rest_is_checked_across_the_end_of_the_cycle() -> None:
    shifts = list(line(V))
    shifts[-1] = L  # last Sunday late, first Monday early: the cycle repeats
    broken, _ = rules_broken(tuple(shifts))
    assert broken == {"rust"}


def test_too_many_days_in_a_row_is_caught() -> None:
    broken, found = rules_broken(line(V, V, V, V, V, V))
    assert broken == {"dagen"}
    assert "6 dagen achter elkaar" in found[0].message


def test_too_many_nights_in_a_row_is_caught() -> None:
    rules = RULES.model_copy(update={"max_nights_in_row": 2, "max_days_in_row": 7})
    broken, _ = rules_broken(line(N, N, N), rules)
    assert "nachten" in broken


def test_too_little_rest_after_a_night_series_is_caught() -> None:
    # Three nights, then an early shift two days later: 24 hours rest instead of 46.
    broken, found = rules_broken(line(N, N, N, None, V))
    assert broken == {"nachtrust"}
    assert "46 uur" in found[0].message


def test_short_night_series_needs_no_long_rest() -> None:
    broken, _ = rules_broken(line(N, N, None, V))
    assert broken == set()


def test_free_weekends_are_counted_including_friday_nights() -> None:
    rules = RULES.model_copy(update={"free_weekends_share": 0.5})
    # Week 1: Saturday worked; week 2: only a Friday night, which runs into Saturday.
    shifts = list(line())
    shifts[5] = V
    shifts[7 + 4] = N
    broken, found = rules_broken(tuple(shifts), rules)
    assert broken == {"weekend"}
    assert "0 van de 2 weekenden vrij" in found[0].message


def test_contract_hours_outside_the_band_are_caught() -> None:
    rules = RULES.model_copy(update={"contract_band_h": 2})
    broken, found = rules_broken(line(V, V), rules, contract=24)  # 8 hours a week on average
    assert broken == {"contract"}
    assert "contract van 24 uur" in found[0].message


def test_a_contract_the_rules_do_not_know_is_caught() -> None:
    broken, _ = rules_broken(line(V, V, V), contract=20)
    assert "contract" in broken


def test_a_week_over_the_maximum_is_caught() -> None:
    rules = RULES.model_copy(update={"max_hours_per_week": 30})
    broken, _ = rules_broken(line(V, V, V, V), rules)
    assert broken == {"week"}


def test_cover_below_demand_is_caught_per_day_and_shift() -> None:
    demand = Demand("test", "test", KINDS, ((2,) + (0,) * 6, (0,) * 7, (0,) * 7), "test")
    found = check_roster([("Medewerker 1", 24, line(V))], demand, RULES, WEEKS)
    cover = [v for v in found if v.rule == "bezetting"]
    assert len(cover) == WEEKS  # Monday early in each week
    assert "1 ingeroosterd, 2 nodig" in cover[0].message
    assert "week 2 maandag" in cover[1].message


@pytest.mark.parametrize("day", [1, 6])
def test_a_shift_on_a_day_without_demand_is_caught(day: int) -> None:
    demand = Demand("test", "test", KINDS, ((1,) + (0,) * 6, (0,) * 7, (0,) * 7), "test")
    shifts = list(line())
    shifts[day] = V
    found = check_roster([("Medewerker 1", 24, tuple(shifts))], demand, RULES, WEEKS)
    assert "dienst" in {v.rule for v in found}
