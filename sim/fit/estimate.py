"""Fitting an organisation's figures from its export: what a profile needs, measured, not guessed.

From the messages of an export (``sim.fit.read``) this module measures what a profile estimates:

- volume: the mentions (first messages of conversations) per week, and the trend over the weeks;
- the week's pattern: mentions per hour of the week, per day and per hour of the day, counted
  over the days actually in the export (so two Mondays and three Tuesdays weigh the same);
- the channel mix and the mix of kinds (when the export has them);
- the share of mentions that got no reply, per channel (the last day is left out: its messages
  may still be answered);
- turns: messages per answered conversation (when the export has conversation ids);
- handling time per channel, from an agent's start and end of each reply (``handling_start`` and
  ``handling_end``) or a handling-time column; without them the profile's estimate stays;
- the current response times: median and 90th percentile of the first response, and the share
  within each response-time target of the base profile.

Incident days (``sim.fit.outliers``) are counted but not learned as normal volume or pattern.
The result is a flat, read-only ``Fit``; ``sim.fit.write`` turns it into a profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from sim.clock import HolidayClock, dutch_holidays
from sim.fit.outliers import DAYS_PER_WEEK, OutlierDay, daily_counts, find_outliers
from sim.fit.read import Export
from sim.profile import CHANNEL_NAMES, KIND_NAMES, Profile
from sim.spec import HOURS_PER_WEEK, MINUTES_PER_DAY, MINUTES_PER_WEEK

HOURS_PER_DAY = 24
MIN_TREND_WEEKS = 4  # a trend needs this many complete weeks
MIN_HANDLING_SAMPLES = 30  # replies with agent timestamps before a channel's handling is fitted
HANDLING_MAX_MIN = 240.0  # longer "handling" is a reply left open, not work on it
MIN_MENTIONS_PER_HOUR_CELL = 50  # mentions per hour of the week before 168 own weights are fitted
NO_REPLY_SETTLE_MIN = MINUTES_PER_DAY  # the last day's messages may still get a reply
PERCENTILES = (50, 90)
CLOCK_MARGIN_WEEKS = 4  # the holiday clock runs this long past the last message
WEEKS_PER_YEAR = 52
# 1970-01-01 was a Thursday: minute 0 of the week is Monday 1970-01-05 00:00, 4 days later.
FIRST_MONDAY = np.datetime64("1970-01-05")
EPOCH_TO_MONDAY_MIN = 4 * MINUTES_PER_DAY


@dataclass(frozen=True)
class Handling:
    """Fitted handling time of one channel (agent minutes per reply)."""

    mean_min: float
    cv: float
    replies: int


@dataclass(frozen=True)
class TargetAttainment:
    """How often a target of the base profile was met in the export."""

    name: str
    metric: str
    within_min: float
    clock: str
    goal: float
    attained: float  # share of answered (or resolved) mentions within the target
    counted: int


@dataclass(frozen=True)
class Fit:
    """Everything fitted from one export; ``None`` where the export lacks the columns."""

    file: str
    messages: int  # rows used
    mentions: int  # conversations (first messages)
    first_day: date
    last_day: date
    days: int
    outliers: tuple[OutlierDay, ...]
    mentions_per_week: float
    trend_per_week: float | None  # relative change per week, 0.01 = +1% a week
    complete_weeks: int
    hour_of_week_rate: tuple[float, ...]  # expected mentions per hour of the week (168)
    day_weights: tuple[float, ...]  # mean 1
    hour_weights: tuple[float, ...]  # mean 1
    use_weekly_weights: bool  # enough data for 168 own weights
    channel_shares: Mapping[str, float] | None
    unknown_channels: tuple[tuple[str, int], ...]
    kind_shares: Mapping[str, float] | None
    no_reply_share: Mapping[str, float] | None  # per channel
    no_reply_overall: float | None
    mean_turns: float | None
    conversations_with_turns: int
    handling: Mapping[str, Handling] | None
    handling_replies: int
    first_response_percentiles: Mapping[int, float] | None
    answered: int
    resolution_percentiles: Mapping[int, float] | None
    targets: tuple[TargetAttainment, ...]
    problems: int

    @property
    def weekly_weights(self) -> tuple[float, ...]:
        """168 weights with mean 1 (the shape of ``hour_of_week_rate``)."""
        rate = np.asarray(self.hour_of_week_rate)
        return tuple(float(x) for x in rate / rate.mean())


class FitError(ValueError):
    """An export that has rows but not enough to fit anything (Dutch message)."""


def first_rows(export: Export) -> np.ndarray:
    """Index of each conversation's first message (every row when there are no ids)."""
    if export.conversation is None:
        return np.arange(len(export))
    ids = export.conversation
    empty = ids == ""
    codes, _ = pd.factorize(ids)
    codes = np.where(empty, -1 - np.arange(ids.size), codes)  # no id: a conversation of its own
    _, first = np.unique(codes, return_index=True)
    return np.sort(first)


def _rates(created: np.ndarray, keep_day: np.ndarray, daily_days: np.ndarray) -> np.ndarray:
    """Expected mentions per hour of the week, counted over the days kept (168 values)."""
    day = created.astype("datetime64[D]")
    index = (day - daily_days[0]).astype(np.int64)
    kept = keep_day[index]
    weekday = (day.astype(np.int64) + 3) % DAYS_PER_WEEK
    hour = (created - day).astype("timedelta64[h]").astype(np.int64)
    cell = weekday * HOURS_PER_DAY + hour
    counts = np.bincount(cell[kept], minlength=HOURS_PER_WEEK).astype(float)
    days_of = np.bincount(
        (daily_days[keep_day].astype(np.int64) + 3) % DAYS_PER_WEEK, minlength=DAYS_PER_WEEK
    )
    exposure = np.repeat(days_of, HOURS_PER_DAY).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = counts / exposure
    if np.any(exposure == 0):
        # A weekday missing from the export: take the mean of the days that are there.
        seen = exposure > 0
        hourly = rate[seen].reshape(-1, HOURS_PER_DAY).mean(axis=0)
        rate = np.where(seen, rate, np.tile(hourly, DAYS_PER_WEEK))
    return rate


def _trend(daily_counts_kept: np.ndarray, first_weekday: int) -> tuple[float | None, int]:
    """Relative change per week over the complete Monday-Sunday weeks (least squares)."""
    skip = (DAYS_PER_WEEK - first_weekday) % DAYS_PER_WEEK
    values = daily_counts_kept[skip:]
    weeks = values.size // DAYS_PER_WEEK
    if weeks < MIN_TREND_WEEKS:
        return None, weeks
    totals = values[: weeks * DAYS_PER_WEEK].reshape(weeks, DAYS_PER_WEEK).sum(axis=1)
    slope, _ = np.polyfit(np.arange(weeks, dtype=float), totals, 1)
    return float(slope / totals.mean()), weeks


def _shares(keys: np.ndarray, names: tuple[str, ...]) -> dict[str, float] | None:
    known = keys[keys != ""]
    if known.size == 0:
        return None
    return {name: float(np.mean(known == name)) for name in names if np.any(known == name)}


def _percentiles(values: np.ndarray) -> dict[int, float] | None:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    return {p: float(np.percentile(finite, p)) for p in PERCENTILES}


def _attainment(export: Export, first: np.ndarray, base: Profile) -> tuple[TargetAttainment, ...]:
    out: list[TargetAttainment] = []
    created = export.created[first]
    local_min = (created.astype("datetime64[m]").astype(np.int64) - EPOCH_TO_MONDAY_MIN).astype(
        float
    )
    week_start = np.floor(local_min.min() / MINUTES_PER_WEEK) * MINUTES_PER_WEEK
    since_monday = local_min - week_start
    for target in base.sla_targets:
        column = (
            export.first_response_min
            if target.metric == "first_response"
            else (export.resolved_min)
        )
        if column is None:
            continue
        waited = column[first]
        done = np.isfinite(waited)
        if not done.any():
            continue
        if target.clock == "business" and base.business_hours is not None:
            # The export has real dates: the office is closed on Dutch public holidays.
            monday = FIRST_MONDAY.astype(object) + timedelta(minutes=float(week_start))
            span_weeks = int(np.ceil(since_monday.max() / MINUTES_PER_WEEK)) + CLOCK_MARGIN_WEEKS
            years = range(monday.year, monday.year + span_weeks // WEEKS_PER_YEAR + 2)
            clock = HolidayClock(
                base.business_hours.to_weekly(), monday, span_weeks, dutch_holidays(years)
            )
            due = clock.add(since_monday[done], target.within) - since_monday[done]
        else:
            due = np.full(int(done.sum()), target.within)
        out.append(
            TargetAttainment(
                name=target.name,
                metric=target.metric,
                within_min=target.within,
                clock=target.clock,
                goal=target.goal,
                attained=float(np.mean(waited[done] <= due + 1e-9)),
                counted=int(done.sum()),
            )
        )
    return tuple(out)


def _handling(export: Export) -> tuple[dict[str, Handling] | None, int]:
    if export.handling_min is None:
        return None, 0
    spent = export.handling_min
    ok = np.isfinite(spent) & (spent > 0) & (spent <= HANDLING_MAX_MIN)
    if export.channel is None:
        return None, int(ok.sum())
    out: dict[str, Handling] = {}
    for name in CHANNEL_NAMES:
        values = spent[ok & (export.channel == name)]
        if values.size >= MIN_HANDLING_SAMPLES:
            mean = float(values.mean())
            out[name] = Handling(mean, float(values.std(ddof=1) / mean), int(values.size))
    return (out or None), int(ok.sum())


def fit_export(export: Export, base: Profile) -> Fit:
    """Fit what the export allows; ``base`` gives the response-time targets to measure."""
    first = first_rows(export)
    created = export.created[first]
    daily = daily_counts(created)
    outliers, flagged = find_outliers(daily)
    keep_day = ~flagged
    if not keep_day.any():
        raise FitError(f"Export {export.file}: elke dag is een uitschieter; niets om te fitten")
    rate = _rates(created, keep_day, daily.days)
    if not rate.sum() > 0:
        raise FitError(f"Export {export.file}: geen berichten op de bruikbare dagen")
    weekday = daily.weekday
    day_rate = rate.reshape(DAYS_PER_WEEK, HOURS_PER_DAY).sum(axis=1)
    hour_rate = rate.reshape(DAYS_PER_WEEK, HOURS_PER_DAY).sum(axis=0)
    # Incident days count as their weekday's usual volume in the trend.
    per_weekday = day_rate[weekday]
    cleaned = np.where(flagged, per_weekday, daily.counts).astype(float)
    trend, weeks = _trend(cleaned, int(weekday[0]))

    channel_shares = no_reply = None
    no_reply_overall: float | None = None
    if export.channel is not None:
        channel_shares = _shares(export.channel[first], CHANNEL_NAMES)
    if export.answered is not None:
        settled = export.created_utc_min[first] <= export.created_utc_min.max() - (
            NO_REPLY_SETTLE_MIN
        )
        unanswered = ~export.answered[first]
        if settled.any():
            no_reply_overall = float(unanswered[settled].mean())
            if export.channel is not None:
                channels = export.channel[first]
                no_reply = {
                    name: float(unanswered[settled & (channels == name)].mean())
                    for name in CHANNEL_NAMES
                    if np.any(settled & (channels == name))
                }
    kind_shares = _shares(export.kind[first], KIND_NAMES) if export.kind is not None else None

    mean_turns: float | None = None
    with_turns = 0
    if export.conversation is not None and export.answered is not None:
        ids = export.conversation
        codes, _ = pd.factorize(ids)
        rows_per = np.bincount(codes[codes >= 0])
        answered_first = first[export.answered[first] & (ids[first] != "")]
        if answered_first.size:
            per_conv = rows_per[codes[answered_first]]
            mean_turns = float(max(per_conv.mean(), 1.0))
            with_turns = int(answered_first.size)
    handling, handling_replies = _handling(export)

    frt = resolution = None
    answered_count = 0
    if export.first_response_min is not None:
        frt = _percentiles(export.first_response_min[first])
        answered_count = int(np.isfinite(export.first_response_min[first]).sum())
    if export.resolved_min is not None:
        resolution = _percentiles(export.resolved_min[first])

    return Fit(
        file=export.file,
        messages=len(export),
        mentions=int(first.size),
        first_day=daily.days[0].astype(object),
        last_day=daily.days[-1].astype(object),
        days=int(daily.days.size),
        outliers=outliers,
        mentions_per_week=float(rate.sum()),
        trend_per_week=trend,
        complete_weeks=weeks,
        hour_of_week_rate=tuple(float(x) for x in rate),
        day_weights=tuple(float(x) for x in day_rate / day_rate.mean()),
        hour_weights=tuple(float(x) for x in hour_rate / hour_rate.mean()),
        use_weekly_weights=first.size >= MIN_MENTIONS_PER_HOUR_CELL * HOURS_PER_WEEK,
        channel_shares=channel_shares,
        unknown_channels=export.unknown_channels,
        kind_shares=kind_shares,
        no_reply_share=no_reply,
        no_reply_overall=no_reply_overall,
        mean_turns=mean_turns,
        conversations_with_turns=with_turns,
        handling=handling,
        handling_replies=handling_replies,
        first_response_percentiles=frt,
        answered=answered_count,
        resolution_percentiles=resolution,
        targets=_attainment(export, first, base),
        problems=len(export.problems),
    )


__all__ = [
    "HANDLING_MAX_MIN",
    "MIN_HANDLING_SAMPLES",
    "Fit",
    "FitError",
    "Handling",
    "TargetAttainment",
    "fit_export",
]
