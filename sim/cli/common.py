"""What every ``webcare-sim`` command shares: options, loading, checks, output and errors.

Messages are Dutch (managers read them). Bad input prints one paragraph to stderr starting with
"Fout:" and exits with ``EXIT_BAD_INPUT``, never a traceback. A domain ``InputError`` names a
field (``replications``); ``fail_input`` says it with the command's flag (``--replications``).
Numbers are written the Dutch way (``nl_number``: 12.345,6).
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
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

from sim.engine import MAX_EXPECTED_MENTIONS, MAX_WEEKS, check_run
from sim.errors import InputError
from sim.experiment import Estimate
from sim.nl import HOURS_FROM_MIN
from sim.parallel import Runner, dask_address
from sim.profile import Profile, ProfileError, load_profile
from sim.spec import ModelSpec, SlaTarget
from sim.targets import TargetError, parse_targets

EXIT_BAD_INPUT = 2  # exit code for input the command cannot use
NON_TTY_WIDTH = 140  # columns for tables when output goes to a file or pipe
RECORD_SUFFIXES = (".csv", ".parquet")


def fail(message: str) -> NoReturn:
    """Print "Fout: <message>" as one paragraph on stderr and exit with ``EXIT_BAD_INPUT``."""
    Console(stderr=True, highlight=False).print(f"Fout: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


# The option that sets each field a domain ``InputError`` can name.
FLAGS: dict[str, str] = {
    "weeks": "--weeks",
    "warmup_weeks": "--warmup-weeks",
    "replications": "--replications",
    "seed": "--seed",
    "max_agents": "--max-agents",
    "vary": "--vary",
    "chart": "--chart",
    "out": "--out",
}


def fail_input(exc: InputError) -> NoReturn:
    """Say a domain input error with the flag that sets its field."""
    fail(exc.message(FLAGS.get(exc.field)))


def require_targets(spec: ModelSpec, typed: tuple[SlaTarget, ...]) -> None:
    """Sizing and sweeps need a target: from the profile or typed with ``--target``."""
    if not spec.sla_targets and not typed:
        fail(
            f"profiel {spec.name} heeft geen SLA-doelen; geef er een met --target, "
            'bijvoorbeeld --target "first_response<=60min:90%"'
        )


def stdout_console() -> Console:
    width = None if sys.stdout.isatty() else NON_TTY_WIDTH
    return Console(width=width, highlight=False)


def load(profile: str) -> Profile:
    try:
        return load_profile(profile)
    except ProfileError as exc:
        fail(str(exc))


def compile_coverage(profile: Profile, source: str, coverage: str | None) -> ModelSpec:
    if coverage is not None and coverage not in profile.coverages:
        fail(
            f"onbekend dekkingsmodel {coverage!r} in profiel {source}; kies een van: "
            + ", ".join(profile.coverage_names)
        )
    return profile.compile(coverage)


def check_weeks(weeks: float, warmup_weeks: float) -> None:
    if not (math.isfinite(weeks) and weeks > 0):
        fail(f"--weeks is {weeks:g}; geef een aantal weken groter dan 0, bijvoorbeeld --weeks 4")
    if not (math.isfinite(warmup_weeks) and warmup_weeks >= 0):
        fail(f"--warmup-weeks is {warmup_weeks:g}; geef 0 of meer weken inlooptijd")


def check_out(path: Path, option: str) -> None:
    """Refuse an output file that cannot be written, before any simulation runs."""
    folder = path.parent
    if path.is_dir():
        fail(f"{option} {path} is een map; geef een bestandsnaam in die map")
    if not folder.is_dir():
        fail(
            f"{option} {path}: de map {folder} bestaat niet; maak hem eerst aan of kies een "
            "bestaande map"
        )
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        fail(f"{option} {path}: geen schrijfrechten in {folder}; kies een andere map of bestand")


def finite(value: Any) -> Any:
    """JSON has no NaN: unknown figures become null."""
    if value is pd.NA or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, Mapping):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def print_json(data: Any) -> None:
    typer.echo(json.dumps(finite(data), ensure_ascii=False, indent=2))


def nl_number(value: float, decimals: int) -> str:
    """Dutch number: 12.345,6 (dot groups thousands, comma before decimals)."""
    return f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def fmt(value: float | int | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if unit == "count":
        return nl_number(value, 0)
    if unit == "weeks":
        return weeks_text(value)
    if unit == "percent":
        return nl_number(100 * value, 1) + "%"
    if unit == "euro":
        return "€ " + nl_number(value, 2)
    if unit == "minutes":
        if abs(value) >= 120:
            return f"{nl_number(value, 0)} min ({nl_number(value / 60, 1)} u)"
        return f"{nl_number(value, 1)} min"
    return nl_number(value, 2)


def weeks_text(weeks: float) -> str:
    number = nl_number(weeks, 0) if weeks == int(weeks) else nl_number(weeks, 1)
    return f"{number} {'week' if weeks == 1 else 'weken'}"


def fmt_estimate(est: Estimate, unit: str) -> str:
    """Compact "mean ± half-width" (the 95% interval), the unit written once."""
    if est.n == 0:
        return "–"
    if not math.isfinite(est.low) or est.half_width <= 1e-9 * max(1.0, abs(est.mean)):
        return fmt(est.mean, "number" if unit == "minutes" else unit).removesuffix(",00") + (
            " min" if unit == "minutes" else ""
        )
    decimals = {"count": 0, "percent": 1, "euro": 2, "minutes": 1}.get(unit, 2)
    scale = 100.0 if unit == "percent" else 1.0
    text = (
        f"{nl_number(est.mean * scale, decimals)} ± {nl_number(est.half_width * scale, decimals)}"
    )
    suffix = {"percent": "%", "minutes": " min"}.get(unit, "")
    if unit == "minutes" and abs(est.mean) >= HOURS_FROM_MIN:
        suffix += f" ({nl_number(est.mean / 60, 1)} u)"
    return ("€ " if unit == "euro" else "") + text + suffix


@contextmanager
def progress_bar(
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


def show_progress(json_out: bool) -> bool:
    return not json_out and sys.stderr.isatty()


@contextmanager
def eta_bar(enabled: bool, description: str, total: int) -> Iterator[Callable[[int, int], None]]:
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


@contextmanager
def spinner(enabled: bool, description: str) -> Iterator[Callable[[str], None]]:
    """A spinner with elapsed time on stderr; yields ``say(text)`` to update its text."""
    if not enabled:
        yield lambda text: None
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda text: bar.update(task, description=text)


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


def check_simulation(spec: ModelSpec, weeks: float, warmup_weeks: float, seed: int) -> None:
    """Refuse before simulating what the engine would refuse or could not hold in memory."""
    if seed < 0:
        fail(f"--seed is {seed}; geef een geheel getal van 0 of meer, bijvoorbeeld --seed 1")
    if weeks + warmup_weeks > MAX_WEEKS:
        fail(
            f"--weeks plus --warmup-weeks is {weeks + warmup_weeks:g} weken; geef samen hoogstens "
            f"{MAX_WEEKS} weken (tien jaar)"
        )
    expected = sum(spec.rate_per_hour) * (weeks + warmup_weeks)
    if expected > MAX_EXPECTED_MENTIONS:
        fail(
            f"{spec.name}: {nl_number(expected, 0)} vermeldingen verwacht in "
            f"{weeks_text(weeks + warmup_weeks)}; dat past niet in het geheugen. Geef minder "
            "weken of een lager volume (hoogstens "
            f"{nl_number(MAX_EXPECTED_MENTIONS, 0)} vermeldingen per run)"
        )
    try:
        check_run(spec, weeks, warmup_weeks)
    except ValueError as exc:  # the engine's own checks: a message, never a traceback
        fail(f"het model kan niet gesimuleerd worden: {exc}")


def parse_target_options(texts: list[str] | None) -> tuple[SlaTarget, ...]:
    try:
        return parse_targets(texts or [])
    except TargetError as exc:
        fail(str(exc))


def make_runner(processes: int | None, dask: str | None) -> Runner:
    if processes is not None and processes < 1:
        fail(f"--processes is {processes}; geef 1 of meer")
    return Runner(processes, dask_address(dask))


def targets_json(spec: ModelSpec) -> list[dict[str, Any]]:
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
