"""Profiles compile into the engine's ModelSpec the way a manager reads the YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from sim import spec
from sim.profile import (
    ORGS_DIR,
    ProfileError,
    compile_profile,
    list_profiles,
    load_profile,
    parse_profile,
    resolve_profile,
    rota_hours_per_week,
)


def minimal(**overrides: Any) -> dict[str, Any]:
    """The smallest valid profile, as parsed YAML."""
    data: dict[str, Any] = {
        "name": "mini",
        "volume": {"mentions_per_week": 168},
        "channels": {
            "x": {"share": 0.5, "public": True, "handling": {"kind": "fixed", "mean_min": 5}},
            "whatsapp": {
                "share": 0.5,
                "public": False,
                "handling": {"kind": "exponential", "mean_min": 10},
            },
        },
        "kinds": {"question": {"share": 1.0}},
        "coverages": {
            "business-hours": {
                "shifts": [{"days": "mon-fri", "start": "09:00", "end": "17:00", "agents": 2}]
            }
        },
        "current_coverage": "business-hours",
    }
    data.update(overrides)
    return data


def rota_at(rota: tuple[tuple[int, int], ...], minute: int) -> int:
    agents = 0
    for start, n in rota:
        if start <= minute:
            agents = n
    return agents


def test_flat_volume_spreads_evenly_over_the_week() -> None:
    model = parse_profile(minimal()).compile()
    assert len(model.rate_per_hour) == spec.HOURS_PER_WEEK
    assert model.rate_per_hour == pytest.approx((1.0,) * spec.HOURS_PER_WEEK)


def test_day_times_hour_weights_shape_the_week() -> None:
    days = {"mon": 2, "tue": 1, "wed": 1, "thu": 1, "fri": 1, "sat": 0, "sun": 0}
    hours = [0.0] * 24
    hours[9] = 1.0
    hours[10] = 3.0
    volume = {"mentions_per_week": 120, "day_weights": days, "hour_weights": hours}
    rates = np.array(parse_profile(minimal(volume=volume)).compile().rate_per_hour)
    assert rates.sum() == pytest.approx(120)
    assert rates[9] == pytest.approx(120 * 2 / 6 * 1 / 4)  # Monday 09:00
    assert rates[10] == pytest.approx(3 * rates[9])
    assert rates[24 + 10] == pytest.approx(rates[10] / 2)  # Tuesday half of Monday
    assert rates[5 * 24 :].sum() == 0  # weekend silent


def test_explicit_168_weights_are_used_as_given() -> None:
    weights = [0.0] * 168
    weights[100] = 1.0
    weights[101] = 1.0
    volume = {"mentions_per_week": 50, "weekly_weights": weights}
    rates = parse_profile(minimal(volume=volume)).compile().rate_per_hour
    assert rates[100] == pytest.approx(25) and rates[101] == pytest.approx(25)
    assert sum(rates) == pytest.approx(50)


def test_overlapping_shifts_add_up_and_night_shift_crosses_midnight() -> None:
    shifts = [
        {"name": "dag", "days": ["mon"], "start": "09:00", "end": "17:00", "agents": 2},
        {"name": "piek", "days": ["mon"], "start": "12:00", "end": "14:00", "agents": 3},
        {"name": "nacht", "days": ["mon"], "start": "22:00", "end": "06:00", "agents": 1},
    ]
    data = minimal(coverages={"c": {"shifts": shifts}}, current_coverage="c")
    rota = parse_profile(data).compile().rota
    assert rota[0][0] == 0
    assert [m for m, _ in rota] == sorted(m for m, _ in rota)
    assert rota_at(rota, 8 * 60) == 0
    assert rota_at(rota, 9 * 60) == 2
    assert rota_at(rota, 13 * 60) == 5
    assert rota_at(rota, 14 * 60) == 2
    assert rota_at(rota, 23 * 60) == 1
    assert rota_at(rota, 24 * 60 + 5 * 60) == 1  # Tuesday 05:00, still the Monday night shift
    assert rota_at(rota, 24 * 60 + 6 * 60) == 0


def test_sunday_night_shift_wraps_to_monday_morning() -> None:
    shifts = [{"days": ["sun"], "start": "22:00", "end": "24:00", "agents": 1}]
    shifts.append({"days": ["sun"], "start": "23:00", "end": "02:00", "agents": 2})
    data = minimal(coverages={"c": {"shifts": shifts}}, current_coverage="c")
    rota = parse_profile(data).compile().rota
    assert rota_at(rota, 0) == 2  # Monday 00:00 (the same rota repeats every week)
    assert rota_at(rota, 2 * 60) == 0
    assert rota_at(rota, spec.MINUTES_PER_WEEK - 30) == 3
    assert rota_at(rota, spec.MINUTES_PER_WEEK - 90) == 1


def test_shift_24_hours_round_the_clock() -> None:
    shifts = [{"days": "mon-sun", "start": "00:00", "end": "24:00", "agents": 4}]
    data = minimal(coverages={"c": {"shifts": shifts}}, current_coverage="c")
    model = parse_profile(data).compile()
    assert model.rota == ((0, 4),)
    assert rota_hours_per_week(model) == pytest.approx(4 * 168)


def test_sla_targets_business_hours_and_split_windows() -> None:
    data = minimal(
        sla_targets=[
            {"name": "r1", "metric": "first_response", "within": "60min", "goal": "90%"},
            {
                "name": "r2",
                "metric": "resolution",
                "within": "24h",
                "goal": 0.8,
                "clock": "business",
            },
        ],
        business_hours={"mon": ["13:00-17:00", "08:30-12:30"], "tue": ["09:00-24:00"]},
    )
    model = parse_profile(data).compile()
    assert model.sla_targets == (
        spec.SlaTarget("r1", "first_response", 60.0, 0.9, "calendar"),
        spec.SlaTarget("r2", "resolution", 24 * 60.0, 0.8, "business"),
    )
    assert model.business_hours == spec.Weekly(((510, 750), (780, 1020), (1440 + 540, 2 * 1440)))


def test_business_hours_through_midnight() -> None:
    """ "22:00-06:00" runs into the next morning; on Sunday it wraps to Monday morning, and the
    clock counts it: a 60-minute target at Sunday 23:30 is due Monday 00:30."""
    from sim.clock import BusinessClock

    data = minimal(business_hours={"tue": ["22:00-06:00"], "sun": ["22:00-06:00"]})
    hours = parse_profile(data).compile().business_hours
    assert hours is not None
    day = 1440
    assert hours.windows == ((0, 360), (day + 1320, 2 * day + 360), (6 * day + 1320, 7 * day))
    sunday_2330 = 6 * day + 23 * 60 + 30
    assert BusinessClock(hours).add(np.array([sunday_2330]), 60.0)[0] == 7 * day + 30


def test_back_office_defaults_to_business_hours() -> None:
    data = minimal(
        kinds={"question": {"share": 0.7, "backoffice_share": 0.2}, "complaint": {"share": 0.3}},
        business_hours={"fri": ["09:00-17:00"]},
        back_office={"work": {"kind": "fixed", "mean_min": 120}},
    )
    model = parse_profile(data).compile()
    assert model.backoffice is not None
    assert model.backoffice.work == spec.Duration("fixed", 120.0, 1.0)
    assert model.backoffice.hours.windows == ((4 * 1440 + 540, 4 * 1440 + 1020),)
    assert model.kinds[0] == spec.KindSpec("question", 0.7, 0.2)


def test_incident_starts_at_its_day_and_week() -> None:
    incident = {
        "week": 2,
        "day": "wed",
        "at": "14:00",
        "duration": "6h",
        "multiplier": 4,
        "complaint_share": 0.8,
    }
    model = parse_profile(minimal(incidents=[incident])).compile()
    assert model.incidents == (
        spec.Incident(spec.MINUTES_PER_WEEK + 2 * 1440 + 14 * 60, 360.0, 4.0, 0.8),
    )


def test_channels_conversation_priority_costs_carry_over() -> None:
    data = minimal(
        conversation={
            "mean_turns": 2,
            "private_share": 0.4,
            "customer_delay": {"kind": "fixed", "mean_min": 15},
        },
        patience={"kind": "exponential", "mean_min": 120},
        priority_rules=[{"priority": 1, "kind": "question", "public": True}],
        default_priority=7,
        costs={"hourly_eur": 50, "night_premium": 0.5, "shrinkage": 0.25},
    )
    data["channels"]["x"]["no_reply_share"] = 0.3
    data["channels"]["x"]["max_reply_chars"] = 280
    model = parse_profile(data).compile()
    x = model.channels[0]
    assert (x.name, x.share, x.public, x.no_reply_share, x.max_reply_chars) == (
        "x",
        0.5,
        True,
        0.3,
        280,
    )
    assert model.conversation == spec.ConversationSpec(2.0, spec.Duration("fixed", 15.0, 1.0), 0.4)
    assert model.patience == spec.Duration("exponential", 120.0, 1.0)
    assert model.priority_rules == (spec.PriorityRule(1, "question", True, None, None),)
    assert model.default_priority == 7
    assert model.cost.hourly_eur == 50 and model.cost.shrinkage == 0.25
    assert model.coverage_name == "business-hours" and model.name == "mini"


def test_compile_picks_named_coverage_and_defaults_to_current() -> None:
    covs = {
        "business-hours": {
            "shifts": [{"days": "mon", "start": "09:00", "end": "10:00", "agents": 1}]
        },
        "24-7": {"shifts": [{"days": "mon-sun", "start": "00:00", "end": "24:00", "agents": 3}]},
    }
    profile = parse_profile(minimal(coverages=covs))
    assert profile.coverage_names == ["business-hours", "24-7"]
    assert profile.compile().coverage_name == "business-hours"
    assert profile.compile("24-7").rota == ((0, 3),)
    with pytest.raises(ProfileError, match="24-7"):
        profile.compile("nacht")


def test_scaled_changes_volume_and_handling_only() -> None:
    profile = parse_profile(minimal())
    bigger = profile.scaled(volume=2.0, handle_time=1.5)
    base, model = profile.compile(), bigger.compile()
    assert sum(model.rate_per_hour) == pytest.approx(2 * sum(base.rate_per_hour))
    assert model.channels[0].handling.mean_min == pytest.approx(7.5)
    assert model.rota == base.rota
    assert profile.compile() == base  # the original is untouched


def test_with_agents_by_name_and_by_position() -> None:
    shifts = [
        {"name": "vroeg", "days": ["mon"], "start": "08:00", "end": "12:00", "agents": 1},
        {"days": ["mon"], "start": "12:00", "end": "16:00", "agents": 1},
    ]
    profile = parse_profile(minimal(coverages={"c": {"shifts": shifts}}, current_coverage="c"))
    assert profile.shift_names("c") == ["vroeg", "shift-2"]
    by_name = profile.with_agents("c", {"shift-2": 5}).compile()
    assert rota_at(by_name.rota, 9 * 60) == 1 and rota_at(by_name.rota, 13 * 60) == 5
    by_pos = profile.with_agents("c", [3, 0]).compile()
    assert rota_at(by_pos.rota, 9 * 60) == 3 and rota_at(by_pos.rota, 13 * 60) == 0
    with pytest.raises(ValueError, match="unknown shifts"):
        profile.with_agents("c", {"laat": 2})
    with pytest.raises(ValueError):
        profile.with_agents("c", [1])


def test_registry_finds_shipped_profiles_by_short_name() -> None:
    names = list_profiles()
    assert {"library", "telecom", "airline", "webshop", "bank"} <= set(names)
    assert resolve_profile("library") == ORGS_DIR / "library.yaml"
    assert load_profile("library").name == "library"
    assert compile_profile(ORGS_DIR / "bank.yaml").coverage_name == "24-7"


def test_load_by_path_outside_the_registry(tmp_path: Path) -> None:
    file = tmp_path / "eigen.yaml"
    file.write_text(yaml.safe_dump(minimal(name="eigen")), encoding="utf-8")
    assert load_profile(file).name == "eigen"
    assert list_profiles(tmp_path) == ["eigen"]


def test_with_agents_by_block_staffs_each_weekday_of_a_shift() -> None:
    shifts = [
        {"name": "dag", "days": "mon-fri", "start": "09:00", "end": "17:00", "agents": 2},
        {"name": "nacht", "days": ["sun"], "start": "22:00", "end": "06:00", "agents": 1},
    ]
    profile = parse_profile(minimal(coverages={"c": {"shifts": shifts}}, current_coverage="c"))
    blocks = profile.shift_blocks("c")
    assert blocks[:2] == [("dag", "mon"), ("dag", "tue")] and blocks[-1] == ("nacht", "sun")
    assert len(blocks) == 6
    # Every block at its shift's agents: the same rota as the per-shift form.
    same = profile.with_agents("c", {b: 2 if b[0] == "dag" else 1 for b in blocks})
    assert same.compile().rota == profile.compile().rota
    # Monday heavier than Friday; unnamed blocks keep their shift's agents.
    split = profile.with_agents("c", {("dag", "mon"): 5, ("dag", "fri"): 1}).compile()
    day = 24 * 60
    assert rota_at(split.rota, 10 * 60) == 5
    assert rota_at(split.rota, 4 * day + 10 * 60) == 1
    assert rota_at(split.rota, 2 * day + 10 * 60) == 2
    assert rota_at(split.rota, 6 * day + 23 * 60) == 1 and rota_at(split.rota, 3 * 60) == 1
    # Shift names and block keys may be mixed; the split shifts are named per day.
    both: dict[str | tuple[str, str], int] = {"dag": 3, ("dag", "wed"): 4}
    mixed = profile.with_agents("c", both)
    assert mixed.shift_names("c")[:3] == ["dag mon", "dag tue", "dag wed"]
    assert [s.agents for s in mixed.coverages["c"].shifts[:5]] == [3, 3, 4, 3, 3]
    with pytest.raises(ValueError, match="unknown shift blocks"):
        profile.with_agents("c", {("dag", "sat"): 2})
    with pytest.raises(ValueError, match=">= 0"):
        profile.with_agents("c", {("dag", "mon"): -1})
