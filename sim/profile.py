"""Organisation profiles: the YAML file a manager copies and edits, validated and compiled.

A profile describes one organisation's webcare: how many mentions arrive in a week and when, on
which channels, what kind they are, how long an answer takes, which staffing plans ("coverage
models") it could run, which service levels it promises and what an agent hour costs. Each section
carries a ``sources:`` note saying where its figures come from.

``load_profile`` turns a file into a validated ``Profile``; anything wrong in the file becomes one
``ProfileError`` naming the file, the field path, the bad value and what was expected (in Dutch,
because managers read it). ``Profile.compile(coverage)`` turns the profile plus one coverage model
into the engine's ``sim.spec.ModelSpec``. Helpers make what-if variants (``scaled``,
``with_agents``) without touching the file, and a small registry finds the profiles shipped in
``scenarios/orgs`` by short name.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import numpy as np
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from sim import spec

ORGS_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "orgs"
SHARE_TOLERANCE = 0.001  # shares must sum to 1 within this
MAX_MENTIONS_PER_WEEK = 1_000_000  # far above KLM scale (tens of thousands a week)
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHANNEL_NAMES: tuple[str, ...] = ("x", "facebook", "instagram", "whatsapp", "messenger", "reviews")
KIND_NAMES: tuple[str, ...] = ("question", "complaint", "compliment", "suggestion")

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ChannelName = Literal["x", "facebook", "instagram", "whatsapp", "messenger", "reviews"]
KindName = Literal["question", "complaint", "compliment", "suggestion"]


class ProfileError(Exception):
    """A profile that cannot be used, with one message a manager can act on."""

    def __init__(
        self,
        file: str | Path | None,
        message: str,
        *,
        path: str | None = None,
        value: Any = None,
        expected: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.path = path
        self.value = value
        self.expected = expected
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"Profiel {self.file}" if self.file else "Profiel"
        parts = [where]
        if self.path:
            parts.append(f", veld `{self.path}`")
        parts.append(f": {self.message}")
        return "".join(parts)


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
    if end_min <= start_min:
        raise ValueError("eindtijd ligt niet na begintijd; verwacht bijvoorbeeld 09:00-17:00")
    return start_min, end_min


def _check_window(value: str) -> str:
    _parse_window(value)
    return value


Window = Annotated[str, AfterValidator(_check_window)]


# --- schema -----------------------------------------------------------------------------------


class _Model(BaseModel):
    # allow_inf_nan=False: a YAML .inf or .nan is never a usable volume, time or share.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class DurationModel(_Model):
    kind: spec.DistributionKind = "lognormal"
    mean_min: float = Field(gt=0)
    cv: float = Field(default=1.0, ge=0)

    def to_spec(self, factor: float = 1.0) -> spec.Duration:
        return spec.Duration(self.kind, self.mean_min * factor, self.cv)


class DayWeights(_Model):
    mon: float = Field(ge=0)
    tue: float = Field(ge=0)
    wed: float = Field(ge=0)
    thu: float = Field(ge=0)
    fri: float = Field(ge=0)
    sat: float = Field(ge=0)
    sun: float = Field(ge=0)


class Volume(_Model):
    """Mentions per week, and when they arrive: 168 weights, or day weights × hour weights."""

    mentions_per_week: float = Field(gt=0, le=MAX_MENTIONS_PER_WEEK)
    weekly_weights: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None, min_length=spec.HOURS_PER_WEEK, max_length=spec.HOURS_PER_WEEK
    )
    day_weights: DayWeights | None = None
    hour_weights: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None, min_length=24, max_length=24
    )
    sources: Sources = None

    def weights(self) -> np.ndarray:
        """168 weights over the hours of the week, summing to 1."""
        if self.weekly_weights is not None:
            raw = np.asarray(self.weekly_weights, dtype=float)
        else:
            days = (
                np.ones(7)
                if self.day_weights is None
                else np.asarray([getattr(self.day_weights, d) for d in WEEKDAYS], dtype=float)
            )
            hours = np.ones(24) if self.hour_weights is None else np.asarray(self.hour_weights)
            raw = np.outer(days, hours).ravel()
        return raw / raw.sum()


class Channel(_Model):
    share: Share
    public: bool
    handling: DurationModel
    no_reply_share: Share = 0.0
    max_reply_chars: int | None = Field(default=None, gt=0)
    sources: Sources = None


class Kind(_Model):
    share: Share
    backoffice_share: Share = 0.0
    sources: Sources = None


class Conversation(_Model):
    mean_turns: float = Field(default=1.0, ge=1.0)
    customer_delay: DurationModel = DurationModel(kind="exponential", mean_min=30.0)
    private_share: Share = 0.0
    sources: Sources = None


class Reach(_Model):
    median_followers: float = Field(default=300.0, gt=0)
    sigma: float = Field(default=1.5, ge=0)
    high_reach_followers: float = Field(default=10_000.0, gt=0)
    sources: Sources = None


class Shift(_Model):
    """Agents on duty on the given days from start to end; an end before the start runs past
    midnight into the next day."""

    name: str | None = None
    days: Annotated[list[Weekday], BeforeValidator(_expand_days), Field(min_length=1)]
    start: Time
    end: Time
    agents: int = Field(ge=0)


class Coverage(_Model):
    description: str = ""
    shifts: list[Shift] = Field(min_length=1)
    sources: Sources = None


class Sla(_Model):
    name: str = Field(min_length=1)
    metric: Literal["first_response", "resolution"]
    within: Minutes
    goal: Share
    clock: Literal["calendar", "business"] = "calendar"
    sources: Sources = None


class WeekHours(_Model):
    """Windows per weekday, e.g. ``mon: ["09:00-12:30", "13:30-17:00"]`` (split windows allowed)."""

    mon: list[Window] = []
    tue: list[Window] = []
    wed: list[Window] = []
    thu: list[Window] = []
    fri: list[Window] = []
    sat: list[Window] = []
    sun: list[Window] = []
    sources: Sources = None

    def to_weekly(self) -> spec.Weekly:
        windows: list[tuple[int, int]] = []
        for day_index, day in enumerate(WEEKDAYS):
            offset = day_index * spec.MINUTES_PER_DAY
            for text in getattr(self, day):
                start, end = _parse_window(text)
                windows.append((offset + start, offset + end))
        windows.sort()
        merged: list[tuple[int, int]] = []
        for start, end in windows:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return spec.Weekly(tuple(merged))


class BackOffice(_Model):
    work: DurationModel
    hours: WeekHours | None = None  # default: the profile's business hours
    sources: Sources = None


class Priority(_Model):
    priority: int
    kind: KindName | None = None
    public: bool | None = None
    high_reach: bool | None = None
    channel: ChannelName | None = None
    sources: Sources = None


class IncidentModel(_Model):
    """An outage: from ``day`` ``at`` in simulated week ``week`` the volume is multiplied."""

    week: int = Field(default=1, ge=1)
    day: Weekday
    at: Time
    duration: Minutes
    multiplier: float = Field(gt=0)
    complaint_share: Share | None = None
    sources: Sources = None


class Costs(_Model):
    hourly_eur: float = Field(default=40.0, ge=0)
    night_premium: Annotated[float, BeforeValidator(_parse_fraction)] = Field(default=0.0, ge=0)
    weekend_premium: Annotated[float, BeforeValidator(_parse_fraction)] = Field(default=0.0, ge=0)
    night_start_hour: int = Field(default=22, ge=0, le=23)
    night_end_hour: int = Field(default=7, ge=0, le=23)
    shrinkage: Annotated[float, BeforeValidator(_parse_fraction)] = Field(default=0.0, ge=0, lt=1)
    fte_hours_per_week: float = Field(default=36.0, gt=0)
    sources: Sources = None


class Profile(_Model):
    """One organisation's webcare, as validated from its YAML file."""

    name: str = Field(min_length=1)
    title: str = ""
    description: str = ""
    # General notes, or notes per section for sections that are maps (channels, kinds, ...).
    sources: dict[str, str | list[str]] | str | list[str] | None = None
    volume: Volume
    channels: dict[ChannelName, Channel] = Field(min_length=1)
    kinds: dict[KindName, Kind] = Field(min_length=1)
    conversation: Conversation = Conversation()
    patience: DurationModel | None = None
    reach: Reach = Reach()
    coverages: dict[str, Coverage] = Field(min_length=1)
    current_coverage: str
    sla_targets: list[Sla] = []
    business_hours: WeekHours | None = None
    back_office: BackOffice | None = None
    priority_rules: list[Priority] = []
    default_priority: int = 10
    incidents: list[IncidentModel] = []
    costs: Costs = Costs()

    @property
    def coverage_names(self) -> list[str]:
        return list(self.coverages)

    def source_notes(self) -> dict[str, list[str]]:
        """Where the figures come from, per section ("general" for the profile as a whole).

        A section's own ``sources:`` and an entry under the top-level ``sources:`` map both count;
        list-valued sections (coverages, SLA targets) collect the notes of their entries.
        """
        notes: dict[str, list[str]] = {}

        def add(section: str, value: str | list[str] | None) -> None:
            if value:
                notes.setdefault(section, []).extend([value] if isinstance(value, str) else value)

        if isinstance(self.sources, dict):
            for key, value in self.sources.items():
                add(key, value)
        else:
            add("general", self.sources)
        for section in ("volume", "conversation", "reach", "business_hours", "back_office"):
            add(section, getattr(getattr(self, section), "sources", None))
        add("costs", self.costs.sources)
        for key, ch in self.channels.items():
            add("channels", ch.sources and [f"{key}: {n}" for n in _as_list(ch.sources)])
        for key, kind in self.kinds.items():
            add("kinds", kind.sources and [f"{key}: {n}" for n in _as_list(kind.sources)])
        for name, cov in self.coverages.items():
            add("coverages", cov.sources and [f"{name}: {n}" for n in _as_list(cov.sources)])
        for sla in self.sla_targets:
            add("sla_targets", sla.sources and [f"{sla.name}: {n}" for n in _as_list(sla.sources)])
        for rule in self.priority_rules:
            add("priority_rules", rule.sources)
        for incident in self.incidents:
            add("incidents", incident.sources)
        return notes

    def _known_coverage(self, name: str) -> None:
        if name not in self.coverages:
            raise ProfileError(
                None,
                f"onbekend dekkingsmodel {name!r}; bekend zijn: {', '.join(self.coverages)}",
                path="coverages",
                value=name,
            )

    def compile(self, coverage: str | None = None) -> spec.ModelSpec:
        """The engine's model of this organisation under one coverage model (default: current)."""
        name = self.current_coverage if coverage is None else coverage
        self._known_coverage(name)
        weights = self.volume.weights()
        rates = tuple(float(x) for x in weights * self.volume.mentions_per_week)
        business = self.business_hours.to_weekly() if self.business_hours is not None else None
        backoffice = None
        if self.back_office is not None:
            hours = self.back_office.hours or self.business_hours
            assert hours is not None  # guaranteed by _semantic_checks
            backoffice = spec.BackOfficeSpec(self.back_office.work.to_spec(), hours.to_weekly())
        return spec.ModelSpec(
            name=self.name,
            rate_per_hour=rates,
            channels=tuple(
                spec.ChannelSpec(
                    name=key,
                    share=ch.share,
                    public=ch.public,
                    handling=ch.handling.to_spec(),
                    no_reply_share=ch.no_reply_share,
                    max_reply_chars=ch.max_reply_chars,
                )
                for key, ch in self.channels.items()
            ),
            kinds=tuple(
                spec.KindSpec(key, k.share, k.backoffice_share) for key, k in self.kinds.items()
            ),
            rota=rota_of(self.coverages[name].shifts),
            sla_targets=tuple(
                spec.SlaTarget(s.name, s.metric, s.within, s.goal, s.clock)
                for s in self.sla_targets
            ),
            business_hours=business,
            conversation=spec.ConversationSpec(
                mean_turns=self.conversation.mean_turns,
                customer_delay=self.conversation.customer_delay.to_spec(),
                private_share=self.conversation.private_share,
            ),
            reach=spec.ReachSpec(
                self.reach.median_followers, self.reach.sigma, self.reach.high_reach_followers
            ),
            priority_rules=tuple(
                spec.PriorityRule(p.priority, p.kind, p.public, p.high_reach, p.channel)
                for p in self.priority_rules
            ),
            default_priority=self.default_priority,
            incidents=tuple(
                spec.Incident(
                    start_min=float(
                        (i.week - 1) * spec.MINUTES_PER_WEEK
                        + WEEKDAYS.index(i.day) * spec.MINUTES_PER_DAY
                        + minutes_of(i.at)
                    ),
                    duration_min=i.duration,
                    multiplier=i.multiplier,
                    complaint_share=i.complaint_share,
                )
                for i in self.incidents
            ),
            patience=self.patience.to_spec() if self.patience is not None else None,
            backoffice=backoffice,
            cost=spec.CostSpec(
                hourly_eur=self.costs.hourly_eur,
                night_premium=self.costs.night_premium,
                weekend_premium=self.costs.weekend_premium,
                night_start_hour=self.costs.night_start_hour,
                night_end_hour=self.costs.night_end_hour,
                shrinkage=self.costs.shrinkage,
                fte_hours_per_week=self.costs.fte_hours_per_week,
            ),
            coverage_name=name,
        )

    # --- what-if variants ----------------------------------------------------------------

    def scaled(self, *, volume: float = 1.0, handle_time: float = 1.0) -> Profile:
        """A copy with the weekly volume and every channel's mean handling time multiplied."""
        if not (volume > 0 and handle_time > 0):
            raise ValueError("scale factors must be positive")
        new_volume = self.volume.model_copy(
            update={"mentions_per_week": self.volume.mentions_per_week * volume}
        )
        new_channels = {
            key: ch.model_copy(
                update={
                    "handling": ch.handling.model_copy(
                        update={"mean_min": ch.handling.mean_min * handle_time}
                    )
                }
            )
            for key, ch in self.channels.items()
        }
        return self.model_copy(update={"volume": new_volume, "channels": new_channels})

    def with_agents(
        self,
        coverage: str,
        agents_by_shift: Mapping[str, int]
        | Mapping[tuple[str, str], int]
        | Mapping[str | tuple[str, str], int]
        | Sequence[int],
    ) -> Profile:
        """A copy where the named coverage model's shifts have new agent counts.

        ``agents_by_shift`` maps shift names (see ``shift_names``) to agents, or lists agents
        for every shift in order. Shifts not named keep their agents.

        It may also map blocks ``(shift name, weekday)`` (see ``shift_blocks``) to agents: then
        every multi-day shift of the model is split into single-day shifts called
        ``"<shift> <day>"`` (``"vroeg mon"``), each with its block's agents, so Monday can have
        more staff than Friday. Blocks not named keep their shift's agents.
        """
        if isinstance(agents_by_shift, Mapping) and any(
            isinstance(k, tuple) for k in agents_by_shift
        ):
            return self._with_block_agents(coverage, agents_by_shift)
        self._known_coverage(coverage)
        shifts = self.coverages[coverage].shifts
        names = self.shift_names(coverage)
        if isinstance(agents_by_shift, Mapping):
            by_name: Mapping[Any, int] = agents_by_shift
            unknown = [k for k in by_name if k not in names]
            if unknown:
                raise ValueError(f"unknown shifts {unknown}; known: {names}")
            counts = [int(by_name.get(n, s.agents)) for n, s in zip(names, shifts, strict=True)]
        else:
            if len(agents_by_shift) != len(shifts):
                raise ValueError(f"expected {len(shifts)} agent counts, got {len(agents_by_shift)}")
            counts = [int(a) for a in agents_by_shift]
        if any(c < 0 for c in counts):
            raise ValueError("agent counts must be >= 0")
        new_shifts = [
            s.model_copy(update={"agents": c}) for s, c in zip(shifts, counts, strict=True)
        ]
        new_cov = self.coverages[coverage].model_copy(update={"shifts": new_shifts})
        return self.model_copy(update={"coverages": {**self.coverages, coverage: new_cov}})

    def _with_block_agents(self, coverage: str, agents: Mapping[Any, int]) -> Profile:
        self._known_coverage(coverage)
        blocks = self.shift_blocks(coverage)
        names = self.shift_names(coverage)
        unknown = [k for k in agents if k not in blocks and k not in names]
        if unknown:
            raise ValueError(f"unknown shift blocks {unknown}; known: {blocks}")
        if any(int(a) < 0 for a in agents.values()):
            raise ValueError("agent counts must be >= 0")
        new_shifts = []
        for name, shift in zip(names, self.coverages[coverage].shifts, strict=True):
            whole = int(agents.get(name, shift.agents))
            for day in shift.days:
                count = int(agents.get((name, day), whole))
                label = name if len(shift.days) == 1 else f"{name} {day}"
                new_shifts.append(
                    shift.model_copy(update={"name": label, "days": [day], "agents": count})
                )
        new_cov = self.coverages[coverage].model_copy(update={"shifts": new_shifts})
        return self.model_copy(update={"coverages": {**self.coverages, coverage: new_cov}})

    def shift_blocks(self, coverage: str) -> list[tuple[str, str]]:
        """Staffing blocks of a coverage model: ``(shift name, weekday)`` for every day of every
        shift, in the model's order (``("vroeg", "mon")``, ``("vroeg", "tue")``, ...)."""
        names = self.shift_names(coverage)
        shifts = self.coverages[coverage].shifts
        return [(n, str(d)) for n, s in zip(names, shifts, strict=True) for d in s.days]

    def with_coverage(self, name: str, coverage: Coverage) -> Profile:
        """A copy with one coverage model added or replaced (e.g. a custom plan from sizing)."""
        return self.model_copy(update={"coverages": {**self.coverages, name: coverage}})

    def shift_names(self, coverage: str) -> list[str]:
        """Shift names of a coverage model; unnamed shifts are called "shift-1", "shift-2"..."""
        return [s.name or f"shift-{i + 1}" for i, s in enumerate(self.coverages[coverage].shifts)]


def rota_of(shifts: Iterable[Shift]) -> tuple[tuple[int, int], ...]:
    """Agents on duty over the week as change points; overlapping shifts add up.

    A shift that runs past Sunday midnight wraps round to Monday morning of the same week, so
    the rota repeats week after week.
    """
    delta = np.zeros(spec.MINUTES_PER_WEEK + 1, dtype=np.int64)
    for shift in shifts:
        start = minutes_of(shift.start)
        end = minutes_of(shift.end)
        if end <= start:
            end += spec.MINUTES_PER_DAY
        for day in shift.days:
            s = WEEKDAYS.index(day) * spec.MINUTES_PER_DAY + start
            e = WEEKDAYS.index(day) * spec.MINUTES_PER_DAY + end
            if e <= spec.MINUTES_PER_WEEK:
                delta[s] += shift.agents
                delta[e] -= shift.agents
            else:
                delta[s] += shift.agents
                delta[spec.MINUTES_PER_WEEK] -= shift.agents
                delta[0] += shift.agents
                delta[e - spec.MINUTES_PER_WEEK] -= shift.agents
    level = np.cumsum(delta[: spec.MINUTES_PER_WEEK])
    changes = np.flatnonzero(np.diff(level)) + 1
    points = [(0, int(level[0]))]
    points.extend((int(m), int(level[m])) for m in changes)
    return tuple(points)


# --- loading and error messages ---------------------------------------------------------------


def _format_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _loc_path(loc: Sequence[int | str]) -> str:
    # pydantic marks an invalid map key with a trailing "[key]"; the key itself names the field.
    return ".".join(str(part) for part in loc if part != "[key]")


def _model_at(loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The schema model that sits at a field path, to list its allowed fields."""
    current: Any = Profile
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        else:
            origin = get_origin(current)
            args = get_args(current)
            if origin is dict and len(args) == 2:
                current = args[1]
            elif origin is list and args:
                current = args[0]
            else:
                return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] and Annotated[...] wrappers."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin is Union or str(origin) == "types.UnionType":
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _expected(err: Mapping[str, Any]) -> str:
    """What was expected, in plain Dutch, for one pydantic error."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in ("float_parsing", "float_type"):
        return "verwacht een getal"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "verwacht een geheel getal"
    if kind in ("bool_parsing", "bool_type"):
        return "verwacht true of false"
    if kind in ("string_type",):
        return "verwacht tekst"
    if kind == "greater_than_equal":
        return f"verwacht een getal van minstens {ctx.get('ge')}"
    if kind == "greater_than":
        return f"verwacht een getal groter dan {ctx.get('gt')}"
    if kind == "less_than_equal":
        if ctx.get("le") == 1.0:
            return "verwacht een aandeel van hoogstens 100% (als getal hoogstens 1)"
        return f"verwacht een getal van hoogstens {ctx.get('le')}"
    if kind == "finite_number":
        return "verwacht een eindig getal (geen .inf of .nan)"
    if kind == "less_than":
        return f"verwacht een getal kleiner dan {ctx.get('lt')}"
    if kind == "literal_error":
        return "verwacht een van: " + str(ctx.get("expected")).replace(" or ", ", ")
    if kind in ("too_short", "too_long"):
        actual = ctx.get("actual_length")
        lo, hi = ctx.get("min_length"), ctx.get("max_length")
        if kind == "too_short" and lo is not None:
            return f"verwacht minstens {lo} elementen, gevonden {actual}"
        return f"verwacht hoogstens {hi} elementen, gevonden {actual}"
    if kind == "list_type":
        return "verwacht een lijst"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "verwacht een blok met velden (sleutel: waarde)"
    if kind == "value_error":
        message = str(err.get("msg", ""))
        return message.removeprefix("Value error, ")
    return str(err.get("msg", "ongeldige waarde"))


def _error_from_pydantic(file: Path | str, exc: ValidationError) -> ProfileError:
    errors = exc.errors()
    err = errors[0]
    loc = list(err["loc"])
    more = f" (en nog {len(errors) - 1} andere fout(en) in dit bestand)" if len(errors) > 1 else ""
    if err["type"] == "missing":
        message = f"verplicht veld ontbreekt{more}"
        return ProfileError(file, message, path=_loc_path(loc), expected="verplicht veld")
    if err["type"] == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = ", ".join(model.model_fields) if model is not None else "zie de voorbeelden"
        message = f"onbekend veld {loc[-1]!r}; toegestaan zijn: {allowed}{more}"
        return ProfileError(file, message, path=_loc_path(loc), value=loc[-1], expected=allowed)
    expected = _expected(err)
    value = err.get("input")
    message = f"waarde {_format_value(value)} is ongeldig; {expected}{more}"
    return ProfileError(file, message, path=_loc_path(loc), value=value, expected=expected)


def _semantic_checks(profile: Profile, file: Path | str) -> None:
    """Checks that span fields: shares that add up, names that refer to each other."""

    def fail(path: str, value: Any, message: str) -> ProfileError:
        return ProfileError(file, message, path=path, value=value, expected=message)

    for section, items in (("channels", profile.channels), ("kinds", profile.kinds)):
        total = sum(item.share for item in items.values())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            shares = ", ".join(f"{k}={v.share:g}" for k, v in items.items())
            raise fail(
                f"{section}.*.share",
                total,
                f"de aandelen ({shares}) tellen op tot {total:.4g}; verwacht samen 1 "
                f"(±{SHARE_TOLERANCE})",
            )
    if profile.current_coverage not in profile.coverages:
        raise fail(
            "current_coverage",
            profile.current_coverage,
            f"onbekend dekkingsmodel {profile.current_coverage!r}; bekend zijn: "
            + ", ".join(profile.coverages),
        )
    for cov_name, cov in profile.coverages.items():
        seen: set[str] = set()
        for i, shift in enumerate(cov.shifts):
            if minutes_of(shift.start) == minutes_of(shift.end) or shift.start == "24:00":
                raise fail(
                    f"coverages.{cov_name}.shifts.{i}.end",
                    shift.end,
                    f"dienst van {shift.start} tot {shift.end} duurt 0 uur; verwacht een "
                    "begintijd van 00:00 tot 23:59 en een andere eindtijd (een eindtijd vóór de "
                    "begintijd loopt door na middernacht, 24:00 is middernacht)",
                )
            if shift.name is not None:
                if shift.name in seen:
                    raise fail(
                        f"coverages.{cov_name}.shifts.{i}.name",
                        shift.name,
                        f"dienstnaam {shift.name!r} komt twee keer voor; verwacht unieke namen",
                    )
                seen.add(shift.name)
    vol = profile.volume
    if vol.weekly_weights is not None and (
        vol.day_weights is not None or vol.hour_weights is not None
    ):
        raise fail(
            "volume.weekly_weights",
            "weekly_weights",
            "geef óf weekly_weights (168 gewichten) óf day_weights × hour_weights, niet beide",
        )
    if not _weights_positive(vol):
        raise fail(
            "volume",
            0,
            "alle gewichten zijn 0; verwacht minstens één uur met een gewicht groter dan 0",
        )
    for hours_path, hours in (
        ("business_hours", profile.business_hours),
        ("back_office.hours", profile.back_office.hours if profile.back_office else None),
    ):
        if hours is None:
            continue
        for day in WEEKDAYS:
            windows = sorted(_parse_window(w) for w in getattr(hours, day))
            for (_, end1), (start2, _) in itertools.pairwise(windows):
                if start2 < end1:
                    raise fail(
                        f"{hours_path}.{day}",
                        getattr(hours, day),
                        "tijdvakken overlappen; verwacht losse tijdvakken zoals "
                        '["09:00-12:30", "13:30-17:00"]',
                    )
    for i, sla in enumerate(profile.sla_targets):
        if sla.clock == "business" and profile.business_hours is None:
            raise fail(
                f"sla_targets.{i}.clock",
                sla.clock,
                "een doel op de kantoorklok vraagt om een blok business_hours; "
                "voeg business_hours toe of kies clock: calendar",
            )
        if sla.clock == "business" and not _has_windows(profile.business_hours):
            raise fail(
                "business_hours",
                "(geen tijdvakken)",
                f"doel {sla.name!r} telt op de kantoorklok, maar business_hours heeft geen enkel "
                'tijdvak; verwacht minstens één dag met een tijdvak zoals mon: ["09:00-17:00"]',
            )
    office = profile.back_office
    if office is not None and (office.hours or profile.business_hours) is not None:
        office_path = "back_office.hours" if office.hours else "business_hours"
        if not _has_windows(office.hours or profile.business_hours):
            raise fail(
                office_path,
                "(geen tijdvakken)",
                "de backoffice werkt alleen binnen deze uren, maar er staat geen enkel tijdvak; "
                'verwacht minstens één dag met een tijdvak zoals mon: ["09:00-17:00"]',
            )
    durations: list[tuple[str, DurationModel | None]] = [
        (f"channels.{key}.handling", ch.handling) for key, ch in profile.channels.items()
    ]
    durations.append(("conversation.customer_delay", profile.conversation.customer_delay))
    durations.append(("patience", profile.patience))
    if profile.back_office is not None:
        durations.append(("back_office.work", profile.back_office.work))
    for path, duration in durations:
        if duration is not None and duration.kind == "lognormal" and duration.cv <= 0:
            raise fail(
                f"{path}.cv",
                duration.cv,
                f"cv {duration.cv:g} kan niet bij kind: lognormal; verwacht een cv groter dan 0 "
                "(bijvoorbeeld 0.8), of kind: fixed voor een vaste duur",
            )
    for i, rule in enumerate(profile.priority_rules):
        for field_name, value, known in (
            ("channel", rule.channel, profile.channels),
            ("kind", rule.kind, profile.kinds),
        ):
            if value is not None and value not in known:
                raise fail(
                    f"priority_rules.{i}.{field_name}",
                    value,
                    f"{value!r} staat niet in dit profiel; verwacht een van: {', '.join(known)}",
                )
    names = [s.name for s in profile.sla_targets]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise fail(f"sla_targets.{i}.name", name, "verwacht unieke namen voor SLA-doelen")
    needs_backoffice = any(k.backoffice_share > 0 for k in profile.kinds.values())
    if needs_backoffice and profile.back_office is None:
        raise fail(
            "back_office",
            None,
            "een soort bericht heeft backoffice_share > 0 maar het blok back_office ontbreekt",
        )
    if (
        profile.back_office is not None
        and profile.back_office.hours is None
        and profile.business_hours is None
    ):
        raise fail(
            "back_office.hours",
            None,
            "geef de uren van de backoffice (back_office.hours) of een blok business_hours",
        )


def _has_windows(hours: WeekHours | None) -> bool:
    return hours is not None and any(getattr(hours, day) for day in WEEKDAYS)


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _weights_positive(vol: Volume) -> bool:
    if vol.weekly_weights is not None:
        return sum(vol.weekly_weights) > 0
    days = 1.0 if vol.day_weights is None else sum(getattr(vol.day_weights, d) for d in WEEKDAYS)
    hours = 1.0 if vol.hour_weights is None else sum(vol.hour_weights)
    return days * hours > 0


def parse_profile(data: Any, file: Path | str = "<profiel>") -> Profile:
    """Validate already-parsed YAML data; ``file`` only names the source in messages."""
    if not isinstance(data, Mapping):
        raise ProfileError(
            file,
            f"het bestand bevat geen blok met velden maar {type(data).__name__}; "
            "verwacht velden zoals name, volume, channels",
        )
    try:
        profile = Profile.model_validate(dict(data))
    except ValidationError as exc:
        raise _error_from_pydantic(file, exc) from None
    _semantic_checks(profile, file)
    return profile


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one block (plain YAML keeps the last one
    silently, so an edited copy could quietly ignore the manager's first value)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # SafeLoader itself reports an unhashable key
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"de sleutel {key!r} staat twee keer in hetzelfde blok; verwacht elke sleutel "
                    "één keer",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_profile(path: str | Path) -> Profile:
    """Read and validate one profile file; a short name looks in ``scenarios/orgs``."""
    file = resolve_profile(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(file, f"kan het bestand niet lezen ({exc.strerror})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "ongeldige YAML"
        where = f"regel {mark.line + 1}, kolom {mark.column + 1}" if mark is not None else ""
        raise ProfileError(
            file,
            f"YAML-fout op {where}: {problem}; verwacht geldige YAML (let op inspringen, "
            "dubbele punten en aanhalingstekens)",
        ) from None
    return parse_profile(data, file)


# --- registry ---------------------------------------------------------------------------------


def list_profiles(directory: Path | None = None) -> list[str]:
    """Short names of the profiles in ``scenarios/orgs`` (the file names without .yaml)."""
    folder = ORGS_DIR if directory is None else directory
    return sorted(p.stem for p in folder.glob("*.yaml"))


def resolve_profile(name_or_path: str | Path, directory: Path | None = None) -> Path:
    """A short name ("library") or a path to an existing file."""
    folder = ORGS_DIR if directory is None else directory
    candidate = Path(name_or_path)
    if candidate.is_file():
        return candidate
    by_name = folder / f"{name_or_path}.yaml"
    if by_name.is_file():
        return by_name
    known = ", ".join(list_profiles(folder)) or "(geen)"
    raise ProfileError(
        name_or_path,
        f"profiel niet gevonden; geef een pad naar een YAML-bestand of een van: {known}",
        value=str(name_or_path),
        expected=known,
    )


def compile_profile(name_or_path: str | Path, coverage: str | None = None) -> spec.ModelSpec:
    """Load and compile in one go; unknown coverage names become a ``ProfileError``."""
    profile = load_profile(name_or_path)
    try:
        return profile.compile(coverage)
    except ProfileError as exc:
        raise ProfileError(
            resolve_profile(name_or_path), exc.message, path=exc.path, value=exc.value
        ) from None


def offered_hours_per_week(model: spec.ModelSpec) -> float:
    """Agent hours of work offered per week, a rough check for sizing shifts (no queueing)."""
    arrivals = sum(model.rate_per_hour)
    minutes = 0.0
    for ch in model.channels:
        minutes += arrivals * ch.share * (1 - ch.no_reply_share) * ch.handling.mean_min
    return minutes * model.conversation.mean_turns / spec.MINUTES_PER_HOUR


def rota_hours_per_week(model: spec.ModelSpec) -> float:
    """Agent hours on duty per week according to the rota."""
    points = [*model.rota, (spec.MINUTES_PER_WEEK, 0)]
    total = sum((b[0] - a[0]) * a[1] for a, b in itertools.pairwise(points))
    return total / spec.MINUTES_PER_HOUR


__all__ = [
    "CHANNEL_NAMES",
    "KIND_NAMES",
    "ORGS_DIR",
    "WEEKDAYS",
    "Coverage",
    "Profile",
    "ProfileError",
    "Shift",
    "compile_profile",
    "list_profiles",
    "load_profile",
    "minutes_of",
    "offered_hours_per_week",
    "parse_profile",
    "resolve_profile",
    "rota_hours_per_week",
    "rota_of",
]
