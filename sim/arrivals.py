"""Mentions arriving: when they come and what each one is, drawn up front in a few numpy calls.

Mentions arrive as a non-homogeneous Poisson process. The weekly profile gives the expected
mentions per hour of the week; an incident (an outage) multiplies the rate for its window and may
shift the mix towards complaints. Within a stretch of constant rate, a Poisson number of mentions
arrive at uniform times, so the whole stream is drawn piece by piece without an event per mention.

Each mention then gets its channel, kind, author reach (lognormal followers; "high reach" above a
threshold), whether it needs a reply at all (proactive mentions on consumer platforms are counted,
not queued), its priority (the first matching rule), whether the back office must handle it, how
many turns the conversation takes, whether it moves to a private channel (a share of the public
cases that need a reply, independent of the turns), the customer's patience,
and every handling time, customer delay and back-office time it will need. Drawing everything
before the run keeps the engine loop free of random calls, and the run a pure function of the
seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.spec import HOURS_PER_WEEK, MINUTES_PER_HOUR, MINUTES_PER_WEEK, Duration, ModelSpec

COMPLAINT = "complaint"  # the kind an incident's complaint_share refers to
SHARE_TOLERANCE = 1e-6  # shares must sum to 1 within this


@dataclass(frozen=True)
class Mentions:
    """Everything drawn for the mentions of one run (arrays of one row per mention, plus flat
    arrays of one row per agent turn; mention ``i`` owns turns ``turn_offset[i]`` onward)."""

    arrival_min: np.ndarray
    channel: np.ndarray  # index into spec.channels
    kind: np.ndarray  # index into spec.kinds
    public: np.ndarray
    author_reach: np.ndarray
    high_reach: np.ndarray
    needs_reply: np.ndarray
    priority: np.ndarray
    backoffice: np.ndarray
    moved_private: np.ndarray
    turns: np.ndarray  # agent turns, 0 when no reply is needed
    patience_min: np.ndarray  # inf without abandonment
    backoffice_min: np.ndarray  # business minutes of back-office work (0 if none)
    turn_offset: np.ndarray
    handling_min: np.ndarray  # per agent turn
    ready_delay_min: np.ndarray  # per agent turn: customer delay before it (unused for turn 0)


def validate(spec: ModelSpec) -> None:
    """Raise ``ValueError`` naming the field, the bad value and what was expected."""
    name = f"model {spec.name!r}"
    rates = np.asarray(spec.rate_per_hour, dtype=float)
    if rates.shape != (HOURS_PER_WEEK,):
        raise ValueError(
            f"{name}: rate_per_hour has {rates.size} values; expected {HOURS_PER_WEEK} (one per "
            "hour of the week)"
        )
    if not np.all(np.isfinite(rates)) or np.any(rates < 0):
        bad = rates[~np.isfinite(rates) | (rates < 0)][0]
        raise ValueError(f"{name}: rate_per_hour holds {bad}; expected finite values >= 0")
    for field_name, items in (("channels", spec.channels), ("kinds", spec.kinds)):
        if not items:
            raise ValueError(f"{name}: {field_name} is empty; expected at least one")
        shares = np.array([item.share for item in items], dtype=float)
        if np.any(shares < 0) or abs(shares.sum() - 1.0) > SHARE_TOLERANCE:
            raise ValueError(
                f"{name}: {field_name} shares are {shares.tolist()}; expected values >= 0 "
                "summing to 1"
            )
    for channel in spec.channels:
        if not 0.0 <= channel.no_reply_share <= 1.0:
            raise ValueError(
                f"{name}: channel {channel.name!r} no_reply_share is {channel.no_reply_share}; "
                "expected a share between 0 and 1"
            )
        if channel.handling.mean_min < 0:
            raise ValueError(
                f"{name}: channel {channel.name!r} handling mean is "
                f"{channel.handling.mean_min}; expected minutes >= 0"
            )
    for kind in spec.kinds:
        if not 0.0 <= kind.backoffice_share <= 1.0:
            raise ValueError(
                f"{name}: kind {kind.name!r} backoffice_share is {kind.backoffice_share}; "
                "expected a share between 0 and 1"
            )
        if kind.backoffice_share > 0 and spec.backoffice is None:
            raise ValueError(
                f"{name}: kind {kind.name!r} sends {kind.backoffice_share} of cases to the back "
                "office, but the model has no backoffice; expected a backoffice spec"
            )
    if spec.conversation.mean_turns < 1:
        raise ValueError(
            f"{name}: conversation.mean_turns is {spec.conversation.mean_turns}; expected >= 1"
        )
    if not 0.0 <= spec.conversation.private_share <= 1.0:
        raise ValueError(
            f"{name}: conversation.private_share is {spec.conversation.private_share}; "
            "expected a share between 0 and 1"
        )
    if spec.reach.median_followers <= 0 or spec.reach.sigma < 0:
        raise ValueError(
            f"{name}: reach median {spec.reach.median_followers} / sigma {spec.reach.sigma}; "
            "expected median > 0 and sigma >= 0"
        )
    durations = [(f"channel {c.name!r} handling", c.handling) for c in spec.channels]
    durations.append(("conversation.customer_delay", spec.conversation.customer_delay))
    if spec.patience is not None:
        durations.append(("patience", spec.patience))
    if spec.backoffice is not None:
        durations.append(("backoffice.work", spec.backoffice.work))
    for label, duration in durations:
        _check_duration(name, label, duration)
    kind_names = {kind.name for kind in spec.kinds}
    channel_names = {channel.name for channel in spec.channels}
    for i, rule in enumerate(spec.priority_rules):
        for field_name, value, known in (
            ("kind", rule.kind, kind_names),
            ("channel", rule.channel, channel_names),
        ):
            if value is not None and value not in known:
                raise ValueError(
                    f"{name}: priority rule {i} {field_name} is {value!r}; expected one of "
                    f"{sorted(known)}"
                )
    target_names = [target.name for target in spec.sla_targets]
    for target in spec.sla_targets:
        if target_names.count(target.name) > 1:
            raise ValueError(
                f"{name}: SLA target name {target.name!r} is used twice; expected unique names"
            )
        if not (np.isfinite(target.within_min) and target.within_min >= 0):
            raise ValueError(
                f"{name}: SLA target {target.name!r} within_min is {target.within_min}; "
                "expected minutes >= 0"
            )
        if target.clock == "business" and spec.business_hours is None:
            raise ValueError(
                f"{name}: SLA target {target.name!r} uses the business clock but "
                "business_hours is not set; expected a business_hours schedule"
            )
    for i, incident in enumerate(spec.incidents):
        if incident.duration_min < 0 or incident.multiplier < 0:
            raise ValueError(
                f"{name}: incident {i} has duration {incident.duration_min} and multiplier "
                f"{incident.multiplier}; expected both >= 0"
            )
        share = incident.complaint_share
        if share is not None and (not 0.0 <= share <= 1.0 or COMPLAINT not in kind_names):
            raise ValueError(
                f"{name}: incident {i} complaint_share is {share}; expected a share between 0 "
                f"and 1 and a kind named {COMPLAINT!r} (kinds: {sorted(kind_names)})"
            )


def _check_duration(name: str, label: str, duration: Duration) -> None:
    if duration.kind not in ("exponential", "lognormal", "fixed"):
        raise ValueError(
            f"{name}: {label} kind is {duration.kind!r}; expected exponential, lognormal or fixed"
        )
    positive = duration.kind != "fixed"
    if (
        not np.isfinite(duration.mean_min)
        or duration.mean_min < 0
        or (positive and duration.mean_min == 0)
    ):
        expected = "> 0" if positive else ">= 0"
        raise ValueError(
            f"{name}: {label} mean is {duration.mean_min}; expected minutes {expected}"
        )
    if duration.kind == "lognormal" and not (np.isfinite(duration.cv) and duration.cv > 0):
        raise ValueError(f"{name}: {label} cv is {duration.cv}; expected a number > 0")


def expected_arrivals(spec: ModelSpec, horizon_min: float) -> float:
    """Mean number of mentions in ``[0, horizon_min)`` (incidents included), without drawing.

    Cheap enough to check before a run, so an absurd volume or run length gets a message
    instead of exhausting memory.
    """
    weekly = float(np.sum(np.asarray(spec.rate_per_hour, dtype=float)))
    total = weekly * horizon_min / MINUTES_PER_WEEK
    mean_per_min = weekly / MINUTES_PER_WEEK
    for incident in spec.incidents:
        start = min(max(incident.start_min, 0.0), horizon_min)
        end = min(max(incident.start_min + incident.duration_min, 0.0), horizon_min)
        # Bound the incident's extra volume by the busiest hour, so the estimate never falls short.
        peak_per_min = max(spec.rate_per_hour, default=0.0) / MINUTES_PER_HOUR
        total += (
            max(incident.multiplier - 1.0, 0.0) * max(peak_per_min, mean_per_min) * (end - start)
        )
    return total


def _arrival_times(spec: ModelSpec, horizon_min: float, rng: np.random.Generator) -> np.ndarray:
    """Arrival times in ``[0, horizon_min)``: Poisson counts per constant-rate piece."""
    cuts = [np.arange(0.0, horizon_min, MINUTES_PER_HOUR)]
    for incident in spec.incidents:
        cuts.append(np.array([incident.start_min, incident.start_min + incident.duration_min]))
    bounds = np.unique(np.concatenate([*cuts, [horizon_min]]))
    bounds = bounds[(bounds >= 0) & (bounds <= horizon_min)]
    starts, ends = bounds[:-1], bounds[1:]
    hour = (starts // MINUTES_PER_HOUR).astype(np.int64) % HOURS_PER_WEEK
    rate_per_min = np.asarray(spec.rate_per_hour, dtype=float)[hour] / MINUTES_PER_HOUR
    for incident in spec.incidents:
        inside = (starts >= incident.start_min) & (
            starts < incident.start_min + incident.duration_min
        )
        rate_per_min = np.where(inside, rate_per_min * incident.multiplier, rate_per_min)
    counts = rng.poisson(rate_per_min * (ends - starts))
    piece_start = np.repeat(starts, counts)
    piece_len = np.repeat(ends - starts, counts)
    times = np.sort(piece_start + rng.random(piece_start.size) * piece_len)
    return np.minimum(times, np.nextafter(horizon_min, 0.0))


def _kinds(spec: ModelSpec, arrival: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    shares = np.array([k.share for k in spec.kinds], dtype=float)
    kind = rng.choice(len(spec.kinds), size=arrival.size, p=shares / shares.sum())
    incidents = [i for i in spec.incidents if i.complaint_share is not None]
    if not incidents:
        return kind
    # During an incident complaints take its share; other kinds keep their relative shares.
    complaint = [k.name for k in spec.kinds].index(COMPLAINT)
    share = np.full(arrival.size, np.nan)
    for incident in reversed(incidents):  # the first listed incident wins where they overlap
        inside = (arrival >= incident.start_min) & (
            arrival < incident.start_min + incident.duration_min
        )
        share[inside] = incident.complaint_share
    others = shares.copy()
    others[complaint] = 0.0
    u = rng.random(arrival.size)
    if others.sum() > 0:
        other_kind = rng.choice(len(spec.kinds), size=arrival.size, p=others / others.sum())
    else:
        other_kind = np.full(arrival.size, complaint)
    affected = ~np.isnan(share)
    incident_kind = np.where(u < share, complaint, other_kind)
    return np.where(affected, incident_kind, kind)


def _priorities(
    spec: ModelSpec,
    channel: np.ndarray,
    kind: np.ndarray,
    public: np.ndarray,
    high_reach: np.ndarray,
) -> np.ndarray:
    priority = np.full(channel.size, spec.default_priority, dtype=np.int64)
    channel_names = [c.name for c in spec.channels]
    kind_names = [k.name for k in spec.kinds]
    for rule in reversed(spec.priority_rules):  # later rules first, so the first match wins
        match = np.ones(channel.size, dtype=bool)
        if rule.kind is not None:
            match &= kind == (kind_names.index(rule.kind) if rule.kind in kind_names else -1)
        if rule.channel is not None:
            match &= channel == (
                channel_names.index(rule.channel) if rule.channel in channel_names else -1
            )
        if rule.public is not None:
            match &= public == rule.public
        if rule.high_reach is not None:
            match &= high_reach == rule.high_reach
        priority[match] = rule.priority
    return priority


def draw_mentions(spec: ModelSpec, horizon_min: float, rng: np.random.Generator) -> Mentions:
    """Draw every mention arriving in ``[0, horizon_min)`` and all the durations it will need."""
    arrival = _arrival_times(spec, horizon_min, rng)
    n = arrival.size
    channel_shares = np.array([c.share for c in spec.channels], dtype=float)
    channel = rng.choice(len(spec.channels), size=n, p=channel_shares / channel_shares.sum())
    kind = _kinds(spec, arrival, rng)
    public = np.array([c.public for c in spec.channels], dtype=bool)[channel]
    reach = rng.lognormal(np.log(spec.reach.median_followers), spec.reach.sigma, n)
    high_reach = reach >= spec.reach.high_reach_followers
    no_reply_share = np.array([c.no_reply_share for c in spec.channels])[channel]
    needs_reply = rng.random(n) >= no_reply_share
    priority = _priorities(spec, channel, kind, public, high_reach)
    backoffice_share = np.array([k.backoffice_share for k in spec.kinds])[kind]
    backoffice = needs_reply & (rng.random(n) < backoffice_share)
    mean_turns = spec.conversation.mean_turns
    if mean_turns > 1:
        customer_turns = rng.geometric(1.0 / mean_turns, n)  # >= 1, mean mean_turns
    else:
        customer_turns = np.ones(n, dtype=np.int64)
    # Independent of the turns: a one-turn case that moves private is continued (and closed)
    # in the DM. Handling times stay those of the arrival channel (see ConversationSpec).
    moved_private = needs_reply & public & (rng.random(n) < spec.conversation.private_share)
    patience = np.full(n, np.inf) if spec.patience is None else spec.patience.sample(rng, n)
    backoffice_min = np.zeros(n)
    if spec.backoffice is not None:
        backoffice_min[backoffice] = spec.backoffice.work.sample(rng, int(backoffice.sum()))
    turns = np.where(needs_reply, customer_turns + backoffice, 0).astype(np.int64)
    turn_offset = (np.cumsum(turns) - turns).astype(np.int64)
    turn_channel = np.repeat(channel, turns)
    handling = np.empty(turn_channel.size)
    for c, spec_channel in enumerate(spec.channels):
        on_channel = turn_channel == c
        handling[on_channel] = spec_channel.handling.sample(rng, int(on_channel.sum()))
    ready_delay = spec.conversation.customer_delay.sample(rng, turn_channel.size)
    return Mentions(
        arrival_min=arrival,
        channel=channel,
        kind=kind,
        public=public,
        author_reach=reach,
        high_reach=high_reach,
        needs_reply=needs_reply,
        priority=priority,
        backoffice=backoffice,
        moved_private=moved_private,
        turns=turns,
        patience_min=patience,
        backoffice_min=backoffice_min,
        turn_offset=turn_offset,
        handling_min=handling,
        ready_delay_min=ready_delay,
    )
