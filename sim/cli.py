"""The ``webcare-sim`` command: simulate an organisation profile from the terminal.

``run`` simulates one coverage model once and prints the KPIs; ``compare`` replicates several
coverage models with the same seeds and prints them side by side with 95% confidence intervals;
``profiles`` lists the shipped profiles. ``--json`` prints machine-readable output instead (keys
in ``docs/cli-sim.md``). Messages are in Dutch because managers read them. Bad input (an unknown
profile or coverage model, a broken profile file, weeks <= 0) prints one paragraph to stderr and
exits with code 2, never a traceback. The same seed always prints the same output.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, NoReturn

import pandas as pd
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from presentation.coverage_report import write_html
from sim.engine import MAX_EXPECTED_MENTIONS, MAX_WEEKS, SimResult, check_run
from sim.experiment import CONFIDENCE, Estimate, compare, run
from sim.kpis import WEEKDAY_NAMES, attainment_by, export_records, summarise
from sim.nl import HOURS_FROM_MIN, plural
from sim.parallel import ParallelError, Runner, dask_address
from sim.profile import Profile, ProfileError, list_profiles, load_profile, resolve_profile
from sim.report import (
    BEST_ATTEMPT,
    BUSINESS_CLOCK_LABEL,
    CoverageReport,
    ReportError,
    build_report,
    factor_sentence,
    report_summary,
)
from sim.sizing import (
    DAY_LABELS,
    MAX_AGENTS_PER_SHIFT,
    SIZING_REPLICATIONS,
    SIZING_WARMUP_WEEKS,
    SIZING_WEEKS,
    Candidate,
    SizingError,
    SizingResult,
    agents_text,
    size,
    sizing_summary,
    sizing_targets,
)
from sim.spec import ModelSpec, SlaTarget
from sim.sweep import (
    MIN_REPLICATIONS_FOR_VERDICT,
    SWEEP_REPLICATIONS,
    SWEEP_WARMUP_WEEKS,
    SWEEP_WEEKS,
    SweepError,
    frontier_chart,
    frontier_target,
    grid,
    parse_vary,
    point_profile,
    run_sweep,
    save_chart,
    summarise_sweep,
    summary_path,
    write_table,
)
from sim.targets import TargetError, describe, parse_targets

EXIT_BAD_INPUT = 2
NON_TTY_WIDTH = 140  # columns for tables when output goes to a file or pipe
RECORD_SUFFIXES = (".csv", ".parquet")

app = typer.Typer(
    help="Simuleer webcare-teams: diensten, reactietijden, SLA's en kosten per organisatie.",
    no_args_is_help=True,
    add_completion=False,
)

# Dutch labels and units for the stable KPI keys of sim.kpis; other keys are shown as they are.
LABELS: dict[str, tuple[str, str]] = {
    "weeks": ("Gemeten weken", "weeks"),
    "arrived": ("Vermeldingen binnengekomen", "count"),
    "no_reply": ("Geen reactie nodig (alleen geteld)", "count"),
    "needs_reply": ("Reactie nodig", "count"),
    "answered": ("Beantwoord", "count"),
    "resolved": ("Afgehandeld", "count"),
    "abandoned": ("Afgehaakt (klant belt alsnog)", "count"),
    "open": ("Nog open aan het eind", "count"),
    "first_response_mean_min": ("Eerste reactie: gemiddeld", "minutes"),
    "first_response_p50_min": ("Eerste reactie: mediaan", "minutes"),
    "first_response_p90_min": ("Eerste reactie: 90% binnen", "minutes"),
    "first_response_p95_min": ("Eerste reactie: 95% binnen", "minutes"),
    "first_response_max_min": ("Eerste reactie: langste", "minutes"),
    "resolution_mean_min": ("Afhandeling: gemiddeld", "minutes"),
    "resolution_p90_min": ("Afhandeling: 90% binnen", "minutes"),
    "backlog_mean": ("Werkvoorraad: gemiddeld", "number"),
    "backlog_max": ("Werkvoorraad: hoogste", "count"),
    "backlog_monday_0900": ("Werkvoorraad maandag 09:00", "number"),
    "utilisation": ("Bezettingsgraad", "percent"),
    "agent_hours_per_week": ("Uren online per week", "number"),
    "paid_hours_per_week": ("Betaalde uren per week", "number"),
    "fte": ("Fte", "number"),
    "cost_per_week_eur": ("Kosten per week", "euro"),
    "cost_per_answered_eur": ("Kosten per beantwoorde vermelding", "euro"),
    "reputation_exposure_reach_hours": ("Reputatierisico (bereik × uur)", "number"),
}


def _fail(message: str) -> NoReturn:
    Console(stderr=True, highlight=False).print(f"Fout: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _console() -> Console:
    width = None if sys.stdout.isatty() else NON_TTY_WIDTH
    return Console(width=width, highlight=False)


def _load(profile: str) -> Profile:
    try:
        return load_profile(profile)
    except ProfileError as exc:
        _fail(str(exc))


def _compile(profile: Profile, source: str, coverage: str | None) -> ModelSpec:
    if coverage is not None and coverage not in profile.coverages:
        _fail(
            f"onbekend dekkingsmodel {coverage!r} in profiel {source}; kies een van: "
            + ", ".join(profile.coverage_names)
        )
    return profile.compile(coverage)


def _check_weeks(weeks: float, warmup_weeks: float) -> None:
    if not (math.isfinite(weeks) and weeks > 0):
        _fail(f"--weeks is {weeks:g}; geef een aantal weken groter dan 0, bijvoorbeeld --weeks 4")
    if not (math.isfinite(warmup_weeks) and warmup_weeks >= 0):
        _fail(f"--warmup-weeks is {warmup_weeks:g}; geef 0 of meer weken inlooptijd")


def _check_out(path: Path, option: str) -> None:
    """Refuse an output file that cannot be written, before any simulation runs."""
    folder = path.parent
    if path.is_dir():
        _fail(f"{option} {path} is een map; geef een bestandsnaam in die map")
    if not folder.is_dir():
        _fail(
            f"{option} {path}: de map {folder} bestaat niet; maak hem eerst aan of kies een "
            "bestaande map"
        )
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        _fail(f"{option} {path}: geen schrijfrechten in {folder}; kies een andere map of bestand")


def _finite(value: Any) -> Any:
    """JSON has no NaN: unknown figures become null."""
    if value is pd.NA or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, Mapping):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(_finite(data), ensure_ascii=False, indent=2))


def _label(key: str, spec: ModelSpec) -> tuple[str, str]:
    if key in LABELS:
        return LABELS[key]
    if key.startswith("sla_"):
        for target in spec.sla_targets:
            stem = f"sla_{target.name}_"
            if key.startswith(stem):
                field = key.removeprefix(stem)
                goal = f"doel {target.goal:.0%}"
                if field == "attainment":
                    return (f"SLA {target.name}: gehaald ({goal})", "percent")
                dutch = {
                    "met": "op tijd (aantal)",
                    "breached": "te laat (aantal)",
                    "pending": "nog niet verlopen (aantal)",
                }
                return (f"SLA {target.name}: {dutch.get(field, field)}", "count")
    return (key, "number")


def _nl(value: float, decimals: int) -> str:
    """Dutch number: 12.345,6 (dot groups thousands, comma before decimals)."""
    return f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _fmt(value: float | int | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if unit == "count":
        return _nl(value, 0)
    if unit == "weeks":
        return _weeks(value)
    if unit == "percent":
        return _nl(100 * value, 1) + "%"
    if unit == "euro":
        return "€ " + _nl(value, 2)
    if unit == "minutes":
        if abs(value) >= 120:
            return f"{_nl(value, 0)} min ({_nl(value / 60, 1)} u)"
        return f"{_nl(value, 1)} min"
    return _nl(value, 2)


def _weeks(weeks: float) -> str:
    number = _nl(weeks, 0) if weeks == int(weeks) else _nl(weeks, 1)
    return f"{number} {'week' if weeks == 1 else 'weken'}"


def _fmt_estimate(est: Estimate, unit: str) -> str:
    """Compact "mean ± half-width" (the 95% interval), the unit written once."""
    if est.n == 0:
        return "–"
    if not math.isfinite(est.low) or est.half_width <= 1e-9 * max(1.0, abs(est.mean)):
        return _fmt(est.mean, "number" if unit == "minutes" else unit).removesuffix(",00") + (
            " min" if unit == "minutes" else ""
        )
    decimals = {"count": 0, "percent": 1, "euro": 2, "minutes": 1}.get(unit, 2)
    scale = 100.0 if unit == "percent" else 1.0
    text = f"{_nl(est.mean * scale, decimals)} ± {_nl(est.half_width * scale, decimals)}"
    suffix = {"percent": "%", "minutes": " min"}.get(unit, "")
    if unit == "minutes" and abs(est.mean) >= HOURS_FROM_MIN:
        suffix += f" ({_nl(est.mean / 60, 1)} u)"
    return ("€ " if unit == "euro" else "") + text + suffix


@contextmanager
def _progress(
    enabled: bool, description: str, total: int | None
) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr (only on a terminal); yields a ``progress(done, total)``."""
    if not enabled:
        yield lambda done, total: None
        return
    columns = (
        [SpinnerColumn(), TextColumn(description), TimeElapsedColumn()]
        if total is None
        else [TextColumn(description), BarColumn(), TextColumn("{task.completed}/{task.total}")]
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)

        def update(done: int, total_: int) -> None:
            bar.update(task, completed=done, total=total_)

        yield update


def _show_progress(json_out: bool) -> bool:
    return not json_out and sys.stderr.isatty()


ProfileArg = Annotated[
    str,
    typer.Argument(help="Korte naam (zie `webcare-sim profiles`) of pad naar een YAML-profiel."),
]
WeeksOpt = Annotated[float, typer.Option("--weeks", "-w", help="Aantal gemeten weken.")]
WarmupOpt = Annotated[
    float,
    typer.Option(
        "--warmup-weeks", help="Inloopweken vooraf (niet gemeten), zodat de week niet leeg begint."
    ),
]
SeedOpt = Annotated[
    int, typer.Option("--seed", "-s", help="Startgetal: zelfde seed, zelfde uitkomst.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Uitvoer als JSON (zie docs/cli-sim.md).")]


CLOCK_NL = {"calendar": "kalenderklok", "business": "kantoorklok"}
BY_CHOICES = {"channel": "channel", "hour": "hour_of_week"}  # --by value -> attainment_by key


def _check_simulation(spec: ModelSpec, weeks: float, warmup_weeks: float, seed: int) -> None:
    """Refuse before simulating what the engine would refuse or could not hold in memory."""
    if seed < 0:
        _fail(f"--seed is {seed}; geef een geheel getal van 0 of meer, bijvoorbeeld --seed 1")
    if weeks + warmup_weeks > MAX_WEEKS:
        _fail(
            f"--weeks plus --warmup-weeks is {weeks + warmup_weeks:g} weken; geef samen hoogstens "
            f"{MAX_WEEKS} weken (tien jaar)"
        )
    expected = sum(spec.rate_per_hour) * (weeks + warmup_weeks)
    if expected > MAX_EXPECTED_MENTIONS:
        _fail(
            f"{spec.name}: {_nl(expected, 0)} vermeldingen verwacht in "
            f"{_weeks(weeks + warmup_weeks)}; dat past niet in het geheugen. Geef minder weken of "
            f"een lager volume (hoogstens {_nl(MAX_EXPECTED_MENTIONS, 0)} vermeldingen per run)"
        )
    try:
        check_run(spec, weeks, warmup_weeks)
    except ValueError as exc:  # the engine's own checks: a message, never a traceback
        _fail(f"het model kan niet gesimuleerd worden: {exc}")


def _sla_label(target: SlaTarget) -> str:
    """ "SLA reactie-1u (kalenderklok, 1 u, doel 90%)": the promise, readable in one row."""
    within = _duration(target.within_min)
    return f"SLA {target.name} ({CLOCK_NL[target.clock]}, {within}, doel {target.goal:.0%})"


def _duration(minutes: float) -> str:
    """60 -> "1 u", 90 -> "90 min", 1020 -> "17 u", 150 -> "2,5 u"."""
    if minutes < 60 or (minutes < 120 and minutes % 60):
        return f"{_nl(minutes, 0 if minutes == int(minutes) else 1)} min"
    hours = minutes / 60
    return f"{_nl(hours, 0 if hours == int(hours) else 1)} u"


def _kpi_label(key: str, spec: ModelSpec) -> tuple[str, str]:
    """``_label`` with each SLA target's clock and limit, and response times marked as counting
    answered mentions only."""
    for target in spec.sla_targets:
        if key == f"sla_{target.name}_attainment":
            return (f"{_sla_label(target)}: gehaald", "percent")
    label, unit = _label(key, spec)
    if key.startswith("first_response_"):
        label += " (alleen beantwoord)"
    return label, unit


def _fmt_cell(est: Estimate, unit: str) -> str:
    """A compare cell: "mean ± half-width", minutes of 2 h or more in hours, and just the value
    when the interval rounds to nothing (e.g. agent hours, fixed by the rota)."""
    if unit == "minutes" and est.n and abs(est.mean) >= 120:
        est = Estimate(est.mean / 60, est.low / 60, est.high / 60, est.n)
        unit = "hours"
    decimals = {"count": 0, "percent": 1, "euro": 2, "minutes": 1, "hours": 1}.get(unit, 2)
    scale = 100.0 if unit == "percent" else 1.0
    if est.n == 0:
        return "–"
    if not math.isfinite(est.half_width) or round(est.half_width * scale, decimals) == 0:
        if unit == "hours":
            return f"{_nl(est.mean, decimals)} u"
        return _fmt(est.mean, unit)
    text = f"{_nl(est.mean * scale, decimals)} ± {_nl(est.half_width * scale, decimals)}"
    suffix = {"percent": "%", "minutes": " min", "hours": " u"}.get(unit, "")
    return ("€ " if unit == "euro" else "") + text + suffix


def _targets_json(spec: ModelSpec) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "metric": t.metric,
            "within_min": t.within_min,
            "goal": t.goal,
            "clock": t.clock,
        }
        for t in spec.sla_targets
    ]


def _by_rows(result: SimResult, by: str) -> list[dict[str, Any]]:
    """Attainment per channel or per hour of the week, as JSON-ready rows."""
    table = attainment_by(result, BY_CHOICES[by])  # type: ignore[arg-type]
    rows = []
    for group, row in table.iterrows():
        out: dict[str, Any] = {BY_CHOICES[by]: group}
        if by == "hour":
            day, hour = divmod(int(group), 24)
            out["weekday"], out["hour"] = WEEKDAY_NAMES[day], f"{hour:02d}:00"
        out.update({k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()})
        rows.append(out)
    return rows


def _by_table(rows: list[dict[str, Any]], by: str, spec: ModelSpec) -> Table:
    table = Table(show_header=True, header_style="bold")
    table.add_column("Kanaal" if by == "channel" else "Uur van de week")
    for title in ("Reactie nodig", "Beantwoord", "Eerste reactie gem. (alleen beantwoord)"):
        table.add_column(title, justify="right")
    for target in spec.sla_targets:
        table.add_column(_sla_label(target).removeprefix("SLA "), justify="right")
    for row in rows:
        group = row["channel"] if by == "channel" else f"{row['weekday']} {row['hour']}"
        cells = [
            _fmt(row["needs_reply"], "count"),
            _fmt(row["answered"], "count"),
            _fmt(row["first_response_mean_min"], "minutes"),
        ]
        for target in spec.sla_targets:
            value = row[f"{target.name}_attainment"]
            key = f"sla_{target.name}_attainment"
            cells.append(_fmt(value, "percent") + _verdict(key, value, spec))
        table.add_row(str(group), *cells)
    return table


@app.command("run")
def run_command(
    profile: ProfileArg,
    coverage: Annotated[
        str | None,
        typer.Option("--coverage", "-c", help="Dekkingsmodel; standaard de huidige bezetting."),
    ] = None,
    weeks: WeeksOpt = 4.0,
    seed: SeedOpt = 1,
    warmup_weeks: WarmupOpt = 1.0,
    json_out: JsonOpt = False,
    records: Annotated[
        Path | None,
        typer.Option("--records", help="Schrijf één regel per vermelding naar .csv of .parquet."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help="Toon ook de SLA-resultaten per kanaal (channel) of per uur (hour)."
        ),
    ] = None,
) -> None:
    """Simuleer één dekkingsmodel en toon de kerncijfers."""
    _check_weeks(weeks, warmup_weeks)
    if by is not None and by not in BY_CHOICES:
        _fail(f"--by {by}: kies channel (per kanaal) of hour (per uur van de week)")
    if records is not None and records.suffix.lower() not in RECORD_SUFFIXES:
        _fail(f"--records {records}: kies een bestandsnaam die eindigt op .csv of .parquet")
    if records is not None:
        _check_out(records, "--records")
    prof = _load(profile)
    spec = _compile(prof, profile, coverage)
    _check_simulation(spec, weeks, warmup_weeks, seed)
    with _progress(_show_progress(json_out), "Simuleren…", None):
        result = run(spec, weeks=weeks, seed=seed, warmup_weeks=warmup_weeks)
    kpis = summarise(result).as_dict()
    by_rows = _by_rows(result, by) if by is not None else None
    if records is not None:
        try:
            if records.suffix.lower() == ".csv":
                export_records(result).to_csv(records)
            else:
                export_records(result).to_parquet(records)
        except OSError as exc:
            _fail(f"kan {records} niet schrijven ({exc.strerror or exc})")
    if json_out:
        _print_json(
            {
                "profile": prof.name,
                "title": prof.title,
                "coverage": spec.coverage_name,
                "weeks": weeks,
                "warmup_weeks": warmup_weeks,
                "seed": seed,
                "targets": _targets_json(spec),
                "kpis": kpis,
                "by": by_rows,
                "records": str(records) if records is not None else None,
            }
        )
        return
    console = _console()
    console.print(
        f"{prof.title or prof.name} — dekkingsmodel {spec.coverage_name} — {_weeks(weeks)} "
        f"gemeten na {_weeks(warmup_weeks)} inloop — seed {seed}",
        markup=False,
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("Kerncijfer")
    table.add_column("Waarde", justify="right")
    for key, value in kpis.items():
        label, unit = _kpi_label(key, spec)
        table.add_row(label, _fmt(value, unit) + _verdict(key, value, spec))
    console.print(table)
    if by_rows is not None:
        console.print(_by_table(by_rows, by or "", spec))
    if records is not None:
        console.print(f"Vermeldingen geschreven naar {records}", markup=False)


@app.command("compare")
def compare_command(
    profile: ProfileArg,
    more_coverages: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[COVERAGE]...",
            help="Meer dekkingsmodellen (zo werkt ook `--coverage 24-7 business-hours`).",
        ),
    ] = None,
    coverage: Annotated[
        list[str] | None,
        typer.Option("--coverage", "-c", help="Dekkingsmodel(len); standaard alle."),
    ] = None,
    weeks: WeeksOpt = 4.0,
    replications: Annotated[
        int, typer.Option("--replications", "-r", help="Aantal herhalingen per dekkingsmodel.")
    ] = 10,
    seed: SeedOpt = 1,
    warmup_weeks: WarmupOpt = 1.0,
    processes: Annotated[
        int, typer.Option("--processes", "-j", help="Aantal processen naast elkaar.")
    ] = 1,
    json_out: JsonOpt = False,
) -> None:
    """Vergelijk dekkingsmodellen naast elkaar, met 95%-betrouwbaarheidsintervallen."""
    _check_weeks(weeks, warmup_weeks)
    if replications < 1:
        _fail(f"--replications is {replications}; geef 1 of meer (10 of meer voor een interval)")
    if processes < 1:
        _fail(f"--processes is {processes}; geef 1 of meer")
    prof = _load(profile)
    names = [*(coverage or []), *(more_coverages or [])] or prof.coverage_names
    for name in names:
        _check_simulation(_compile(prof, profile, name), weeks, warmup_weeks, seed)
    with _progress(_show_progress(json_out), "Herhalingen", len(names) * replications) as tick:
        results = compare(
            prof,
            names,
            weeks=weeks,
            replications=replications,
            seed=seed,
            warmup_weeks=warmup_weeks,
            progress=tick,
            processes=processes,
        )
    if json_out:
        _print_json(
            {
                "profile": prof.name,
                "title": prof.title,
                "weeks": weeks,
                "warmup_weeks": warmup_weeks,
                "replications": replications,
                "seed": seed,
                "confidence": CONFIDENCE,
                "targets": _targets_json(prof.compile(names[0])),
                "coverages": {
                    r.coverage: {k: e.as_dict() for k, e in r.estimates.items()} for r in results
                },
            }
        )
        return
    console = _console()
    console.print(
        f"{prof.title or prof.name} — {replications} herhalingen van {_weeks(weeks)} "
        f"(na {_weeks(warmup_weeks)} inloop) — seed {seed} — "
        "gemiddelde ± halve breedte van het 95%-interval",
        markup=False,
    )
    spec = prof.compile(names[0])
    table = Table(show_header=True, header_style="bold")
    table.add_column("Kerncijfer")
    for r in results:
        table.add_column(r.coverage, justify="right")
    keys: list[str] = []
    for r in results:
        keys.extend(
            k for k in r.estimates if k not in keys and k != "weeks" and not _is_sla_count(k)
        )
    for key in keys:
        label, unit = _kpi_label(key, spec)  # SLA targets are the same under every coverage
        cells = [
            _fmt_cell(r.estimates[key], unit) + _verdict(key, r.estimates[key].mean, spec)
            if key in r.estimates
            else "–"
            for r in results
        ]
        table.add_row(label, *cells)
    console.print(table)
    if spec.sla_targets:
        console.print("✓/✗: het gemiddelde haalt het SLA-doel wel/niet.", markup=False)


def _verdict(key: str, value: float | int, spec: ModelSpec) -> str:
    """A tick or cross after an SLA attainment: did it reach the goal?"""
    for target in spec.sla_targets:
        if key == f"sla_{target.name}_attainment" and math.isfinite(value):
            return " ✓" if value >= target.goal else " ✗"
    return ""


def _is_sla_count(key: str) -> bool:
    return key.startswith("sla_") and key.endswith(("_met", "_breached", "_pending"))


@app.command("profiles")
def profiles_command(json_out: JsonOpt = False) -> None:
    """Toon de meegeleverde organisatieprofielen."""
    rows: list[dict[str, Any]] = []
    for name in list_profiles():
        prof = _load(name)
        rows.append(
            {
                "name": name,
                "title": prof.title,
                "path": str(resolve_profile(name)),
                "mentions_per_week": prof.volume.mentions_per_week,
                "current_coverage": prof.current_coverage,
                "coverages": prof.coverage_names,
            }
        )
    if json_out:
        _print_json(rows)
        return
    table = Table(show_header=True, header_style="bold")
    for column in ("Naam", "Organisatie", "Vermeldingen/week", "Nu", "Dekkingsmodellen"):
        table.add_column(column, justify="right" if column == "Vermeldingen/week" else "left")
    for row in rows:
        table.add_row(
            str(row["name"]),
            str(row["title"]),
            _fmt(float(row["mentions_per_week"]), "count"),
            str(row["current_coverage"]),
            ", ".join(row["coverages"]),
        )
    _console().print(table)


# --- sizing, coverage report, sweeps ------------------------------------------------------------

EXIT_UNREACHABLE = 3  # `size`: no staffing within --max-agents meets the targets

TargetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--target",
        "-t",
        help='SLA-doel zoals "first_response<=60min:90%" of "resolution<=24h:90%@business"; '
        "vervangt het profieldoel met dezelfde metriek. Herhaal voor meer doelen.",
    ),
]
SizeRepsOpt = Annotated[
    int, typer.Option("--replications", "-r", help="Herhalingen per kandidaat-bezetting (≥ 2).")
]
MaxAgentsOpt = Annotated[
    int, typer.Option("--max-agents", help="Hoogste aantal agents per dienst dat gezocht wordt.")
]
ProcessesOpt = Annotated[
    int | None,
    typer.Option("--processes", "-j", help="Aantal processen naast elkaar; standaard alle kernen."),
]
DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask",
        help="Adres van een Dask-scheduler (tcp://host:8786); standaard $DASK_SCHEDULER_ADDRESS, "
        "anders lokaal rekenen.",
    ),
]


def _targets(texts: list[str] | None) -> tuple[SlaTarget, ...]:
    try:
        return parse_targets(texts or [])
    except TargetError as exc:
        _fail(str(exc))


def _runner(processes: int | None, dask: str | None) -> Runner:
    if processes is not None and processes < 1:
        _fail(f"--processes is {processes}; geef 1 of meer")
    return Runner(processes, dask_address(dask))


@contextmanager
def _spinner(enabled: bool, description: str) -> Iterator[Callable[[str], None]]:
    """A spinner with elapsed time on stderr; yields ``say(text)`` to update its text."""
    if not enabled:
        yield lambda text: None
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda text: bar.update(task, description=text)


def _agents_text(cand: Candidate) -> str:
    return agents_text(cand)


def _size_table(result: SizingResult) -> Table:
    table = Table(show_header=True, header_style="bold")
    table.add_column("")
    table.add_column("Simulatie (aanbevolen)", justify="right")
    table.add_column("Alleen Erlang C", justify="right")
    both = (result.best, result.erlang)
    table.add_row("Fte", *(_nl(c.fte, 1) for c in both))
    table.add_row("Kosten per week", *("€ " + _nl(c.cost_per_week_eur, 0) for c in both))
    for target in result.targets:
        cells = []
        for c in both:
            est = c.attainment(target)
            ok = " ✓" if est.low >= target.goal else " ✗"
            cells.append(_fmt_estimate(est, "percent") + ok)
        table.add_row(f"Gehaald: {describe(target)}", *cells)
    for key in ("first_response_p90_min", "backlog_monday_0900", "reputation_exposure_reach_hours"):
        label, unit = LABELS[key]
        unit = "count" if key.startswith("reputation") else unit
        table.add_row(label, *(_fmt_estimate(c.estimates[key], unit) for c in both))
    return table


def _blocks_table(result: SizingResult) -> Table:
    """Agents per shift (rows) and weekday (columns): the advice, Erlang C in brackets."""
    best = result.best.agents_by_shift_and_day
    erlang = result.erlang.agents_by_shift_and_day
    days = [d for d in DAY_LABELS if any(d in per_day for per_day in best.values())]
    table = Table(show_header=True, header_style="bold", title_justify="left")
    table.add_column("Dienst")
    for day in days:
        table.add_column(DAY_LABELS[day], justify="right")
    for shift, per_day in best.items():
        cells = [f"{per_day[d]} ({erlang[shift][d]})" if d in per_day else "–" for d in days]
        table.add_row(shift, *cells)
    return table


def _size_verdict(result: SizingResult) -> list[str]:
    lines = []
    if result.unproven:
        best = ", ".join(
            f"{name} {_fmt_estimate(est, 'percent')}"
            for name, est in result.best_attainment.items()
        )
        lines.append(
            f"Niet aantoonbaar met {result.replications} herhalingen; verhoog --replications. "
            f"Met {result.max_agents} agents in elke dienst haalt {result.coverage} de doelen "
            f"gemiddeld wel ({best}), maar de ondergrens van het 95%-interval nog niet: het "
            "interval is te breed om het met zekerheid te zeggen. De aanbevolen bezetting is "
            "voorlopig de goedkoopste die dat resultaat op 1 procentpunt na bereikt."
        )
    elif not result.reachable:
        best = ", ".join(
            f"{name} {_fmt_estimate(est, 'percent')}"
            for name, est in result.best_attainment.items()
        )
        lines.append(
            f"Niet haalbaar: zelfs met {result.max_agents} agents in elke dienst haalt "
            f"{result.coverage} de doelen niet (beste gevonden: {best}). Meestal komt dat door "
            "uren zonder bezetting; kies een ander dekkingsmodel of een doel op de kantoorklok "
            "(@business). De aanbevolen bezetting is de goedkoopste die het haalbare op "
            "1 procentpunt na bereikt."
        )
    if result.budget_spent:
        lines.append(
            f"Let op: de zoektocht stopte na {result.evaluations} bezettingen (het maximum). "
            + (
                "De herstelstap haalde de doelen niet, dus de aanbeveling begint bij het maximum "
                "per dienst; "
                if result.repair_fell_back
                else ""
            )
            + "de aanbevolen bezetting haalt de doelen, maar een goedkopere kan bestaan."
        )
    saving = result.erlang.cost_per_week_eur - result.best.cost_per_week_eur
    if result.erlang.meets() and saving > 0:
        lines.append(
            f"Erlang C haalt de doelen ook, maar is € {_nl(saving, 0)} per week duurder: de "
            "formule ziet niet dat rustige uren een piek kunnen opvangen."
        )
    elif not result.erlang.meets():
        lines.append(
            "Erlang C alleen haalt de doelen niet in de simulatie: de formule ziet geen "
            "nachtelijke achterstand, backoffice-uren of gesprekken van meerdere beurten."
        )
    return lines


@app.command("size")
def size_command(
    profile: ProfileArg,
    coverage: Annotated[
        str | None,
        typer.Option("--coverage", "-c", help="Dekkingsmodel; standaard de huidige bezetting."),
    ] = None,
    target: TargetOpt = None,
    replications: SizeRepsOpt = SIZING_REPLICATIONS,
    weeks: WeeksOpt = SIZING_WEEKS,
    warmup_weeks: WarmupOpt = SIZING_WARMUP_WEEKS,
    max_agents: MaxAgentsOpt = MAX_AGENTS_PER_SHIFT,
    seed: SeedOpt = 1,
    processes: ProcessesOpt = None,
    dask: DaskOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Zoek de goedkoopste bezetting per dienst die de SLA-doelen met zekerheid haalt."""
    _check_weeks(weeks, warmup_weeks)
    typed = _targets(target)
    prof = _load(profile)
    name = coverage if coverage is not None else prof.current_coverage
    if name in prof.coverages:  # an unknown name gets sizing's own message below
        _check_simulation(_compile(prof, profile, name), weeks, warmup_weeks, seed)
    runner = _runner(processes, dask)
    try:
        with (
            _spinner(_show_progress(json_out), "Bezetting zoeken…") as say,
            runner,
        ):
            count = [0]

            def seen(cand: Candidate) -> None:
                count[0] += 1
                say(f"Kandidaat {count[0]}: {_agents_text(cand)}")

            result = size(
                prof,
                name,
                typed,
                replications=replications,
                weeks=weeks,
                warmup_weeks=warmup_weeks,
                max_agents=max_agents,
                seed=seed,
                runner=runner,
                on_candidate=seen,
            )
    except (SizingError, ParallelError, ProfileError) as exc:
        _fail(str(exc))
    if json_out:
        _print_json(sizing_summary(result))
    else:
        console = _console()
        console.print(
            f"{prof.title or prof.name} — dekkingsmodel {result.coverage} — "
            f"{replications} herhalingen van {_weeks(weeks)} (na {_weeks(warmup_weeks)} inloop) — "
            f"seed {seed} — {result.evaluations} "
            f"{plural(result.evaluations, 'bezetting', 'bezettingen')} gesimuleerd",
            markup=False,
        )
        console.print(
            "Doelen: " + "; ".join(describe(t) for t in result.targets) + ". Gehaald = "
            "ondergrens van het 95%-interval ≥ doel.",
            markup=False,
        )
        console.print(
            "Agents per dienst en dag (aanbevolen, Alleen Erlang C tussen haakjes):", markup=False
        )
        console.print(_blocks_table(result))
        console.print(_size_table(result))
        for line in _size_verdict(result):
            console.print(line, markup=False)
    if not result.reachable:
        raise typer.Exit(EXIT_UNREACHABLE)


def _status(result: SizingResult) -> str:
    if result.reachable:
        return "haalt de doelen"
    if result.unproven:
        return f"niet aantoonbaar met {result.replications} herhalingen; beste poging"
    return BEST_ATTEMPT


def _target_cell(cand: Candidate, target: SlaTarget) -> str:
    est = cand.attainment(target)
    met = math.isfinite(est.low) and est.low >= target.goal - 1e-12
    return _fmt_estimate(est, "percent") + (" ✓" if met else " ✗")


def _report_table(report: CoverageReport) -> Table:
    """Coverage models as columns, figures as rows (like `size`), so it fits a terminal."""
    columns: list[tuple[str, SizingResult]] = [(r.coverage, r) for r in report.results]
    if report.office_business is not None:
        fair = report.office_business
        columns.append((f"{fair.coverage} ({BUSINESS_CLOCK_LABEL})", fair))
    table = Table(show_header=True, header_style="bold", show_lines=False)
    table.add_column("")
    for name, _ in columns:
        table.add_column(name, justify="right")
    results = [r for _, r in columns]
    bests = [r.best for r in results]
    table.add_row("Doelen gehaald?", *(_status(r) for r in results))
    table.add_row(
        "Agents per dienst en dag",
        *("\n".join(agents_text(b).split(", ")) for b in bests),
    )
    table.add_row("Fte", *(_nl(b.fte, 1) for b in bests))
    table.add_row("Kosten per week", *("€ " + _nl(b.cost_per_week_eur, 0) for b in bests))
    for i in range(len(report.targets)):
        # Each column's own version of this target (the fair column counts office hours).
        cells = [_target_cell(r.best, r.targets[i]) for r in results]
        if report.office_business is not None:
            cells[-1] += " (kantoorklok)"
        table.add_row(f"Gehaald D{i + 1}", *cells)
    for key in ("first_response_p90_min", "backlog_monday_0900", "reputation_exposure_reach_hours"):
        label, unit = LABELS[key]
        unit = "count" if key.startswith("reputation") else unit
        table.add_row(label, *(_fmt_estimate(b.estimates[key], unit) for b in bests))
    table.add_row(
        "Alleen Erlang C",
        *(f"{_nl(r.erlang.fte, 1)} fte " + ("✓" if r.erlang.meets() else "✗") for r in results),
    )
    return table


@app.command("coverage-report")
def coverage_report_command(
    profile: ProfileArg,
    target: TargetOpt = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="HTML-pagina met tabel en grafieken.")
    ] = Path("report.html"),
    replications: SizeRepsOpt = SIZING_REPLICATIONS,
    weeks: WeeksOpt = SIZING_WEEKS,
    warmup_weeks: WarmupOpt = SIZING_WARMUP_WEEKS,
    max_agents: MaxAgentsOpt = MAX_AGENTS_PER_SHIFT,
    seed: SeedOpt = 1,
    processes: ProcessesOpt = None,
    dask: DaskOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Reken elk dekkingsmodel door op dezelfde doelen: wat kost het en wat levert het op?"""
    _check_weeks(weeks, warmup_weeks)
    typed = _targets(target)
    if out.suffix.lower() not in (".html", ".htm"):
        _fail(f"--out {out}: kies een bestandsnaam die eindigt op .html")
    _check_out(out, "--out")
    prof = _load(profile)
    for name in prof.coverage_names:
        _check_simulation(_compile(prof, profile, name), weeks, warmup_weeks, seed)
    runner = _runner(processes, dask)
    try:
        with _spinner(_show_progress(json_out), "Doorrekenen…") as say, runner:
            report = build_report(
                prof,
                typed,
                replications=replications,
                weeks=weeks,
                warmup_weeks=warmup_weeks,
                max_agents=max_agents,
                seed=seed,
                runner=runner,
                on_coverage=lambda name: say(f"Dekkingsmodel {name} doorrekenen…"),
            )
        write_html(report, out)
    except (SizingError, ParallelError, ProfileError, ReportError) as exc:
        _fail(str(exc))
    if json_out:
        _print_json({**report_summary(report), "html": str(out)})
        return
    console = _console()
    console.print(f"{report.title} — alle dekkingsmodellen op dezelfde doelen:", markup=False)
    for i, t in enumerate(report.targets):
        console.print(f"  D{i + 1} = {describe(t)}", markup=False)
    console.print(_report_table(report))
    console.print(factor_sentence(report), markup=False)
    console.print(f"Rapport geschreven naar {out}", markup=False)


@app.command("sweep")
def sweep_command(
    profile: ProfileArg,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            "-v",
            help="Parameter en waarden: agents=4..12 (per dienst), volume=1.0,1.5,2.0, "
            "handle_time=0.8,1.0,1.2. Herhaal voor een rooster.",
        ),
    ] = None,
    coverage: Annotated[
        str | None,
        typer.Option("--coverage", "-c", help="Dekkingsmodel; standaard de huidige bezetting."),
    ] = None,
    target: TargetOpt = None,
    replications: Annotated[
        int, typer.Option("--replications", "-r", help="Herhalingen per roosterpunt.")
    ] = SWEEP_REPLICATIONS,
    weeks: WeeksOpt = SWEEP_WEEKS,
    warmup_weeks: WarmupOpt = SWEEP_WARMUP_WEEKS,
    seed: SeedOpt = 1,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Resultaten per punt en herhaling: .csv of .parquet."),
    ] = Path("results.parquet"),
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Grafiek kosten tegen SLA: .html of .png."),
    ] = None,
    processes: ProcessesOpt = None,
    dask: DaskOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Reken een rooster van wat-als-varianten door en teken de grens kosten tegen SLA."""
    _check_weeks(weeks, warmup_weeks)
    if replications < 1:
        _fail(f"--replications is {replications}; geef 1 of meer (2 of meer voor een interval)")
    if out.suffix.lower() not in RECORD_SUFFIXES:
        _fail(f"--out {out}: kies een bestandsnaam die eindigt op .csv of .parquet")
    if chart is not None and chart.suffix.lower() not in (".html", ".png"):
        _fail(f"--chart {chart}: kies een bestandsnaam die eindigt op .html of .png")
    _check_out(out, "--out")
    _check_out(summary_path(out), "--out")
    if chart is not None:
        _check_out(chart, "--chart")
    if not vary:
        _fail("geef minstens één --vary, bijvoorbeeld --vary agents=4..12 --vary volume=1.0,1.5")
    try:
        points = grid(parse_vary(vary))
    except SweepError as exc:
        _fail(str(exc))
    typed = _targets(target)
    prof = _load(profile)
    name = coverage if coverage is not None else prof.current_coverage
    if name not in prof.coverages:
        _fail(
            f"onbekend dekkingsmodel {name!r} in profiel {profile}; kies een van: "
            + ", ".join(prof.coverage_names)
        )
    scenarios = {(p.volume, p.handle_time): p for p in points}
    for point in scenarios.values():
        variant = point_profile(prof, name, replace(point, agents=None))
        _check_simulation(_compile(variant, profile, name), weeks, warmup_weeks, seed)
    runner = _runner(processes, dask)
    total = len(points) * replications
    try:
        targets = sizing_targets(prof, typed)
        with _bar(_show_progress(json_out), "Rooster", total) as tick, runner:
            tidy = run_sweep(
                prof,
                name,
                points,
                targets,
                replications=replications,
                weeks=weeks,
                warmup_weeks=warmup_weeks,
                seed=seed,
                runner=runner,
                progress=tick,
            )
        summary = summarise_sweep(tidy, targets)
        write_table(tidy, out)
        write_table(summary, summary_path(out))
        if chart is not None:
            save_chart(frontier_chart(summary, targets), chart)
    except (SweepError, SizingError, ParallelError, ProfileError, ValueError) as exc:
        _fail(str(exc))
    if json_out:
        _print_json(
            {
                "profile": prof.name,
                "coverage": name,
                "grid_points": len(points),
                "replications": replications,
                "runs": total,
                "out": str(out),
                "summary_out": str(summary_path(out)),
                "chart": str(chart) if chart is not None else None,
                "summary": summary.to_dict(orient="records"),
            }
        )
        return
    console = _console()
    console.print(
        f"{prof.title or prof.name} — dekkingsmodel {name} — {len(points)} "
        f"{plural(len(points), 'roosterpunt', 'roosterpunten')} × {replications} "
        f"{plural(replications, 'herhaling', 'herhalingen')} = {total} "
        f"{plural(total, 'run', 'runs')} — seed {seed}",
        markup=False,
    )
    front = frontier_target(targets)
    table = Table(show_header=True, header_style="bold")
    for column in ("Agents/dienst", "Volume", "Behandeltijd", "Euro/week"):
        table.add_column(column, justify="right")
    table.add_column(f"Gehaald {front.name}", justify="right")
    table.add_column("Alle doelen", justify="center")
    table.add_column("Grens", justify="center")
    for row in summary.to_dict(orient="records"):
        est = Estimate(
            row[f"sla_{front.name}_attainment_mean"],
            row[f"sla_{front.name}_attainment_low"],
            row[f"sla_{front.name}_attainment_high"],
            int(row["replications"]),
        )
        table.add_row(
            "eigen" if row["agents"] < 0 else str(row["agents"]),
            "×" + f"{row['volume']:g}".replace(".", ","),
            "×" + f"{row['handle_time']:g}".replace(".", ","),
            "€ " + _nl(row["cost_per_week_eur_mean"], 0),
            _fmt_estimate(est, "percent"),
            "?" if row["meets_targets"] is pd.NA else "✓" if row["meets_targets"] else "✗",
            "●" if row["pareto"] else "",
        )
    console.print(table)
    if replications < MIN_REPLICATIONS_FOR_VERDICT:
        console.print(
            f"Alle doelen: ? = onbekend. Met {replications} herhaling is er geen "
            "betrouwbaarheidsinterval, en één seed kan niet aantonen dat een doel gehaald wordt; "
            f"geef --replications {MIN_REPLICATIONS_FOR_VERDICT} of meer.",
            markup=False,
        )
    console.print(
        f"Resultaten: {out} (per punt en herhaling), {summary_path(out)} (per punt)"
        + (f", grafiek: {chart}" if chart is not None else ""),
        markup=False,
    )


@contextmanager
def _bar(enabled: bool, description: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A progress bar with time left on stderr; yields ``progress(done, total)``."""
    if not enabled:
        yield lambda done, total: None
        return
    columns = [
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("nog"),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done, total_: bar.update(task, completed=done, total=total_)


# `roster` lives in its own module (sim/cli_roster.py); registered here.
from sim.cli_roster import register as _register_roster  # noqa: E402

_register_roster(app)


def main() -> None:
    """Console-script entry point (``webcare-sim``)."""
    app()


if __name__ == "__main__":
    main()
