"""Properties that hold for every model: small random specs drawn by hypothesis."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specs import office_hours

from sim.engine import SimResult, simulate
from sim.kpis import attainment_by, summarise
from sim.records import FIELDS
from sim.rota import Rota
from sim.spec import (
    HOURS_PER_WEEK,
    MINUTES_PER_WEEK,
    BackOfficeSpec,
    ChannelSpec,
    ConversationSpec,
    Duration,
    Incident,
    KindSpec,
    ModelSpec,
    PriorityRule,
    SlaTarget,
)

KIND_NAMES = ("question", "complaint", "compliment")


def _shares(weights: list[int]) -> list[float]:
    total = sum(weights)
    return [w / total for w in weights]


durations = st.builds(
    Duration,
    kind=st.sampled_from(["exponential", "lognormal", "fixed"]),
    mean_min=st.floats(0.5, 30.0),
    cv=st.floats(0.2, 2.0),
)


@st.composite
def specs(draw: st.DrawFn) -> ModelSpec:
    n_channels = draw(st.integers(1, 3))
    channel_shares = _shares(
        draw(st.lists(st.integers(1, 5), min_size=n_channels, max_size=n_channels))
    )
    channels = tuple(
        ChannelSpec(
            name=f"c{i}",
            share=share,
            public=draw(st.booleans()),
            handling=draw(durations),
            no_reply_share=draw(st.sampled_from([0.0, 0.3])),
        )
        for i, share in enumerate(channel_shares)
    )
    n_kinds = draw(st.integers(1, 3))
    kind_shares = _shares(draw(st.lists(st.integers(1, 5), min_size=n_kinds, max_size=n_kinds)))
    with_backoffice = draw(st.booleans())
    kinds = tuple(
        KindSpec(
            name=KIND_NAMES[i],
            share=share,
            backoffice_share=draw(st.sampled_from([0.0, 0.5])) if with_backoffice else 0.0,
        )
        for i, share in enumerate(kind_shares)
    )
    change_minutes = sorted(draw(st.sets(st.integers(1, MINUTES_PER_WEEK - 1), max_size=6)))
    rota = tuple((minute, draw(st.integers(0, 4))) for minute in [0, *change_minutes])
    if draw(st.booleans()):
        rates = tuple([draw(st.floats(0.0, 30.0))] * HOURS_PER_WEEK)
    else:
        rates = tuple(
            draw(st.lists(st.floats(0.0, 30.0), min_size=HOURS_PER_WEEK, max_size=HOURS_PER_WEEK))
        )
    incidents: tuple[Incident, ...] = ()
    if draw(st.booleans()):
        incidents = (
            Incident(draw(st.floats(0, 3000)), draw(st.floats(0, 600)), draw(st.floats(1, 5))),
        )
    rules: tuple[PriorityRule, ...] = ()
    if draw(st.booleans()):
        urgent = draw(st.sampled_from(kinds)).name
        rules = (PriorityRule(priority=draw(st.integers(0, 20)), kind=urgent),)
    return ModelSpec(
        name="random",
        rate_per_hour=rates,
        channels=channels,
        kinds=kinds,
        rota=rota,
        sla_targets=(
            SlaTarget("fr", "first_response", draw(st.floats(1, 600)), 0.9),
            SlaTarget("res", "resolution", draw(st.floats(1, 3000)), 0.8, clock="business"),
        ),
        business_hours=office_hours(),
        incidents=incidents,
        conversation=ConversationSpec(
            mean_turns=draw(st.floats(1.0, 3.0)),
            customer_delay=draw(durations),
            private_share=draw(st.floats(0.0, 1.0)),
        ),
        priority_rules=rules,
        patience=draw(st.none() | durations),
        backoffice=BackOfficeSpec(work=draw(durations), hours=office_hours())
        if with_backoffice
        else None,
    )


# ENGINE_PROPERTY_EXAMPLES=300 runs a deeper search locally.
PROPERTY_EXAMPLES = int(os.environ.get("ENGINE_PROPERTY_EXAMPLES", "40"))
PROPERTY_SETTINGS = settings(
    max_examples=PROPERTY_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _run(spec: ModelSpec, seed: int, weeks: float) -> SimResult:
    return simulate(spec, weeks=weeks, rng=np.random.default_rng(seed))


@PROPERTY_SETTINGS
@given(spec=specs(), seed=st.integers(0, 2**32 - 1), weeks=st.floats(0.05, 0.6))
def test_every_model_keeps_its_books(spec: ModelSpec, seed: int, weeks: float) -> None:
    result = _run(spec, seed, weeks)
    rec, t = result.records, result.turns
    horizon = result.end_min  # the run goes on past the measured window (the tail)
    assert horizon >= result.horizon_min

    # Every measured mention is accounted for exactly once.
    k = summarise(result)
    assert k.arrived == int(result.measured.sum()) == k.no_reply + k.answered + k.abandoned + k.open

    # No negative waits, times in order, nothing after the horizon counts as done.
    started = ~np.isnan(t.start_min)
    assert np.all(t.start_min[started] >= t.ready_min[started])
    assert np.all(t.start_min[started] < horizon)
    assert np.all(t.end_min[started] >= t.start_min[started])
    assert not np.any(rec.column("first_response_wait_min") < 0)
    assert not np.any(rec.column("first_response_min") >= horizon)
    assert np.all(rec.column("turns_done") <= rec.column("turns"))
    resolved = rec.column("status") == "resolved"
    np.testing.assert_array_equal(
        resolved, rec.column("needs_reply") & (rec.column("turns_done") == rec.column("turns"))
    )

    # Capacity never exceeds the agents on duty when a turn starts.
    starts = np.sort(t.start_min[started])
    ends = np.sort(t.end_min[started])
    in_hand = np.searchsorted(starts, starts, side="right") - np.searchsorted(
        ends, starts, side="right"
    )
    assert np.all(in_hand <= Rota(spec.rota).agents_at(starts))

    # Abandoned customers never got a first turn.
    first = (t.turn == 0) & started
    assert not np.any(rec.column("abandoned")[t.mention_id[first]])

    # The backlog is never negative and ends with the turns still waiting.
    assert result.backlog_values.min() >= 0
    waiting = ~np.isnan(t.ready_min) & ~started
    waiting &= ~rec.column("abandoned")[t.mention_id]
    assert result.backlog_values[-1] == int(waiting.sum())

    # SLA figures add up, overall and per channel.
    by_channel = attainment_by(result, "channel")
    assert by_channel["needs_reply"].sum() == k.needs_reply
    for target in k.sla:
        assert target.met + target.breached + target.pending == k.needs_reply
        assert np.isnan(target.attainment) or 0.0 <= target.attainment <= 1.0
        assert by_channel[f"{target.name}_met"].sum() == target.met
    assert k.backlog_mean >= 0

    # Same seed, same records.
    again = _run(spec, seed, weeks)
    for name in FIELDS:
        np.testing.assert_array_equal(rec.column(name), again.records.column(name))


@PROPERTY_SETTINGS
@given(spec=specs(), seed=st.integers(0, 2**32 - 1))
def test_without_agents_nothing_is_answered(spec: ModelSpec, seed: int) -> None:
    closed = ModelSpec(**{**spec.__dict__, "rota": ((0, 0),)})
    result = _run(closed, seed, 0.3)
    k = summarise(result)
    assert k.answered == 0 and k.resolved == 0
    fr = next(s for s in k.sla if s.name == "fr")
    assert fr.met == 0
    assert fr.breached + fr.pending == k.needs_reply


@PROPERTY_SETTINGS
@given(spec=specs(), seed=st.integers(0, 2**32 - 1))
def test_with_unlimited_agents_nobody_waits(spec: ModelSpec, seed: int) -> None:
    staffed = ModelSpec(**{**spec.__dict__, "rota": ((0, 100_000),)})
    result = _run(staffed, seed, 0.3)
    t = result.turns
    started = ~np.isnan(t.start_min)
    np.testing.assert_array_equal(t.start_min[started], t.ready_min[started])
    assert summarise(result).abandoned == 0
    # A turn leaves the queue the moment it enters it: the backlog stays at zero.
    assert result.backlog_values.max(initial=0) == 0
