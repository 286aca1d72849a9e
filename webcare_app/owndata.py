"""The manager's own data in the app: an uploaded mention export becomes a fitted profile.

A manager drops the export their webcare tool writes (a CSV from Dutch Excel or an .xlsx) on
the page; this module reads it with the same reader the ``webcare-sim fit`` command uses, fits a
profile on top of a base profile, and prepares what the page shows: the figures that were
fitted, the fitted week beside the history it came from (so the manager can see whether the fit
follows their own pattern), the forecast of the coming weeks with each method's backtest error,
and the profile as YAML to download. No Streamlit here: the page only draws what this returns.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import yaml

from presentation.labels import CLOCK_LABELS, SLA_METRIC_LABELS, channel_label
from sim.fit.ahead import AheadError, week_profile_from_data
from sim.fit.columns import ColumnError, parse_map
from sim.fit.estimate import Fit, FitError, TargetAttainment, fit_export
from sim.fit.forecast import (
    DEFAULT_AVERAGE_WEEKS,
    Forecast,
    ForecastError,
    forecast_export,
    hourly_history,
)
from sim.fit.read import Export, ExportError, RowProblem, read_export
from sim.fit.write import dutch_date, fitted_profile
from sim.nl import number
from sim.profile import Profile, ProfileError, load_profile

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # a year of a large team's messages is ~20 MB as CSV
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
FORECAST_WEEKS = 8
FORECAST_SEED = 1  # intervals of the smoothing model are simulated; same upload, same figures
HOURS_PER_WEEK = 168
DAY_NAMES = ("ma", "di", "wo", "do", "vr", "za", "zo")
SHOWN_PROBLEMS = 10
HISTORY_SERIES = "Je export (gemiddelde week)"
FITTED_SERIES = "Gefit profiel"
SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
PROFILE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class OwnDataError(ValueError):
    """An upload the app cannot fit (Dutch message naming the file and what was expected)."""


@dataclass(frozen=True)
class FitOutcome:
    """What the page shows after an upload."""

    file: str
    fit: Fit
    profile: Profile
    yaml_text: str
    problems: tuple[RowProblem, ...]
    rows_in_file: int
    week: pd.DataFrame  # history against fit per hour of the week (long form, for the chart)
    forecast: Forecast | None
    forecast_note: str | None  # why there is no forecast (too little history)


def _safe_file_name(name: str) -> str:
    """The upload's own name, reduced to characters any file system takes, so messages name
    the file the manager chose."""
    base = SAFE_NAME.sub("_", Path(name or "export.csv").name)[:120].strip(" .")
    return base or "export.csv"


def check_profile_name(name: str) -> str:
    """A profile name as files and the CLI use it: lower case, digits and dashes."""
    cleaned = (name or "").strip().lower().replace(" ", "-")
    if not PROFILE_NAME.match(cleaned):
        raise OwnDataError(
            f"Naam van het profiel {name!r} kan niet; verwacht kleine letters, cijfers en "
            "streepjes, hoogstens 40 tekens (bijvoorbeeld mijn-bibliotheek)."
        )
    return cleaned


def parse_mapping(text: str) -> dict[str, str]:
    """The page's mapping box: one ``VELD=KOLOM`` per line (as ``--map`` on the command line)."""
    items = [line.strip() for line in (text or "").splitlines() if line.strip()]
    try:
        return parse_map(items)
    except ColumnError as exc:
        raise OwnDataError(str(exc)) from exc


def read_upload(data: bytes, file_name: str, mapping: dict[str, str] | None = None) -> Export:
    """Read uploaded bytes with the CLI's reader (it wants a path: a private temporary copy
    under the upload's own name, removed afterwards)."""
    name = _safe_file_name(file_name)
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise OwnDataError(
            f"Bestand {name}: onbekende bestandssoort; verwacht .csv of .xlsx "
            "(een export van je webcaretool)."
        )
    if len(data) > MAX_UPLOAD_BYTES:
        raise OwnDataError(
            f"Bestand {name}: {number(len(data) / 1024 / 1024, 1)} MB is te groot; verwacht "
            f"hoogstens {number(MAX_UPLOAD_BYTES / 1024 / 1024, 0)} MB."
        )
    with tempfile.TemporaryDirectory(prefix="webcare-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return read_export(path, mapping)
        except (ExportError, ColumnError) as exc:
            raise OwnDataError(str(exc).replace(str(path), name)) from exc


def history_against_fit(export: Export, fit: Fit) -> pd.DataFrame:
    """Mean mentions per hour of the week in the export's complete weeks (incident days
    replaced by a usual day, as the fit does) beside the fitted profile's week. Long form:
    ``uur`` 0..167, ``dag``, ``reeks`` and ``gesprekken``."""
    fitted = np.asarray(fit.weekly_weights) * fit.mentions_per_week / HOURS_PER_WEEK
    rows: list[dict[str, object]] = []
    try:
        cleaned, _raw, _flags, _start, _outliers = hourly_history(export)
        history: np.ndarray | None = cleaned.mean(axis=0)
    except ForecastError:
        history = None  # less than a full week: only the fit is drawn
    series = [(FITTED_SERIES, fitted)] + ([] if history is None else [(HISTORY_SERIES, history)])
    for hour in range(HOURS_PER_WEEK):
        label = f"{DAY_NAMES[hour // 24]} {hour % 24:02d}:00"
        for name, values in series:
            count = float(values[hour])
            rows.append(
                {
                    "uur": hour,
                    "moment": label,
                    "reeks": name,
                    "gesprekken": count,
                    "aantal": number(count, 1),
                }
            )
    return pd.DataFrame(rows)


def fit_upload(
    data: bytes,
    file_name: str,
    *,
    base: str,
    name: str,
    mapping: dict[str, str] | None = None,
    forecast_weeks: int = FORECAST_WEEKS,
) -> FitOutcome:
    """Read, fit and forecast one upload; every failure is an ``OwnDataError`` in Dutch."""
    profile_name = check_profile_name(name)
    try:
        base_profile = load_profile(base)
    except ProfileError as exc:
        raise OwnDataError(str(exc)) from exc
    export = read_upload(data, file_name, mapping)
    try:
        fit = fit_export(export, base_profile)
        profile, text = fitted_profile(fit, base_profile, base, profile_name)
    except FitError as exc:
        raise OwnDataError(str(exc)) from exc
    except ProfileError as exc:
        raise OwnDataError(f"Het gefitte profiel is ongeldig: {exc}") from exc
    forecast: Forecast | None = None
    note: str | None = None
    try:
        forecast = forecast_export(
            export,
            weeks=forecast_weeks,
            rng=np.random.default_rng(FORECAST_SEED),
            average_weeks=DEFAULT_AVERAGE_WEEKS,
        )
    except ForecastError as exc:
        note = str(exc)
    return FitOutcome(
        file=_safe_file_name(file_name),
        fit=fit,
        profile=profile,
        yaml_text=text,
        problems=export.problems,
        rows_in_file=export.rows_in_file,
        week=history_against_fit(export, fit),
        forecast=forecast,
        forecast_note=note,
    )


def week_choices(forecast: Forecast) -> dict[int, str]:
    """Forecast weeks as the page offers them: 1 -> "week van 25-03-2024 (2.967 gesprekken)"."""
    best = forecast.best()
    return {
        w + 1: (
            f"week van {dutch_date(forecast.start + timedelta(days=7 * w))} "
            f"({number(best.weekly[w, 0], 0)} gesprekken)"
        )
        for w in range(forecast.weeks)
    }


def forecast_week_yaml(outcome: FitOutcome, week: int) -> tuple[str, str]:
    """The fitted profile with the volume of forecast week ``week`` (best method): file name
    and YAML text, for the simulation's run, compare and size."""
    if outcome.forecast is None:
        raise OwnDataError("Er is geen voorspelling: de export heeft te weinig volle weken.")
    raw = yaml.safe_load(outcome.yaml_text)  # written by fitted_profile above: plain data
    try:
        profile, text = week_profile_from_data(
            raw, outcome.file, outcome.forecast, week=week, method_key=None
        )
    except (AheadError, ProfileError) as exc:
        raise OwnDataError(str(exc)) from exc
    return f"{profile.name}.yaml", text


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{number(share * 100, 1)}%"


def _target_words(target: TargetAttainment) -> str:
    """A base profile's target in words: "eerste reactie binnen 1 uur (kalenderklok)"."""
    metric = SLA_METRIC_LABELS.get(target.metric, target.metric)
    hours = target.within_min / 60
    within = (
        f"{number(hours, 0)} uur" if hours.is_integer() else f"{number(target.within_min, 0)} min"
    )
    return f"{metric} binnen {within} ({CLOCK_LABELS.get(target.clock, target.clock)})"


def fit_rows(fit: Fit) -> pd.DataFrame:
    """The fitted figures as a two-column table (Dutch labels and formats)."""
    rows: list[tuple[str, str]] = [
        ("Periode", f"{dutch_date(fit.first_day)} t/m {dutch_date(fit.last_day)}"),
        ("Berichten", number(fit.messages, 0)),
        ("Gesprekken", number(fit.mentions, 0)),
        ("Gesprekken per week", number(fit.mentions_per_week, 0)),
    ]
    if fit.trend_per_week is not None:
        rows.append(("Trend per week", _pct(fit.trend_per_week)))
    rows.append(("Uitschieterdagen (incidenten)", number(len(fit.outliers), 0)))
    for key, share in (fit.channel_shares or {}).items():
        rows.append((f"Aandeel {channel_label(key)}", _pct(share)))
    if fit.no_reply_overall is not None:
        rows.append(("Zonder reactie", _pct(fit.no_reply_overall)))
    if fit.mean_turns is not None:
        rows.append(("Beurten per gesprek", number(fit.mean_turns, 2)))
    if fit.first_response_percentiles:
        p = fit.first_response_percentiles
        rows.append(("Eerste reactie, mediaan", f"{number(p[50], 0)} min"))
        rows.append(("Eerste reactie, 90% binnen", f"{number(p[90], 0)} min"))
    for target in fit.targets:
        rows.append(
            (
                f"Nu op tijd: {_target_words(target)}",
                f"{_pct(target.attained)} (doel {_pct(target.goal)})",
            )
        )
    return pd.DataFrame(rows, columns=["Wat", "Waarde"])


def forecast_rows(forecast: Forecast) -> pd.DataFrame:
    """Expected conversations per coming week, one column per method, with the interval."""
    table: dict[str, list[str]] = {"Week van": []}
    for method in forecast.methods:
        table[method.label] = []
    for w in range(forecast.weeks):
        table["Week van"].append(dutch_date(forecast.start + timedelta(days=7 * w)))
        for method in forecast.methods:
            expected, low, high = method.weekly[w]
            table[method.label].append(
                f"{number(expected, 0)} ({number(low, 0)}–{number(high, 0)})"
            )
    return pd.DataFrame(table)


def backtest_line(forecast: Forecast) -> str:
    """One Dutch sentence: each method's backtest error and which to trust."""
    if not forecast.backtest_weeks:
        return "Te weinig weken om de methodes achteraf te toetsen."
    parts = [f"{m.label}: {_pct(m.backtest_mape)}" for m in forecast.methods]
    weeks = f"{forecast.backtest_weeks} {'week' if forecast.backtest_weeks == 1 else 'weken'}"
    naive = (
        f"; 'zelfde als vorige week': {_pct(forecast.naive_mape)}"
        if forecast.naive_mape is not None
        else ""
    )
    return (
        f"Fout per dag (MAPE) over de laatste {weeks}: {'; '.join(parts)}{naive}. "
        f"Het minst fout: {forecast.best().label}."
    )


def problem_lines(outcome: FitOutcome) -> list[str]:
    """Rows the reader skipped, the first few by line number and the rest counted."""
    lines = [str(p) for p in outcome.problems[:SHOWN_PROBLEMS]]
    if len(outcome.problems) > SHOWN_PROBLEMS:
        lines.append(f"… en nog {number(len(outcome.problems) - SHOWN_PROBLEMS, 0)}")
    return lines


def week_chart(week: pd.DataFrame) -> alt.LayerChart:
    """The fitted week drawn over the history's mean week (history as a light area, the fit as
    a line on top, so both show where they coincide); hours on the x-axis with a tick per day,
    legend below so the chart keeps its width on a phone."""
    series = [HISTORY_SERIES, FITTED_SERIES]
    base = alt.Chart(week).encode(
        x=alt.X(
            "uur:Q",
            title="Uur van de week (maandag 00:00 tot zondag 24:00)",
            scale=alt.Scale(domain=[0, HOURS_PER_WEEK]),
            axis=alt.Axis(
                values=list(range(0, HOURS_PER_WEEK, 24)),
                labelExpr="['ma','di','wo','do','vr','za','zo'][datum.value / 24]",
            ),
        ),
        y=alt.Y("gesprekken:Q", title="Per uur"),
        color=alt.Color(
            "reeks:N",
            title=None,
            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
            scale=alt.Scale(domain=series, range=["#f2cc60", "#0969da"]),
        ),
        tooltip=[
            alt.Tooltip("moment:N", title="Moment"),
            alt.Tooltip("reeks:N", title="Reeks"),
            alt.Tooltip("aantal:N", title="Gesprekken"),
        ],
    )
    history = base.transform_filter(alt.datum.reeks == HISTORY_SERIES).mark_area(
        interpolate="step-after", opacity=0.7
    )
    fitted = base.transform_filter(alt.datum.reeks == FITTED_SERIES).mark_line(
        interpolate="step-after", strokeWidth=1.5
    )
    return alt.LayerChart(layer=[history, fitted], height=260)
