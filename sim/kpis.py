"""What a manager reads off a run: volumes, response times, SLA attainment, backlog, cost.

Only mentions that arrive in the measured window ``[warm-up end, horizon)`` count; agent and
cost figures cover that window too. Their fate is read at the end of the run's tail
(``SimResult.end_min``, when every target of every measured mention has fallen due; see
``sim.engine``), so "answered", "open" and SLA statuses are as seen then.
``Kpis.as_dict()`` gives a flat dict with these stable keys:

Volumes (counts of measured mentions):
- ``arrived``; ``no_reply`` (counted, never queued); ``needs_reply``; ``answered`` (first
  response sent before the end of the run); ``resolved`` (last agent turn done); ``abandoned``
  (gave up before a first response); ``open`` (needs a reply, neither answered nor abandoned
  at the end of the run).
  ``arrived == no_reply + answered + abandoned + open``.

Times (minutes, over answered mentions; NaN when there are none):
- ``first_response_mean_min``, ``first_response_p50_min``, ``first_response_p90_min``,
  ``first_response_p95_min``, ``first_response_max_min``: from arrival until the first agent reply
  is sent (calendar minutes).
- ``resolution_mean_min``, ``resolution_p90_min`` over resolved mentions.

SLA targets, for each target ``<name>`` of the spec (see ``sla_status``):
- ``sla_case_attainment`` = cases with no target missed / cases judged (``case_status``: a case
  is met only when none of its targets was missed), with ``sla_case_met``, ``sla_case_breached``,
  ``sla_case_pending``.
- ``sla_<name>_attainment`` = met / (met + breached) (NaN when nothing was due),
  ``sla_<name>_met``, ``sla_<name>_breached``, ``sla_<name>_pending`` (not yet due at the end
  of the run, so excluded from the attainment; 0 unless a target outlasts the four-week tail).

Backlog (cases waiting for an agent turn):
- ``backlog_mean`` (time-weighted over the measured window), ``backlog_max``,
  ``backlog_monday_shift_start`` (mean over the measured Mondays of the backlog just before the
  first Monday shift comes on duty, i.e. what that team finds waiting; the start is the first
  rise in agents on Monday, see ``Rota.monday_first_start``, given as
  ``monday_shift_start_min``, minutes after Monday 00:00; NaN without such a rise or a measured
  Monday), and ``backlog_monday_0900``, the same read just before 09:00 whatever the rota: a
  fixed reference to compare coverage models at one moment, not what a team finds.

Agents and cost (from the rota and ``spec.cost``):
- ``utilisation`` = agent-minutes busy on turns / agent-minutes on duty. It can pass 1
  slightly when a saturated team finishes messages in hand after its shift ends.
- ``agent_hours_per_week`` on duty; ``paid_hours_per_week`` = on duty / (1 - shrinkage);
  ``fte`` = paid hours per week / ``fte_hours_per_week``.
- ``cost_per_week_eur``: paid hours at ``hourly_eur`` (the base rate of a paid hour: wage plus
  employer's charges, no premiums, no shrinkage; see ``sim.spec.CostSpec``), plus the night or
  the weekend premium for hours that fall in them (the higher of the two when both apply:
  premiums do not stack). So an on-duty hour costs ``hourly_eur x (1 + premium) / (1 -
  shrinkage)``: each of premium and shrinkage counted exactly once.
- ``cost_per_answered_eur`` = cost of the measured window / answered mentions.

Reputation:
- ``reputation_exposure_reach_hours``: for public complaints that need a reply, the author's reach
  times the hours the complaint stood unanswered (until the first response, the moment the
  customer gave up, or the end of the run), summed over the measured window.

``attainment_by(result, "channel" | "hour_of_week")`` breaks the SLA attainment down per channel
or per hour of the week (of arrival); ``backlog_profile(result)`` gives the mean backlog per hour
of the week; ``with_sla_columns(result)`` adds each target's due time and status to the records
for export, and ``export_records(result)`` adds readable ``measured``/``week``/``weekday``/``time``
columns on top (what ``webcare-sim run --records`` writes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from sim.clock import business_clock
from sim.engine import SimResult, calendar_days, run_end, run_rota
from sim.records import MentionRecords
from sim.spec import (
    HOURS_PER_WEEK,
    MINUTES_PER_DAY,
    MINUTES_PER_HOUR,
    MINUTES_PER_WEEK,
    CostSpec,
    ModelSpec,
    SlaTarget,
)

MONDAY_0900_MIN = 9 * MINUTES_PER_HOUR  # minute of the week of Monday 09:00
COMPLAINT = "complaint"
WEEKEND_FIRST_DAY = 5  # Saturday, counting Monday as day 0

MET, BREACHED, PENDING, EXCLUDED = "met", "breached", "pending", "excluded"
# Status arrays are fixed-width text from the start (the longest status, 8 characters): built as
# objects and converted, they cost a few ms a run, which sizing pays hundreds of times.
STATUS_DTYPE = f"<U{max(len(s) for s in (MET, BREACHED, PENDING, EXCLUDED))}"


@dataclass(frozen=True)
class SlaAttainment:
    """Outcome of one SLA target over the measured mentions."""

    name: str
    metric: str
    clock: str
    within_min: float
    goal: float
    met: int
    breached: int
    pending: int

    @property
    def attainment(self) -> float:
        due = self.met + self.breached
        return self.met / due if due else float("nan")


@dataclass(frozen=True)
class Kpis:
    """The headline figures of one run; see the module docstring for each."""

    weeks: float
    arrived: int
    no_reply: int
    needs_reply: int
    answered: int
    resolved: int
    abandoned: int
    open: int
    first_response_mean_min: float
    first_response_p50_min: float
    first_response_p90_min: float
    first_response_p95_min: float
    first_response_max_min: float
    resolution_mean_min: float
    resolution_p90_min: float
    sla: tuple[SlaAttainment, ...]
    sla_case_met: int  # cases with no target missed (see ``case_status``)
    sla_case_breached: int  # cases with at least one target missed
    sla_case_pending: int
    backlog_mean: float
    backlog_max: int
    backlog_monday_shift_start: float
    monday_shift_start_min: float
    backlog_monday_0900: float
    utilisation: float
    agent_hours_per_week: float
    paid_hours_per_week: float
    fte: float
    cost_per_week_eur: float
    cost_per_answered_eur: float
    reputation_exposure_reach_hours: float

    def as_dict(self) -> dict[str, float | int]:
        """Flat dict with the stable keys of the module docstring."""
        out: dict[str, float | int] = {}
        for name in self.__dataclass_fields__:
            if name != "sla":
                out[name] = getattr(self, name)
        due = self.sla_case_met + self.sla_case_breached
        out["sla_case_attainment"] = self.sla_case_met / due if due else float("nan")
        for target in self.sla:
            out[f"sla_{target.name}_attainment"] = target.attainment
            out[f"sla_{target.name}_met"] = target.met
            out[f"sla_{target.name}_breached"] = target.breached
            out[f"sla_{target.name}_pending"] = target.pending
        return out


# --- SLA due times and status ----------------------------------------------------------------
def due_min(result: SimResult, target: SlaTarget) -> np.ndarray:
    """When ``target`` falls due for every mention (its clock starts at arrival; for
    ``next_response`` the first customer reply's due time, NaN without one)."""
    if target.metric == "next_response":
        return _next_response(result, target)[0]
    return _due_after(result, target, result.records.column("arrival_min"))


def _due_after(result: SimResult, target: SlaTarget, start: np.ndarray) -> np.ndarray:
    """Due times of ``target`` for clocks that start at ``start`` (calendar or business)."""
    if target.clock == "calendar":
        due: np.ndarray = start + target.within_min
        return due
    hours = result.spec.business_hours
    if hours is None:
        raise ValueError(
            f"SLA target {target.name!r} uses the business clock, but model "
            f"{result.spec.name!r} has no business_hours; expected a business_hours schedule"
        )
    business_due = np.full(start.shape, np.nan)
    known = ~np.isnan(start)
    clock = business_clock(hours, result.spec.calendar, result.warmup_weeks, result.end_min)
    business_due[known] = clock.add(start[known], target.within_min)
    return business_due


def customer_reply_turns(result: SimResult) -> np.ndarray:
    """Mask of the turns that answer a customer's reply: every turn after the first, except the
    back office's report-back (its clock is the back office, not the customer)."""
    turns = result.turns
    backoffice = result.records.column("backoffice")[turns.mention_id]
    mask: np.ndarray = (turns.turn >= 1) & ~((turns.turn == 1) & backoffice)
    return mask


def _next_response(result: SimResult, target: SlaTarget) -> tuple[np.ndarray, np.ndarray]:
    """Per mention: the earliest next-response due time and the status (see ``sla_status``).

    Every wait from a customer reply to the agent's next reply is one clock. A case is met when
    all its waits ended in time, breached as soon as one did not (sent late, or not sent by a
    due time before the end of the run), pending while a wait is open and not yet due or the
    conversation is unfinished with customer replies still to come, excluded when it never has
    a customer reply (one-turn cases).
    """
    records, turns = result.records, result.turns
    n, end = len(records), result.end_min
    reply = customer_reply_turns(result) & ~np.isnan(turns.ready_min)
    mid = turns.mention_id[reply]
    due = _due_after(result, target, turns.ready_min[reply])
    sent = turns.end_min[reply]
    sent = np.where(sent < end, sent, np.nan)
    late = np.where(np.isnan(sent), due < end, sent > due)
    open_wait = np.isnan(sent) & (due >= end)
    breached = np.zeros(n, dtype=bool)
    breached[mid[late]] = True
    waiting = np.zeros(n, dtype=bool)
    waiting[mid[open_wait]] = True
    has_wait = np.zeros(n, dtype=bool)
    has_wait[mid] = True
    first_due = np.full(n, np.inf)
    np.minimum.at(first_due, mid, due)
    first_due[~has_wait] = np.nan
    # Customer replies still to come: the case is unfinished and has turns beyond the
    # report-back that have not become ready yet.
    all_reply = customer_reply_turns(result)
    to_come = np.zeros(n, dtype=bool)
    to_come[turns.mention_id[all_reply & np.isnan(turns.ready_min)]] = True
    to_come &= records.column("status") != "resolved"
    status = np.full(n, EXCLUDED, dtype=STATUS_DTYPE)
    status[has_wait] = MET
    status[(waiting | to_come) & ~breached] = PENDING
    status[breached] = BREACHED
    status[~has_wait & to_come] = PENDING
    gave_up = records.column("abandoned")
    status[gave_up | ~records.column("needs_reply")] = EXCLUDED
    return first_due, status


def sla_status(result: SimResult, target: SlaTarget) -> tuple[np.ndarray, np.ndarray]:
    """Due time and status (``met``, ``breached``, ``pending``, ``excluded``) per mention.

    Met: the event (first response sent, or resolution) happened by the due time. Breached: it
    happened later, or had not happened by a due time before the end of the run, or never will
    (abandoned). Pending: not done and not yet due at the end of the run (the tail makes this
    empty for measured mentions). Excluded: needs no reply. ``next_response`` targets follow
    ``_next_response``.
    """
    if target.metric == "next_response":
        return _next_response(result, target)
    records = result.records
    due = due_min(result, target)
    column = "first_response_min" if target.metric == "first_response" else "resolved_min"
    done = records.column(column)
    happened = ~np.isnan(done)
    met = happened & (done <= due)
    breached = (happened & (done > due)) | (
        ~happened & ((due < result.end_min) | records.column("abandoned"))
    )
    status = np.full(len(records), PENDING, dtype=STATUS_DTYPE)
    status[breached] = BREACHED
    status[met] = MET
    status[~records.column("needs_reply")] = EXCLUDED
    return due, status


def case_status(result: SimResult, statuses: Sequence[np.ndarray] | None = None) -> np.ndarray:
    """Per mention, all targets at once: a case is met only when none of its targets was missed.

    Breached if any target is breached; else pending if any is pending; else met if any is met;
    excluded when every target excludes it (needs no reply).
    """
    n = len(result.records)
    if statuses is None:
        statuses = [sla_status(result, t)[1] for t in result.spec.sla_targets]
    out = np.full(n, EXCLUDED, dtype=STATUS_DTYPE)
    for mark in (MET, PENDING, BREACHED):  # later marks win
        for status in statuses:
            out[status == mark] = mark
    return out


def with_sla_columns(result: SimResult) -> MentionRecords:
    """The run's records plus ``sla_<name>_due_min`` and ``sla_<name>_status`` per target."""
    extra: dict[str, np.ndarray] = {}
    for target in result.spec.sla_targets:
        due, status = sla_status(result, target)
        extra[f"sla_{target.name}_due_min"] = due
        extra[f"sla_{target.name}_status"] = status
    return result.records.with_columns(**extra)


WEEKDAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def export_records(result: SimResult) -> MentionRecords:
    """The records as a manager exports them: ``with_sla_columns`` plus readable columns.

    ``measured`` (False for warm-up rows, which the KPIs leave out), ``week`` (1 = the first
    measured week, 0 or less = warm-up), ``weekday`` (Dutch day name) and ``time`` ("HH:MM") of
    arrival.
    """
    arrival = result.records.column("arrival_min")
    minute_of_week = np.mod(arrival, MINUTES_PER_WEEK)
    minute_of_day = np.floor(np.mod(arrival, MINUTES_PER_DAY)).astype(np.int64)
    day = (minute_of_week // MINUTES_PER_DAY).astype(np.int64)
    week = np.floor((arrival - result.start_min) / MINUTES_PER_WEEK).astype(np.int64) + 1
    hours, minutes = np.divmod(minute_of_day, MINUTES_PER_HOUR)
    time = np.char.add(
        np.char.add(np.char.zfill(hours.astype(str), 2), ":"), np.char.zfill(minutes.astype(str), 2)
    )
    return with_sla_columns(result).with_columns(
        measured=result.measured,
        week=week,
        weekday=np.array(WEEKDAY_NAMES)[day],
        time=time,
    )


# --- helpers -----------------------------------------------------------------------------------
def _stat(values: np.ndarray, q: float | None = None) -> float:
    if values.size == 0:
        return float("nan")
    if q is None:
        return float(values.mean())
    return float(np.quantile(values, q))


def _backlog_mean(result: SimResult) -> tuple[float, int]:
    start, end = result.start_min, result.horizon_min
    times, values = result.backlog_times, result.backlog_values
    edges = np.clip(np.append(times, end), start, end)
    weights = np.diff(edges)
    at_start = values[np.searchsorted(times, start, side="right") - 1]
    peak = int(max(at_start, values[(times >= start) & (times < end)].max(initial=0)))
    return float((weights * values).sum() / (end - start)), peak


def _backlog_monday(result: SimResult, minute_of_week: float = MONDAY_0900_MIN) -> float:
    """Mean backlog just before ``minute_of_week`` (on Monday) over the measured Mondays."""
    if np.isnan(minute_of_week):
        return float("nan")
    first_week = int(np.ceil((result.start_min - minute_of_week) / MINUTES_PER_WEEK))
    weeks = np.arange(max(first_week, 0), int(result.horizon_min // MINUTES_PER_WEEK) + 1)
    moments = weeks * float(MINUTES_PER_WEEK) + minute_of_week
    moments = moments[(moments >= result.start_min) & (moments < result.horizon_min)]
    if moments.size == 0:
        return float("nan")
    # The backlog just BEFORE the moment: what a team starting then finds waiting, before it
    # takes its first cases.
    index = np.searchsorted(result.backlog_times, moments, side="left") - 1
    return float(result.backlog_values[index].mean())


def cost_per_agent_minute(cost: CostSpec) -> np.ndarray:
    """Euros per on-duty agent-minute for every minute of the week (shrinkage included)."""
    minute = np.arange(MINUTES_PER_WEEK)
    hour = (minute // MINUTES_PER_HOUR) % 24
    day = minute // MINUTES_PER_DAY
    if cost.night_start_hour > cost.night_end_hour:
        night = (hour >= cost.night_start_hour) | (hour < cost.night_end_hour)
    else:
        night = (hour >= cost.night_start_hour) & (hour < cost.night_end_hour)
    weekend = day >= WEEKEND_FIRST_DAY
    premium = np.maximum(
        np.where(night, cost.night_premium, 0.0), np.where(weekend, cost.weekend_premium, 0.0)
    )
    result: np.ndarray = cost.hourly_eur * (1 + premium) / (1 - cost.shrinkage) / MINUTES_PER_HOUR
    return result


def week_cost_eur(spec: ModelSpec, weeks: float, warmup_weeks: float) -> float:
    """The ``cost_per_week_eur`` a run of ``spec`` reports, without simulating it: the rota
    alone fixes it (the same sum ``summarise`` makes). Sizing orders staffings by it."""
    horizon = (warmup_weeks + weeks) * MINUTES_PER_WEEK
    end = run_end(spec, horizon, warmup_weeks)
    rota = run_rota(spec, calendar_days(spec, warmup_weeks, end))
    start = warmup_weeks * MINUTES_PER_WEEK
    return float(rota.agent_minutes(start, horizon, cost_per_agent_minute(spec.cost))) / weeks


# --- the headline figures ----------------------------------------------------------------------
def summarise(result: SimResult, statuses: Sequence[np.ndarray] | None = None) -> Kpis:
    """All KPIs of ``result`` over its measured window. ``statuses``: ``sla_status(result,
    t)[1]`` per target of the spec, when the caller has them already (sizing does)."""
    spec = result.spec
    if not 0 <= spec.cost.shrinkage < 1:
        raise ValueError(
            f"model {spec.name!r}: cost.shrinkage is {spec.cost.shrinkage}; expected a share "
            "from 0 up to (not including) 1"
        )
    measured = result.measured
    rec = result.records.filter(measured)
    status = rec.column("status")
    needs_reply = rec.column("needs_reply")
    answered_mask = ~np.isnan(rec.column("first_response_min"))
    waits = rec.column("first_response_wait_min")[answered_mask]
    resolution = rec.column("resolution_time_min")
    resolution = resolution[~np.isnan(resolution)]

    targets = []
    all_status = (
        [sla_status(result, target)[1] for target in spec.sla_targets]
        if statuses is None
        else list(statuses)
    )
    for target, target_status in zip(spec.sla_targets, all_status, strict=True):
        target_status = target_status[measured]
        targets.append(
            SlaAttainment(
                name=target.name,
                metric=target.metric,
                clock=target.clock,
                within_min=target.within_min,
                goal=target.goal,
                met=int((target_status == MET).sum()),
                breached=int((target_status == BREACHED).sum()),
                pending=int((target_status == PENDING).sum()),
            )
        )

    cases = case_status(result, all_status)[measured]
    backlog_mean, backlog_max = _backlog_mean(result)
    rota = run_rota(spec, calendar_days(spec, result.warmup_weeks, result.end_min))
    monday_start = rota.monday_first_start()
    start, end = result.start_min, result.horizon_min
    on_duty_min = result.on_duty_agent_min
    agent_hours_week = on_duty_min / MINUTES_PER_HOUR / result.weeks
    paid_hours_week = agent_hours_week / (1 - spec.cost.shrinkage)
    cost_total = rota.agent_minutes(start, end, cost_per_agent_minute(spec.cost))
    answered = int(answered_mask.sum())

    complaint = rec.column("public") & needs_reply & (rec.column("kind") == COMPLAINT)
    until = rec.column("first_response_min")
    until = np.where(np.isnan(until), rec.column("abandoned_min"), until)
    until = np.where(np.isnan(until), result.end_min, until)
    exposure_hours = (until - rec.column("arrival_min")) / MINUTES_PER_HOUR
    exposure = float((rec.column("author_reach") * exposure_hours)[complaint].sum())

    return Kpis(
        weeks=result.weeks,
        arrived=len(rec),
        no_reply=int((~needs_reply).sum()),
        needs_reply=int(needs_reply.sum()),
        answered=answered,
        resolved=int((status == "resolved").sum()),
        abandoned=int(rec.column("abandoned").sum()),
        open=int((status == "open").sum()),
        first_response_mean_min=_stat(waits),
        first_response_p50_min=_stat(waits, 0.5),
        first_response_p90_min=_stat(waits, 0.9),
        first_response_p95_min=_stat(waits, 0.95),
        first_response_max_min=_stat(waits, 1.0),
        resolution_mean_min=_stat(resolution),
        resolution_p90_min=_stat(resolution, 0.9),
        sla=tuple(targets),
        sla_case_met=int((cases == MET).sum()),
        sla_case_breached=int((cases == BREACHED).sum()),
        sla_case_pending=int((cases == PENDING).sum()),
        backlog_mean=backlog_mean,
        backlog_max=backlog_max,
        backlog_monday_shift_start=_backlog_monday(result, monday_start),
        monday_shift_start_min=monday_start,
        backlog_monday_0900=_backlog_monday(result),
        utilisation=result.busy_agent_min / on_duty_min if on_duty_min > 0 else float("nan"),
        agent_hours_per_week=agent_hours_week,
        paid_hours_per_week=paid_hours_week,
        fte=paid_hours_week / spec.cost.fte_hours_per_week,
        cost_per_week_eur=cost_total / result.weeks,
        cost_per_answered_eur=cost_total / answered if answered else float("nan"),
        reputation_exposure_reach_hours=exposure,
    )


def attainment_by(result: SimResult, by: Literal["channel", "hour_of_week"]) -> pd.DataFrame:
    """SLA attainment and first response per channel or per hour of the week of arrival.

    One row per channel (in the spec's order) or per hour 0..167, with columns ``needs_reply``,
    ``answered``, ``first_response_mean_min`` and per target ``<name>_met``,
    ``<name>_breached``, ``<name>_attainment``.
    """
    if by == "channel":
        groups: list[str] | list[int] = [c.name for c in result.spec.channels]
    elif by == "hour_of_week":
        groups = list(range(HOURS_PER_WEEK))
    else:
        raise ValueError(f"attainment_by: by is {by!r}; expected 'channel' or 'hour_of_week'")
    measured = result.measured
    rec = result.records
    frame = pd.DataFrame(
        {
            by: rec.column(by)[measured],
            "needs_reply": rec.column("needs_reply")[measured],
            "answered": ~np.isnan(rec.column("first_response_min")[measured]),
            "wait": rec.column("first_response_wait_min")[measured],
        }
    )
    for target in result.spec.sla_targets:
        _, status = sla_status(result, target)
        frame[f"{target.name}_met"] = status[measured] == MET
        frame[f"{target.name}_breached"] = status[measured] == BREACHED
    cases = case_status(result)[measured]
    frame["case_met"] = cases == MET
    frame["case_breached"] = cases == BREACHED
    grouped = frame.groupby(by, sort=False)
    table = grouped[["needs_reply", "answered"]].sum()
    table["first_response_mean_min"] = grouped["wait"].mean()
    for target in result.spec.sla_targets:
        met = grouped[f"{target.name}_met"].sum()
        breached = grouped[f"{target.name}_breached"].sum()
        table[f"{target.name}_met"] = met
        table[f"{target.name}_breached"] = breached
        table[f"{target.name}_attainment"] = met / (met + breached).replace(0, np.nan)
    if result.spec.sla_targets:
        met, breached = grouped["case_met"].sum(), grouped["case_breached"].sum()
        table["case_met"], table["case_breached"] = met, breached
        table["case_attainment"] = met / (met + breached).replace(0, np.nan)
    table = table.reindex(groups)
    counts = [
        c
        for c in table.columns
        if c in ("needs_reply", "answered") or c.endswith(("_met", "_breached"))
    ]
    table[counts] = table[counts].fillna(0).astype(np.int64)
    table.index.name = by
    return table


def backlog_profile(result: SimResult) -> pd.DataFrame:
    """Mean backlog per hour of the week over the measured window, for charts.

    The step function is read at the middle of every minute of the window, so each hour's
    figure is its time-weighted mean at one-minute resolution. Index ``hour_of_week``
    (0..167), column ``backlog_mean``; hours the window never covers hold NaN.
    """
    minutes = np.arange(np.ceil(result.start_min), np.floor(result.horizon_min)) + 0.5
    index = np.searchsorted(result.backlog_times, minutes, side="right") - 1
    hours = (minutes // MINUTES_PER_HOUR).astype(np.int64) % HOURS_PER_WEEK
    total = np.bincount(hours, weights=result.backlog_values[index], minlength=HOURS_PER_WEEK)
    count = np.bincount(hours, minlength=HOURS_PER_WEEK)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    frame = pd.DataFrame({"backlog_mean": mean}, index=pd.RangeIndex(HOURS_PER_WEEK))
    frame.index.name = "hour_of_week"
    return frame
