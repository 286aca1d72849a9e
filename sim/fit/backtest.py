"""Backtest: how far the model is from this organisation's own reality, week by week.

A fitted profile says how many mentions arrive and when; its coverage model says which rota was
worked. The backtest takes the export's complete weeks (Monday to Sunday), simulates each of them
with that week's own number of conversations on the profile's rota, and puts the simulated first
response (median, 90% within, attainment of the first-response target) beside what the export
says really happened.

How to read the gap: a model that answers much faster than reality usually misses work the team
does besides webcare (meetings, phone, e-mail: raise shrinkage or handling time) or a rota that
was thinner than the coverage model says; a model that is much slower usually has a handling time
that is too long or misses agents who helped out. A gap that changes from week to week while
the volume does not points at things the model does not know (holidays worked short-staffed,
incidents); a gap that is the same every week is a parameter to adjust.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from sim.experiment import replicate
from sim.fit.estimate import _attainment, first_rows
from sim.fit.read import Export
from sim.plan import RunPlan
from sim.profile import Profile
from sim.targets import describe

DAYS_PER_WEEK = 7
MAX_BACKTEST_WEEKS = 26  # half a year of weekly runs keeps the command well under a minute
WARMUP_WEEKS = 0.5  # each simulated week starts from an empty queue half a week earlier


class BacktestError(ValueError):
    """An export or profile the backtest cannot use (Dutch message)."""


@dataclass(frozen=True)
class WeekComparison:
    """One week of the export beside the same week simulated (model figures are means over
    the replications; ``None`` where the export lacks the column)."""

    monday: date
    mentions: int
    actual_p50_min: float | None
    actual_p90_min: float | None
    actual_attained: float | None
    model_p50_min: float
    model_p90_min: float
    model_attained: float | None


@dataclass(frozen=True)
class Backtest:
    profile: str
    coverage: str
    target: str | None  # name of the first-response target compared, if the profile has one
    target_text: str | None  # that target in Dutch words
    replications: int
    weeks: tuple[WeekComparison, ...]

    def mean_gap(self, field: str) -> float | None:
        """Mean of model minus actual over the weeks that have both (minutes or a share)."""
        gaps = [
            getattr(w, f"model_{field}") - getattr(w, f"actual_{field}")
            for w in self.weeks
            if getattr(w, f"actual_{field}") is not None
            and getattr(w, f"model_{field}") is not None
        ]
        return float(np.mean(gaps)) if gaps else None


def complete_weeks(export: Export) -> list[tuple[date, np.ndarray]]:
    """The export's Monday-to-Sunday weeks with every day inside the export: (Monday, indices
    of the conversations' first messages that week)."""
    first = first_rows(export)
    days = export.created[first].astype("datetime64[D]")
    if days.size == 0:
        return []
    # 1970-01-01 was a Thursday: day number + 3 counts from a Monday
    day_numbers = days.astype(np.int64)
    week_of = (day_numbers + 3) // DAYS_PER_WEEK
    first_full = week_of[0] + (0 if (day_numbers[0] + 3) % DAYS_PER_WEEK == 0 else 1)
    last_full = week_of[-1] - (0 if (day_numbers[-1] + 3) % DAYS_PER_WEEK == 6 else 1)
    out: list[tuple[date, np.ndarray]] = []
    for week in range(int(first_full), int(last_full) + 1):
        chosen = first[week_of == week]
        monday = np.datetime64(int(week * DAYS_PER_WEEK - 3), "D").astype(object)
        out.append((monday, chosen))
    return out


def _percentile(values: np.ndarray, q: float) -> float | None:
    finite = values[np.isfinite(values)]
    return float(np.percentile(finite, q)) if finite.size else None


def backtest(
    export: Export,
    profile: Profile,
    *,
    coverage: str | None = None,
    replications: int = 3,
    seed: int = 1,
    max_weeks: int = MAX_BACKTEST_WEEKS,
) -> Backtest:
    """Simulate the export's last ``max_weeks`` complete weeks on ``profile``'s rota."""
    cov = coverage or profile.current_coverage
    if cov not in profile.coverages:
        raise BacktestError(
            f"Profiel {profile.name}: onbekend dekkingsmodel {cov!r}; kies uit: "
            f"{', '.join(profile.coverages)}"
        )
    weeks = complete_weeks(export)[-max_weeks:]
    if not weeks:
        raise BacktestError(
            f"Export {export.file}: geen volle week (maandag t/m zondag); verwacht minstens één"
        )
    targets = [t for t in profile.compile(cov).sla_targets if t.metric == "first_response"]
    target = targets[0] if targets else None
    base_volume = profile.volume.mentions_per_week
    rows: list[WeekComparison] = []
    for i, (monday, chosen) in enumerate(weeks):
        waited = (
            export.first_response_min[chosen]
            if export.first_response_min is not None
            else np.array([])
        )
        actual_attained = None
        if target is not None and waited.size:
            reached = [a for a in _attainment(export, chosen, profile) if a.name == target.name]
            actual_attained = reached[0].attained if reached else None
        week_profile = profile.scaled(volume=max(chosen.size, 1) / base_volume)
        plan = RunPlan(weeks=1, warmup_weeks=WARMUP_WEEKS, replications=replications, seed=seed + i)
        runs = replicate(week_profile.compile(cov), plan)
        attained = (
            [r.get(f"sla_{target.name}_attainment", math.nan) for r in runs]
            if target is not None
            else []
        )
        model_attained = float(np.nanmean(attained)) if attained else None
        rows.append(
            WeekComparison(
                monday=monday,
                mentions=int(chosen.size),
                actual_p50_min=_percentile(waited, 50),
                actual_p90_min=_percentile(waited, 90),
                actual_attained=actual_attained,
                model_p50_min=float(np.nanmean([r["first_response_p50_min"] for r in runs])),
                model_p90_min=float(np.nanmean([r["first_response_p90_min"] for r in runs])),
                model_attained=model_attained,
            )
        )
    return Backtest(
        profile=profile.name,
        coverage=cov,
        target=target.name if target is not None else None,
        target_text=describe(target) if target is not None else None,
        replications=replications,
        weeks=tuple(rows),
    )


__all__ = ["Backtest", "BacktestError", "WeekComparison", "backtest", "complete_weeks"]
