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
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from sim.arrivals import expected_arrivals
from sim.engine import MAX_EXPECTED_MENTIONS, MAX_WEEKS, check_run
from sim.errors import InputError
from sim.experiment import Estimate
from sim.nl import HOURS_FROM_MIN
from sim.parallel import Runner, dask_address
from sim.profile import Profile, ProfileError, read_profile
from sim.profile.fields import MAX_AGENTS, MAX_SLA_WITHIN_MIN
from sim.spec import ModelSpec, SlaTarget
from sim.targets import TargetError, parse_targets

EXIT_BAD_INPUT = 2  # exit code for input the command cannot use
NON_TTY_WIDTH = 140  # columns for tables when output goes to a file or pipe
RECORD_SUFFIXES = (".csv", ".parquet")
MIN_WEEKS = 1 / 168  # one hour: a shorter run measures nothing
MAX_REPLICATIONS = 1_000  # per coverage model or grid point; 30 already gives tight intervals
MAX_PROCESSES = 256
MAX_SEED = 2**63 - 1  # numpy seeds are unsigned 64-bit; keep a margin for derived streams
MAX_SWEEP_RUNS = 100_000  # grid points × replications
# Work of one run before it starts: expected mentions × turns per conversation × (1 + SLA
# targets), since every turn is an event and every target is scored per mention. The engine
# refuses more than 10 million mentions; this also counts turns and targets.
MAX_RUN_WORK = 20_000_000

# Text from files and users reaches the terminal: ANSI escape sequences (colour, cursor moves,
# window titles) and other control characters must not act on it. Newlines and tabs stay.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """``text`` without escape sequences, control characters or lone surrogates."""
    return _CONTROL.sub("", _ANSI.sub("", text))


class PlainConsole(Console):
    """A rich console that never reads markup ("[/]", "[bold]") in what it prints and strips
    escape sequences from every string, table cells and titles included: profile names, file
    names and coverage names are data, not instructions to the terminal."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, highlight=False, emoji=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs["markup"] = False
        kwargs["emoji"] = False
        return super().render_str(terminal_safe(text), **kwargs)


def fail(message: str) -> NoReturn:
    """Print "Fout: <message>" as one paragraph on stderr and exit with ``EXIT_BAD_INPUT``."""
    PlainConsole(stderr=True).print(f"Fout: {message}", soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def note(message: str) -> None:
    """A remark on stderr that does not stop the command (e.g. how a file was decoded)."""
    PlainConsole(stderr=True).print(f"Let op: {message}", soft_wrap=True)


def check_replications(replications: int, option: str = "--replications") -> None:
    if not 1 <= replications <= MAX_REPLICATIONS:
        fail(
            f"{option} is {replications}; geef 1 tot en met {MAX_REPLICATIONS} herhalingen "
            "(10 tot 30 is meestal genoeg)"
        )


def check_max_agents(max_agents: int) -> None:
    if not 1 <= max_agents <= MAX_AGENTS:
        fail(f"--max-agents is {max_agents}; geef 1 tot en met {MAX_AGENTS} agents per dienst")


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
    return PlainConsole(width=width)


def load(profile: str) -> Profile:
    """Read a profile; say on stderr when the file was not plain UTF-8 (a letter may be misread)."""
    try:
        loaded = read_profile(profile)
    except ProfileError as exc:
        fail(str(exc))
    if loaded.note:
        note(f"profiel {loaded.file}: {loaded.note}")
    return loaded.profile


def compile_coverage(profile: Profile, source: str, coverage: str | None) -> ModelSpec:
    if coverage is not None and coverage not in profile.coverages:
        fail(
            f"onbekend dekkingsmodel {coverage!r} in profiel {source}; kies een van: "
            + ", ".join(profile.coverage_names)
        )
    return profile.compile(coverage)


def check_weeks(weeks: float, warmup_weeks: float) -> None:
    if not (math.isfinite(weeks) and weeks >= MIN_WEEKS):
        fail(
            f"--weeks is {weeks:g}; geef minstens één uur ({MIN_WEEKS:.4f} week), bijvoorbeeld "
            "--weeks 4"
        )
    if not (math.isfinite(warmup_weeks) and warmup_weeks >= 0):
        fail(f"--warmup-weeks is {warmup_weeks:g}; geef 0 of meer weken inlooptijd")


def check_out(path: Path, option: str) -> None:
    """Refuse an output file that cannot be written, before any simulation runs."""
    if len(path.name.encode("utf-8", "surrogateescape")) > 255 or len(str(path)) > 4000:
        fail(
            f"{option} {terminal_safe(str(path))[:80]}…: de bestandsnaam is te lang "
            f"({len(path.name)} tekens); geef een naam van hoogstens 255 tekens"
        )
    folder = path.parent
    try:
        _check_writable(path, folder, option)
    except (OSError, ValueError) as exc:
        fail(f"{option} {path}: kan dit bestand niet gebruiken ({exc})")


def _check_writable(path: Path, folder: Path, option: str) -> None:
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
    text = json.dumps(finite(data), ensure_ascii=False, indent=2)
    # JSON escapes C0 controls itself; C1 controls and DEL would reach the terminal raw.
    typer.echo(re.sub(r"[\x7f-\x9f\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text))


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
        # a coverage or shift name in the text is data: never markup, never an escape sequence
        yield lambda text: bar.update(task, description=escape(terminal_safe(text)))


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
    if not 0 <= seed <= MAX_SEED:
        fail(
            f"--seed is {seed}; geef een geheel getal van 0 tot en met {MAX_SEED}, bijvoorbeeld "
            "--seed 1"
        )
    if weeks + warmup_weeks > MAX_WEEKS:
        fail(
            f"--weeks plus --warmup-weeks is {weeks + warmup_weeks:g} weken; geef samen hoogstens "
            f"{MAX_WEEKS} weken (tien jaar)"
        )
    expected = expected_arrivals(spec, (weeks + warmup_weeks) * 7 * 24 * 60)
    if not expected <= MAX_EXPECTED_MENTIONS:
        fail(
            f"{spec.name}: {nl_number(expected, 0)} vermeldingen verwacht in "
            f"{weeks_text(weeks + warmup_weeks)}; dat past niet in het geheugen. Geef minder "
            "weken of een lager volume (hoogstens "
            f"{nl_number(MAX_EXPECTED_MENTIONS, 0)} vermeldingen per run)"
        )
    work = expected * spec.conversation.mean_turns * (1 + len(spec.sla_targets))
    if work > MAX_RUN_WORK:
        fail(
            f"{spec.name}: {nl_number(expected, 0)} vermeldingen × "
            f"{nl_number(spec.conversation.mean_turns, 1)} beurten × "
            f"(1 + {len(spec.sla_targets)} SLA-doelen) is {nl_number(work, 0)} stappen werk in "
            f"{weeks_text(weeks + warmup_weeks)}; dat duurt uren. Geef minder weken, minder "
            f"beurten of minder doelen (hoogstens {nl_number(MAX_RUN_WORK, 0)} stappen per run)"
        )
    try:
        check_run(spec, weeks, warmup_weeks)
    except ValueError as exc:  # the engine's own checks: a message, never a traceback
        fail(f"profiel {spec.name}: het model kan niet gesimuleerd worden ({exc})")


def parse_target_options(texts: list[str] | None) -> tuple[SlaTarget, ...]:
    try:
        targets = parse_targets(texts or [])
    except TargetError as exc:
        fail(str(exc))
    for text, target in zip(texts or [], targets, strict=False):
        if not 0 < target.within_min <= MAX_SLA_WITHIN_MIN:
            fail(
                f"--target {terminal_safe(text)[:80]}: een termijn van "
                f"{nl_number(target.within_min, 0)} min kan niet; geef hoogstens "
                f"{nl_number(MAX_SLA_WITHIN_MIN, 0)} min (dertig dagen)"
            )
    return targets


def make_runner(processes: int | None, dask: str | None) -> Runner:
    if processes is not None and not 1 <= processes <= MAX_PROCESSES:
        fail(f"--processes is {processes}; geef 1 tot en met {MAX_PROCESSES}")
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


_NUMBER = re.compile(r"\d+")


def check_agent_values(vary: list[str]) -> None:
    """Refuse ``--vary agents=...`` values over ``MAX_AGENTS`` before a range is expanded
    (``agents=1..99999999`` would list a hundred million values first)."""
    for text in vary:
        name, _, values = text.partition("=")
        if name.strip() != "agents":
            continue
        for number in _NUMBER.findall(values):
            if len(number) > 6 or int(number) > MAX_AGENTS:
                fail(
                    f"--vary {terminal_safe(text)[:80]}: {number[:20]} agents per dienst is te "
                    f"veel; geef waarden van 0 tot en met {MAX_AGENTS}"
                )


def load_profile_noted(source: str | Path) -> Profile:
    """``load_profile`` that says on stderr how a non-UTF-8 file was read; a broken profile still
    raises ``ProfileError`` for the command to report."""
    loaded = read_profile(source)
    if loaded.note:
        note(f"profiel {loaded.file}: {loaded.note}")
    return loaded.profile
