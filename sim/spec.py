"""The compiled model: everything the simulation engine needs, as plain immutable data.

An organisation profile (a YAML file a manager edits, see ``sim.profile``) is validated and then
compiled into one ``ModelSpec`` for one coverage model. The engine only ever sees a ``ModelSpec``:
it never reads files, never knows about YAML, and never picks a coverage model itself. Tests and
benchmarks build a ``ModelSpec`` directly (for example a stationary M/M/c queue to compare with
Erlang C), so the same engine serves the managers' profiles and the theory checks.

Time is measured in minutes from Monday 00:00 of the first simulated week. The week has
``MINUTES_PER_WEEK`` minutes; "minute of the week" is a time modulo that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np

MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR
HOURS_PER_WEEK = 7 * 24
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

DistributionKind = Literal["exponential", "lognormal", "fixed"]


@dataclass(frozen=True)
class Duration:
    """A random duration in minutes: handling time, customer reply delay, back-office time.

    ``exponential`` uses only the mean; ``lognormal`` has mean ``mean_min`` and coefficient of
    variation ``cv`` (standard deviation / mean); ``fixed`` always returns the mean.
    """

    kind: DistributionKind
    mean_min: float
    cv: float = 1.0

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.kind == "fixed":
            return np.full(size, self.mean_min, dtype=float)
        if self.kind == "exponential":
            return rng.exponential(self.mean_min, size)
        sigma2 = np.log1p(self.cv**2)
        mu = np.log(self.mean_min) - sigma2 / 2
        return rng.lognormal(mu, np.sqrt(sigma2), size)


@dataclass(frozen=True)
class ChannelSpec:
    """One channel mentions arrive on (X/Twitter, Facebook, WhatsApp, a review site...)."""

    name: str
    share: float  # share of all mentions arriving on this channel, shares sum to 1
    public: bool  # open channel (everyone can read along) or closed (WhatsApp, Messenger)
    handling: Duration  # agent minutes for one turn of a conversation on this channel
    no_reply_share: float = 0.0  # proactive mentions on consumer platforms: counted, not queued
    max_reply_chars: int | None = None  # e.g. 280 on X; used by the trainer, not by the engine
    # Chat concurrency (messaging: WhatsApp, Messenger, DMs): an agent holds up to this many
    # conversations of the channel at once, so a turn takes 1/max_concurrent of an agent.
    max_concurrent: int = 1
    # Each extra conversation held makes a turn this fraction longer (0.15 = +15% per extra
    # chat): a turn lasts handling x (1 + slowdown x (max_concurrent - 1)), the agent working
    # at full concurrency (see ``turn_factor``).
    concurrency_slowdown: float = 0.0

    @property
    def turn_factor(self) -> float:
        """How much longer a turn takes at this channel's concurrency (1 without)."""
        return 1.0 + self.concurrency_slowdown * (self.max_concurrent - 1)

    @property
    def agent_share(self) -> float:
        """Agent-minutes per minute of a turn: 1 / max_concurrent."""
        return 1.0 / self.max_concurrent


@dataclass(frozen=True)
class KindSpec:
    """A kind of mention: question, complaint, compliment, suggestion."""

    name: str
    share: float  # share of mentions, shares sum to 1
    backoffice_share: float = 0.0  # share of these cases the back office must handle


@dataclass(frozen=True)
class Incident:
    """An outage or other event that multiplies the arrival rate for a window.

    ``start_min`` counts from the start of the MEASURED window, i.e. from Monday 00:00 of the
    first week after the warm-up: ``sim.engine.simulate`` shifts incidents by ``warmup_weeks``,
    so a profile's ``incidents: [{week: 1, ...}]`` falls in the first measured week whatever the
    warm-up. A negative ``start_min`` puts an incident in the warm-up.
    """

    start_min: float  # minutes from the end of the warm-up (not of the week)
    duration_min: float
    multiplier: float
    complaint_share: float | None = None  # if set, share of complaints during the incident


@dataclass(frozen=True)
class ReachSpec:
    """How many followers authors have: lognormal with this median; high reach above a threshold."""

    median_followers: float = 300.0
    sigma: float = 1.5
    high_reach_followers: float = 10_000.0


@dataclass(frozen=True)
class PriorityRule:
    """Mentions matching every given condition get this priority (lower is served first).

    A condition left as ``None`` matches anything. The first matching rule wins; mentions that
    match no rule get ``ModelSpec.default_priority``.
    """

    priority: int
    kind: str | None = None
    public: bool | None = None
    high_reach: bool | None = None
    channel: str | None = None


@dataclass(frozen=True)
class ConversationSpec:
    """A case takes several turns: the customer answers after a delay and waits again."""

    mean_turns: float = 1.0  # agent turns per case; 1 means the first reply closes it
    customer_delay: Duration = field(default_factory=lambda: Duration("exponential", 30.0))
    # Share of the public cases that need a reply which move to a private channel (DM, WhatsApp)
    # after the first reply, whatever the number of turns. It marks the case (``moved_private``)
    # and changes nothing else: later turns keep the arrival channel's handling time.
    private_share: float = 0.0


@dataclass(frozen=True)
class Weekly:
    """Windows in a week, each ``(start_min, end_min)`` as minute of the week, end exclusive.

    Used for business hours (the SLA clock, the back office). Windows do not overlap, are sorted,
    and stay inside one week; a window that crosses Sunday midnight is split in two.
    """

    windows: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class BackOfficeSpec:
    """Cases the back office must handle wait for it; it only works its own hours."""

    work: Duration  # business minutes of back-office work per case
    hours: Weekly


@dataclass(frozen=True)
class SlaTarget:
    """A promise such as "first response within 60 minutes for 90% of mentions".

    Metrics, as Zendesk, Freshdesk and Chatwoot define them (see docs/cli-sim.md):
    ``first_response`` from arrival to the first agent reply; ``next_response`` from each
    customer reply to the agent's next reply (every such wait of a case must be in time);
    ``resolution`` from arrival to the last agent turn. Each on the calendar or business clock.
    """

    name: str
    metric: Literal["first_response", "next_response", "resolution"]
    within_min: float
    goal: float  # required attainment, 0..1
    clock: Literal["calendar", "business"] = "calendar"


@dataclass(frozen=True)
class CostSpec:
    """What an agent hour costs; premiums are fractions (0.25 = +25%).

    ``hourly_eur`` is the cost of one *paid* hour at the base rate: gross wage plus employer's
    charges, WITHOUT the night or weekend premium and WITHOUT shrinkage. The model adds each
    once (``sim.kpis.cost_per_agent_minute``): an hour on duty needs ``1 / (1 - shrinkage)``
    paid hours (breaks, training and meetings fall in the same shifts, so they carry the same
    premium), and the paid hours of a night or weekend hour cost ``1 + premium`` times the base
    (the higher premium when both apply; they do not stack). A profile whose hourly figure
    already holds premiums or shrinkage counts them twice.
    """

    hourly_eur: float = 40.0
    night_premium: float = 0.0
    weekend_premium: float = 0.0
    night_start_hour: int = 22
    night_end_hour: int = 7
    shrinkage: float = 0.0  # share of paid time not spent on mentions (breaks, training, meetings)
    fte_hours_per_week: float = 36.0


@dataclass(frozen=True)
class CalendarSpec:
    """Real dates for the simulated weeks: holidays and the organisation's own closed days.

    The measured weeks start on Monday ``start`` (the warm-up runs in the weeks before it). A
    closed day is a Dutch public holiday (if ``public_holidays``) or one of ``closed``. On a
    closed day the business-hours clock and the back office do not run, only the shifts marked
    for holidays work (``holiday_rota``, a weekly step function like ``ModelSpec.rota``; nobody
    by default), and arrivals are ``holiday_weight`` times the usual volume of that hour.
    """

    start: date  # a Monday: the first measured week
    public_holidays: bool = True  # Dutch public holidays (the ``holidays`` package, NL)
    closed: tuple[date, ...] = ()  # the organisation's own closed or exception days
    holiday_weight: float = 1.0  # arrivals on a closed day, as a multiple of a normal day
    holiday_rota: tuple[tuple[int, int], ...] = ((0, 0),)  # shifts that work on closed days


@dataclass(frozen=True)
class ModelSpec:
    """One organisation under one coverage model, ready to simulate."""

    name: str
    rate_per_hour: tuple[float, ...]  # 168 expected arrivals per hour of the week (all mentions)
    channels: tuple[ChannelSpec, ...]
    kinds: tuple[KindSpec, ...]
    # Agents on duty as a step function over the week: (minute_of_week, agents) change points,
    # sorted, the first at minute 0. Agents on duty between change points stay constant.
    rota: tuple[tuple[int, int], ...]
    sla_targets: tuple[SlaTarget, ...] = ()
    business_hours: Weekly | None = None  # the SLA business-hours clock, if any target uses it
    conversation: ConversationSpec = field(default_factory=ConversationSpec)
    reach: ReachSpec = field(default_factory=ReachSpec)
    priority_rules: tuple[PriorityRule, ...] = ()
    default_priority: int = 10
    incidents: tuple[Incident, ...] = ()
    patience: Duration | None = None  # abandonment: customer gives up before a first response
    backoffice: BackOfficeSpec | None = None
    cost: CostSpec = field(default_factory=CostSpec)
    coverage_name: str = "custom"
    calendar: CalendarSpec | None = None  # None: weeks without dates, no holidays


def agent_turns_per_case(spec: ModelSpec) -> float:
    """Mean agent turns per case that needs a reply: the conversation's turns, plus the
    report-back turn every back-office case gets (see ``sim.arrivals``). The offered load of
    the Erlang estimate and of ``offered_hours_per_week`` counts both."""
    backoffice = sum(k.share * k.backoffice_share for k in spec.kinds)
    return spec.conversation.mean_turns + backoffice
