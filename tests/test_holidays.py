"""Dutch holidays in the business-hours clock, against hand-worked due times."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from sim.clock import (
    BusinessClock,
    HolidayClock,
    business_clock,
    dutch_holidays,
    run_days,
    weekdays,
)
from sim.engine import DayClock, simulate
from sim.kpis import due_min, summarise
from sim.profile import ProfileError, parse_profile
from sim.rota import CalendarRota, Rota
from sim.spec import CalendarSpec, ModelSpec, SlaTarget

DAY_MIN = 24 * 60


def _at(start: date, day: date, hhmm: str) -> float:
    hours, minutes = hhmm.split(":")
    return (day - start).days * DAY_MIN + int(hours) * 60 + int(minutes)


def test_friday_before_easter_monday_is_due_tuesday() -> None:
    start = date(2024, 3, 25)  # Monday
    clock = HolidayClock(weekdays("09:00", "17:00"), start, 4, dutch_holidays([2024]))
    due = clock.add(_at(start, date(2024, 3, 29), "16:30"), 60)
    assert due == _at(start, date(2024, 4, 2), "09:30")


def test_christmas_and_new_year() -> None:
    start = date(2024, 12, 23)
    clock = HolidayClock(weekdays("09:00", "17:00"), start, 3, dutch_holidays([2024, 2025]))
    # Tuesday 24 December 16:30: Wednesday and Thursday are Kerst, so Friday 09:30.
    assert clock.add(_at(start, date(2024, 12, 24), "16:30"), 60) == _at(
        start, date(2024, 12, 27), "09:30"
    )
    # Tuesday 31 December 16:00 + 2 hours: Nieuwjaarsdag is closed, so Thursday 10:00.
    assert clock.add(_at(start, date(2024, 12, 31), "16:00"), 120) == _at(
        start, date(2025, 1, 2), "10:00"
    )


def test_holiday_names_and_good_friday_works() -> None:
    days = dutch_holidays([2024])
    assert days[date(2024, 4, 27)] == "Koningsdag"
    assert days[date(2024, 4, 1)] == "Tweede paasdag"
    assert date(2024, 3, 29) not in days  # Goede vrijdag: a working day


def test_without_holidays_it_is_the_weekly_clock() -> None:
    hours = weekdays("09:00", "17:00")
    clock = HolidayClock(hours, date(2024, 1, 1), 10)
    weekly = BusinessClock(hours)
    rng = np.random.default_rng(3)
    starts = rng.uniform(0, 6 * 7 * DAY_MIN, 500)
    minutes = rng.choice([0.0, 30.0, 60.0, 480.0, 1440.0], 500)
    assert np.allclose(clock.add(starts, minutes), weekly.add(starts, minutes))
    assert clock.add(9 * 7 * DAY_MIN, 10_000) == np.inf  # past the clock's end


def test_start_must_be_a_monday() -> None:
    with pytest.raises(ValueError, match="no Monday"):
        HolidayClock(weekdays(), date(2024, 1, 2), 2)


# --- the simulation on real dates (spec.calendar) ----------------------------------------------

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios" / "orgs" / "library.yaml"
EASTER_2026 = date(2026, 3, 30)  # Monday of the week of Goede vrijdag; Tweede paasdag is 6 April


def _library(**calendar: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(LIBRARY.read_text(encoding="utf-8"))
    if calendar:
        data["calendar"] = calendar
    return data


def _spec(weight: float = 1.0, **changes: Any) -> ModelSpec:
    base = parse_profile(_library()).compile()
    calendar = CalendarSpec(start=EASTER_2026, holiday_weight=weight)
    return replace(base, calendar=replace(calendar, **changes))


def test_business_target_through_the_engine_is_due_tuesday() -> None:
    """The hand-worked example on a simulated run: the 4-hour business target and a 1-hour one
    of every message from Friday 3 April 2026 16:00 on, with Tweede paasdag closed."""
    spec = _spec(weight=5.0)  # more volume on the holidays: more messages to check
    spec = replace(spec, rate_per_hour=tuple(r * 20 for r in spec.rate_per_hour))
    one_hour = SlaTarget("een-werkuur", "first_response", 60.0, 0.9, "business")
    result = simulate(spec, weeks=2, rng=np.random.default_rng(5), warmup_weeks=1)
    arrival = result.records.column("arrival_min")
    origin = EASTER_2026 - timedelta(weeks=1)
    friday_close = _at(origin, date(2026, 4, 3), "17:00")
    tuesday_open = _at(origin, date(2026, 4, 7), "09:00")
    late = (arrival >= friday_close - 60) & (arrival < friday_close)
    after = (arrival >= friday_close) & (arrival < tuesday_open)
    assert late.sum() > 0 and after.sum() > 0
    due = due_min(result, one_hour)
    assert np.allclose(due[late], tuesday_open + 60 - (friday_close - arrival[late]))
    assert np.all(due[after] == tuesday_open + 60)
    # The exact example: a message at 16:30 is due Tuesday 09:30.
    clock = business_clock(spec.business_hours, spec.calendar, 1, result.end_min)  # type: ignore[arg-type]
    assert clock.add(friday_close - 30, 60) == _at(origin, date(2026, 4, 7), "09:30")


def test_team_is_off_on_a_holiday_unless_a_shift_works_it() -> None:
    spec = _spec()
    result = simulate(spec, weeks=2, rng=np.random.default_rng(2), warmup_weeks=1)
    origin = EASTER_2026 - timedelta(weeks=1)
    monday = _at(origin, date(2026, 4, 6), "00:00")
    start = result.turns.start_min
    assert not np.any((start >= monday) & (start < monday + DAY_MIN))  # Tweede paasdag: nobody
    tuesday = (start >= monday + DAY_MIN) & (start < monday + 2 * DAY_MIN)
    assert tuesday.sum() > 0  # the waiting work is taken on Tuesday
    # One day of the usual rota less: 3 hours of the business-hours coverage.
    plain = simulate(
        replace(spec, calendar=None), weeks=2, rng=np.random.default_rng(2), warmup_weeks=1
    )
    assert plain.on_duty_agent_min - result.on_duty_agent_min == 3 * 60

    data = _library(start="2026-03-30", holidays="nl")
    shifts = data["coverages"]["business-hours"]["shifts"]
    shifts.append(
        {
            "name": "feestdag",
            "days": "mon",
            "start": "10:00",
            "end": "12:00",
            "agents": 2,
            "holiday": True,
        }
    )
    with_shift = parse_profile(data).compile()
    assert with_shift.calendar is not None
    assert with_shift.calendar.holiday_rota == ((0, 0), (600, 2), (720, 0))
    worked = simulate(with_shift, weeks=2, rng=np.random.default_rng(2), warmup_weeks=1)
    start = worked.turns.start_min
    on_holiday = start[(start >= monday) & (start < monday + DAY_MIN)]
    assert on_holiday.size > 0
    assert np.all((on_holiday >= monday + 600) & (on_holiday < monday + 720))


def test_calendar_rota_on_closed_days() -> None:
    usual = Rota(((0, 0), (540, 2), (1020, 0)))  # Monday 09:00-17:00, two agents
    holiday = Rota(((0, 0), (600, 1), (660, 0)))  # Monday 10:00-11:00, one agent
    rota = CalendarRota(usual, holiday, [7])  # the second Monday is closed
    times, agents = rota.changes(3 * 7 * DAY_MIN)
    week = 7 * DAY_MIN
    assert list(zip(times.tolist(), agents.tolist(), strict=True)) == [
        (540.0, 2),
        (1020.0, 0),
        (week, 0),
        (week + 600, 1),
        (week + 660, 0),
        (week + DAY_MIN, 0),
        (2 * week, 0),  # the weekly rota restates its Monday 00:00 level every week
        (2 * week + 540, 2),
        (2 * week + 1020, 0),
    ]
    assert rota.agent_minutes(0, 3 * week) == 2 * 960 + 60
    assert rota.agent_minutes(week + 630, 3 * week) == 30 + 960


def test_holiday_weight_sets_the_volume_of_closed_days() -> None:
    origin = EASTER_2026 - timedelta(weeks=1)
    closed = [(date(2026, 4, 6) - origin).days, (date(2026, 4, 27) - origin).days]  # Koningsdag
    spec = replace(_spec(weight=0.0), rate_per_hour=tuple(r * 50 for r in _spec().rate_per_hour))
    result = simulate(spec, weeks=4, rng=np.random.default_rng(8), warmup_weeks=1)
    day = (result.records.column("arrival_min") // DAY_MIN).astype(int)
    assert not np.isin(day, closed).any()
    assert np.isin(day, [c - 7 for c in closed]).sum() > 100  # the same weekday a week before


def test_a_calendar_without_closed_days_changes_nothing() -> None:
    spec = _spec(public_holidays=False)
    a = simulate(spec, weeks=2, rng=np.random.default_rng(4), warmup_weeks=1)
    b = simulate(
        replace(spec, calendar=None), weeks=2, rng=np.random.default_rng(4), warmup_weeks=1
    )
    for column in ("arrival_min", "first_response_min"):
        assert np.array_equal(a.records.column(column), b.records.column(column), equal_nan=True)
    # The back office's clock on dates sums its windows in another order: equal to the ulp.
    resolved_a, resolved_b = a.records.column("resolved_min"), b.records.column("resolved_min")
    assert np.array_equal(np.isnan(resolved_a), np.isnan(resolved_b))
    assert np.allclose(resolved_a, resolved_b, rtol=0, atol=1e-9, equal_nan=True)
    assert a.on_duty_agent_min == b.on_duty_agent_min


def test_back_office_clock_matches_the_holiday_clock() -> None:
    hours = weekdays("09:00", "17:00")
    clock = HolidayClock(hours, EASTER_2026, 8, dutch_holidays([2026]))
    scalar = DayClock(clock)
    rng = np.random.default_rng(6)
    starts = rng.uniform(0, 6 * 7 * DAY_MIN, 300)
    minutes = rng.choice([0.0, 1.0, 60.0, 480.0, 2400.0], 300)
    expected = clock.add(starts, minutes)
    assert [scalar.add(s, m) for s, m in zip(starts, minutes, strict=True)] == expected.tolist()
    assert scalar.add(7 * 7 * DAY_MIN, 10_000.0) == np.inf


def test_run_days_list_public_and_own_closed_days() -> None:
    calendar = CalendarSpec(start=date(2026, 12, 21), closed=(date(2026, 12, 31),))
    days = run_days(calendar, 0, 2 * 7 * DAY_MIN)
    named = {days.origin + timedelta(days=d): name for d, name in days.closed.items()}
    assert named[date(2026, 12, 25)] == "Eerste kerstdag"
    assert named[date(2026, 12, 31)] == "gesloten"
    assert named[date(2027, 1, 1)] == "Nieuwjaarsdag"
    with pytest.raises(ValueError, match="whole warm-up weeks"):
        run_days(calendar, 0.5, DAY_MIN)


def test_profile_calendar_section() -> None:
    profile = parse_profile(
        _library(
            start=date(2026, 12, 21), holidays="none", closed=["31-12-2026"], holiday_weight=0.6
        )
    )
    calendar = profile.compile().calendar
    assert calendar == CalendarSpec(
        start=date(2026, 12, 21),
        public_holidays=False,
        closed=(date(2026, 12, 31),),
        holiday_weight=0.6,
    )
    assert parse_profile(_library()).compile().calendar is None
    with pytest.raises(ProfileError, match="maandag") as info:
        parse_profile(_library(start="2026-12-22"))
    assert "calendar.start" in str(info.value) and "maandag 21 december 2026" in str(info.value)
    with pytest.raises(ProfileError, match="calendar"):
        parse_profile(_library(start="kerst"))
    with pytest.raises(ProfileError, match="holiday_weight"):
        parse_profile(_library(start="2026-12-21", holiday_weight=-1))


def test_kpis_cost_and_clock_follow_the_calendar() -> None:
    spec = _spec()
    result = simulate(spec, weeks=2, rng=np.random.default_rng(2), warmup_weeks=1)
    plain = simulate(
        replace(spec, calendar=None), weeks=2, rng=np.random.default_rng(2), warmup_weeks=1
    )
    hourly = spec.cost.hourly_eur / (1 - spec.cost.shrinkage)  # library: no premiums by day
    saved = (summarise(plain).cost_per_week_eur - summarise(result).cost_per_week_eur) * 2
    assert saved == pytest.approx(3 * hourly)  # Tweede paasdag: 3 agent hours not worked
    assert isinstance(business_clock(weekdays(), None, 1, 0.0), BusinessClock)
    assert isinstance(business_clock(weekdays(), spec.calendar, 1, 0.0), HolidayClock)
