"""The vocabulary of a profile: its constants, its error, and the small field types.

Managers write times as "09:00", durations as "60min" or "4h", shares as "90%" or 0.9 and days
as "mon-fri"; the annotated types here accept those spellings and give a Dutch reason when a
value does not fit. ``ProfileError`` is the one error a broken profile raises.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticUndefined

from datafiles import DataFileError
from sim import spec

ORGS_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "orgs"
SHARE_TOLERANCE = 0.001  # shares must sum to 1 within this
MAX_MENTIONS_PER_WEEK = 1_000_000  # far above KLM scale (tens of thousands a week)

# --- plausible ranges, with units ---------------------------------------------------------------
# Every number a manager writes has a range a real webcare team stays well inside. A value outside
# is a typo or a wrong unit (hours typed as minutes, a share as a percentage) and would give
# absurd figures (16 billion fte) or a run that never ends, so the schema refuses it and the
# message states the range. The bounds are generous: ten times what the largest Dutch team
# (KLM, reference.md) needs.
MAX_WEIGHT = 1_000_000.0  # relative arrival weight of a day or hour (only ratios count)
MIN_DURATION_MEAN_MIN = 0.1  # minutes (6 seconds): the shortest mean handling or delay
MAX_DURATION_MEAN_MIN = 7 * 24 * 60.0  # minutes (one week): back-office work, customer delay
MAX_HANDLING_MEAN_MIN = 8 * 60.0  # minutes: one message handled for a whole working day at most
MAX_CV = 10.0  # coefficient of variation of a duration (a lognormal with cv 10 is extreme)
MAX_REPLY_CHARS = 100_000  # characters in one reply
MAX_MEAN_TURNS = 50.0  # messages per conversation (a long chat has ten or so)
MAX_FOLLOWERS = 1_000_000_000.0  # followers of one author (the largest accounts have ~600 million)
MAX_MEDIAN_FOLLOWERS = 1_000_000.0  # followers of the typical (median) author
MAX_REACH_SIGMA = 5.0  # spread of log(followers)
MAX_AGENTS = 1_000  # agents on one shift (KLM staffs about 250 in all)
MAX_PRIORITY = 1_000  # priority numbers run 0 (first) to this
MAX_SLA_WITHIN_MIN = 30 * 24 * 60.0  # minutes (thirty days): the longest SLA limit
MAX_INCIDENT_WEEK = 520  # simulated week of an incident (a run lasts ten years at most)
MAX_INCIDENT_MIN = 7 * 24 * 60.0  # minutes (one week): the longest incident
MAX_INCIDENT_MULTIPLIER = 100.0  # volume × this during an incident, overlapping ones multiplied
MAX_HOURLY_EUR = 1_000.0  # euro per agent hour, employer costs included
MAX_PREMIUM = 5.0  # night or weekend premium as a fraction (5 = +500%)
MAX_SHRINKAGE = 0.9  # share of paid hours not spent online (breaks, training, meetings)
MIN_FTE_HOURS = 8.0  # hours per week of one full-time equivalent
MAX_FTE_HOURS = 60.0  # the Dutch working-time law's weekly maximum
# Lists and texts: longer is a pasted document or a generated file, never a real profile.
MAX_COVERAGES = 50
MAX_SHIFTS = 200  # shifts in one coverage model
MAX_SLA_TARGETS = 20
MAX_PRIORITY_RULES = 100
MAX_INCIDENTS = 100
MAX_WINDOWS_PER_DAY = 24  # business-hours windows on one weekday
MAX_NAME_CHARS = 100  # a profile, coverage, shift or SLA name
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 5_000


def _range_text(low: float, high: float, unit: str, low_open: bool) -> str:
    def nl(x: float) -> str:
        text = f"{x:,.10g}" if abs(x) < 1e15 else f"{x:g}"
        return text.replace(",", "_").replace(".", ",").replace("_", ".")

    lowest = f"meer dan {nl(low)}" if low_open else f"{nl(low)}"
    return f"{lowest} tot en met {nl(high)} {unit}".rstrip()


def span(
    low: float,
    high: float,
    unit: str,
    *,
    default: Any = PydanticUndefined,
    low_open: bool = False,
) -> Any:
    """A number field from ``low`` to ``high`` (``low`` itself excluded if ``low_open``), with
    the range and its unit in the field's description, which error messages quote."""
    description = _range_text(low, high, unit, low_open)
    if low_open:
        return Field(default, gt=low, le=high, description=description)
    return Field(default, ge=low, le=high, description=description)


WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHANNEL_NAMES: tuple[str, ...] = ("x", "facebook", "instagram", "whatsapp", "messenger", "reviews")
KIND_NAMES: tuple[str, ...] = ("question", "complaint", "compliment", "suggestion")

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ChannelName = Literal["x", "facebook", "instagram", "whatsapp", "messenger", "reviews"]
KindName = Literal["question", "complaint", "compliment", "suggestion"]


class ProfileError(DataFileError):
    """A profile that cannot be used, with one message a manager can act on: "Profiel <file>,
    veld `<path>`: <message>" (file, path, value and expected are kept as attributes)."""

    label = "Profiel"


# --- small parsers used as pydantic validators ------------------------------------------------

_TIME_RE = re.compile(r"^(\d{2}):(\d{2})$")
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(min|m|h|u|d)\s*$")
_DURATION_UNIT_MIN = {"min": 1.0, "m": 1.0, "h": 60.0, "u": 60.0, "d": 1440.0}


def _parse_time(value: str) -> str:
    """Check "HH:MM" (00:00..24:00) and return it unchanged; ``minutes_of`` converts."""
    match = _TIME_RE.match(value)
    if match is None:
        raise ValueError("verwacht een tijd als UU:MM, bijvoorbeeld 09:00 of 24:00")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes != 0):
        raise ValueError("verwacht een tijd tussen 00:00 en 24:00")
    return value


def minutes_of(time: str) -> int:
    """Minutes after midnight of a validated "HH:MM"."""
    hours, minutes = time.split(":")
    return int(hours) * spec.MINUTES_PER_HOUR + int(minutes)


def _parse_duration(value: Any) -> float:
    """ "60min", "24h", "1d" or a bare number of minutes, to minutes."""
    if isinstance(value, bool):
        raise ValueError('verwacht een duur zoals "60min", "4h" of "1d"')
    if isinstance(value, int | float):
        minutes = float(value)
    else:
        match = _DURATION_RE.match(str(value))
        if match is None:
            raise ValueError('verwacht een duur zoals "60min", "4h" of "1d"')
        minutes = float(match.group(1)) * _DURATION_UNIT_MIN[match.group(2)]
    if not minutes > 0:
        raise ValueError("verwacht een duur groter dan 0")
    return minutes


def _parse_fraction(value: Any) -> Any:
    """Allow "90%" next to 0.9."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1]) / 100.0
        except ValueError:
            raise ValueError('verwacht een percentage zoals "90%" of een getal zoals 0.9') from None
    return value


def _expand_days(value: Any) -> Any:
    """Allow "mon-fri", "sat-sun" or "mon" next to a list of days."""
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    if "-" in text:
        first, _, last = text.partition("-")
        if first not in WEEKDAYS or last not in WEEKDAYS:
            raise ValueError(
                "verwacht dagen als lijst of reeks zoals mon-fri, met dagen uit "
                + ", ".join(WEEKDAYS)
            )
        i, j = WEEKDAYS.index(first), WEEKDAYS.index(last)
        if j < i:
            raise ValueError("verwacht een reeks van vroeg naar laat in de week, zoals mon-fri")
        return list(WEEKDAYS[i : j + 1])
    return [text]


Time = Annotated[str, AfterValidator(_parse_time)]
Minutes = Annotated[float, BeforeValidator(_parse_duration)]
Share = Annotated[float, BeforeValidator(_parse_fraction), Field(ge=0.0, le=1.0)]
Sources = str | list[str] | None


def _parse_window(value: str) -> tuple[int, int]:
    start, sep, end = value.partition("-")
    if not sep:
        raise ValueError('verwacht een tijdvak als "09:00-17:00"')
    start_min = minutes_of(_parse_time(start.strip()))
    end_min = minutes_of(_parse_time(end.strip()))
    if end_min == start_min:
        raise ValueError(
            "begin- en eindtijd zijn gelijk; verwacht bijvoorbeeld 09:00-17:00 of, door "
            "middernacht heen, 22:00-06:00"
        )
    if end_min < start_min:
        end_min += spec.MINUTES_PER_DAY  # through midnight: "22:00-06:00" ends the next morning
    return start_min, end_min


def _check_window(value: str) -> str:
    _parse_window(value)
    return value


Window = Annotated[str, AfterValidator(_check_window)]
