"""KPIs: SLA clocks and status, response-time figures, backlog, utilisation, cost, exposure."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from specs import office_hours, office_rota, rich_spec, stationary_spec, with_targets

from sim.engine import SimResult, TurnLog, simulate
from sim.kpis import attainment_by, backlog_profile, sla_status, summarise, with_sla_columns
from sim.records import FIELDS, MentionRecords
from sim.spec import (
    HOURS_PER_WEEK,
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    CostSpec,
    ModelSpec,
    SlaTarget,
)

NAN = float("nan")
FRIDAY_1630 = 4 * MINUTES_PER_DAY + 16 * 60 + 30
NEXT_MONDAY_0930 = MINUTES_PER_WEEK + 9 * 60 + 30

DEFAULTS: dict[str, Any] = {
    "hour_of_week": 0,
    "channel": "web",
    "kind": "question",
    "public": True,
    "author_reach": 100.0,
    "high_reach": False,
    "needs_reply": True,
    "priority": 10,
    "backoffice": False,
    "moved_private": False,
    "turns": 1,
    "turns_done": 0,
    "abandoned": False,
    "abandoned_min": NAN,
    "first_response_min": NAN,
    "resolved_min": NAN,
    "status": "open",
}


def hand_result(
    spec: ModelSpec,
    rows: list[dict[str, Any]],
    *,
    weeks: float = 2.0,
    warmup_weeks: float = 0.0,
    backlog: tuple[list[float], list[int]] = ([0.0], [0]),
) -> SimResult:
    """A result built from hand-written mentions, to check KPI arithmetic exactly."""
    full = [{**DEFAULTS, "id": i, **row} for i, row in enumerate(rows)]
    columns = {name: np.array([row.get(name, NAN) for row in full]) for name in FIELDS}
    columns["hour_of_week"] = (columns["arrival_min"] // 60).astype(int) % 168
    columns["first_response_wait_min"] = columns["first_response_min"] - columns["arrival_min"]
    columns["resolution_time_min"] = columns["resolved_min"] - columns["arrival_min"]
    empty = np.array([], dtype=float)
    return SimResult(
        spec=spec,
        weeks=weeks,
        warmup_weeks=warmup_weeks,
        records=MentionRecords(columns),
        turns=TurnLog(empty.astype(int), empty.astype(int), empty, empty, empty),
        backlog_times=np.array(backlog[0], dtype=float),
        backlog_values=np.array(backlog[1], dtype=np.int64),
        busy_agent_min=0.0,
        on_duty_agent_min=1.0,
    )


def targets_spec() -> ModelSpec:
    return replace(
        stationary_spec(1.0, 1.0, 1),
        sla_targets=(
            SlaTarget("cal", "first_response", 60.0, 0.9),
            SlaTarget("bus", "first_response", 60.0, 0.9, clock="business"),
            SlaTarget("res", "resolution", 24 * 60.0, 0.8),
        ),
        business_hours=office_hours(),
    )


def test_business_clock_target_runs_over_the_weekend() -> None:
    spec = targets_spec()
    result = hand_result(
        spec,
        [
            {
                "arrival_min": FRIDAY_1630,
                "first_response_min": NEXT_MONDAY_0930 - 10,
                "status": "answered",
            }
        ],
    )
    due_cal, status_cal = sla_status(result, spec.sla_targets[0])
    due_bus, status_bus = sla_status(result, spec.sla_targets[1])
    assert due_cal[0] == FRIDAY_1630 + 60 and status_cal[0] == "breached"
    assert due_bus[0] == NEXT_MONDAY_0930 and status_bus[0] == "met"


def test_sla_status_rules() -> None:
    spec = targets_spec()
    horizon = 2 * MINUTES_PER_WEEK
    rows = [
        {"arrival_min": 100.0, "first_response_min": 150.0, "resolved_min": 160.0},  # met
        {"arrival_min": 100.0, "first_response_min": 170.0},  # late: breached
        {"arrival_min": 100.0},  # open, long overdue: breached
        {"arrival_min": horizon - 30.0},  # open, not yet due: pending
        {"arrival_min": horizon - 30.0, "abandoned": True, "abandoned_min": horizon - 20.0},
        {"arrival_min": 100.0, "needs_reply": False, "turns": 0},  # excluded
    ]
    result = hand_result(spec, rows)
    _, status = sla_status(result, spec.sla_targets[0])
    assert list(status) == ["met", "breached", "breached", "pending", "breached", "excluded"]
    _, resolution = sla_status(result, spec.sla_targets[2])
    assert list(resolution) == ["met", "breached", "breached", "pending", "breached", "excluded"]
    k = summarise(result).as_dict()
    assert k["sla_cal_met"] == 1 and k["sla_cal_breached"] == 3 and k["sla_cal_pending"] == 1
    assert k["sla_cal_attainment"] == pytest.approx(1 / 4)
    extra = with_sla_columns(result)
    assert list(extra.column("sla_cal_status")) == list(status)
    assert "sla_bus_due_min" in extra.to_frame().columns


def test_business_target_without_business_hours_is_a_clear_error() -> None:
    spec = replace(targets_spec(), business_hours=None)
    result = hand_result(spec, [{"arrival_min": 1.0}])
    with pytest.raises(ValueError, match="business_hours"):
        summarise(result)


def test_response_time_figures_and_counts() -> None:
    waits = [5.0, 10.0, 20.0, 40.0, 80.0]
    rows: list[dict[str, Any]] = [
        {"arrival_min": 1000.0, "first_response_min": 1000.0 + w, "status": "answered"}
        for w in waits
    ]
    rows.append({"arrival_min": 1000.0, "needs_reply": False, "turns": 0, "status": "no_reply"})
    rows.append(
        {"arrival_min": 1000.0, "abandoned": True, "abandoned_min": 1010.0, "status": "abandoned"}
    )
    rows.append({"arrival_min": 1000.0})
    rows.append({"arrival_min": 10.0, "first_response_min": 1000.0})  # in the warm-up
    result = hand_result(targets_spec(), rows, weeks=1.0, warmup_weeks=0.05)
    k = summarise(result)
    assert (k.arrived, k.no_reply, k.needs_reply, k.answered, k.abandoned, k.open) == (
        8,
        1,
        7,
        5,
        1,
        1,
    )
    assert k.first_response_mean_min == pytest.approx(np.mean(waits))
    assert k.first_response_p50_min == pytest.approx(20.0)
    assert k.first_response_max_min == pytest.approx(80.0)
    assert k.first_response_p90_min == pytest.approx(np.quantile(waits, 0.9))
    assert k.first_response_p95_min == pytest.approx(np.quantile(waits, 0.95))


def test_backlog_is_time_weighted_and_read_at_monday_nine() -> None:
    week = MINUTES_PER_WEEK
    monday_8 = 8 * 60
    # 0 until Monday 08:00 of week 0, then 10 for a day; 30 on Monday 08:00 of week 1 for a day;
    # read at 09:00. A step at 09:00 itself (agents starting) is read just before: 5 stays 30.
    times = [0.0, monday_8, monday_8 + MINUTES_PER_DAY, week + monday_8, week + 540, week + 1920]
    values = [0, 10, 0, 30, 5, 0]
    result = hand_result(targets_spec(), [{"arrival_min": 1.0}], backlog=(times, values))
    k = summarise(result)
    assert k.backlog_monday_0900 == pytest.approx(20.0)
    assert k.backlog_mean == pytest.approx((10 * MINUTES_PER_DAY + 30 * 60 + 5 * 1380) / (2 * week))
    assert k.backlog_max == 30


def test_monday_backlog_is_what_agents_starting_at_nine_find_waiting() -> None:
    saturday_10 = 5 * 24 + 10
    rates = tuple(30.0 if hour == saturday_10 else 0.0 for hour in range(HOURS_PER_WEEK))
    spec = replace(stationary_spec(1.0, 5.0, 0), rate_per_hour=rates, rota=office_rota(100))
    result = simulate(spec, weeks=1, rng=np.random.default_rng(4), warmup_weeks=1)
    arrival = result.records.column("arrival_min")
    weekend = int(np.sum(arrival < MINUTES_PER_WEEK))  # all on the warm-up week's Saturday
    assert weekend > 0 and np.all(result.records.column("needs_reply"))
    # 100 agents start at 09:00 sharp and take every case at once; the backlog is read just before.
    first = result.records.column("first_response_min")[arrival < MINUTES_PER_WEEK]
    assert np.all(first > MINUTES_PER_WEEK + 9 * 60)
    assert summarise(result).backlog_monday_0900 == weekend
    assert summarise(result).backlog_monday_shift_start == weekend  # the shift starts at 09:00


def test_monday_backlog_is_read_when_the_first_monday_shift_starts() -> None:
    """A team that starts at 07:00 finds the weekend's mentions; at 09:00 it has cleared them."""
    saturday_10 = 5 * 24 + 10
    rates = tuple(30.0 if hour == saturday_10 else 0.0 for hour in range(HOURS_PER_WEEK))
    hours = office_hours(open_hour=7)
    spec = replace(stationary_spec(1.0, 5.0, 0), rate_per_hour=rates, rota=office_rota(100, hours))
    result = simulate(spec, weeks=1, rng=np.random.default_rng(4), warmup_weeks=1)
    weekend = int(np.sum(result.records.column("arrival_min") < MINUTES_PER_WEEK))
    k = summarise(result)
    assert k.monday_shift_start_min == 7 * 60
    assert k.backlog_monday_shift_start == weekend > 0
    assert k.backlog_monday_0900 == 0


def test_first_monday_shift_of_a_rota() -> None:
    from sim.rota import Rota

    assert Rota(office_rota(3)).monday_first_start() == 9 * 60
    # A night shift running on from Sunday does not start on Monday; the day shift at 07:00 does.
    night_and_day = ((0, 1), (7 * 60, 4), (23 * 60, 1))
    assert Rota(night_and_day).monday_first_start() == 7 * 60
    assert np.isnan(Rota(((0, 2),)).monday_first_start())  # flat 24/7: no shift starts


def test_cost_fte_and_agent_hours_from_the_rota() -> None:
    cost = CostSpec(
        hourly_eur=40.0,
        night_premium=0.25,
        weekend_premium=0.5,
        shrinkage=0.2,
        fte_hours_per_week=36.0,
    )
    spec = replace(stationary_spec(1.0, 1.0, 1), cost=cost)
    result = simulate(spec, weeks=2, rng=np.random.default_rng(0))
    k = summarise(result)
    # Weekdays: 9 night hours (22-07) at +25% and 15 day hours; weekends +50% (premiums do
    # not stack, the higher applies).
    weighted_hours = 5 * (9 * 1.25 + 15 * 1.0) + 48 * 1.5
    assert k.agent_hours_per_week == pytest.approx(168.0)
    assert k.paid_hours_per_week == pytest.approx(168.0 / 0.8)
    assert k.fte == pytest.approx(168.0 / 0.8 / 36.0)
    assert k.cost_per_week_eur == pytest.approx(weighted_hours * 40.0 / 0.8)
    assert k.cost_per_answered_eur == pytest.approx(2 * k.cost_per_week_eur / k.answered)


def test_office_rota_costs_its_hours_only() -> None:
    spec = replace(
        stationary_spec(0.1, 1.0, 1), rota=office_rota(3), cost=CostSpec(hourly_eur=50.0)
    )
    k = summarise(simulate(spec, weeks=1, rng=np.random.default_rng(0)))
    assert k.agent_hours_per_week == pytest.approx(3 * 40.0)
    assert k.cost_per_week_eur == pytest.approx(3 * 40.0 * 50.0)


def test_utilisation_matches_offered_load() -> None:
    spec = stationary_spec(rate_per_min=4.0, mean_handle_min=2.0, agents=10)  # 80% load
    results = [
        simulate(spec, weeks=0.5, rng=np.random.default_rng(s), warmup_weeks=0.05) for s in range(4)
    ]
    utilisation = np.mean([summarise(r).utilisation for r in results])
    assert utilisation == pytest.approx(0.8, abs=0.015)


def test_reputation_exposure_counts_unanswered_public_complaints() -> None:
    horizon = 2 * MINUTES_PER_WEEK
    rows = [
        {
            "arrival_min": 0.0,
            "kind": "complaint",
            "author_reach": 1000.0,
            "first_response_min": 120.0,
        },  # 1000 x 2 h
        {
            "arrival_min": 0.0,
            "kind": "complaint",
            "author_reach": 100.0,
            "abandoned": True,
            "abandoned_min": 30.0,
        },  # 100 x 0.5 h
        {"arrival_min": horizon - 60.0, "kind": "complaint", "author_reach": 10.0},  # 10 x 1 h
        {"arrival_min": 0.0, "kind": "complaint", "public": False, "author_reach": 1e6},
        {"arrival_min": 0.0, "kind": "question", "author_reach": 1e6},
        {"arrival_min": 0.0, "kind": "complaint", "needs_reply": False, "author_reach": 1e6},
    ]
    k = summarise(hand_result(targets_spec(), rows))
    assert k.reputation_exposure_reach_hours == pytest.approx(2000.0 + 50.0 + 10.0)


def test_kpi_keys_are_stable() -> None:
    result = simulate(rich_spec(), weeks=0.5, rng=np.random.default_rng(1))
    d = summarise(result).as_dict()
    for key in (
        "arrived",
        "needs_reply",
        "answered",
        "abandoned",
        "open",
        "no_reply",
        "first_response_mean_min",
        "first_response_p50_min",
        "first_response_p90_min",
        "first_response_p95_min",
        "first_response_max_min",
        "sla_fr60_attainment",
        "sla_fr60_business_attainment",
        "sla_res24h_attainment",
        "backlog_mean",
        "backlog_monday_0900",
        "utilisation",
        "agent_hours_per_week",
        "fte",
        "cost_per_week_eur",
        "cost_per_answered_eur",
        "reputation_exposure_reach_hours",
    ):
        assert key in d
    assert all(isinstance(v, int | float) for v in d.values())


def test_attainment_by_channel_and_hour_of_week() -> None:
    spec = rich_spec(rate_per_hour=20.0, rota=office_rota(12))
    result = simulate(spec, weeks=1, rng=np.random.default_rng(2))
    k = summarise(result)
    by_channel = attainment_by(result, "channel")
    assert list(by_channel.index) == ["x", "facebook", "whatsapp"]
    assert by_channel["needs_reply"].sum() == k.needs_reply
    assert by_channel["fr60_met"].sum() == next(s.met for s in k.sla if s.name == "fr60")
    by_hour = attainment_by(result, "hour_of_week")
    assert list(by_hour.index) == list(range(168))
    assert by_hour["answered"].sum() == k.answered
    # Mentions arriving mid-morning on a weekday are answered within the hour far more often
    # than ones arriving at night.
    mornings = [d * 24 + h for d in range(5) for h in (10, 11, 12, 13)]
    nights = [d * 24 + h for d in range(5) for h in (1, 2, 3, 4)]
    morning = by_hour.loc[mornings, "fr60_met"].sum() / by_hour.loc[mornings, "needs_reply"].sum()
    night = by_hour.loc[nights, "fr60_met"].sum() / by_hour.loc[nights, "needs_reply"].sum()
    assert morning > 0.5 > night
    with pytest.raises(ValueError, match="by"):
        attainment_by(result, "weekday")  # type: ignore[arg-type]


def test_agent_figures_cover_the_measured_window_only() -> None:
    spec = replace(stationary_spec(0.1, 1.0, 1), rota=office_rota(3))
    result = simulate(spec, weeks=2, rng=np.random.default_rng(0), warmup_weeks=0.5)
    k = summarise(result)
    assert result.on_duty_agent_min == pytest.approx(2 * 3 * 40 * 60)
    assert k.agent_hours_per_week == pytest.approx(3 * 40.0)
    measured = result.records.column("arrival_min") >= 0.5 * MINUTES_PER_WEEK
    assert k.arrived == int(measured.sum()) < len(result.records)
    # The light load keeps the three agents mostly idle.
    assert 0 < k.utilisation < 0.2


def test_backlog_profile_shows_the_overnight_pile_per_hour_of_the_week() -> None:
    spec = rich_spec(rate_per_hour=10.0, rota=office_rota(20), patience_min=None)
    result = simulate(spec, weeks=2, rng=np.random.default_rng(3), warmup_weeks=1)
    profile = backlog_profile(result)
    assert list(profile.index) == list(range(168))
    monday_8, monday_16 = profile.loc[8, "backlog_mean"], profile.loc[16, "backlog_mean"]
    # The weekend's pile waits for Monday morning and is worked off by the afternoon.
    assert monday_8 > 300
    assert monday_16 < 0.1 * monday_8
    # The time-weighted mean over the week agrees with the headline figure.
    assert profile["backlog_mean"].mean() == pytest.approx(summarise(result).backlog_mean, rel=0.01)


@pytest.mark.parametrize(("handling_min", "status"), [(20.0, "met"), (40.0, "breached")])
def test_friday_1630_with_a_business_clock_is_due_monday_0930_end_to_end(
    handling_min: float, status: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One mention Friday 16:30, Mon-Fri 9-17, a 60-minute business-clock target: the agent
    starting Monday 09:00 replies at 09:20 (met) or, with a longer answer, at 09:40 (breached)."""
    import sim.engine
    from sim.arrivals import Mentions

    def one(values: list[float] | list[int] | list[bool], dtype: type = float) -> np.ndarray:
        return np.array(values, dtype=dtype)

    mention = Mentions(
        arrival_min=one([FRIDAY_1630]),
        channel=one([0], int),
        kind=one([0], int),
        public=one([True], bool),
        author_reach=one([100.0]),
        high_reach=one([False], bool),
        needs_reply=one([True], bool),
        priority=one([10], int),
        backoffice=one([False], bool),
        moved_private=one([False], bool),
        turns=one([1], int),
        patience_min=one([np.inf]),
        backoffice_min=one([0.0]),
        turn_offset=one([0], int),
        handling_min=one([handling_min]),
        ready_delay_min=one([0.0]),
    )
    monkeypatch.setattr(sim.engine, "draw_mentions", lambda spec, horizon, rng: mention)
    target = SlaTarget("r60-werk", "first_response", 60.0, 0.9, clock="business")
    spec = replace(
        stationary_spec(1.0, 5.0, 0),
        rota=office_rota(1, office_hours(9, 16)),  # the team leaves at 16:00, the clock at 17:00
        business_hours=office_hours(),
        sla_targets=(target,),
    )
    result = simulate(spec, weeks=2, rng=np.random.default_rng(0))
    replied = result.records.column("first_response_min")[0]
    assert replied == NEXT_MONDAY_0930 - 10 + (handling_min - 20.0)  # 09:20 or 09:40
    due, state = sla_status(result, target)
    assert due[0] == NEXT_MONDAY_0930 and state[0] == status
    k = summarise(result)
    assert (k.sla[0].met, k.sla[0].breached) == ((1, 0) if status == "met" else (0, 1))


def test_an_on_duty_hour_counts_premium_and_shrinkage_once() -> None:
    """The documented example: telecom's Saturday night hour is 40 x 1.5 / 0.7 euros, and no
    bundled profile says its hourly figure already holds premiums or shrinkage."""
    from pathlib import Path

    from sim.kpis import cost_per_agent_minute
    from sim.profile import load_profile

    cost = load_profile("telecom").compile().cost
    saturday_0300 = 5 * MINUTES_PER_DAY + 3 * 60
    per_hour = cost_per_agent_minute(cost)[saturday_0300] * 60
    assert per_hour == pytest.approx(40 * 1.5 / 0.7)
    for path in Path("scenarios/orgs").glob("*.yaml"):
        assert "incl. werkgeverslasten, toeslagen" not in path.read_text(encoding="utf-8")


def test_next_response_on_a_hand_built_conversation() -> None:
    """Each customer reply starts a clock that stops at the agent's next reply; one late reply
    breaches the case; the back office's report-back is not a customer reply; one-turn cases
    have no next response. A case is met only when none of its targets was missed."""
    first = SlaTarget("fr10", "first_response", 10.0, 0.9)
    nxt = SlaTarget("nr30", "next_response", 30.0, 0.9)
    spec = replace(stationary_spec(1.0, 1.0, 1), sla_targets=(first, nxt))
    rows = [
        # A: replies wait 4 then 55 minutes -> the second is late
        {"arrival_min": 0.0, "turns": 3, "turns_done": 3, "first_response_min": 6.0,
         "resolved_min": 155.0, "status": "resolved"},
        # B: the one customer reply waits 15 minutes -> met
        {"arrival_min": 10.0, "turns": 2, "turns_done": 2, "first_response_min": 17.0,
         "resolved_min": 65.0, "status": "resolved"},
        # C: one turn, no customer reply -> no next response
        {"arrival_min": 20.0, "turns": 1, "turns_done": 1, "first_response_min": 25.0,
         "resolved_min": 25.0, "status": "resolved"},
        # D: back office; its second turn is the report-back -> no next response
        {"arrival_min": 30.0, "turns": 2, "turns_done": 2, "first_response_min": 33.0,
         "resolved_min": 605.0, "status": "resolved", "backoffice": True},
    ]  # fmt: skip
    result = hand_result(spec, rows)
    mention = np.array([0, 0, 0, 1, 1, 2, 3, 3])
    turn = np.array([0, 1, 2, 0, 1, 0, 0, 1])
    ready = np.array([0.0, 36.0, 100.0, 10.0, 50.0, 20.0, 30.0, 500.0])
    start = np.array([1.0, 40.0, 150.0, 12.0, 60.0, 20.0, 28.0, 600.0])
    end = np.array([6.0, 45.0, 155.0, 17.0, 65.0, 25.0, 33.0, 605.0])
    result = replace(result, turns=TurnLog(mention, turn, ready, start, end))
    due, status = sla_status(result, nxt)
    assert status.tolist() == ["breached", "met", "excluded", "excluded"]
    assert due[:2].tolist() == [66.0, 80.0] and np.isnan(due[2:]).all()
    k = summarise(result)
    assert k.sla[1].met == 1 and k.sla[1].breached == 1
    assert k.sla[0].met == 4  # every first response within 10 minutes
    # Per case: A missed its next response, so only B, C and D are met.
    assert (k.sla_case_met, k.sla_case_breached) == (3, 1)
    assert k.as_dict()["sla_case_attainment"] == pytest.approx(0.75)
    by_channel = attainment_by(result, "channel")
    assert by_channel.loc["web", "nr30_attainment"] == pytest.approx(0.5)
    assert by_channel.loc["web", "case_attainment"] == pytest.approx(0.75)


def test_next_response_on_the_business_clock_waits_for_opening() -> None:
    """A customer reply at Friday 16:30 with a 60-business-minute target is due Monday 09:30."""
    nxt = SlaTarget("nr60b", "next_response", 60.0, 0.9, clock="business")
    spec = with_targets(stationary_spec(1.0, 1.0, 1), nxt)
    row = {"arrival_min": FRIDAY_1630 - 60, "turns": 2, "turns_done": 2,
           "first_response_min": FRIDAY_1630 - 50, "resolved_min": NEXT_MONDAY_0930 - 5,
           "status": "resolved"}  # fmt: skip
    result = hand_result(spec, [row])
    turns = TurnLog(
        np.array([0, 0]),
        np.array([0, 1]),
        np.array([FRIDAY_1630 - 60, FRIDAY_1630]),
        np.array([FRIDAY_1630 - 55, NEXT_MONDAY_0930 - 10]),
        np.array([FRIDAY_1630 - 50, NEXT_MONDAY_0930 - 5]),
    )
    result = replace(result, turns=turns)
    due, status = sla_status(result, nxt)
    assert due[0] == NEXT_MONDAY_0930 and status[0] == "met"
