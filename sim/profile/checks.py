"""Checks that span fields of a profile: shares that add up, names that refer to each other.

pydantic checks each field on its own; a profile can still be unusable as a whole (channel
shares summing to 0.9, a current coverage model that does not exist, overlapping business
hours, a business-clock target without business hours). Each check raises one
``ProfileError`` naming the field, the value and what was expected.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sim import spec
from sim.profile.fields import (
    MAX_INCIDENT_MULTIPLIER,
    MAX_NAME_CHARS,
    SHARE_TOLERANCE,
    WEEKDAYS,
    ProfileError,
    _parse_window,
    minutes_of,
)
from sim.profile.schema import DurationModel, Profile, Volume, WeekHours

_DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def _dutch_day(day: date) -> str:
    """``dinsdag 22 december 2026``: a date as a Dutch reader writes it."""
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def semantic_checks(profile: Profile, file: Path | str) -> None:
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
    for cov_name in profile.coverages:
        if not 1 <= len(cov_name) <= MAX_NAME_CHARS:
            raise fail(
                "coverages",
                cov_name,
                f"de naam van een dekkingsmodel heeft {len(cov_name)} tekens; verwacht 1 tot "
                f"en met {MAX_NAME_CHARS} tekens",
            )
    peak, index = _peak_incident_multiplier(profile)
    if peak > MAX_INCIDENT_MULTIPLIER:
        raise fail(
            f"incidents.{index}.multiplier",
            profile.incidents[index].multiplier,
            f"incidenten die tegelijk lopen vermenigvuldigen het volume samen met {peak:.4g}; "
            f"verwacht samen hoogstens {MAX_INCIDENT_MULTIPLIER:g} × het gewone volume "
            "(laat incidenten niet overlappen of kies kleinere factoren)",
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
    calendar = profile.calendar
    if calendar is not None and calendar.start.weekday() != 0:
        monday = calendar.start - timedelta(days=calendar.start.weekday())
        raise fail(
            "calendar.start",
            calendar.start.isoformat(),
            f"{_dutch_day(calendar.start)} is geen maandag; de gesimuleerde weken beginnen op "
            f"een maandag: verwacht bijvoorbeeld {monday.isoformat()} ({_dutch_day(monday)})",
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


def _peak_incident_multiplier(profile: Profile) -> tuple[float, int]:
    """The largest volume factor at any moment (overlapping incidents multiply, as in the
    engine) and the index of an incident that reaches it."""
    spans = []
    for i, incident in enumerate(profile.incidents):
        start = (
            (incident.week - 1) * spec.MINUTES_PER_WEEK
            + WEEKDAYS.index(incident.day) * spec.MINUTES_PER_DAY
            + minutes_of(incident.at)
        )
        spans.append((start, start + incident.duration, incident.multiplier, i))
    best, where = 1.0, 0
    for start, _, _, i in spans:  # the factor is highest at some incident's start
        factor = 1.0
        for other_start, other_end, multiplier, _ in spans:
            if other_start <= start < other_end:
                factor *= multiplier
        if factor > best:
            best, where = factor, i
    return best, where


def _has_windows(hours: WeekHours | None) -> bool:
    return hours is not None and any(getattr(hours, day) for day in WEEKDAYS)


def _weights_positive(vol: Volume) -> bool:
    if vol.weekly_weights is not None:
        return sum(vol.weekly_weights) > 0
    days = 1.0 if vol.day_weights is None else sum(getattr(vol.day_weights, d) for d in WEEKDAYS)
    hours = 1.0 if vol.hour_weights is None else sum(vol.hour_weights)
    return days * hours > 0
