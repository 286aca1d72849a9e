"""Small ``ModelSpec`` builders for tests and theory checks.

Tests build specs directly instead of reading organisation profiles, so a test states exactly the
model it checks: a stationary M/M/c queue to compare with Erlang C, a flat rate with business-hours
staffing to see an overnight backlog, and so on.
"""

from __future__ import annotations

from dataclasses import replace

from sim.spec import (
    HOURS_PER_WEEK,
    MINUTES_PER_DAY,
    MINUTES_PER_HOUR,
    BackOfficeSpec,
    ChannelSpec,
    ConversationSpec,
    CostSpec,
    Duration,
    Incident,
    KindSpec,
    ModelSpec,
    PriorityRule,
    SlaTarget,
    Weekly,
)

OFFICE_OPEN_HOUR = 9
OFFICE_CLOSE_HOUR = 17
WORKDAYS = 5


def office_hours(open_hour: int = OFFICE_OPEN_HOUR, close_hour: int = OFFICE_CLOSE_HOUR) -> Weekly:
    """Monday to Friday, ``open_hour`` to ``close_hour``."""
    return Weekly(
        tuple(
            (
                day * MINUTES_PER_DAY + open_hour * MINUTES_PER_HOUR,
                day * MINUTES_PER_DAY + close_hour * MINUTES_PER_HOUR,
            )
            for day in range(WORKDAYS)
        )
    )


def office_rota(agents: int, hours: Weekly | None = None) -> tuple[tuple[int, int], ...]:
    """A rota with ``agents`` on duty inside the windows of ``hours`` and nobody outside."""
    windows = (hours or office_hours()).windows
    points: list[tuple[int, int]] = [(0, 0)]
    for start, end in windows:
        if points[-1][0] == start:
            points[-1] = (start, agents)
        else:
            points.append((start, agents))
        points.append((end, 0))
    # Merge neighbouring windows so change points stay strictly increasing.
    merged: list[tuple[int, int]] = []
    for minute, n in points:
        if merged and merged[-1][0] == minute:
            merged[-1] = (minute, n)
        else:
            merged.append((minute, n))
    return tuple(merged)


def stationary_spec(
    rate_per_min: float,
    mean_handle_min: float,
    agents: int,
    patience_min: float | None = None,
) -> ModelSpec:
    """An M/M/c queue (M/M/c+M with ``patience_min``): flat Poisson arrivals, exponential
    handling, constant staffing, one turn per case, every mention needs a reply, no extras."""
    return ModelSpec(
        name="stationary",
        rate_per_hour=(rate_per_min * MINUTES_PER_HOUR,) * HOURS_PER_WEEK,
        channels=(
            ChannelSpec(
                name="web",
                share=1.0,
                public=True,
                handling=Duration("exponential", mean_handle_min),
            ),
        ),
        kinds=(KindSpec(name="question", share=1.0),),
        rota=((0, agents),),
        patience=None if patience_min is None else Duration("exponential", patience_min),
    )


def first_response_target(
    within_min: float = 60.0, clock: str = "calendar", goal: float = 0.9
) -> SlaTarget:
    """A first-response SLA target such as "within 60 minutes for 90%"."""
    return SlaTarget(
        name=f"fr{int(within_min)}_{clock}",
        metric="first_response",
        within_min=within_min,
        goal=goal,
        clock=clock,  # type: ignore[arg-type]
    )


def with_targets(spec: ModelSpec, *targets: SlaTarget, business: Weekly | None = None) -> ModelSpec:
    """``spec`` with SLA targets (and the business-hours clock they may use)."""
    return replace(spec, sla_targets=targets, business_hours=business or office_hours())


def rich_spec(
    rate_per_hour: float = 20.0,
    rota: tuple[tuple[int, int], ...] | None = None,
    *,
    patience_min: float | None = 240.0,
    mean_turns: float = 2.0,
    backoffice_share: float = 0.2,
) -> ModelSpec:
    """A spec that uses every feature: two public channels and a private one (one with
    proactive mentions), four kinds, a priority rule, conversations, the back office working
    office hours, abandonment, an incident and a business-hours SLA next to a calendar one."""
    hours = office_hours()
    return ModelSpec(
        name="rich",
        rate_per_hour=tuple(
            rate_per_hour * (1.5 if 9 <= h % 24 < 21 else 0.5) for h in range(HOURS_PER_WEEK)
        ),
        channels=(
            ChannelSpec("x", 0.4, True, Duration("lognormal", 6.0, 0.8), no_reply_share=0.3),
            ChannelSpec("facebook", 0.4, True, Duration("exponential", 8.0)),
            ChannelSpec("whatsapp", 0.2, False, Duration("fixed", 5.0)),
        ),
        kinds=(
            KindSpec("question", 0.5),
            KindSpec("complaint", 0.3, backoffice_share=backoffice_share),
            KindSpec("compliment", 0.1),
            KindSpec("suggestion", 0.1),
        ),
        rota=rota or office_rota(3),
        sla_targets=(
            SlaTarget("fr60", "first_response", 60.0, 0.9),
            SlaTarget("fr60_business", "first_response", 60.0, 0.9, clock="business"),
            SlaTarget("res24h", "resolution", 24 * 60.0, 0.8),
        ),
        business_hours=hours,
        conversation=ConversationSpec(
            mean_turns=mean_turns,
            customer_delay=Duration("exponential", 20.0),
            private_share=0.5,
        ),
        priority_rules=(PriorityRule(priority=1, kind="complaint", public=True, high_reach=True),),
        incidents=(
            Incident(
                start_min=2 * 24 * 60.0, duration_min=240.0, multiplier=4.0, complaint_share=0.8
            ),
        ),
        patience=None if patience_min is None else Duration("exponential", patience_min),
        backoffice=BackOfficeSpec(work=Duration("exponential", 120.0), hours=hours),
        cost=CostSpec(hourly_eur=40.0, night_premium=0.3, weekend_premium=0.5, shrinkage=0.2),
    )
