"""Compiling a validated profile into the engine's contract, ``sim.spec.ModelSpec``.

The file speaks the manager's language (shift plans by weekday, times as "09:00", volume as a
weekly total with day and hour weights); the engine wants rates per hour of the week, a rota as
change points in minutes, and plain specs. Nothing here checks the profile again: it was
validated on loading.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from sim import spec
from sim.profile.fields import WEEKDAYS, minutes_of

if TYPE_CHECKING:  # the schema imports this module to compile itself
    from sim.profile.schema import Profile, Shift


def _normalised(shares: list[float]) -> list[float]:
    """Shares scaled to sum to exactly 1: the schema allows a rounding slack (0.33 + 0.33 +
    0.33), the engine wants a true distribution. Shares that already sum to 1 stay as written,
    so a run's numbers do not move by a rounding of the last digit."""
    total = sum(shares)
    if abs(total - 1.0) <= 1e-9 or total <= 0:
        return shares
    return [share / total for share in shares]


def compile_spec(profile: Profile, name: str) -> spec.ModelSpec:
    """The engine's model of ``profile`` under its coverage model ``name`` (a known one)."""
    channel_shares = _normalised([ch.share for ch in profile.channels.values()])
    kind_shares = _normalised([k.share for k in profile.kinds.values()])
    weights = profile.volume.weights()
    rates = tuple(float(x) for x in weights * profile.volume.mentions_per_week)
    business = profile.business_hours.to_weekly() if profile.business_hours is not None else None
    backoffice = None
    if profile.back_office is not None:
        hours = profile.back_office.hours or profile.business_hours
        assert hours is not None  # guaranteed by _semantic_checks
        backoffice = spec.BackOfficeSpec(profile.back_office.work.to_spec(), hours.to_weekly())
    return spec.ModelSpec(
        name=profile.name,
        rate_per_hour=rates,
        channels=tuple(
            spec.ChannelSpec(
                name=key,
                share=share,
                public=ch.public,
                handling=ch.handling.to_spec(),
                no_reply_share=ch.no_reply_share,
                max_reply_chars=ch.max_reply_chars,
                max_concurrent=ch.max_concurrent,
                concurrency_slowdown=ch.concurrency_slowdown,
            )
            for (key, ch), share in zip(profile.channels.items(), channel_shares, strict=True)
        ),
        kinds=tuple(
            spec.KindSpec(key, share, k.backoffice_share)
            for (key, k), share in zip(profile.kinds.items(), kind_shares, strict=True)
        ),
        rota=rota_of(profile.coverages[name].shifts),
        sla_targets=tuple(
            spec.SlaTarget(s.name, s.metric, s.within, s.goal, s.clock) for s in profile.sla_targets
        ),
        business_hours=business,
        conversation=spec.ConversationSpec(
            mean_turns=profile.conversation.mean_turns,
            customer_delay=profile.conversation.customer_delay.to_spec(),
            private_share=profile.conversation.private_share,
        ),
        reach=spec.ReachSpec(
            profile.reach.median_followers, profile.reach.sigma, profile.reach.high_reach_followers
        ),
        priority_rules=tuple(
            spec.PriorityRule(p.priority, p.kind, p.public, p.high_reach, p.channel)
            for p in profile.priority_rules
        ),
        default_priority=profile.default_priority,
        incidents=tuple(
            spec.Incident(
                start_min=float(
                    (i.week - 1) * spec.MINUTES_PER_WEEK
                    + WEEKDAYS.index(i.day) * spec.MINUTES_PER_DAY
                    + minutes_of(i.at)
                ),
                duration_min=i.duration,
                multiplier=i.multiplier,
                complaint_share=i.complaint_share,
            )
            for i in profile.incidents
        ),
        patience=profile.patience.to_spec() if profile.patience is not None else None,
        backoffice=backoffice,
        cost=spec.CostSpec(
            hourly_eur=profile.costs.hourly_eur,
            night_premium=profile.costs.night_premium,
            weekend_premium=profile.costs.weekend_premium,
            night_start_hour=profile.costs.night_start_hour,
            night_end_hour=profile.costs.night_end_hour,
            shrinkage=profile.costs.shrinkage,
            fte_hours_per_week=profile.costs.fte_hours_per_week,
        ),
        coverage_name=name,
        calendar=(
            profile.calendar.to_spec(
                rota_of(s for s in profile.coverages[name].shifts if s.holiday)
            )
            if profile.calendar is not None
            else None
        ),
    )


def rota_of(shifts: Iterable[Shift]) -> tuple[tuple[int, int], ...]:
    """Agents on duty over the week as change points; overlapping shifts add up.

    A shift that runs past Sunday midnight wraps round to Monday morning of the same week, so
    the rota repeats week after week.
    """
    delta = np.zeros(spec.MINUTES_PER_WEEK + 1, dtype=np.int64)
    for shift in shifts:
        start = minutes_of(shift.start)
        end = minutes_of(shift.end)
        if end <= start:
            end += spec.MINUTES_PER_DAY
        for day in shift.days:
            s = WEEKDAYS.index(day) * spec.MINUTES_PER_DAY + start
            e = WEEKDAYS.index(day) * spec.MINUTES_PER_DAY + end
            if e <= spec.MINUTES_PER_WEEK:
                delta[s] += shift.agents
                delta[e] -= shift.agents
            else:
                delta[s] += shift.agents
                delta[spec.MINUTES_PER_WEEK] -= shift.agents
                delta[0] += shift.agents
                delta[e - spec.MINUTES_PER_WEEK] -= shift.agents
    level = np.cumsum(delta[: spec.MINUTES_PER_WEEK])
    changes = np.flatnonzero(np.diff(level)) + 1
    points = [(0, int(level[0]))]
    points.extend((int(m), int(level[m])) for m in changes)
    return tuple(points)


def offered_hours_per_week(model: spec.ModelSpec) -> float:
    """Agent hours of work offered per week, a rough check for sizing shifts (no queueing).

    Turns per case include the back office's report-back turn (``spec.agent_turns_per_case``).
    """
    arrivals = sum(model.rate_per_hour)
    minutes = 0.0
    for ch in model.channels:
        minutes += arrivals * ch.share * (1 - ch.no_reply_share) * ch.handling.mean_min
    return minutes * spec.agent_turns_per_case(model) / spec.MINUTES_PER_HOUR


def rota_hours_per_week(model: spec.ModelSpec) -> float:
    """Agent hours on duty per week according to the rota."""
    points = [*model.rota, (spec.MINUTES_PER_WEEK, 0)]
    total = sum((b[0] - a[0]) * a[1] for a, b in itertools.pairwise(points))
    return total / spec.MINUTES_PER_HOUR
