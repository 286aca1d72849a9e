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

from datafiles import DataFileError
from sim import spec

ORGS_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "orgs"
SHARE_TOLERANCE = 0.001  # shares must sum to 1 within this
MAX_MENTIONS_PER_WEEK = 1_000_000  # far above KLM scale (tens of thousands a week)
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
