"""``webcare-sim fit``, ``forecast`` and ``demo-export``: the manager's own data, in the terminal.

``fit`` reads a mention export and writes a profile fitted from it on top of a base profile;
``forecast`` prints the coming weeks from an export (two methods with their backtest error side
by side) or from a profile; ``demo-export`` writes a synthetic export drawn from the simulation.
Messages are Dutch; bad input prints one paragraph and exits with code 2, never a traceback.
``register(app)`` adds the three commands to the ``webcare-sim`` Typer app.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from datafiles.csv_io import write_frame
from sim.cli.common import fail, load_profile_noted, stdout_console
from sim.fit.ahead import AheadError, week_profile
from sim.fit.columns import ColumnError, parse_map
from sim.fit.demo import demo_export, write_export
from sim.fit.estimate import Fit, FitError, fit_export
from sim.fit.forecast import (
    DEFAULT_AVERAGE_WEEKS,
    PI_LEVEL,
    Forecast,
    ForecastError,
    forecast_export,
    forecast_profile,
    next_monday,
)
from sim.fit.read import Export, ExportError, read_export
from sim.fit.write import dutch_date, fitted_profile
from sim.nl import number
from sim.profile import ProfileError

SHOWN_PROBLEMS = 10  # malformed rows listed one by one; the rest are counted
MAX_FORECAST_WEEKS = 52
MAX_DEMO_WEEKS = 260
DAY_SHORT = ("ma", "di", "wo", "do", "vr", "za", "zo")
EXPORT_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


def _read(path: Path, maps: list[str] | None) -> Export:
    try:
        return read_export(path, parse_map(maps))
    except (ExportError, ColumnError) as exc:
        # The domain says "kolomkoppeling"; on the command line that is the --map option.
        fail(f"{exc} (kolomkoppeling: --map VELD=KOLOM)")


def _problems(console: Console, export: Export) -> None:
    if not export.problems:
        return
    console.print(
        f"{number(len(export.problems), 0)} regel(s) of waarde(n) niet gelezen in {export.file}; "
        "de rest is wel gelezen:"
    )
    for problem in export.problems[:SHOWN_PROBLEMS]:
        console.print(f"  {problem}", markup=False)
    if len(export.problems) > SHOWN_PROBLEMS:
        console.print(f"  … en nog {number(len(export.problems) - SHOWN_PROBLEMS, 0)}")


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{number(share * 100, 1)}%"


def _fit_table(fit: Fit) -> Table:
    table = Table(title="Gefit uit de export", show_header=True, header_style="bold")
    table.add_column("Wat")
    table.add_column("Waarde", justify="right")
    table.add_row("Periode", f"{dutch_date(fit.first_day)} t/m {dutch_date(fit.last_day)}")
    table.add_row(
        "Berichten / gesprekken", f"{number(fit.messages, 0)} / {number(fit.mentions, 0)}"
    )
    table.add_row("Gesprekken per week", number(fit.mentions_per_week, 0))
    if fit.trend_per_week is not None:
        table.add_row("Trend per week", _pct(fit.trend_per_week))
    table.add_row("Uitschieterdagen", number(len(fit.outliers), 0))
    for key, share in (fit.channel_shares or {}).items():
        no_reply = (fit.no_reply_share or {}).get(key)
        handling = (fit.handling or {}).get(key)
        extra = f", zonder reactie {_pct(no_reply)}" if no_reply is not None else ""
        if handling is not None:
            extra += f", behandeltijd {number(handling.mean_min, 1)} min"
        table.add_row(f"Kanaal {key}", f"{_pct(share)}{extra}")
    if fit.mean_turns is not None:
        table.add_row("Beurten per gesprek", number(fit.mean_turns, 2))
    if fit.first_response_percentiles:
        p = fit.first_response_percentiles
        table.add_row("Eerste reactie: mediaan", f"{number(p[50], 0)} min")
        table.add_row("Eerste reactie: 90% binnen", f"{number(p[90], 0)} min")
    for target in fit.targets:
        table.add_row(
            f"SLA {target.name} nu", f"{_pct(target.attained)} (doel {_pct(target.goal)})"
        )
    return table


def fit_command(
    export: Annotated[Path, typer.Argument(help="Export van berichten: .csv of .xlsx.")],
    name: Annotated[str, typer.Option("--name", "-n", help="Naam van het nieuwe profiel.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Schrijf het profiel hierheen (.yaml).")
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option("--map", help="Eigen kolomnaam: VELD=KOLOM, bijv. created_at=Datum."),
    ] = None,
    base: Annotated[
        str, typer.Option("--base", "-b", help="Basisprofiel voor wat de export niet bevat.")
    ] = "telecom",
) -> None:
    """Fit een organisatieprofiel uit een eigen export van berichten."""
    if not name.strip():
        fail("--name is leeg; verwacht een naam zoals mijn-org")
    try:
        base_profile = load_profile_noted(base)
    except ProfileError as exc:
        fail(str(exc))
    data = _read(export, maps)
    console = stdout_console()
    _problems(console, data)
    try:
        fit = fit_export(data, base_profile)
        _profile, text = fitted_profile(fit, base_profile, base, name.strip())
    except FitError as exc:
        fail(str(exc))
    except ProfileError as exc:
        fail(f"het gefitte profiel is ongeldig: {exc}")
    console.print(_fit_table(fit))
    target = out if out is not None else Path(f"{name.strip()}.yaml")
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"kan {target} niet schrijven ({exc.strerror})")
    console.print(
        f"Profiel geschreven naar {target}. Wat nog een schatting is staat onder sources; "
        f"probeer: webcare-sim run {target}"
    )


def _weekly_table(forecast: Forecast) -> Table:
    level = number(PI_LEVEL * 100, 0)
    table = Table(title=f"Verwachte gesprekken per week ({level}%-interval)", header_style="bold")
    table.add_column("Week van")
    for method in forecast.methods:
        table.add_column(method.label, justify="right")
    for w in range(forecast.weeks):
        monday = forecast.start + timedelta(days=7 * w)
        cells = [
            f"{number(m.weekly[w, 0], 0)} ({number(m.weekly[w, 1], 0)}–{number(m.weekly[w, 2], 0)})"
            for m in forecast.methods
        ]
        table.add_row(dutch_date(monday), *cells)
    if forecast.backtest_weeks:
        table.add_section()
        backtest = [_pct(m.backtest_mape) for m in forecast.methods]
        weeks = f"{forecast.backtest_weeks} {'week' if forecast.backtest_weeks == 1 else 'weken'}"
        table.add_row(f"Fout (MAPE) laatste {weeks}", *backtest)
    return table


def _week_grid(forecast: Forecast) -> Table:
    method = forecast.best()
    table = Table(title=f"Eerste week per uur: {method.label}", header_style="bold")
    table.add_column("Uur")
    for day in DAY_SHORT:
        table.add_column(day, justify="right")
    for hour in range(24):
        cells = [number(method.hourly[d * 24 + hour, 0], 0) for d in range(7)]
        table.add_row(f"{hour:02d}:00", *cells)
    return table


def _forecast_frame(forecast: Forecast) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for method in forecast.methods:
        for i, (expected, low, high) in enumerate(method.hourly):
            moment = pd.Timestamp(forecast.start) + pd.Timedelta(hours=i)
            rows.append(
                {
                    "methode": method.key,
                    "uur": moment.strftime("%d-%m-%Y %H:%M"),
                    "verwacht": round(float(expected), 2),
                    "laag": round(float(low), 2),
                    "hoog": round(float(high), 2),
                }
            )
    return pd.DataFrame(rows)


def forecast_command(
    source: Annotated[
        str, typer.Argument(help="Export (.csv/.xlsx) of profiel (korte naam of .yaml).")
    ],
    weeks: Annotated[int, typer.Option("--weeks", "-w", help="Aantal weken vooruit.")] = 8,
    average_weeks: Annotated[
        int, typer.Option("--average-weeks", help="N van het N-wekengemiddelde.")
    ] = DEFAULT_AVERAGE_WEEKS,
    maps: Annotated[
        list[str] | None, typer.Option("--map", help="Eigen kolomnaam: VELD=KOLOM.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Alle uren met interval naar .csv.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Startgetal voor de intervallen.")] = 1,
    json_out: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
    profile_out: Annotated[
        Path | None,
        typer.Option(
            "--profile-out", help="Schrijf een profiel met het volume van --week (.yaml)."
        ),
    ] = None,
    profile_base: Annotated[
        str | None,
        typer.Option("--profile", "-p", help="Profiel voor --profile-out (korte naam of .yaml)."),
    ] = None,
    week: Annotated[
        int, typer.Option("--week", help="Welke voorspelde week --profile-out krijgt (1 = eerste).")
    ] = 1,
    method: Annotated[
        str | None,
        typer.Option("--method", help="average of smoothing; standaard die met de laagste fout."),
    ] = None,
) -> None:
    """Verwacht aantal gesprekken per week en per uur, met intervallen en backtestfout."""
    if not 1 <= weeks <= MAX_FORECAST_WEEKS:
        fail(f"--weeks {weeks} kan niet; verwacht 1 tot en met {MAX_FORECAST_WEEKS}")
    if average_weeks < 1:
        fail(f"--average-weeks {average_weeks} kan niet; verwacht minstens 1")
    path = Path(source)
    try:
        if path.suffix.lower() in EXPORT_SUFFIXES:
            data = _read(path, maps)
            if not json_out:
                _problems(stdout_console(), data)
            result = forecast_export(
                data, weeks=weeks, rng=np.random.default_rng(seed), average_weeks=average_weeks
            )
        else:
            result = forecast_profile(
                load_profile_noted(source), weeks=weeks, start=next_monday(date.today())
            )
    except ForecastError as exc:
        fail(str(exc))
    except ProfileError as exc:
        fail(str(exc))
    if out is not None:
        try:
            write_frame(_forecast_frame(result), out, sep=";", decimal=",", index=False)
        except OSError as exc:
            fail(f"kan {out} niet schrijven ({exc.strerror})")
    if profile_out is not None:
        _write_week_profile(result, profile_out, profile_base or source, week, method)
    if json_out:
        typer.echo(json.dumps(_forecast_json(result), ensure_ascii=False, indent=2))
        return
    console = stdout_console()
    if profile_out is not None:
        console.print(
            f"Profiel voor voorspelde week {week} geschreven naar {profile_out}; probeer: "
            f"webcare-sim size {profile_out}",
            markup=False,
        )
    if result.outliers:
        console.print("Uitschieters (incidenten), niet als normaal geleerd:")
        for day in result.outliers:
            holiday = f" ({day.holiday})" if day.holiday else ""
            console.print(
                f"  {dutch_date(day.day)}{holiday}: {number(day.count, 0)} gesprekken, normaal "
                f"{number(day.expected, 0)} ({number(day.ratio, 1)}×)"
            )
    console.print(_weekly_table(result))
    if result.naive_mape is not None:
        console.print(
            f"Ter vergelijking, 'zelfde als vorige week': fout {_pct(result.naive_mape)}."
        )
        console.print(f"Laagste fout: {result.best().label}.")
    console.print(_week_grid(result))


def _write_week_profile(
    result: Forecast, out: Path, base: str, week: int, method: str | None
) -> None:
    if Path(base).suffix.lower() in EXPORT_SUFFIXES:
        fail("--profile-out heeft een profiel nodig voor wat geen volume is: geef --profile")
    try:
        _profile, text = week_profile(base, result, week=week, method_key=method)
    except AheadError as exc:
        fail(str(exc))
    except ProfileError as exc:
        fail(str(exc))
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"kan {out} niet schrijven ({exc.strerror})")


def _forecast_json(result: Forecast) -> dict[str, Any]:
    return {
        "start": result.start.isoformat(),
        "weeks": result.weeks,
        "history_weeks": result.history_weeks,
        "backtest_weeks": result.backtest_weeks,
        "naive_mape": result.naive_mape,
        "outliers": [
            {"day": o.day.isoformat(), "count": o.count, "expected": o.expected}
            for o in result.outliers
        ],
        "methods": [
            {
                "key": m.key,
                "label": m.label,
                "backtest_mape": m.backtest_mape,
                "weekly": [
                    dict(zip(("expected", "low", "high"), map(float, row), strict=True))
                    for row in m.weekly
                ],
            }
            for m in result.methods
        ],
    }


def demo_export_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Bestand: .csv (Nederlandse Excel) of .xlsx.")
    ],
    weeks: Annotated[float, typer.Option("--weeks", "-w", help="Aantal weken berichten.")] = 52,
    seed: Annotated[
        int, typer.Option("--seed", "-s", help="Startgetal: zelfde seed, zelfde bestand.")
    ] = 1,
    profile: Annotated[
        str, typer.Option("--profile", "-p", help="Profiel dat gesimuleerd wordt.")
    ] = "telecom",
    coverage: Annotated[
        str | None, typer.Option("--coverage", "-c", help="Dekkingsmodel; standaard de huidige.")
    ] = None,
) -> None:
    """Schrijf een synthetische export van berichten, getrokken uit de simulatie."""
    if not 0 < weeks <= MAX_DEMO_WEEKS:
        fail(f"--weeks {weeks:g} kan niet; verwacht meer dan 0 en hoogstens {MAX_DEMO_WEEKS}")
    if out.suffix.lower() not in (".csv", ".xlsx"):
        fail(f"--out {out}: onbekende bestandssoort {out.suffix!r}; verwacht .csv of .xlsx")
    try:
        org = load_profile_noted(profile)
        if coverage is not None and coverage not in org.coverages:
            fail(f"onbekend dekkingsmodel {coverage!r}; kies een van: {', '.join(org.coverages)}")
        frame = demo_export(org, weeks=weeks, seed=seed, coverage=coverage)
    except ProfileError as exc:
        fail(str(exc))
    try:
        write_export(frame, out)
    except OSError as exc:
        fail(f"kan {out} niet schrijven ({exc.strerror})")
    stdout_console().print(f"{number(len(frame), 0)} berichten geschreven naar {out}.")


def register(app: typer.Typer) -> None:
    """Add ``fit``, ``forecast`` and ``demo-export`` to the ``webcare-sim`` app."""
    app.command("fit")(fit_command)
    app.command("forecast")(forecast_command)
    app.command("demo-export")(demo_export_command)


__all__ = ["demo_export_command", "fit_command", "forecast_command", "register"]
