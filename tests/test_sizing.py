"""Sizing: the Erlang C start, the simulated search, unreachable targets and bad input."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from sim import erlang
from sim.experiment import estimate, seed_sequences
from sim.parallel import Runner, SimJob, run_jobs
from sim.profile import Profile, load_profile
from sim.sizing import (
    MIN_AGENTS_PER_SHIFT,
    SizingError,
    SizingResult,
    erlang_need,
    erlang_staffing,
    hourly_load,
    shift_minutes,
    size,
    sizing_targets,
    staffed_spec,
)
from sim.spec import HOURS_PER_WEEK, MINUTES_PER_HOUR
from sim.targets import parse_targets

FAST: dict[str, Any] = {"replications": 4, "weeks": 1.0, "warmup_weeks": 1.0, "seed": 7}


@pytest.fixture(scope="module")
def small_telecom() -> Profile:
    """The telecom profile at a fifth of its volume: the same shape, quick to simulate."""
    return load_profile("telecom").scaled(volume=0.2)


def test_hourly_load_matches_offered_work(small_telecom: Profile) -> None:
    spec = small_telecom.compile("24-7")
    load, aht = hourly_load(spec)
    assert load.shape == (HOURS_PER_WEEK,)
    # Erlangs over the week times 60 minutes = agent minutes of work offered per week.
    reply = sum(c.share * (1 - c.no_reply_share) for c in spec.channels)
    work_min = sum(spec.rate_per_hour) * reply * spec.conversation.mean_turns * aht
    assert load.sum() * MINUTES_PER_HOUR == pytest.approx(work_min)


def test_erlang_need_is_the_textbook_answer_hour_by_hour(small_telecom: Profile) -> None:
    spec = small_telecom.compile("24-7")
    targets = sizing_targets(small_telecom, parse_targets(["first_response<=30min:80%"]))
    need = erlang_need(spec, targets)
    load, aht = hourly_load(spec)
    busiest = int(np.argmax(load))
    expected = max(
        erlang.agents_for_service_level(float(load[busiest]), aht, t.within_min, t.goal)
        for t in targets
    )
    assert need[busiest] == expected
    assert (need >= np.ceil(load)).all()


def test_erlang_staffing_covers_every_covered_slot(small_telecom: Profile) -> None:
    targets = sizing_targets(small_telecom)
    agents = erlang_staffing(small_telecom, "24-7", targets, max_agents=40)
    spec = small_telecom.compile("24-7")
    need = np.repeat(erlang_need(spec, targets), MINUTES_PER_HOUR)
    on_duty = (shift_minutes(small_telecom, "24-7") * np.array(agents)[:, None]).sum(axis=0)
    # Shifts may start on the half hour; whole 15-minute slots are what the programme covers.
    covered = shift_minutes(small_telecom, "24-7").any(axis=0)
    slots = covered.reshape(-1, 15).all(axis=1).repeat(15)
    assert (on_duty[slots] >= need[slots]).all()
    assert min(agents) >= 1


def _attainment_low(
    profile: Profile, coverage: str, agents: list[int], result: SizingResult
) -> dict[str, float]:
    """Lower 95% bounds per target of a staffing, simulated with the sizing's seeds."""
    spec = staffed_spec(profile, coverage, agents, result.targets)
    jobs = [
        SimJob(spec, result.weeks, result.warmup_weeks, seq)
        for seq in seed_sequences(result.seed, result.replications)
    ]
    rows = run_jobs(jobs, processes=1)
    return {
        t.name: estimate(r[f"sla_{t.name}_attainment"] for r in rows).low for t in result.targets
    }


def test_sizing_meets_the_targets_and_no_shift_can_lose_an_agent(small_telecom: Profile) -> None:
    targets = parse_targets(["first_response<=20min:90%"])
    with Runner(processes=2) as runner:
        result = size(small_telecom, "24-7", targets, runner=runner, **FAST)
    assert result.reachable
    assert result.best.meets()
    for target in result.targets:
        assert result.best.attainment(target).low >= target.goal
    if result.erlang.meets():
        assert result.best.cost_per_week_eur <= result.erlang.cost_per_week_eur
    # Cheapest: one agent fewer on any shift (same seeds) breaks at least one target.
    agents = list(result.best.agents_by_shift.values())
    for i, count in enumerate(agents):
        if count <= MIN_AGENTS_PER_SHIFT:
            continue
        fewer = agents.copy()
        fewer[i] -= 1
        lows = _attainment_low(small_telecom, "24-7", fewer, result)
        assert any(lows[t.name] < t.goal for t in result.targets), (fewer, lows)


def test_sizing_is_reproducible(small_telecom: Profile) -> None:
    targets = parse_targets(["first_response<=20min:90%"])
    first = size(small_telecom, "24-7", targets, processes=1, **FAST)
    second = size(small_telecom, "24-7", targets, processes=2, **FAST)
    assert first.best.agents == second.best.agents
    assert first.best.estimates == second.best.estimates


def test_a_target_no_staffing_can_meet_is_reported_with_the_best_found(
    small_telecom: Profile,
) -> None:
    # Business hours only (weekdays 08-18) cannot answer 90% of all mentions within an hour:
    # evenings, nights and weekends carry far more than 10% of the volume.
    targets = parse_targets(["first_response<=60min:90%"])
    result = size(small_telecom, "business-hours", targets, **FAST)
    assert not result.reachable
    best = result.best_attainment[targets[0].name]
    assert best.mean < 0.9
    assert result.cap is not None and result.cap.agents_by_shift == {"dag": result.max_agents}
    # The recommendation reaches the plateau (within the margin) for far less than the cap.
    assert result.best.meets(result.effective_goals)
    assert result.best.cost_per_week_eur < result.cap.cost_per_week_eur / 2


def test_unknown_coverage_lists_the_known_ones(small_telecom: Profile) -> None:
    with pytest.raises(SizingError) as info:
        size(small_telecom, "nachtdienst", **FAST)
    message = str(info.value)
    assert "nachtdienst" in message
    for name in small_telecom.coverage_names:
        assert name in message


def test_bad_settings_and_targets_are_refused(small_telecom: Profile) -> None:
    with pytest.raises(SizingError, match="minstens 2 herhalingen"):
        size(small_telecom, "24-7", replications=1)
    no_hours = small_telecom.model_copy(update={"business_hours": None, "back_office": None})
    with pytest.raises(SizingError, match="kantoorklok"):
        sizing_targets(no_hours, parse_targets(["resolution<=4h:90%@business"]))
    no_targets = small_telecom.model_copy(update={"sla_targets": []})
    with pytest.raises(SizingError, match="geen SLA-doelen"):
        sizing_targets(no_targets)
    assert math.isfinite(sizing_targets(small_telecom)[0].goal)


def test_a_search_stopped_by_its_budget_never_returns_a_failing_staffing(
    small_telecom: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A poor start (one agent per shift) and a budget that ends the repair after one step.
    import sim.sizing

    shifts = len(small_telecom.coverages["24-7"].shifts)
    monkeypatch.setattr(sim.sizing, "erlang_staffing", lambda *a, **k: (1,) * shifts)
    monkeypatch.setattr(sim.sizing, "MAX_EVALUATIONS", 3)
    targets = parse_targets(["first_response<=20min:90%"])
    result = size(small_telecom, "24-7", targets, processes=1, **FAST)
    assert not result.erlang.meets()
    assert result.reachable
    assert result.best.meets(), result.best.agents
    assert result.budget_spent and result.repair_fell_back
    for target in result.targets:
        assert result.best.attainment(target).low >= target.goal
