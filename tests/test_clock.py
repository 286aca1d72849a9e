"""The business-hours SLA clock behaves as Zendesk and Chatwoot define it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.clock import ALWAYS_OPEN, BusinessClock, weekdays, weekly_from_days
from sim.spec import MINUTES_PER_DAY, MINUTES_PER_WEEK, Weekly

DAY = MINUTES_PER_DAY
HOUR = 60
MON, TUE, FRI, SAT, SUN = 0, 1, 4, 5, 6


def at(day: int, hour: float, minute: float = 0, week: int = 0) -> float:
    return week * MINUTES_PER_WEEK + day * DAY + hour * HOUR + minute


OFFICE = BusinessClock(weekdays("09:00", "17:00"))
# Split shifts: mornings and evenings with a gap, plus a Saturday morning.
SPLIT = BusinessClock(
    weekly_from_days(
        {
            "mon": [("08:00", "12:00"), ("18:00", "22:00")],
            "tue": [("08:00", "12:00"), ("18:00", "22:00")],
            "sat": [("10:00", "12:00")],
        }
    )
)


def test_friday_afternoon_target_is_due_monday_morning() -> None:
    due = OFFICE.add(at(FRI, 16, 30), 60)
    assert due == at(MON, 9, 30, week=1)


def test_target_running_out_at_closing_is_due_at_closing() -> None:
    assert OFFICE.add(at(FRI, 16), 60) == at(FRI, 17)


def test_start_at_exact_closing_counts_from_next_opening() -> None:
    assert not OFFICE.is_open(at(MON, 17))
    assert OFFICE.is_open(at(MON, 9))
    assert OFFICE.add(at(MON, 17), 30) == at(TUE, 9, 30)


def test_zero_minutes_outside_hours_is_due_at_next_opening() -> None:
    assert OFFICE.add(at(SAT, 3), 0) == at(MON, 9, week=1)
    assert OFFICE.add(at(TUE, 11), 0) == at(TUE, 11)


def test_multi_week_span() -> None:
    # 2 weeks of business time = 80 hours, starting Wednesday 10:00 ends Wednesday 10:00.
    start = at(2, 10)
    assert OFFICE.add(start, 80 * HOUR) == at(2, 10, week=2)
    assert OFFICE.elapsed(start, at(2, 10, week=2)) == 80 * HOUR


def test_split_windows_skip_the_gap() -> None:
    # 3 h after Monday 11:00: 1 h in the morning, 2 h from 18:00.
    assert SPLIT.add(at(MON, 11), 3 * HOUR) == at(MON, 20)
    # From Tuesday 21:00, 1 h left on Tuesday, then Saturday 10-12, so 2 h is Saturday 11:00.
    assert SPLIT.add(at(TUE, 21), 2 * HOUR) == at(SAT, 11)
    # After Saturday noon the next window is Monday 08:00 next week.
    assert SPLIT.add(at(SAT, 12), 30) == at(MON, 8, 30, week=1)
    assert SPLIT.elapsed(at(MON, 0), at(MON, 0, week=1)) == 18 * HOUR


def test_vectorised_over_arrays() -> None:
    starts = np.array([at(FRI, 16, 30), at(MON, 9), at(SUN, 23)])
    due = OFFICE.add(starts, np.array([60.0, 480.0, 1.0]))
    np.testing.assert_array_equal(due, [at(MON, 9, 30, week=1), at(MON, 17), at(MON, 9, 1, week=1)])
    np.testing.assert_array_equal(OFFICE.is_open(starts), [True, True, False])


def test_sunday_midnight_crossing_window_is_split() -> None:
    weekly = weekly_from_days({"sun": [("22:00", "06:00")]})
    assert weekly.windows == ((0, 6 * HOUR), (6 * DAY + 22 * HOUR, MINUTES_PER_WEEK))
    clock = BusinessClock(weekly)
    # 3 business hours from Sunday 23:00 run straight through midnight.
    assert clock.add(at(SUN, 23), 3 * HOUR) == at(MON, 2, week=1)


def test_touching_windows_merge() -> None:
    weekly = weekly_from_days({"mon": [("00:00", "24:00")], "tue": [("00:00", "12:00")]})
    assert weekly.windows == ((0, DAY + 12 * HOUR),)


def test_empty_schedule_never_opens() -> None:
    clock = BusinessClock(Weekly(windows=()))
    assert np.isinf(clock.add(10.0, 5.0))
    assert clock.elapsed(0.0, 1e5) == 0
    assert not clock.is_open(100.0)


@pytest.mark.parametrize(
    ("windows", "fragment"),
    [
        (((600, 540),), "ends at 540, not after its start 600"),
        (((0, 600), (500, 700)), "starts at 500, before window 0"),
        (((-10, 60),), "outside the week"),
        (((10000, 10100),), "outside the week"),
        (((60, 60),), "expected end_min > start_min"),
    ],
)
def test_bad_windows_are_named(windows: tuple[tuple[int, int], ...], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        BusinessClock(Weekly(windows=windows))


@pytest.mark.parametrize(
    ("days", "fragment"),
    [
        ({"mnd": [("09:00", "17:00")]}, "unknown day 'mnd'"),
        ({"mon": [("25:00", "26:00")]}, "time '25:00' is not a time of day"),
        ({"mon": [("09:00", "09:00")]}, "is empty"),
        ({"mon": [("09:00", "17:00"), ("16:00", "18:00")]}, "overlap: mon 09:00-17:00"),
        ({"mon": [("09:00",)]}, "is not a pair"),
    ],
)
def test_bad_day_windows_are_named(days: dict[str, list[tuple[str, ...]]], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        weekly_from_days(days)  # type: ignore[arg-type]


def test_negative_business_minutes_rejected() -> None:
    with pytest.raises(ValueError, match="got -5"):
        OFFICE.add(0.0, -5.0)


# --- properties -------------------------------------------------------------------------------

starts = st.floats(min_value=0, max_value=10 * MINUTES_PER_WEEK, allow_nan=False)
amounts = st.floats(min_value=0, max_value=5 * MINUTES_PER_WEEK, allow_nan=False)


@st.composite
def schedules(draw: st.DrawFn) -> BusinessClock:
    """Random sorted, non-overlapping windows (touching allowed), at least one."""
    cuts = draw(
        st.lists(
            st.integers(min_value=0, max_value=MINUTES_PER_WEEK),
            min_size=2,
            max_size=14,
            unique=True,
        )
    )
    cuts.sort()
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    return BusinessClock(Weekly(windows=tuple(pairs)))


@settings(max_examples=200, deadline=None)
@given(schedules(), starts, amounts)
def test_elapsed_inverts_add(clock: BusinessClock, s: float, m: float) -> None:
    due = clock.add(s, m)
    assert due >= s
    assert clock.elapsed(s, due) == pytest.approx(m, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(schedules(), starts, starts, amounts, amounts)
def test_add_is_monotone(clock: BusinessClock, s1: float, s2: float, m1: float, m2: float) -> None:
    s1, s2 = sorted((s1, s2))
    m1, m2 = sorted((m1, m2))
    assert clock.add(s1, m1) <= clock.add(s2, m1) + 1e-6
    assert clock.add(s1, m1) <= clock.add(s1, m2) + 1e-6


@settings(max_examples=200, deadline=None)
@given(schedules(), starts, amounts)
def test_due_time_is_open_or_a_closing_time(clock: BusinessClock, s: float, m: float) -> None:
    due = float(clock.add(s, m))
    # A due time lies inside hours, or exactly at a closing time when the target ran out there.
    ends = np.array([end for _, end in clock.hours.windows] + [0.0])
    offset = due % MINUTES_PER_WEEK
    at_closing = bool(np.any(np.abs(ends - offset) < 1e-6)) and (
        MINUTES_PER_WEEK in ends or not np.isclose(offset, 0)
    )
    assert clock.is_open(due) or (m > 0 and at_closing)


@settings(max_examples=200, deadline=None)
@given(schedules(), starts, st.floats(min_value=0.01, max_value=DAY, allow_nan=False))
def test_is_open_matches_clock_speed(clock: BusinessClock, t: float, dt: float) -> None:
    # While open, business time runs at calendar speed; while closed, it stands still.
    ran = float(clock.elapsed(t, t + dt))
    assert 0 <= ran <= dt + 1e-9
    # Exactly zero only when closed: an instant before a closing time (t = 10079.99999999998
    # with a window to 10080) is open and runs for a few 1e-11 minutes.
    if ran == 0:
        assert not clock.is_open(t)
    if clock.is_open(t):
        assert ran > 0


@settings(max_examples=200, deadline=None)
@given(starts, amounts)
def test_always_open_clock_is_calendar_time(s: float, m: float) -> None:
    clock = BusinessClock(ALWAYS_OPEN)
    assert clock.add(s, m) == pytest.approx(s + m, abs=1e-6)
    assert clock.elapsed(s, s + m) == pytest.approx(m, abs=1e-6)
    assert clock.is_open(s)
