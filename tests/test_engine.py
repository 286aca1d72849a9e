"""The engine's behaviour: arrivals, shifts, queue order, conversations, back office, records."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from specs import office_hours, office_rota, rich_spec, stationary_spec

from sim.clock import BusinessClock
from sim.engine import SimResult, WeekClock, simulate
from sim.kpis import summarise
from sim.records import FIELDS, MentionRecord
from sim.rota import Rota
from sim.spec import (
    HOURS_PER_WEEK,
    MINUTES_PER_HOUR,
    MINUTES_PER_WEEK,
    ConversationSpec,
    Duration,
    Incident,
    KindSpec,
    PriorityRule,
    ReachSpec,
    SlaTarget,
    Weekly,
)

SEEDS = range(5)
ALWAYS = ((0, 10_000),)  # more agents than could ever be busy


def run(spec, weeks=2.0, seed=0, warmup_weeks=0.0) -> SimResult:
    return simulate(spec, weeks=weeks, rng=np.random.default_rng(seed), warmup_weeks=warmup_weeks)


def in_progress_at_starts(result: SimResult) -> tuple[np.ndarray, np.ndarray]:
    """For every turn start: the start time and how many turns were in hand right then."""
    start, end = result.turns.start_min, result.turns.end_min
    started = ~np.isnan(start)
    starts = np.sort(start[started])
    ends = np.sort(end[started])
    in_hand = np.searchsorted(starts, starts, side="right") - np.searchsorted(
        ends, starts, side="right"
    )
    return starts, in_hand


# --- accounting and sanity -------------------------------------------------------------------
@pytest.mark.parametrize("rota", [None, ((0, 2),), ((0, 0),), ALWAYS])
def test_every_mention_is_accounted_for(rota) -> None:
    result = run(rich_spec(rota=rota), seed=3)
    rec = result.records
    status = rec.column("status")
    answered = ~np.isnan(rec.column("first_response_min"))
    assert len(rec) > 1000
    assert set(status) <= {"no_reply", "abandoned", "open", "answered", "resolved"}
    no_reply = ~rec.column("needs_reply")
    abandoned = rec.column("abandoned")
    open_ = status == "open"
    assert no_reply.sum() + answered.sum() + abandoned.sum() + open_.sum() == len(rec)
    # The groups do not overlap.
    assert not np.any(no_reply & (answered | abandoned | open_))
    assert not np.any(answered & abandoned)
    k = summarise(result)
    assert k.arrived == k.no_reply + k.answered + k.abandoned + k.open
    assert k.needs_reply == k.arrived - k.no_reply
    # No-reply mentions never reach an agent.
    assert np.all(rec.column("turns")[no_reply] == 0)
    assert np.all(np.isnan(rec.column("first_response_min")[no_reply]))


def test_no_negative_waits_and_times_in_order() -> None:
    result = run(rich_spec(), seed=1)
    t = result.turns
    started = ~np.isnan(t.start_min)
    assert np.all(t.start_min[started] >= t.ready_min[started])
    assert np.all(t.end_min[started] >= t.start_min[started])
    rec = result.records
    assert np.nanmin(rec.column("first_response_wait_min")) >= 0
    resolved = ~np.isnan(rec.column("resolved_min"))
    assert np.all(
        rec.column("resolved_min")[resolved] >= rec.column("first_response_min")[resolved]
    )
    # A later turn is ready only after the previous one ended.
    later = (t.turn > 0) & ~np.isnan(t.ready_min)
    previous_end = t.end_min[np.flatnonzero(later) - 1]
    assert np.all(t.ready_min[later] >= previous_end)


def test_no_agents_means_every_mention_needing_a_reply_breaches() -> None:
    spec = rich_spec(rota=((0, 0),), patience_min=None)
    result = run(spec, weeks=1)
    k = summarise(result)
    assert k.answered == 0
    assert len(result.turns.start_min) and np.all(np.isnan(result.turns.start_min))
    fr60 = next(s for s in k.sla if s.name == "fr60")
    assert fr60.met == 0 and fr60.breached > 0
    # Only mentions whose due time lies past the horizon are still pending.
    assert fr60.pending <= 0.01 * k.needs_reply
    assert fr60.attainment == 0.0


def test_unlimited_agents_means_no_waiting_beyond_handling() -> None:
    result = run(rich_spec(rota=ALWAYS), seed=2)
    t = result.turns
    started = ~np.isnan(t.start_min)
    assert started.sum() > 1000
    np.testing.assert_array_equal(t.start_min[started], t.ready_min[started])
    rec = result.records
    assert rec.column("abandoned").sum() == 0
    first = t.turn == 0
    answered = ~np.isnan(rec.column("first_response_min"))
    handling = (t.end_min - t.start_min)[first & started]
    waits = rec.column("first_response_wait_min")[t.mention_id[first & started]]
    np.testing.assert_allclose(
        waits[answered[t.mention_id[first & started]]],
        handling[answered[t.mention_id[first & started]]],
        atol=1e-6,
    )


def test_same_seed_same_records_different_seed_different() -> None:
    spec = rich_spec()
    a, b, c = run(spec, seed=7), run(spec, seed=7), run(spec, seed=8)
    for name in FIELDS:
        np.testing.assert_array_equal(a.records.column(name), b.records.column(name))
    np.testing.assert_array_equal(a.backlog_values, b.backlog_values)
    assert len(a.records) != len(c.records) or not np.array_equal(
        a.records.column("arrival_min"), c.records.column("arrival_min")
    )


# --- shifts --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "rota",
    [office_rota(3), ((0, 1), (420, 4), (900, 2), (1320, 0), (1500, 3)), ((0, 2),)],
)
def test_capacity_never_exceeds_agents_on_duty(rota) -> None:
    result = run(rich_spec(rate_per_hour=30.0, rota=rota), weeks=2, seed=4)
    starts, in_hand = in_progress_at_starts(result)
    assert starts.size > 500
    on_duty = Rota(rota).agents_at(starts)
    assert np.all(in_hand <= on_duty)
    # Under this load the team is saturated, so the bound is reached.
    assert np.any(in_hand == on_duty)


def test_a_turn_never_starts_before_the_agent_it_takes_over_is_free() -> None:
    # Fixed handling and customer delays make a reply ready at the very moment another turn
    # ends, up to the last bit of a float: the start must not be snapped to before that end.
    base = stationary_spec(rate_per_min=10 / 60, mean_handle_min=1.9, agents=1)
    spec = replace(
        base,
        channels=(replace(base.channels[0], handling=Duration("fixed", 1.9)),),
        conversation=ConversationSpec(mean_turns=2.0, customer_delay=Duration("fixed", 2.0)),
    )
    checked = 0
    for seed in range(200):
        starts, in_hand = in_progress_at_starts(run(spec, weeks=0.5, seed=seed))
        assert np.all(in_hand <= 1), f"seed {seed}: two turns in hand with one agent"
        checked += starts.size
    assert checked > 100_000


def test_agents_finish_the_message_in_hand_at_shift_end() -> None:
    result = run(rich_spec(rate_per_hour=30.0, rota=office_rota(3)), weeks=2, seed=5)
    t = result.turns
    started = ~np.isnan(t.start_min)
    on_duty = Rota(office_rota(3)).agents_at(t.start_min[started])
    assert np.all(on_duty > 0), "a turn started while nobody was on duty"
    clock = BusinessClock(office_hours())
    start, end = t.start_min[started], t.end_min[started]
    overrun = clock.is_open(start) & ~clock.is_open(end) & (end < result.horizon_min)
    # Turns running past 17:00 are finished (they have an end) rather than dropped...
    assert overrun.sum() >= 5
    # ...and after closing nobody starts a new one until the next morning.
    closing = np.floor(end[overrun] / 1440) * 1440 + 17 * 60
    late_starts = start[(start > closing.min())]
    assert not np.any(~clock.is_open(late_starts))


def test_new_agents_take_waiting_work_at_once() -> None:
    result = run(rich_spec(rate_per_hour=30.0, rota=office_rota(3), patience_min=None), weeks=1)
    starts = result.turns.start_min
    # At every opening (Mon-Fri 09:00) all three agents start a turn at that very minute.
    for day in range(5):
        opening = day * 1440 + 9 * 60
        assert np.sum(starts == opening) == 3


# --- arrivals --------------------------------------------------------------------------------
def test_arrival_counts_per_hour_follow_the_profile() -> None:
    profile = tuple(2.0 + 18.0 * (8 <= h % 24 < 18) + 5.0 * (h >= 120) for h in range(168))
    spec = replace(stationary_spec(0.1, 1.0, 5), rate_per_hour=profile)
    weeks, seeds = 3, range(4)
    counts = np.zeros(HOURS_PER_WEEK)
    for seed in seeds:
        hours = run(spec, weeks=weeks, seed=seed).records.column("hour_of_week")
        counts += np.bincount(hours, minlength=HOURS_PER_WEEK)
    expected = np.array(profile) * weeks * len(seeds)
    z = (counts - expected) / np.sqrt(expected)
    assert np.max(np.abs(z)) < 4.5
    chi2 = float(np.sum(z**2))
    assert chi2 < HOURS_PER_WEEK + 5 * np.sqrt(2 * HOURS_PER_WEEK)


def test_incident_multiplies_volume_and_shifts_mix_to_complaints() -> None:
    base = rich_spec(rate_per_hour=10.0)
    flat = replace(base, rate_per_hour=(10.0,) * HOURS_PER_WEEK)
    incident = Incident(start_min=3000.0, duration_min=600.0, multiplier=5.0, complaint_share=0.9)
    spec = replace(flat, incidents=(incident,))
    inside_counts, complaint_share = [], []
    for seed in SEEDS:
        rec = run(spec, weeks=1, seed=seed).records
        t = rec.column("arrival_min")
        inside = (t >= 3000.0) & (t < 3600.0)
        inside_counts.append(inside.sum())
        complaint_share.append(np.mean(rec.column("kind")[inside] == "complaint"))
        outside_complaints = np.mean(rec.column("kind")[~inside] == "complaint")
        assert abs(outside_complaints - 0.3) < 0.03
    expected = 10.0 * 5.0 * 10 * len(SEEDS)  # 10 hours at 5 x 10 an hour
    assert abs(sum(inside_counts) - expected) < 4 * np.sqrt(expected)
    assert abs(np.mean(complaint_share) - 0.9) < 0.03


def test_mix_of_channels_kinds_reach_and_no_reply() -> None:
    rec = run(rich_spec(rota=ALWAYS), weeks=3).records
    n = len(rec)
    channel, kind = rec.column("channel"), rec.column("kind")
    tol = 4 * np.sqrt(0.25 / n)
    assert abs(np.mean(channel == "x") - 0.4) < tol
    assert abs(np.mean(channel == "whatsapp") - 0.2) < tol
    assert abs(np.mean(kind == "compliment") - 0.1) < tol + 0.01  # the incident adds complaints
    np.testing.assert_array_equal(rec.column("public"), channel != "whatsapp")
    on_x = channel == "x"
    assert abs(np.mean(~rec.column("needs_reply")[on_x]) - 0.3) < 4 * np.sqrt(0.25 / on_x.sum())
    assert np.all(rec.column("needs_reply")[~on_x])
    reach = rec.column("author_reach")
    assert abs(np.median(reach) / 300.0 - 1) < 0.1
    np.testing.assert_array_equal(rec.column("high_reach"), reach >= 10_000)


# --- queue order, conversations, back office, abandonment -------------------------------------
def test_priority_rule_serves_high_reach_public_complaints_faster() -> None:
    spec = replace(
        rich_spec(rate_per_hour=25.0, rota=((0, 6),), patience_min=None, backoffice_share=0.0),
        reach=ReachSpec(high_reach_followers=1000.0),
    )
    prio_waits, other_waits = [], []
    for seed in SEEDS:
        rec = run(spec, weeks=1, seed=seed).records
        wait = rec.column("first_response_wait_min")
        first = rec.column("priority") == 1
        expected = (
            (rec.column("kind") == "complaint") & rec.column("public") & rec.column("high_reach")
        )
        np.testing.assert_array_equal(first, expected)
        prio_waits.extend(wait[first & ~np.isnan(wait)])
        other_waits.extend(wait[~first & ~np.isnan(wait)])
    assert len(prio_waits) > 100
    assert np.mean(prio_waits) < 0.5 * np.mean(other_waits)


def test_conversations_take_several_turns_with_customer_delays() -> None:
    spec = rich_spec(rota=ALWAYS, backoffice_share=0.0, mean_turns=3.0, patience_min=None)
    rec = run(spec, weeks=3).records
    replied = rec.column("needs_reply")
    turns = rec.column("turns")[replied]
    assert turns.min() >= 1
    assert abs(turns.mean() - 3.0) < 4 * np.sqrt(6.0 / turns.size)  # geometric: variance 6
    resolved = replied & (rec.column("status") == "resolved")
    multi = resolved & (rec.column("turns") >= 3)
    # Each later turn waits for the customer (mean 20 min) and then takes its handling time.
    gap = (rec.column("resolved_min") - rec.column("first_response_min"))[multi]
    handling = {"x": 6.0, "facebook": 8.0, "whatsapp": 5.0}
    per_turn = 20.0 + np.array([handling[c] for c in rec.column("channel")[multi]])
    expected = (rec.column("turns")[multi] - 1) * per_turn
    assert abs(gap.mean() / expected.mean() - 1) < 0.05
    assert not np.any(rec.column("moved_private")[~rec.column("public")])


def test_private_share_is_the_share_of_public_cases_needing_a_reply_whatever_the_turns() -> None:
    spec = rich_spec(rota=ALWAYS, backoffice_share=0.0, mean_turns=3.0, patience_min=None)
    rec = run(spec, weeks=3).records
    public = rec.column("needs_reply") & rec.column("public")
    moved = rec.column("moved_private")
    tol = 4 * np.sqrt(0.25 / public.sum())
    assert abs(moved[public].mean() - 0.5) < tol  # the profile's share, not share × P(turns > 1)
    one_turn = public & (rec.column("turns") == 1)
    assert abs(moved[one_turn].mean() - 0.5) < 4 * np.sqrt(0.25 / one_turn.sum())
    assert not np.any(moved[~rec.column("needs_reply")])


def test_back_office_lengthens_resolution_even_with_round_the_clock_staffing() -> None:
    result = run(rich_spec(rota=ALWAYS, backoffice_share=0.5, patience_min=None), weeks=3)
    rec = result.records
    resolved = rec.column("status") == "resolved"
    bo = rec.column("backoffice") & resolved
    plain = ~rec.column("backoffice") & resolved & (rec.column("kind") == "complaint")
    assert bo.sum() > 100
    res = rec.column("resolution_time_min")
    # The back office works office hours only: cases wait nights and weekends for it.
    assert np.mean(res[bo]) > np.mean(res[plain]) + 8 * MINUTES_PER_HOUR
    # Back-office work ends inside office hours (or exactly at closing time).
    t = result.turns
    report_back = (t.turn == 1) & rec.column("backoffice")[t.mention_id] & ~np.isnan(t.ready_min)
    done = t.ready_min[report_back]
    assert np.all(BusinessClock(office_hours()).is_open(done - 1e-6))
    # The report-back turn is an extra agent turn.
    assert np.all(rec.column("turns")[rec.column("backoffice")] >= 2)


def test_impatient_customers_abandon_only_before_a_first_response() -> None:
    spec = rich_spec(rota=office_rota(2), patience_min=30.0)
    result = run(spec, weeks=1)
    rec = result.records
    abandoned = rec.column("abandoned")
    assert abandoned.sum() > 100
    assert np.all(np.isnan(rec.column("first_response_min")[abandoned]))
    give_up = rec.column("abandoned_min")[abandoned] - rec.column("arrival_min")[abandoned]
    assert np.all(give_up >= 0)
    # Nobody who was answered had to wait longer than their patience for the first turn start.
    t = result.turns
    first = (t.turn == 0) & ~np.isnan(t.start_min)
    assert not np.any(abandoned[t.mention_id[first]])


def test_business_hours_build_a_monday_backlog_that_round_the_clock_does_not() -> None:
    business = rich_spec(rate_per_hour=10.0, rota=office_rota(10), patience_min=None)
    around = replace(business, rota=((0, 4),))
    b = [summarise(run(business, weeks=2, seed=s, warmup_weeks=1)) for s in range(3)]
    a = [summarise(run(around, weeks=2, seed=s, warmup_weeks=1)) for s in range(3)]
    b_monday = np.mean([k.backlog_monday_0900 for k in b])
    a_monday = np.mean([k.backlog_monday_0900 for k in a])
    # Friday 17:00 to Monday 09:00 is 64 hours of mentions with nobody on duty.
    assert b_monday > 300
    assert a_monday < 15
    assert np.mean([k.backlog_mean for k in b]) > 10 * np.mean([k.backlog_mean for k in a])


def test_warm_up_mentions_are_kept_in_records_but_not_counted() -> None:
    result = run(stationary_spec(0.5, 1.0, 2), weeks=1, warmup_weeks=0.5)
    arrival = result.records.column("arrival_min")
    assert arrival.min() < 0.5 * MINUTES_PER_WEEK
    assert summarise(result).arrived == int(np.sum(arrival >= 0.5 * MINUTES_PER_WEEK))
    assert result.horizon_min == 1.5 * MINUTES_PER_WEEK
    assert arrival.max() < result.horizon_min


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"rate_per_hour": (1.0,) * 24}, "rate_per_hour"),
        ({"rate_per_hour": (-1.0,) * 168}, "rate_per_hour"),
        ({"rota": ((60, 2),)}, "rota"),
        ({"rota": ((0, 2), (0, 3))}, "rota"),
        ({"rota": ((0, -1),)}, "agents"),
        ({"kinds": (KindSpec("question", 0.5),)}, "kinds shares"),
        ({"kinds": (KindSpec("question", 1.0, backoffice_share=0.2),)}, "backoffice"),
        ({"incidents": (Incident(0.0, 60.0, 2.0, complaint_share=0.5),)}, "complaint"),
        ({"patience": Duration("exponential", 0.0)}, "patience mean"),
        ({"patience": Duration("lognormal", 5.0, cv=0.0)}, "patience cv"),
        ({"priority_rules": (PriorityRule(1, kind="klacht"),)}, "priority rule 0 kind"),
        ({"priority_rules": (PriorityRule(1, channel="fax"),)}, "priority rule 0 channel"),
        ({"sla_targets": (SlaTarget("a", "first_response", 60, 0.9),) * 2}, "used twice"),
        ({"sla_targets": (SlaTarget("a", "first_response", -1, 0.9),)}, "within_min"),
        ({"sla_targets": (SlaTarget("a", "resolution", 60, 0.9, "business"),)}, "business_hours"),
    ],
)
def test_bad_spec_gets_a_clear_error(change, words) -> None:
    spec = replace(stationary_spec(1.0, 1.0, 1), **change)
    with pytest.raises(ValueError, match=words):
        run(spec, weeks=0.1)


def test_incident_weeks_count_from_the_end_of_the_warm_up() -> None:
    flat = replace(rich_spec(rate_per_hour=10.0), rate_per_hour=(10.0,) * HOURS_PER_WEEK)
    spec = replace(
        flat, incidents=(Incident(start_min=3000.0, duration_min=600.0, multiplier=5.0),)
    )
    measured, warm_up = [], []
    for seed in SEEDS:
        t = run(spec, weeks=1, seed=seed, warmup_weeks=1).records.column("arrival_min")
        measured.append(np.sum((t >= MINUTES_PER_WEEK + 3000) & (t < MINUTES_PER_WEEK + 3600)))
        warm_up.append(np.sum((t >= 3000) & (t < 3600)))
    expected_hit, expected_flat = 10 * 5.0 * 10 * len(SEEDS), 10 * 10 * len(SEEDS)
    assert abs(sum(measured) - expected_hit) < 4 * np.sqrt(expected_hit)
    assert abs(sum(warm_up) - expected_flat) < 4 * np.sqrt(expected_flat)


@pytest.mark.parametrize(
    ("rate_per_hour", "weeks", "words"),
    [(1.0, 521.0, "at most 520"), (1e9, 1.0, "mentions expected"), (1.0, 1e9, "at most 520")],
)
def test_absurd_runs_are_refused_before_drawing(rate_per_hour, weeks, words) -> None:
    spec = replace(stationary_spec(1.0, 1.0, 1), rate_per_hour=(rate_per_hour,) * HOURS_PER_WEEK)
    with pytest.raises(ValueError, match=words):
        run(spec, weeks=weeks)


def test_an_incident_counts_towards_the_expected_mentions_cap() -> None:
    spec = replace(stationary_spec(1.0 / 60, 1.0, 1), incidents=(Incident(0.0, 60.0, 1e12),))
    with pytest.raises(ValueError, match="mentions expected"):
        run(spec, weeks=1.0)


@pytest.mark.parametrize(("weeks", "warmup"), [(0.0, 0.0), (-1.0, 0.0), (1.0, -1.0)])
def test_bad_run_length_gets_a_clear_error(weeks: float, warmup: float) -> None:
    with pytest.raises(ValueError, match="weeks"):
        run(stationary_spec(1.0, 1.0, 1), weeks=weeks, warmup_weeks=warmup)


# --- records -------------------------------------------------------------------------------------
def test_records_are_read_only_filterable_and_exportable(tmp_path: Path) -> None:
    spec = replace(rich_spec(), sla_targets=(SlaTarget("fr", "first_response", 60.0, 0.9),))
    rec = run(spec, weeks=0.2).records
    with pytest.raises(ValueError):
        rec.column("arrival_min")[0] = 1.0
    rows = list(rec)
    assert len(rows) == len(rec) and isinstance(rows[0], MentionRecord)
    assert repr(rows[3]) == repr(rec[3]) and rows[3].id == 3
    public = rec.filter(rec.column("public"))
    assert len(public) == int(rec.column("public").sum()) and all(r.public for r in public)
    frame = rec.to_frame()
    assert list(frame.columns) == list(FIELDS) and len(frame) == len(rec)
    rec.to_csv(tmp_path / "m.csv")
    rec.to_parquet(tmp_path / "m.parquet")
    back = pd.read_parquet(tmp_path / "m.parquet")
    pd.testing.assert_frame_equal(back, frame)
    assert len(pd.read_csv(tmp_path / "m.csv")) == len(rec)
    with pytest.raises(ValueError, match="boolean"):
        rec.filter(np.arange(len(rec)))


def test_records_fields_have_the_documented_meaning() -> None:
    spec = replace(
        stationary_spec(0.2, 5.0, 1),
        channels=(
            replace(stationary_spec(0.2, 5.0, 1).channels[0], handling=Duration("fixed", 5.0)),
        ),
    )
    rec = run(spec, weeks=0.5).records
    answered = ~np.isnan(rec.column("first_response_min"))
    np.testing.assert_allclose(
        rec.column("first_response_wait_min")[answered],
        (rec.column("first_response_min") - rec.column("arrival_min"))[answered],
    )
    # First response = when the reply is sent: at least one handling time after arrival.
    assert np.all(rec.column("first_response_wait_min")[answered] >= 5.0 - 1e-9)
    hour = rec.column("hour_of_week")
    np.testing.assert_array_equal(hour, (rec.column("arrival_min") // 60).astype(int) % 168)
    assert np.all(np.diff(rec.column("arrival_min")) >= 0)


@pytest.mark.parametrize(
    "hours",
    [
        office_hours(),
        Weekly(((0, 60), (100, 200), (MINUTES_PER_WEEK - 30, MINUTES_PER_WEEK))),
        Weekly(()),
    ],
)
def test_scalar_back_office_clock_agrees_with_the_business_clock(hours: Weekly) -> None:
    rng = np.random.default_rng(0)
    starts = np.concatenate(
        (
            rng.uniform(0, 3 * MINUTES_PER_WEEK, 400),
            [w[i] + k * MINUTES_PER_WEEK for w in hours.windows for i in (0, 1) for k in (0, 1)],
        )
    )
    work = np.concatenate((rng.exponential(300.0, starts.size - 20), np.zeros(20)))
    rng.shuffle(work)
    expected = BusinessClock(hours).add(starts, work)
    scalar = WeekClock(hours)
    got = np.array([scalar.add(float(s), float(w)) for s, w in zip(starts, work, strict=True)])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
