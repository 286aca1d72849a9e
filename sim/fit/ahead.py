"""A profile for one forecast week, so ``run``, ``compare`` and ``size`` answer for the weeks ahead.

A forecast says how many conversations the coming weeks will bring and when in the week. The
simulation answers questions about a profile; this module writes the profile of one forecast
week: everything from a given profile (a shipped one or the one ``fit`` wrote), with its
``volume`` replaced by the forecast of that week (the expected conversations per week and the
168 hour-of-week weights of the chosen method), and a ``sources`` note saying which method,
which week and how large the method's backtest error was. Planning for a busy week then is:
forecast, write that week's profile, size it.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import numpy as np
import yaml

from datafiles import DataFileError, load_yaml, read_text
from sim.fit.forecast import Forecast, MethodForecast
from sim.fit.write import dutch_date
from sim.nl import number
from sim.profile import Profile, ProfileError, parse_profile, resolve_profile
from sim.profile.load import MAX_PROFILE_BYTES

HOURS_PER_WEEK = 168
WEIGHT_DECIMALS = 4  # hour weights with mean 1: four decimals keep quiet night hours apart


class AheadError(ValueError):
    """A forecast week or method that does not exist (Dutch message)."""


def pick_method(forecast: Forecast, key: str | None) -> MethodForecast:
    """The method named ``key`` ("average", "smoothing", ...), or the one with the smallest
    backtest error."""
    if key is None:
        return forecast.best()
    for method in forecast.methods:
        if method.key == key:
            return method
    known = ", ".join(m.key for m in forecast.methods)
    raise AheadError(f"Methode {key!r} bestaat niet in deze voorspelling; kies uit: {known}")


def week_profile_data(
    base_data: dict[str, Any], forecast: Forecast, *, week: int, method: MethodForecast
) -> dict[str, Any]:
    """``base_data`` (a profile as YAML data) with the volume of forecast week ``week``
    (1 = the first forecast week)."""
    if not 1 <= week <= forecast.weeks:
        raise AheadError(
            f"Week {week} ligt buiten de voorspelling; verwacht 1 tot en met {forecast.weeks}"
        )
    hourly = method.hourly[(week - 1) * HOURS_PER_WEEK : week * HOURS_PER_WEEK, 0]
    total = float(hourly.sum())
    if not total > 0:
        raise AheadError(f"Week {week}: de voorspelling verwacht geen gesprekken")
    monday = forecast.start + timedelta(days=7 * (week - 1))
    weights = hourly / hourly.mean()
    error = (
        f", backtestfout {number(method.backtest_mape * 100, 1)}%"
        if method.backtest_mape is not None
        else ""
    )
    data = copy.deepcopy(base_data)
    data["volume"] = {
        "mentions_per_week": round(total, 1),
        "weekly_weights": [round(float(w), WEIGHT_DECIMALS) for w in np.maximum(weights, 0)],
        "sources": [
            f"Voorspeld voor de week van {dutch_date(monday)} met {method.label}{error}: "
            f"{number(total, 0)} gesprekken (interval {number(method.weekly[week - 1, 1], 0)}"
            f"–{number(method.weekly[week - 1, 2], 0)})"
        ],
    }
    return data


def week_profile(
    base: str, forecast: Forecast, *, week: int, method_key: str | None, name: str | None = None
) -> tuple[Profile, str]:
    """The profile ``base`` (a shipped name or a .yaml path) for forecast week ``week``,
    validated by the normal loader, and its YAML text."""
    path = resolve_profile(base)
    try:  # the one reader for data files: encoding, size and nesting checked
        raw = load_yaml(read_text(path, max_bytes=MAX_PROFILE_BYTES).text, path)
    except DataFileError as exc:
        raise ProfileError(exc.file, exc.message, path=exc.path, value=exc.value) from None
    if not isinstance(raw, dict):
        raise ProfileError(path, "verwacht een profiel met velden als name, volume, channels")
    return week_profile_from_data(
        raw, path.name, forecast, week=week, method_key=method_key, name=name
    )


def week_profile_from_data(
    raw: dict[str, Any],
    origin: str,
    forecast: Forecast,
    *,
    week: int,
    method_key: str | None,
    name: str | None = None,
) -> tuple[Profile, str]:
    """As ``week_profile`` for profile data already read (``origin`` names it in the header)."""
    method = pick_method(forecast, method_key)
    data = week_profile_data(raw, forecast, week=week, method=method)
    monday = forecast.start + timedelta(days=7 * (week - 1))
    stem = str(raw.get("name") or "profiel")
    data["name"] = name or f"{stem}-week-{monday.isoformat()}"
    data["title"] = f"{raw.get('title') or stem}, week van {dutch_date(monday)}"
    profile = parse_profile(data, f"<voorspeld profiel {data['name']}>")
    header = (
        f"# Organisatieprofiel {data['name']}: {origin} met het volume van de voorspelde "
        f"week van {dutch_date(monday)} ({method.label}).\n\n"
    )
    text = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    return profile, header + text


__all__ = [
    "AheadError",
    "pick_method",
    "week_profile",
    "week_profile_data",
    "week_profile_from_data",
]
