"""The simulation engine: mentions queue for agents who work a weekly rota.

Mentions arrive (drawn up front, see ``sim.arrivals``); the ones that need a reply wait in one
priority queue (lower priority number first, then the time the turn became ready). An agent on
duty takes the first case and works one turn of the conversation. After a turn that is not the
last, the customer answers after a delay and the case queues again; a case the back office must
handle goes there after the first response, and once the back office (which works its own
business hours) is done, an agent reports back in one more turn. The case is resolved when its
last agent turn ends. A customer whose first response has not started within their patience gives
up (and phones instead).

Shifts: the number of agents on duty follows the rota. When it drops, agents finish the message
in hand and no new turn starts while as many agents are busy as are on duty, so capacity never
exceeds the rota (Ciw's schedules briefly double it at shift changes). When agents come on duty
they take waiting work at once.

Chat concurrency: on a channel with ``max_concurrent`` k an agent holds up to k conversations,
so one turn takes 1/k of an agent (and lasts longer, ``ChannelSpec.turn_factor``). Capacity is
counted in units (an agent is the least common multiple of the channels' k): a turn starts only
when its share of an agent is free, so the agents in use never exceed the rota. With every k = 1
an agent is one unit and the run is exactly as without concurrency.

Speed: SimPy drives the clock with plain callbacks, not a process per mention. Arrivals and ready
turns (the customer answered, the back office is done) are not events: they enter the queue
lazily whenever an agent could take work, and a single wake-up event is scheduled for the next
of them only while an agent is idle. Abandonment is not an event either:
a customer who has run out of patience is dropped when an agent reaches them (nobody can tell the
difference), and the backlog step function is rebuilt from the turn times after the run.

Warm-up: the run covers ``warmup_weeks + weeks``; KPIs use mentions that arrive after the
warm-up and before the horizon, and agent minutes inside ``[warm-up end, horizon)``. Incident
times count from the end of the warm-up, so an incident in "week 1" hits the first measured week.

Calendar: a model with ``spec.calendar`` runs on real dates (the measured weeks from its start
Monday, the warm-up in the weeks before). On a closed day (a Dutch public holiday or the
organisation's own) only the holiday rota works (``sim.rota.CalendarRota``), the back office and
the business-hours clock stand still (``sim.clock.HolidayClock``), and arrivals follow the
holiday weight (the day is an incident with that multiplier). Without a calendar nothing of
this runs and results are the same as before it existed.

Tail: the run goes on past the horizon (mentions keep arriving, agents keep their rota) until
every SLA target of every measured mention has fallen due (``run_end_min``). A measured mention
is then met or breached, never "pending": leaving the not-yet-due ones out, while the fast
answers of the same last hours count as met, reads a long target too high (about 1.4 points for
a 4-business-hour target on 2-week runs). Mentions arriving in the tail are never measured.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import simpy
from simpy.events import NORMAL, Event

from sim.arrivals import Mentions, draw_mentions, expected_arrivals, validate
from sim.clock import HolidayClock, RunDays, business_clock, run_days
from sim.engine_clocks import DayClock, WeekClock
from sim.records import STATUSES, MentionRecords
from sim.rota import CalendarRota, Rota
from sim.spec import (
    HOURS_PER_WEEK,
    MINUTES_PER_DAY,
    MINUTES_PER_HOUR,
    MINUTES_PER_WEEK,
    Incident,
    ModelSpec,
)

ROUNDING_MIN = 1e-9  # float rounding of event times, far below anything a clock could show
MAX_WEEKS = 520  # longest run (warm-up included): ten years
MAX_EXPECTED_MENTIONS = 10_000_000  # a few GB of run state; a year of the airline is ~3 million
MAX_TAIL_MIN = 4 * 7 * 24 * 60  # longest tail after the horizon (minutes): four weeks
TAIL_MARGIN_MIN = 1.0  # the tail ends this long after the last due time, so nothing is due at it


@dataclass(frozen=True)
class TurnLog:
    """One row per agent turn a case needs (read-only arrays), started or not.

    ``ready_min``: when the turn could start (arrival, customer reply or back office done);
    ``start_min``/``end_min``: when an agent worked it. NaN where it did not happen before the
    horizon (an ``end_min`` past the horizon means the turn was still in hand at the end).
    """

    mention_id: np.ndarray
    turn: np.ndarray  # 0 = first response
    ready_min: np.ndarray
    start_min: np.ndarray
    end_min: np.ndarray


@dataclass(frozen=True)
class SimResult:
    """A finished run: the model, its length, per-mention records and what KPIs need."""

    spec: ModelSpec
    weeks: float  # measured weeks, after the warm-up
    warmup_weeks: float
    records: MentionRecords  # every mention of the run, warm-up included
    turns: TurnLog
    # Backlog (cases waiting for an agent turn) as a step function: backlog_values[i] holds from
    # backlog_times[i] until the next time; backlog_times[0] == 0.
    backlog_times: np.ndarray
    backlog_values: np.ndarray
    busy_agent_min: float  # agent-minutes spent on turns inside the measured window
    on_duty_agent_min: float  # agent-minutes on duty (rota) inside the measured window
    run_end_min: float = float("nan")  # end of the tail (see the module docstring); NaN: horizon

    @property
    def start_min(self) -> float:
        """Start of the measured window (end of the warm-up)."""
        return self.warmup_weeks * MINUTES_PER_WEEK

    @property
    def horizon_min(self) -> float:
        """End of the run."""
        return (self.warmup_weeks + self.weeks) * MINUTES_PER_WEEK

    @property
    def end_min(self) -> float:
        """When the run (tail included) stopped: statuses are as seen at this moment."""
        return self.horizon_min if np.isnan(self.run_end_min) else self.run_end_min

    @property
    def measured(self) -> np.ndarray:
        """Mask of the mentions that arrived in ``[warm-up end, horizon)`` (the ones KPIs count)."""
        arrival = self.records.column("arrival_min")
        mask: np.ndarray = (arrival >= self.start_min) & (arrival < self.horizon_min)
        return mask


def run_rota(spec: ModelSpec, days: RunDays | None) -> Rota | CalendarRota:
    """Who is on duty in a run: the weekly rota, or on real days the holiday rota on closed days."""
    rota = Rota(spec.rota)
    if spec.calendar is None or days is None:
        return rota
    return CalendarRota(rota, Rota(spec.calendar.holiday_rota), days.closed)


def calendar_days(spec: ModelSpec, warmup_weeks: float, end_min: float) -> RunDays | None:
    """The real dates of a run of ``spec`` until ``end_min``; None without a calendar."""
    if spec.calendar is None:
        return None
    return run_days(spec.calendar, warmup_weeks, end_min)


def _holiday_incidents(spec: ModelSpec, days: RunDays | None) -> ModelSpec:
    """``spec`` (on the run's clock) with every closed day as an incident of the holiday
    weight: the arrivals of that day follow their own weight."""
    if spec.calendar is None or days is None or spec.calendar.holiday_weight == 1.0:
        return spec
    weight = spec.calendar.holiday_weight
    extra = tuple(Incident(d * MINUTES_PER_DAY, MINUTES_PER_DAY, weight) for d in days.closed)
    return replace(spec, incidents=spec.incidents + extra)


class _Due(Event):
    """``Timeout(env, delay, value).callbacks.append(callback)`` in one step, scheduled the same
    way (normal priority, now + delay): a run makes tens of thousands, so the saved list append
    and argument check per event count."""

    def __init__(
        self, env: simpy.Environment, delay: float, value: int, callback: Callable[[Event], None]
    ) -> None:
        self.env = env
        self.callbacks = [callback]
        self._ok = True
        self._value = value
        env.schedule(self, NORMAL, delay)


class _Run:
    """The event loop of one run. The callbacks are closures over local variables and plain
    Python lists (per-mention and per-turn state): the fastest state Python offers."""

    def __init__(
        self, spec: ModelSpec, m: Mentions, horizon: float, days: RunDays | None = None
    ) -> None:
        env = simpy.Environment()
        self.env = env
        self.horizon = horizon
        replied = np.flatnonzero(m.needs_reply)
        arr_t: list[float] = m.arrival_min[replied].tolist()
        arr_id: list[int] = replied.tolist()
        n_arr = len(arr_t)
        arrival: list[float] = m.arrival_min.tolist()
        prio: list[int] = m.priority.tolist()
        patience: list[float] = m.patience_min.tolist()
        offset: list[int] = m.turn_offset.tolist()
        nturns: list[int] = m.turns.tolist()
        backoffice: list[bool] = m.backoffice.tolist()
        backoffice_min: list[float] = m.backoffice_min.tolist()
        handling: list[float] = m.handling_min.tolist()
        delay: list[float] = m.ready_delay_min.tolist()
        turn_no: list[int] = [0] * m.arrival_min.size
        total_turns = m.handling_min.size
        t_ready: list[float] = [math.nan] * total_turns
        t_start: list[float] = [math.nan] * total_turns
        t_end: list[float] = [math.nan] * total_turns
        self.t_ready, self.t_start, self.t_end = t_ready, t_start, t_end
        heap: list[tuple[int, float, int]] = []
        push, pop = heapq.heappush, heapq.heappop
        clock: WeekClock | DayClock | None = None
        if spec.backoffice is not None:
            clock = WeekClock(spec.backoffice.hours)
            if days is not None:  # the back office on real dates: closed on closed days
                hours = spec.backoffice.hours
                clock = DayClock(HolidayClock(hours, days.origin, days.weeks, days.closed_dates))
        rota = run_rota(spec, days)
        # Capacity in units: an agent is ``units`` units, a turn on a channel with
        # max_concurrent k takes units / k of them (1 of 1 without concurrency).
        units = _units_per_agent(spec)
        channel_need = [units // c.max_concurrent for c in spec.channels]
        need: list[int] = [channel_need[c] for c in m.channel.tolist()]
        # What the event loop changes as it goes, as closure cells (read and written by the
        # callbacks below; faster than attributes of a state object).
        busy = 0  # capacity units working a turn
        capacity = int(rota.agents_at(0.0)) * units  # units the rota has on duty now
        next_arrival = 0  # index (into the replied arrivals) of the next one not yet queued
        # Turns whose customer has answered (or whose back office is done) wait here, by ready
        # time, until a dispatch admits them: like arrivals they are not events of their own.
        later: list[tuple[float, int]] = []
        wake_at = math.inf  # when the pending wake-up fires (inf: none pending)
        last_end = -math.inf  # when the last turn ended

        def dispatch(now: float) -> None:
            """The one place where work starts: admit arrivals, then fill free agents."""
            nonlocal busy, next_arrival, wake_at
            i = next_arrival
            if i < n_arr and arr_t[i] <= now:
                while i < n_arr and arr_t[i] <= now:
                    mid = arr_id[i]
                    push(heap, (prio[mid], arr_t[i], mid))
                    i += 1
                next_arrival = i
            # A ready turn's wake-up fires at ``now + (ready - now)``, which rounding may leave
            # an ulp short of ``ready``: admit within ``ROUNDING_MIN``.
            if later and later[0][0] <= now + ROUNDING_MIN:
                while later and later[0][0] <= now + ROUNDING_MIN:
                    ready, mid = pop(later)
                    push(heap, (prio[mid], ready, mid))
            if busy < capacity and heap:
                while busy < capacity and heap:
                    item = pop(heap)
                    _, ready, mid = item
                    tn = turn_no[mid]
                    if tn == 0 and now - arrival[mid] > patience[mid]:
                        continue  # gave up before anyone reached them
                    if busy + need[mid] > capacity:
                        # Not enough of an agent free for this turn: it keeps its place (no
                        # overtaking by lower priorities), and waits for capacity.
                        push(heap, item)
                        break
                    k = offset[mid] + tn
                    # The clock reaches a ready time as now + (ready - now), which rounding may
                    # leave an ulp off: a turn taken as it becomes ready starts at its ready time,
                    # but never before the turn whose agent it takes over had ended.
                    t_start[k] = now if now - ready > ROUNDING_MIN else max(ready, last_end)
                    busy += need[mid]
                    _Due(env, handling[k], mid, on_turn_end)
            if busy < capacity:
                # Idle capacity: wake up for the next arrival or ready turn, whichever is first
                # (an earlier one than the pending wake-up gets its own; a stale wake-up only
                # dispatches, which changes nothing when nothing is due).
                due = arr_t[i] if i < n_arr else math.inf
                if later and later[0][0] < due:
                    due = later[0][0]
                if due < wake_at:
                    wake_at = due
                    _Due(env, due - now, -1, on_wake)

        def on_turn_end(event: Event) -> None:
            nonlocal busy, last_end
            mid: int = event._value
            busy -= need[mid]
            now = env.now
            tn = turn_no[mid]
            k = offset[mid] + tn
            t_end[k] = last_end = now
            done = tn + 1
            turn_no[mid] = done
            if done < nturns[mid]:
                k += 1
                if done == 1 and backoffice[mid]:
                    assert clock is not None
                    ready = clock.add(now, backoffice_min[mid])
                else:
                    ready = now + delay[k]
                t_ready[k] = ready
                if ready < horizon:
                    push(later, (ready, mid))
            dispatch(now)

        def on_wake(event: Event) -> None:
            nonlocal wake_at
            now = env.now
            if now >= wake_at - ROUNDING_MIN:
                wake_at = math.inf
            dispatch(now)

        def on_shift(event: Event) -> None:
            nonlocal capacity
            capacity = event._value * units  # agents on duty, in capacity units
            dispatch(env.now)

        for t, agents in zip(*rota.changes(horizon), strict=True):
            _Due(env, float(t), int(agents), on_shift)
        self._start = dispatch

    def run(self) -> None:
        self._start(self.env.now)
        self.env.run(until=self.horizon)


def check_run(spec: ModelSpec, weeks: float, warmup_weeks: float = 0.0) -> None:
    """Everything ``simulate`` refuses, checked without simulating: raises ``ValueError``.

    The model must be valid (``sim.arrivals.validate``), the run at most ``MAX_WEEKS`` long in
    all, and the expected number of mentions at most ``MAX_EXPECTED_MENTIONS`` (more would not
    fit in memory).
    """
    if not (np.isfinite(weeks) and weeks > 0):
        raise ValueError(f"weeks is {weeks}; expected a number of weeks > 0")
    if not (np.isfinite(warmup_weeks) and warmup_weeks >= 0):
        raise ValueError(f"warmup_weeks is {warmup_weeks}; expected a number of weeks >= 0")
    if weeks + warmup_weeks > MAX_WEEKS:
        raise ValueError(
            f"weeks + warmup_weeks is {weeks + warmup_weeks:g}; expected at most {MAX_WEEKS} "
            "(ten years)"
        )
    validate(spec)
    for channel in spec.channels:
        if not (float(channel.max_concurrent).is_integer() and channel.max_concurrent >= 1):
            raise ValueError(
                f"model {spec.name!r}: channel {channel.name!r} max_concurrent is "
                f"{channel.max_concurrent}; expected a whole number >= 1"
            )
        if not (np.isfinite(channel.concurrency_slowdown) and channel.concurrency_slowdown >= 0):
            raise ValueError(
                f"model {spec.name!r}: channel {channel.name!r} concurrency_slowdown is "
                f"{channel.concurrency_slowdown}; expected a fraction >= 0"
            )
    end = run_end(spec, _horizon(weeks, warmup_weeks), warmup_weeks)
    if spec.calendar is not None and spec.calendar.holiday_weight < 0:
        raise ValueError(
            f"model {spec.name!r}: calendar holiday_weight is {spec.calendar.holiday_weight}; "
            "expected a weight >= 0"
        )
    days = calendar_days(spec, warmup_weeks, end)
    expected = expected_arrivals(
        _holiday_incidents(_measured_incidents(spec, warmup_weeks), days), end
    )
    if expected > MAX_EXPECTED_MENTIONS:
        raise ValueError(
            f"model {spec.name!r}: {expected:,.0f} mentions expected in {weeks + warmup_weeks:g} "
            f"weeks; expected at most {MAX_EXPECTED_MENTIONS:,} (fewer weeks or a lower volume)"
        )


def _horizon(weeks: float, warmup_weeks: float) -> float:
    return (warmup_weeks + weeks) * MINUTES_PER_WEEK


def _units_per_agent(spec: ModelSpec) -> int:
    """Smallest whole number of capacity units every channel's concurrency divides."""
    return math.lcm(*(c.max_concurrent for c in spec.channels))


def _with_concurrency(spec: ModelSpec, m: Mentions) -> Mentions:
    """Turns on concurrent channels take longer (``ChannelSpec.turn_factor``); unchanged
    (the very same arrays) when no channel has concurrency, so results stay identical."""
    factor = np.array([c.turn_factor for c in spec.channels])
    if np.all(factor == 1.0):
        return m
    per_turn = factor[np.repeat(m.channel, m.turns)]
    return replace(m, handling_min=m.handling_min * per_turn)


def run_end(spec: ModelSpec, horizon: float, warmup_weeks: float = 0.0) -> float:
    """When a run measured until ``horizon`` may stop: every target of a mention that arrived
    before ``horizon`` is due by then (due times grow with the arrival time, so the last one is
    that of an arrival at the horizon). At most ``MAX_TAIL_MIN`` past the horizon."""
    end = horizon
    for target in spec.sla_targets:
        if target.clock == "business":
            if spec.business_hours is None:
                continue  # KPIs refuse this target with a message; nothing to wait for here
            clock = business_clock(
                spec.business_hours, spec.calendar, warmup_weeks, horizon + MAX_TAIL_MIN
            )
            due = float(clock.add(np.array([horizon]), target.within_min)[0])
        else:
            due = horizon + target.within_min
        end = max(end, min(due + TAIL_MARGIN_MIN, horizon + MAX_TAIL_MIN))
    return end


def _measured_incidents(spec: ModelSpec, warmup_weeks: float) -> ModelSpec:
    """``spec`` with incident times moved from the measured window's clock to the run's clock."""
    if not spec.incidents or not warmup_weeks:
        return spec
    offset = warmup_weeks * MINUTES_PER_WEEK
    moved = tuple(replace(i, start_min=i.start_min + offset) for i in spec.incidents)
    return replace(spec, incidents=moved)


def simulate(
    spec: ModelSpec, *, weeks: float, rng: np.random.Generator, warmup_weeks: float = 0.0
) -> SimResult:
    """Simulate ``warmup_weeks + weeks`` of ``spec``; every draw comes from ``rng``."""
    check_run(spec, weeks, warmup_weeks)
    horizon = _horizon(weeks, warmup_weeks)
    end = run_end(spec, horizon, warmup_weeks)
    days = calendar_days(spec, warmup_weeks, end)
    # Incidents count from the end of the warm-up (see ``Incident``); the run's clock starts
    # at the warm-up, so they move by its length. KPIs keep the spec as given.
    drawn = _holiday_incidents(_measured_incidents(spec, warmup_weeks), days)
    m = _with_concurrency(spec, draw_mentions(drawn, end, rng))
    run = _Run(spec, m, end, days)
    run.run()
    turns = _turn_log(m, run)
    records = _records(spec, m, turns, end)
    times, values = _backlog(m, turns, end)
    start = warmup_weeks * MINUTES_PER_WEEK
    busy = np.clip(turns.end_min, start, horizon) - np.clip(turns.start_min, start, horizon)
    share = np.array([c.agent_share for c in spec.channels])
    if np.any(share != 1.0):  # a chat turn takes 1/max_concurrent of an agent
        busy = busy * share[np.repeat(m.channel, m.turns)]
    return SimResult(
        spec=spec,
        weeks=float(weeks),
        warmup_weeks=float(warmup_weeks),
        records=records,
        turns=turns,
        backlog_times=_frozen(times),
        backlog_values=_frozen(values),
        busy_agent_min=float(np.nansum(busy)),
        on_duty_agent_min=run_rota(spec, days).agent_minutes(start, horizon),
        run_end_min=end,
    )


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _turn_log(m: Mentions, run: _Run) -> TurnLog:
    mention = np.repeat(np.arange(m.turns.size), m.turns)
    turn = np.arange(mention.size) - np.repeat(m.turn_offset, m.turns)
    ready = np.array(run.t_ready, dtype=float)
    first = turn == 0
    ready[first] = m.arrival_min[mention[first]]
    ready[ready >= run.horizon] = np.nan
    start = np.array(run.t_start, dtype=float)
    end = np.array(run.t_end, dtype=float)
    in_hand = np.isnan(end)
    end[in_hand] = start[in_hand] + m.handling_min[in_hand]  # still in hand at the horizon
    return TurnLog(
        mention_id=_frozen(mention),
        turn=_frozen(turn),
        ready_min=_frozen(ready),
        start_min=_frozen(start),
        end_min=_frozen(end),
    )


def _records(spec: ModelSpec, m: Mentions, turns: TurnLog, horizon: float) -> MentionRecords:
    n = m.arrival_min.size
    replied = m.needs_reply
    first_idx = m.turn_offset[replied]
    last_idx = first_idx + m.turns[replied] - 1
    done_end = np.where(turns.end_min < horizon, turns.end_min, np.nan)

    first_response = np.full(n, np.nan)
    first_response[replied] = done_end[first_idx]
    resolved = np.full(n, np.nan)
    resolved[replied] = done_end[last_idx]
    first_start = np.full(n, np.nan)
    first_start[replied] = turns.start_min[first_idx]
    turns_done = np.zeros(n, dtype=np.int64)
    np.add.at(turns_done, turns.mention_id, ~np.isnan(done_end))

    give_up = m.arrival_min + m.patience_min
    abandoned = replied & np.isnan(first_start) & (give_up < horizon)
    abandoned_min = np.where(abandoned, give_up, np.nan)

    code = np.full(n, STATUSES.index("open"))
    code[~replied] = STATUSES.index("no_reply")
    code[abandoned] = STATUSES.index("abandoned")
    code[~np.isnan(first_response)] = STATUSES.index("answered")
    code[~np.isnan(resolved)] = STATUSES.index("resolved")
    status = np.array(STATUSES)[code]

    channel_names = np.array([c.name for c in spec.channels], dtype=str)
    kind_names = np.array([k.name for k in spec.kinds], dtype=str)
    return MentionRecords(
        {
            "id": np.arange(n, dtype=np.int64),
            "arrival_min": m.arrival_min,
            "hour_of_week": (m.arrival_min // MINUTES_PER_HOUR).astype(np.int64) % HOURS_PER_WEEK,
            "channel": channel_names[m.channel],
            "kind": kind_names[m.kind],
            "public": m.public,
            "author_reach": m.author_reach,
            "high_reach": m.high_reach,
            "needs_reply": m.needs_reply,
            "priority": m.priority,
            "backoffice": m.backoffice,
            "moved_private": m.moved_private,
            "turns": m.turns,
            "turns_done": turns_done,
            "abandoned": abandoned,
            "abandoned_min": abandoned_min,
            "first_response_min": first_response,
            "first_response_wait_min": first_response - m.arrival_min,
            "resolved_min": resolved,
            "resolution_time_min": resolved - m.arrival_min,
            "status": status,
        }
    )


def _backlog(m: Mentions, turns: TurnLog, horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """Cases waiting for an agent turn: +1 when a turn is ready, -1 when it starts or the
    customer gives up."""
    entered = ~np.isnan(turns.ready_min)
    leave = turns.start_min.copy()
    first = turns.turn == 0
    give_up = (m.arrival_min + m.patience_min)[turns.mention_id]
    gave_up = first & np.isnan(leave) & (give_up < horizon)
    leave[gave_up] = give_up[gave_up]
    left = ~np.isnan(leave)
    times = np.concatenate((turns.ready_min[entered], leave[left]))
    steps = np.concatenate((np.ones(int(entered.sum())), -np.ones(int(left.sum()))))
    order = np.argsort(times, kind="stable")
    times, steps = times[order], steps[order]
    values = np.cumsum(steps)
    # Keep the last value at each distinct time, and start the function at 0 (empty).
    last = np.append(times[1:] != times[:-1], True) if times.size else np.zeros(0, dtype=bool)
    times, values = times[last], values[last]
    if not times.size or times[0] > 0:
        times = np.concatenate(([0.0], times))
        values = np.concatenate(([0.0], values))
    return times, values.astype(np.int64)
