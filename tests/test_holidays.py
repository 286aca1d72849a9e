"""Dutch holidays in the business-hours clock, against hand-worked due times."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from sim.clock import BusinessClock, HolidayClock, dutch_holidays, weekdays

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
