"""The profile schema: every section a manager may write, as frozen pydantic models.

``Profile`` is one organisation's webcare as validated from its file: volume and when it
arrives, channels, kinds of message, conversations, reach, coverage models (shift plans),
service-level targets, business hours, back office, priorities, incidents and costs. Unknown
keys are refused (a misspelt key must not be silently ignored). ``Profile.compile`` hands the
profile to ``sim.profile.compile``; the what-if helpers (``scaled``, ``with_agents``, ...) make
changed copies without touching the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from sim import spec
from sim.profile.compile import compile_spec
from sim.profile.fields import (
    MAX_AGENTS,
    MAX_COVERAGES,
    MAX_CV,
    MAX_DESCRIPTION_CHARS,
    MAX_DURATION_MEAN_MIN,
    MAX_FOLLOWERS,
    MAX_FTE_HOURS,
    MAX_HANDLING_MEAN_MIN,
    MAX_HOURLY_EUR,
    MAX_INCIDENT_MIN,
    MAX_INCIDENT_MULTIPLIER,
    MAX_INCIDENT_WEEK,
    MAX_INCIDENTS,
    MAX_MEAN_TURNS,
    MAX_MEDIAN_FOLLOWERS,
    MAX_MENTIONS_PER_WEEK,
    MAX_NAME_CHARS,
    MAX_PREMIUM,
    MAX_PRIORITY,
    MAX_PRIORITY_RULES,
    MAX_REACH_SIGMA,
    MAX_REPLY_CHARS,
    MAX_SHIFTS,
    MAX_SHRINKAGE,
    MAX_SLA_TARGETS,
    MAX_SLA_WITHIN_MIN,
    MAX_TITLE_CHARS,
    MAX_WEIGHT,
    MAX_WINDOWS_PER_DAY,
    MIN_DURATION_MEAN_MIN,
    MIN_FTE_HOURS,
    WEEKDAYS,
    ChannelName,
    KindName,
    Minutes,
    ProfileError,
    Share,
    Sources,
    Time,
    Weekday,
    Window,
    _expand_days,
    _parse_fraction,
    _parse_window,
    span,
)
from sim.roster.rules import RosterRules


class _Model(BaseModel):
    # allow_inf_nan=False: a YAML .inf or .nan is never a usable volume, time or share.
    # strict: text where a number belongs ("1e3" as a handling time) is refused, not read as a
    # number; the field types that take text ("60min", "90%", "mon-fri") convert it themselves.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class DurationModel(_Model):
    kind: spec.DistributionKind = "lognormal"
    mean_min: float = span(MIN_DURATION_MEAN_MIN, MAX_DURATION_MEAN_MIN, "minuten")
    cv: float = span(0.0, MAX_CV, "(variatiecoëfficiënt)", default=1.0)

    def to_spec(self, factor: float = 1.0) -> spec.Duration:
        return spec.Duration(self.kind, self.mean_min * factor, self.cv)


class HandlingModel(DurationModel):
    """Handling time of one message by an agent: at most a working day on average."""

    mean_min: float = span(MIN_DURATION_MEAN_MIN, MAX_HANDLING_MEAN_MIN, "minuten")


class DayWeights(_Model):
    mon: float = span(0.0, MAX_WEIGHT, "(gewicht)")
    tue: float = span(0.0, MAX_WEIGHT, "(gewicht)")
    wed: float = span(0.0, MAX_WEIGHT, "(gewicht)")
    thu: float = span(0.0, MAX_WEIGHT, "(gewicht)")
    fri: float = span(0.0, MAX_WEIGHT, "(gewicht)")
    sat: float = span(0.0, MAX_WEIGHT, "(gewicht)")
    sun: float = span(0.0, MAX_WEIGHT, "(gewicht)")


class Volume(_Model):
    """Mentions per week, and when they arrive: 168 weights, or day weights × hour weights."""

    mentions_per_week: float = span(0.0, MAX_MENTIONS_PER_WEEK, "vermeldingen per week",
                                    low_open=True)  # fmt: skip
    weekly_weights: list[Annotated[float, span(0.0, MAX_WEIGHT, "(gewicht)")]] | None = Field(
        default=None, min_length=spec.HOURS_PER_WEEK, max_length=spec.HOURS_PER_WEEK
    )
    day_weights: DayWeights | None = None
    hour_weights: list[Annotated[float, span(0.0, MAX_WEIGHT, "(gewicht)")]] | None = Field(
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
    handling: HandlingModel
    no_reply_share: Share = 0.0
    max_reply_chars: int | None = span(1, MAX_REPLY_CHARS, "tekens", default=None)
    # Chat concurrency: conversations an agent holds at once on this channel, and how much
    # longer each turn takes per extra conversation (fraction). See sim.spec.ChannelSpec.
    max_concurrent: int = Field(default=1, ge=1, le=10)
    concurrency_slowdown: float = Field(default=0.0, ge=0.0, le=1.0)
    sources: Sources = None


class Kind(_Model):
    share: Share
    backoffice_share: Share = 0.0
    sources: Sources = None


class Conversation(_Model):
    mean_turns: float = span(1.0, MAX_MEAN_TURNS, "berichten per gesprek", default=1.0)
    customer_delay: DurationModel = DurationModel(kind="exponential", mean_min=30.0)
    private_share: Share = 0.0
    sources: Sources = None


class Reach(_Model):
    median_followers: float = span(1.0, MAX_MEDIAN_FOLLOWERS, "volgers", default=300.0)
    sigma: float = span(0.0, MAX_REACH_SIGMA, "(spreiding van log-volgers)", default=1.5)
    high_reach_followers: float = span(1.0, MAX_FOLLOWERS, "volgers", default=10_000.0)
    sources: Sources = None


class Shift(_Model):
    """Agents on duty on the given days from start to end; an end before the start runs past
    midnight into the next day."""

    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME_CHARS)
    days: Annotated[list[Weekday], BeforeValidator(_expand_days), Field(min_length=1)]
    start: Time
    end: Time
    agents: int = span(0, MAX_AGENTS, "agents")
    # Works on closed days (calendar.holidays, calendar.closed) too; other shifts are off then.
    holiday: bool = False


class Coverage(_Model):
    description: str = Field(default="", max_length=MAX_DESCRIPTION_CHARS)
    shifts: list[Shift] = Field(min_length=1, max_length=MAX_SHIFTS)
    sources: Sources = None


class Sla(_Model):
    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    metric: Literal["first_response", "next_response", "resolution"]
    within: Minutes = span(0.0, MAX_SLA_WITHIN_MIN, "minuten", low_open=True)
    goal: Share
    clock: Literal["calendar", "business"] = "calendar"
    sources: Sources = None


class WeekHours(_Model):
    """Windows per weekday, e.g. ``mon: ["09:00-12:30", "13:30-17:00"]`` (split windows allowed).

    A window whose end is not after its start runs through midnight: ``sun: ["22:00-06:00"]``
    is Sunday 22:00 until Monday 06:00 (as the business-hours clock counts it)."""

    mon: list[Window] = Field(default=[], max_length=MAX_WINDOWS_PER_DAY)
    tue: list[Window] = Field(default=[], max_length=MAX_WINDOWS_PER_DAY)
    wed: list[Window] = Field(default=[], max_length=MAX_WINDOWS_PER_DAY)
    thu: list[Window] = Field(default=[], max_length=MAX_WINDOWS_PER_DAY)
    fri: list[Window] = Field(default=[], max_length=MAX_WINDOWS_PER_DAY)
    sat: list[Window] = Field(default=[], max_length=MAX_WINDOWS_PER_DAY)
    sun: list[Window] = Field(default=[], max_length=MAX_WINDOWS_PER_DAY)
    sources: Sources = None

    def to_weekly(self) -> spec.Weekly:
        windows: list[tuple[int, int]] = []
        for day_index, day in enumerate(WEEKDAYS):
            offset = day_index * spec.MINUTES_PER_DAY
            for text in getattr(self, day):
                start, end = _parse_window(text)  # end past 24:00 runs through midnight
                start, end = offset + start, offset + end
                if end > spec.MINUTES_PER_WEEK:  # Sunday night into Monday: split at the week
                    windows.append((0, end - spec.MINUTES_PER_WEEK))
                    end = spec.MINUTES_PER_WEEK
                windows.append((start, end))
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
    priority: int = span(0, MAX_PRIORITY, "(lager = eerst)")
    kind: KindName | None = None
    public: bool | None = None
    high_reach: bool | None = None
    channel: ChannelName | None = None
    sources: Sources = None


class IncidentModel(_Model):
    """An outage: from ``day`` ``at`` in simulated week ``week`` the volume is multiplied."""

    week: int = span(1, MAX_INCIDENT_WEEK, "(gesimuleerde week)", default=1)
    day: Weekday
    at: Time
    duration: Minutes = span(0.0, MAX_INCIDENT_MIN, "minuten", low_open=True)
    multiplier: float = span(0.0, MAX_INCIDENT_MULTIPLIER, "× het gewone volume", low_open=True)
    complaint_share: Share | None = None
    sources: Sources = None


MAX_CLOSED_DAYS = 366  # own closed days in a profile: a year of them at most
MAX_HOLIDAY_WEIGHT = 100.0  # arrivals on a closed day, × a normal day's volume


def _parse_date(value: Any) -> Any:
    """A day as YAML gives it (a date) or as text: 2026-12-21 or 21-12-2026."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or not isinstance(value, str):
        return value
    text = value.strip()
    for layout in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    raise ValueError("verwacht een datum als 2026-12-21 (of 21-12-2026)")


Day = Annotated[date, BeforeValidator(_parse_date)]


class Calendar(_Model):
    """Real dates for the simulated weeks: the Monday they start, Dutch public holidays and the
    organisation's own closed days, and the volume on such a day."""

    start: Day
    holidays: Literal["nl", "none"] = "nl"
    closed: list[Day] = Field(default=[], max_length=MAX_CLOSED_DAYS)
    holiday_weight: float = span(
        0.0, MAX_HOLIDAY_WEIGHT, "× het volume van een gewone dag", default=1.0
    )
    sources: Sources = None

    def to_spec(self, holiday_rota: tuple[tuple[int, int], ...]) -> spec.CalendarSpec:
        return spec.CalendarSpec(
            start=self.start,
            public_holidays=self.holidays == "nl",
            closed=tuple(sorted(set(self.closed))),
            holiday_weight=self.holiday_weight,
            holiday_rota=holiday_rota,
        )


class Costs(_Model):
    hourly_eur: float = span(0.0, MAX_HOURLY_EUR, "euro per uur", default=40.0)
    night_premium: Annotated[float, BeforeValidator(_parse_fraction)] = span(
        0.0, MAX_PREMIUM, "(toeslag als fractie; 0.4 = 40%)", default=0.0
    )
    weekend_premium: Annotated[float, BeforeValidator(_parse_fraction)] = span(
        0.0, MAX_PREMIUM, "(toeslag als fractie; 0.4 = 40%)", default=0.0
    )
    night_start_hour: int = span(0, 23, "(uur van de dag)", default=22)
    night_end_hour: int = span(0, 23, "(uur van de dag)", default=7)
    shrinkage: Annotated[float, BeforeValidator(_parse_fraction)] = span(
        0.0, MAX_SHRINKAGE, "(fractie; 0.1 = 10%)", default=0.0
    )
    fte_hours_per_week: float = span(MIN_FTE_HOURS, MAX_FTE_HOURS, "uur per week", default=36.0)
    sources: Sources = None


class Profile(_Model):
    """One organisation's webcare, as validated from its YAML file."""

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    title: str = Field(default="", max_length=MAX_TITLE_CHARS)
    description: str = Field(default="", max_length=MAX_DESCRIPTION_CHARS)
    # General notes, or notes per section for sections that are maps (channels, kinds, ...).
    sources: dict[str, str | list[str]] | str | list[str] | None = None
    volume: Volume
    channels: dict[ChannelName, Channel] = Field(min_length=1)
    kinds: dict[KindName, Kind] = Field(min_length=1)
    conversation: Conversation = Conversation()
    patience: DurationModel | None = None
    reach: Reach = Reach()
    coverages: dict[str, Coverage] = Field(min_length=1, max_length=MAX_COVERAGES)
    current_coverage: str
    sla_targets: list[Sla] = Field(default=[], max_length=MAX_SLA_TARGETS)
    business_hours: WeekHours | None = None
    back_office: BackOffice | None = None
    priority_rules: list[Priority] = Field(default=[], max_length=MAX_PRIORITY_RULES)
    default_priority: int = span(0, MAX_PRIORITY, "(lager = eerst)", default=10)
    incidents: list[IncidentModel] = Field(default=[], max_length=MAX_INCIDENTS)
    costs: Costs = Costs()
    calendar: Calendar | None = None  # None: weeks without dates (no holidays)
    # Labour rules for `webcare-sim roster` (sim.roster.rules); None: the Dutch defaults.
    roster: RosterRules | None = None

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
        for section in (
            "volume",
            "conversation",
            "reach",
            "business_hours",
            "back_office",
            "calendar",
        ):
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
        return compile_spec(self, name)

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


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
