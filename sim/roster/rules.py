"""Labour rules for a roster: what a Dutch team lead checks before a schedule goes on the wall.

A roster of people is only usable if every person's line of shifts keeps the law and the
collective agreement. The defaults follow the Arbeidstijdenwet (the Dutch Working Hours Act) and
common practice in Dutch customer-service teams:

- at least ``min_rest_h`` (11) hours of uninterrupted rest between two shifts;
- at most ``max_days_in_row`` days with a shift in a row (5; some agreements allow 6);
- a share of weekends fully off (Saturday and Sunday together, ``free_weekends_share``): a
  weekend only counts as free when no shift touches it, not even a Friday night shift running
  into Saturday morning;
- at most ``max_nights_in_row`` night shifts in a row (the law allows 5), and after a series of
  ``night_series_for_long_rest`` (3) or more nights at least ``rest_after_nights_h`` (46) hours
  off. A night shift is, as in the law, one with more than an hour of work between 00:00 and
  06:00;
- contracts of 24, 32 or 36 hours a week; over the cycle a person's average week stays within
  ``contract_band_h`` hours of the contract, and no single week goes over ``max_hours_per_week``.

The rules are a typed, frozen pydantic model, so a rules file (``--rules``) or, later, a
``roster:`` section of an organisation profile is validated field by field with a message that
names the field, the value and what was expected.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from datafiles import DataFileError, load_yaml, read_text

MIN_REST_H = 11.0  # Arbeidstijdenwet: 11 hours uninterrupted rest in every 24 hours
MAX_DAYS_IN_ROW = 5
FREE_WEEKENDS_SHARE = 0.5  # every other weekend off
MAX_NIGHTS_IN_ROW = 5  # Arbeidstijdenwet: at most 5 night shifts in a row (standard rule)
REST_AFTER_NIGHTS_H = 46.0  # Arbeidstijdenwet: 46 hours off after a series of 3 or more nights
NIGHT_SERIES_FOR_LONG_REST = 3
CONTRACTS_H: tuple[int, ...] = (24, 32, 36)
CONTRACT_BAND_H = 2.0  # a person's average week may be this many hours over or under contract
MAX_HOURS_PER_WEEK = 48.0  # Arbeidstijdenwet allows 60 in one week; 48 keeps weeks humane
NIGHT_WORK_MIN = 60  # a shift with more than this many minutes between 00:00 and 06:00 is a night

Objective = Literal["heads", "cost"]
OBJECTIVE_WORDS: dict[str, Objective] = {
    "heads": "heads",
    "koppen": "heads",
    "mensen": "heads",
    "cost": "cost",
    "kosten": "cost",
}


WEEKDAY_WORDS: dict[str, int] = {
    **{w: i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{w: i for i, w in enumerate(("ma", "di", "wo", "do", "vr", "za", "zo"))},
    **{
        w: i
        for i, w in enumerate(
            ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
        )
    },
}
WEEKDAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MAX_WISH_PEOPLE = 50


class Wish(BaseModel):
    """What some people in the team need from their line: no night shifts (a student, a
    parent), or a fixed day off every week. ``people`` says for how many it holds; they are
    real team members, so the roster always includes them."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    people: int = Field(default=1, ge=1, le=MAX_WISH_PEOPLE)
    no_nights: bool = False
    day_off: int | None = Field(default=None, ge=0, le=6)  # 0 = Monday

    @field_validator("day_off", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        if isinstance(value, str):
            key = value.strip().lower()
            if key not in WEEKDAY_WORDS:
                raise ValueError(f"dag {value!r}; verwacht een weekdag zoals woensdag of wed")
            return WEEKDAY_WORDS[key]
        return value

    def describe(self) -> str:
        parts = []
        if self.no_nights:
            parts.append("geen nachten")
        if self.day_off is not None:
            parts.append(f"vrij op {WEEKDAY_NAMES[self.day_off]}")
        return ", ".join(parts) or "geen wens"


class RulesError(ValueError):
    """Rules that cannot be used, with one Dutch message a manager can act on."""


class RosterRules(BaseModel):
    """The labour rules one roster must keep; see the module docstring."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    min_rest_h: float = Field(default=MIN_REST_H, ge=0, le=48)
    max_days_in_row: int = Field(default=MAX_DAYS_IN_ROW, ge=1, le=7)
    free_weekends_share: float = Field(default=FREE_WEEKENDS_SHARE, ge=0, le=1)
    max_nights_in_row: int = Field(default=MAX_NIGHTS_IN_ROW, ge=0, le=7)
    rest_after_nights_h: float = Field(default=REST_AFTER_NIGHTS_H, ge=0, le=96)
    night_series_for_long_rest: int = Field(default=NIGHT_SERIES_FOR_LONG_REST, ge=1, le=7)
    contracts_h: tuple[int, ...] = Field(default=CONTRACTS_H, min_length=1)
    contract_band_h: float = Field(default=CONTRACT_BAND_H, ge=0, le=40)
    max_hours_per_week: float = Field(default=MAX_HOURS_PER_WEEK, gt=0, le=168)
    objective: Objective = "heads"
    wishes: tuple[Wish, ...] = ()

    @field_validator("contracts_h")
    @classmethod
    def _contracts(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for hours in value:
            if not 1 <= hours <= 60:
                raise ValueError(f"contract van {hours} uur; verwacht 1 tot en met 60 uur per week")
        return tuple(sorted(set(value)))

    @field_validator("objective", mode="before")
    @classmethod
    def _objective(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in OBJECTIVE_WORDS:
            return OBJECTIVE_WORDS[value.strip().lower()]
        return value

    def free_weekends(self, weeks: int) -> int:
        """Weekends a person must have fully off in a cycle of ``weeks`` weeks."""
        return math.ceil(self.free_weekends_share * weeks - 1e-9)

    def wish_per_person(self) -> list[Wish]:
        """One entry per person who has a wish, in the order of ``wishes``."""
        return [wish for wish in self.wishes for _ in range(wish.people)]

    def describe(self) -> list[str]:
        """The rules as short Dutch lines for the terminal and the HTML page."""
        contracts = "/".join(str(c) for c in self.contracts_h)
        wishes = [
            f"{w.people} {'medewerker' if w.people == 1 else 'medewerkers'}: {w.describe()}"
            for w in self.wishes
        ]
        general = [
            f"minstens {_h(self.min_rest_h)} uur rust tussen twee diensten (Arbeidstijdenwet)",
            f"hoogstens {self.max_days_in_row} dagen achter elkaar werken",
            f"minstens {self.free_weekends_share:.0%} van de weekenden helemaal vrij "
            "(zaterdag en zondag samen)".replace(".", ","),
            f"hoogstens {self.max_nights_in_row} nachtdiensten achter elkaar; na "
            f"{self.night_series_for_long_rest} of meer nachten {_h(self.rest_after_nights_h)} "
            "uur rust",
            f"contracten van {contracts} uur; gemiddeld binnen ±{_h(self.contract_band_h)} uur "
            f"van het contract, hoogstens {_h(self.max_hours_per_week)} uur in één week",
        ]
        return [*wishes, *general]


def _h(hours: float) -> str:
    return f"{hours:g}".replace(".", ",")


FIELD_LABELS = {
    "min_rest_h": "rust tussen diensten in uren",
    "max_days_in_row": "dagen achter elkaar",
    "free_weekends_share": "aandeel vrije weekenden (0 tot 1)",
    "max_nights_in_row": "nachtdiensten achter elkaar",
    "rest_after_nights_h": "rust na een reeks nachten in uren",
    "night_series_for_long_rest": "nachten in een reeks voor de lange rust",
    "contracts_h": "contracturen per week",
    "contract_band_h": "marge rond de contracturen in uren",
    "max_hours_per_week": "uren in één week",
    "objective": "doel: heads/koppen of cost/kosten",
    "wishes": "wensen: een lijst met people, no_nights (true/false) en day_off (een weekdag)",
}


def parse_rules(data: Any, source: str = "<regels>", **overrides: Any) -> RosterRules:
    """Rules from a mapping (a rules file or a profile's ``roster:`` section) plus overrides."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RulesError(
            f"Roosterregels {source}: verwacht een lijst van regels (sleutel: waarde), "
            f"kreeg {type(data).__name__}"
        )
    merged = {**data, **{k: v for k, v in overrides.items() if v is not None}}
    try:
        return RosterRules(**merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(geheel)"
        key = str(err["loc"][0]) if err["loc"] else ""
        if err["type"] == "extra_forbidden":
            known = ", ".join(FIELD_LABELS)
            raise RulesError(
                f"Roosterregels {source}, veld `{field}`: onbekende regel; bekend zijn: {known}"
            ) from None
        expected = FIELD_LABELS.get(key, "")
        message = str(err.get("msg", "")).removeprefix("Value error, ")
        raise RulesError(
            f"Roosterregels {source}, veld `{field}`: waarde {err.get('input')!r} kan niet "
            f"({message}); verwacht {expected}"
        ) from None


MAX_RULES_BYTES = 1_000_000  # 1 MB; a rules file is a few lines


def load_rules(path: str | Path, **overrides: Any) -> RosterRules:
    """Rules from a YAML file; a missing file or bad YAML is a ``RulesError``."""
    file = Path(path)
    # The one reader (any editor's encoding, size and nesting limits, no alias bombs).
    try:
        data = load_yaml(read_text(file, max_bytes=MAX_RULES_BYTES).text, file)
    except DataFileError as exc:
        raise RulesError(
            f"Roosterregels {file}: {exc.message}; verwacht regels als `max_days_in_row: 5`"
        ) from None
    if isinstance(data, dict) and isinstance(data.get("roster"), dict):
        data = data["roster"]  # a whole profile-like file with a roster: section
    return parse_rules(data, str(file), **overrides)


__all__ = [
    "CONTRACTS_H",
    "NIGHT_WORK_MIN",
    "RosterRules",
    "RulesError",
    "Wish",
    "load_rules",
    "parse_rules",
]
