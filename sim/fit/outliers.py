"""Incident days: days far above (an outage, a campaign) or below (a data gap) their usual volume.

An outage on a Wednesday brings four times the usual messages. Learned as normal, it would raise
every Wednesday of the forecast and the fitted week's pattern; so each day is compared with the
same weekday in the weeks around it (the median of up to ``NEIGHBOUR_WEEKS`` weeks either side)
and flagged when it is both far off in counts (more than ``OUTLIER_Z`` robust standard deviations,
never less than the Poisson spread) and far off in proportion (``OUTLIER_RATIO``). Flagged days
are shown to the manager and replaced by their expected volume when fitting and forecasting.
A flagged day that is a Dutch public holiday (the ``holidays`` package, NL) is named as such:
Koningsdag or Tweede paasdag explains a quiet day better than an outage does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import holidays
import numpy as np

NEIGHBOUR_WEEKS = 4  # same weekdays compared on either side
MIN_NEIGHBOURS = 2  # fewer comparable days: never flagged
OUTLIER_Z = 4.0  # robust standard deviations from the expected volume
OUTLIER_RATIO = 1.5  # and at least 1.5x (or at most 1/1.5x) the expected volume
MAD_TO_SD = 1.4826  # median absolute deviation to standard deviation for normal data
DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class OutlierDay:
    """A day flagged as an incident (or a gap), with what a normal day would have had."""

    day: date
    count: int
    expected: float
    holiday: str = ""  # the Dutch public holiday's name, if it is one

    @property
    def ratio(self) -> float:
        return self.count / self.expected if self.expected > 0 else float("inf")


@dataclass(frozen=True)
class DailyCounts:
    """Messages per calendar day, every day from the first to the last included (zeros too)."""

    days: np.ndarray  # datetime64[D]
    counts: np.ndarray  # int

    @property
    def weekday(self) -> np.ndarray:
        """0 = Monday ... 6 = Sunday."""
        weekday: np.ndarray = (self.days.astype(np.int64) + 3) % DAYS_PER_WEEK  # 1970-01-01: Thu
        return weekday


def daily_counts(moments: np.ndarray) -> DailyCounts:
    """Count ``moments`` (datetime64, sorted or not) per calendar day."""
    days = moments.astype("datetime64[D]")
    first, last = days.min(), days.max()
    span = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
    counts = np.bincount((days - first).astype(np.int64), minlength=span.size)
    return DailyCounts(span, counts)


def expected_counts(daily: DailyCounts) -> np.ndarray:
    """Per day, the median of the same weekday in the weeks around it (NaN with too few)."""
    n = daily.counts.size
    offsets = [k * DAYS_PER_WEEK for k in range(-NEIGHBOUR_WEEKS, NEIGHBOUR_WEEKS + 1) if k]
    neighbours = np.full((n, len(offsets)), np.nan)
    for j, offset in enumerate(offsets):
        idx = np.arange(n) + offset
        ok = (idx >= 0) & (idx < n)
        neighbours[ok, j] = daily.counts[idx[ok]]
    enough = np.sum(np.isfinite(neighbours), axis=1) >= MIN_NEIGHBOURS
    expected = np.full(n, np.nan)
    if enough.any():
        expected[enough] = np.nanmedian(neighbours[enough], axis=1)
    return expected


def find_outliers(daily: DailyCounts) -> tuple[tuple[OutlierDay, ...], np.ndarray]:
    """The flagged days and a mask over ``daily.days`` (True = flagged)."""
    expected = expected_counts(daily)
    counts = daily.counts.astype(float)
    n = counts.size
    mad = np.full(n, np.nan)
    for i in np.flatnonzero(np.isfinite(expected)):
        same = daily.weekday == daily.weekday[i]
        near = same & (np.abs(np.arange(n) - i) <= NEIGHBOUR_WEEKS * DAYS_PER_WEEK)
        near[i] = False
        mad[i] = np.median(np.abs(counts[near] - expected[i]))
    spread = np.fmax(np.fmax(MAD_TO_SD * mad, np.sqrt(np.fmax(expected, 1.0))), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        far = np.abs(counts - expected) > OUTLIER_Z * spread
        odd = (counts > OUTLIER_RATIO * expected) | (counts * OUTLIER_RATIO < expected)
    mask = np.isfinite(expected) & far & odd
    flagged = [daily.days[i].astype(object) for i in np.flatnonzero(mask)]
    names = holidays.country_holidays("NL", years=sorted({d.year for d in flagged}), language="nl")
    days = tuple(
        OutlierDay(day, int(counts[i]), float(expected[i]), names.get(day, ""))
        for day, i in zip(flagged, np.flatnonzero(mask), strict=True)
    )
    return days, mask


__all__ = ["DailyCounts", "OutlierDay", "daily_counts", "expected_counts", "find_outliers"]
