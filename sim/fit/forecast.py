"""The coming weeks: expected mentions per week and per hour of the week, with intervals.

Two methods, side by side, each with its error on the weeks it did not see (a backtest):

- the N-week average: every hour of the coming week gets the mean of the same hour over the last
  N weeks. Planners trust it because they can check it by hand; its interval comes from how much
  those N weeks differed (never narrower than chance alone, the Poisson spread);
- exponential smoothing (statsmodels' ``ETSModel``, Holt-Winters with a damped trend and a weekly
  season on the daily totals): it follows a trend and weighs recent weeks more. Its interval comes
  from simulating the fitted model; a day's total is spread over the hours by that weekday's
  usual hour pattern.

The backtest holds out the last ``BACKTEST_WEEKS`` complete weeks, forecasts them from the weeks
before, and reports the mean absolute percentage error (MAPE) of the daily totals; the naive
forecast "same as last week" is scored the same way as a reference. Incident days
(``sim.fit.outliers``) are shown, replaced by their usual volume before learning, and left out
of the error. A profile has no history: its forecast is the profile itself, with the Poisson
spread as interval and no backtest.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy import stats

from sim.fit.estimate import HOURS_PER_DAY, first_rows
from sim.fit.outliers import DAYS_PER_WEEK, OutlierDay, daily_counts, find_outliers
from sim.fit.read import Export
from sim.profile import Profile
from sim.spec import HOURS_PER_WEEK

PI_LEVEL = 0.90  # two-sided prediction interval
DEFAULT_AVERAGE_WEEKS = 4  # the N of the N-week average
BACKTEST_WEEKS = 4  # weeks held out to score the methods
MIN_HISTORY_WEEKS = 2  # complete weeks needed to forecast at all
MIN_ETS_WEEKS = 3  # complete weeks the smoothing model needs to learn from
SIMULATED_PATHS = 400  # simulated futures for the smoothing model's intervals


class ForecastError(ValueError):
    """Too little history to forecast (Dutch message)."""


@dataclass(frozen=True)
class MethodForecast:
    """One method's forecast: rows are (expected, low, high)."""

    key: str  # "average", "smoothing", "profile", "naive"
    label: str  # Dutch, for the table
    weekly: np.ndarray  # (weeks, 3)
    hourly: np.ndarray  # (weeks * 168, 3): hour 0 = Monday 00:00-01:00 of the first week
    backtest_mape: float | None  # daily MAPE on the held-out weeks, as a fraction


@dataclass(frozen=True)
class Forecast:
    start: date  # Monday of the first forecast week
    weeks: int
    history_weeks: int
    backtest_weeks: int
    outliers: tuple[OutlierDay, ...]
    methods: tuple[MethodForecast, ...]
    naive_mape: float | None

    def best(self) -> MethodForecast:
        """The method with the smallest backtest error (the first when none was scored)."""
        scored = [m for m in self.methods if m.backtest_mape is not None]
        return min(scored, key=lambda m: m.backtest_mape or 0.0) if scored else self.methods[0]


def _z() -> float:
    return float(stats.norm.ppf(0.5 + PI_LEVEL / 2))


def average_forecast(
    history: np.ndarray, weeks: int, n_weeks: int
) -> tuple[np.ndarray, np.ndarray]:
    """(weekly, hourly) forecast of the mean of the last ``n_weeks`` weeks of ``history``."""
    recent = history[-n_weeks:]
    n = recent.shape[0]
    mean = recent.mean(axis=0)
    totals = recent.sum(axis=1)
    total = float(totals.sum() / n)
    inflate = 1.0 + 1.0 / n  # a new week differs from the mean of n weeks by more than they do
    var_total = max(float(totals.var(ddof=1)) if n > 1 else 0.0, total) * inflate
    var_hour = np.fmax(recent.var(axis=0, ddof=1) if n > 1 else 0.0, mean) * inflate
    z = _z()
    week_row = [total, max(total - z * np.sqrt(var_total), 0.0), total + z * np.sqrt(var_total)]
    hour_rows = np.column_stack(
        [mean, np.fmax(mean - z * np.sqrt(var_hour), 0.0), mean + z * np.sqrt(var_hour)]
    )
    return np.tile(week_row, (weeks, 1)), np.tile(hour_rows, (weeks, 1))


def _hour_shares(history: np.ndarray) -> np.ndarray:
    """Per weekday, the share of its day's mentions in each hour (7 x 24)."""
    days = history.reshape(-1, DAYS_PER_WEEK, HOURS_PER_DAY).sum(axis=0)
    totals = days.sum(axis=1, keepdims=True)
    flat = np.full_like(days, 1.0 / HOURS_PER_DAY)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, days / totals, flat)


def smoothing_forecast(
    history: np.ndarray, weeks: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(weekly, hourly) forecast of Holt-Winters on the daily totals, intervals by simulation."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    daily = history.reshape(-1, HOURS_PER_DAY).sum(axis=1).astype(float)
    horizon = weeks * DAYS_PER_WEEK
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short, flat series
        model = ETSModel(
            daily,
            error="add",
            trend="add",
            damped_trend=True,
            seasonal="add",
            seasonal_periods=DAYS_PER_WEEK,
            initialization_method="heuristic",  # 15x faster than estimating the start states
        )
        result = model.fit(disp=False)
        mean = np.fmax(np.asarray(result.forecast(horizon)), 0.0)
        paths = np.asarray(
            result.simulate(horizon, repetitions=SIMULATED_PATHS, anchor="end", rng=rng)
        ).reshape(horizon, SIMULATED_PATHS)
    paths = np.fmax(paths, 0.0)
    tail = (1.0 - PI_LEVEL) / 2 * 100
    day_low, day_high = np.percentile(paths, [tail, 100 - tail], axis=1)
    week_paths = paths.reshape(weeks, DAYS_PER_WEEK, SIMULATED_PATHS).sum(axis=1)
    weekly = np.column_stack(
        [
            mean.reshape(weeks, DAYS_PER_WEEK).sum(axis=1),
            np.percentile(week_paths, tail, axis=1),
            np.percentile(week_paths, 100 - tail, axis=1),
        ]
    )
    shares = np.tile(_hour_shares(history), (weeks, 1))  # (weeks*7, 24)
    hourly = np.stack(
        [
            (shares * mean[:, None]).ravel(),
            (shares * day_low[:, None]).ravel(),
            (shares * day_high[:, None]).ravel(),
        ],
        axis=1,
    )
    return weekly, hourly


def _mape(forecast_daily: np.ndarray, actual_daily: np.ndarray, use: np.ndarray) -> float | None:
    ok = use & (actual_daily > 0)
    if not ok.any():
        return None
    return float(np.mean(np.abs(forecast_daily[ok] - actual_daily[ok]) / actual_daily[ok]))


def _daily(hourly: np.ndarray) -> np.ndarray:
    return hourly.reshape(-1, HOURS_PER_DAY).sum(axis=1)


def forecast_history(
    history: np.ndarray,
    *,
    weeks: int,
    start: date,
    rng: np.random.Generator,
    average_weeks: int = DEFAULT_AVERAGE_WEEKS,
    raw: np.ndarray | None = None,
    flagged_days: np.ndarray | None = None,
    outliers: tuple[OutlierDay, ...] = (),
) -> Forecast:
    """Forecast from complete weeks of hourly counts ``history`` (weeks x 168, cleaned).

    ``raw`` (default: ``history``) is what the backtest scores against; ``flagged_days`` (one
    bool per day) marks incident days left out of the error.
    """
    history = np.asarray(history, dtype=float)
    n_hist = history.shape[0]
    if n_hist < MIN_HISTORY_WEEKS:
        raise ForecastError(
            f"te weinig geschiedenis: {n_hist} volle week/weken (maandag t/m zondag); verwacht "
            f"minstens {MIN_HISTORY_WEEKS}"
        )
    actual = _daily(np.asarray(raw if raw is not None else history, dtype=float))
    flags = np.zeros(actual.size, dtype=bool) if flagged_days is None else np.asarray(flagged_days)
    held = min(BACKTEST_WEEKS, n_hist - MIN_ETS_WEEKS)
    naive_mape: float | None = None
    mape: dict[str, float | None] = {"average": None, "smoothing": None}
    if held >= 1:
        train = history[:-held]
        days = slice(actual.size - held * DAYS_PER_WEEK, actual.size)
        use = ~flags[days]
        _, avg_hourly = average_forecast(train, held, min(average_weeks, train.shape[0]))
        mape["average"] = _mape(_daily(avg_hourly[:, 0]), actual[days], use)
        _, ets_hourly = smoothing_forecast(train, held, rng)
        mape["smoothing"] = _mape(_daily(ets_hourly[:, 0]), actual[days], use)
        naive = np.tile(train[-1], held)
        naive_mape = _mape(_daily(naive), actual[days], use)
    n_avg = min(average_weeks, n_hist)
    avg_weekly, avg_hourly = average_forecast(history, weeks, n_avg)
    methods = [
        MethodForecast(
            "average",
            f"Gemiddelde van {n_avg} {'week' if n_avg == 1 else 'weken'}",
            avg_weekly,
            avg_hourly,
            mape["average"],
        )
    ]
    if n_hist >= MIN_ETS_WEEKS:
        ets_weekly, ets_hourly = smoothing_forecast(history, weeks, rng)
        methods.append(
            MethodForecast(
                "smoothing",
                "Exponentiële afvlakking (Holt-Winters)",
                ets_weekly,
                ets_hourly,
                mape["smoothing"],
            )
        )
    return Forecast(
        start=start,
        weeks=weeks,
        history_weeks=n_hist,
        backtest_weeks=max(held, 0),
        outliers=outliers,
        methods=tuple(methods),
        naive_mape=naive_mape,
    )


def hourly_history(
    export: Export,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, date, tuple[OutlierDay, ...]]:
    """Complete Monday-Sunday weeks of the export's mentions per hour: (cleaned, raw, flagged
    days, Monday after the last week, outlier days)."""
    created = export.created[first_rows(export)]
    daily = daily_counts(created)
    outliers, flagged = find_outliers(daily)
    mondays = np.flatnonzero(daily.weekday == 0)
    first = int(mondays[0]) if mondays.size else daily.days.size
    n_weeks = (daily.days.size - first) // DAYS_PER_WEEK
    if n_weeks < MIN_HISTORY_WEEKS:
        raise ForecastError(
            f"Export {export.file}: {n_weeks} volle week/weken (maandag t/m zondag) van "
            f"{daily.days[0]} tot {daily.days[-1]}; verwacht minstens {MIN_HISTORY_WEEKS}"
        )
    day0 = daily.days[first]
    index = (created.astype("datetime64[h]") - day0.astype("datetime64[h]")).astype(np.int64)
    inside = (index >= 0) & (index < n_weeks * HOURS_PER_WEEK)
    raw = np.bincount(index[inside], minlength=n_weeks * HOURS_PER_WEEK).astype(float)
    raw = raw.reshape(n_weeks, HOURS_PER_WEEK)
    flags = flagged[first : first + n_weeks * DAYS_PER_WEEK]
    by_day = raw.reshape(-1, HOURS_PER_DAY)
    good_weeks = by_day.reshape(n_weeks, DAYS_PER_WEEK, HOURS_PER_DAY)
    keep = ~flags.reshape(n_weeks, DAYS_PER_WEEK)
    usual = np.zeros((DAYS_PER_WEEK, HOURS_PER_DAY))
    for d in range(DAYS_PER_WEEK):
        if keep[:, d].any():
            usual[d] = good_weeks[keep[:, d], d].mean(axis=0)
    cleaned = good_weeks.copy()
    for w, d in zip(*np.nonzero(~keep), strict=True):
        cleaned[w, d] = usual[d]
    start = (day0 + np.timedelta64(n_weeks * DAYS_PER_WEEK, "D")).astype(object)
    return cleaned.reshape(n_weeks, HOURS_PER_WEEK), raw, flags, start, outliers


def forecast_export(
    export: Export, *, weeks: int, rng: np.random.Generator, average_weeks: int
) -> Forecast:
    cleaned, raw, flags, start, outliers = hourly_history(export)
    return forecast_history(
        cleaned,
        weeks=weeks,
        start=start,
        rng=rng,
        average_weeks=average_weeks,
        raw=raw,
        flagged_days=flags,
        outliers=outliers,
    )


def forecast_profile(profile: Profile, *, weeks: int, start: date) -> Forecast:
    """The profile's own week, repeated, with the Poisson spread as interval."""
    rate = profile.volume.weights() * profile.volume.mentions_per_week
    tail = (1.0 - PI_LEVEL) / 2
    hours = np.column_stack(
        [rate, stats.poisson.ppf(tail, rate), stats.poisson.ppf(1 - tail, rate)]
    )
    total = float(rate.sum())
    week_row = [total, stats.poisson.ppf(tail, total), stats.poisson.ppf(1 - tail, total)]
    method = MethodForecast(
        "profile",
        f"Profiel {profile.name} (geen geschiedenis)",
        np.tile(week_row, (weeks, 1)),
        np.tile(hours, (weeks, 1)),
        None,
    )
    return Forecast(start, weeks, 0, 0, (), (method,), None)


def next_monday(today: date) -> date:
    return today + timedelta(days=(DAYS_PER_WEEK - today.weekday()) % DAYS_PER_WEEK or 7)


__all__ = [
    "DEFAULT_AVERAGE_WEEKS",
    "PI_LEVEL",
    "Forecast",
    "ForecastError",
    "MethodForecast",
    "average_forecast",
    "forecast_export",
    "forecast_history",
    "forecast_profile",
    "next_monday",
    "smoothing_forecast",
]
