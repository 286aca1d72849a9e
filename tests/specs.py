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
    ChannelSpec,
    Duration,
    KindSpec,
    ModelSpec,
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
