"""``webcare-sim backtest``: the model beside this organisation's own weeks.

Given the export and a profile whose coverage model is the rota that was actually worked
(typically the profile ``fit`` wrote from the same export), it simulates each complete week of
the export with that week's own volume and prints simulated against actual first response
(median, 90% within, attainment of the first-response target) per week, with the mean gap.
``docs/cli-sim.md`` says how to read the gap. Bad input: one Dutch paragraph, exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.common import fail, load, print_json, stdout_console
from sim.cli.fit import _problems, _read
from sim.fit.backtest import MAX_BACKTEST_WEEKS, Backtest, BacktestError, backtest
from sim.fit.write import dutch_date
from sim.nl import number

MAX_REPLICATIONS = 20


def _minutes(value: float | None) -> str:
    return "–" if value is None else f"{number(value, 0)} min"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{number(value * 100, 1)}%"


def _table(result: Backtest) -> Table:
    table = Table(
        title=f"Backtest {result.profile} ({result.coverage}): werkelijk / model",
        header_style="bold",
    )
    table.add_column("Week van")
    table.add_column("Gesprekken", justify="right")
    table.add_column("Eerste reactie mediaan", justify="right")
    table.add_column("90% binnen", justify="right")
    if result.target is not None:
        table.add_column("Op tijd", justify="right")
    for w in result.weeks:
        cells = [
            dutch_date(w.monday),
            number(w.mentions, 0),
            f"{_minutes(w.actual_p50_min)} / {_minutes(w.model_p50_min)}",
            f"{_minutes(w.actual_p90_min)} / {_minutes(w.model_p90_min)}",
        ]
        if result.target is not None:
            cells.append(f"{_share(w.actual_attained)} / {_share(w.model_attained)}")
        table.add_row(*cells)
    return table


def _faster(gap_min: float, what: str) -> str:
    direction = "sneller" if gap_min < 0 else "trager"
    return f"{what} {number(abs(gap_min), 1)} min {direction}"


def _gap_text(result: Backtest) -> str:
    """The mean gaps in words: which way the model is off, and by how much."""
    p50 = result.mean_gap("p50_min")
    p90 = result.mean_gap("p90_min")
    attained = result.mean_gap("attained")
    parts = []
    if p50 is not None:
        parts.append(_faster(p50, "de mediaan"))
    if p90 is not None:
        parts.append(_faster(p90, "de 90%-grens"))
    if not parts:
        return "De export heeft geen reactietijden: er is niets om mee te vergelijken."
    text = "Het model is gemiddeld " + " en ".join(parts) + " dan jullie werkelijkheid"
    if attained is not None:
        more = "vaker" if attained >= 0 else "minder vaak"
        text += f", en haalt de norm {number(abs(attained) * 100, 1)} procentpunt {more}"
    return text + ". Hoe je dat leest: docs/cli-sim.md, 'backtest'."


def backtest_command(
    export: Annotated[Path, typer.Argument(help="Export van berichten: .csv of .xlsx.")],
    profile: Annotated[
        str, typer.Argument(help="Profiel met het gewerkte rooster (korte naam of .yaml).")
    ],
    coverage: Annotated[
        str | None, typer.Option("--coverage", "-c", help="Dekkingsmodel; standaard de huidige.")
    ] = None,
    weeks: Annotated[
        int, typer.Option("--weeks", "-w", help="Laatste zoveel volle weken van de export.")
    ] = 8,
    replications: Annotated[
        int, typer.Option("--replications", "-r", help="Simulaties per week.")
    ] = 3,
    maps: Annotated[
        list[str] | None, typer.Option("--map", help="Eigen kolomnaam: VELD=KOLOM.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Startgetal.")] = 1,
    json_out: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
) -> None:
    """Simuleer de weken van een export en zet model en werkelijkheid naast elkaar."""
    if not 1 <= weeks <= MAX_BACKTEST_WEEKS:
        fail(f"--weeks {weeks} kan niet; verwacht 1 tot en met {MAX_BACKTEST_WEEKS}")
    if not 1 <= replications <= MAX_REPLICATIONS:
        fail(f"--replications {replications} kan niet; verwacht 1 tot en met {MAX_REPLICATIONS}")
    if seed < 0:
        fail(f"--seed {seed} kan niet; verwacht 0 of meer")
    org = load(profile)
    data = _read(export, maps)
    try:
        result = backtest(
            data, org, coverage=coverage, replications=replications, seed=seed, max_weeks=weeks
        )
    except BacktestError as exc:
        fail(str(exc))
    if json_out:
        payload = {
            "profile": result.profile,
            "coverage": result.coverage,
            "target": result.target,
            "replications": result.replications,
            "weeks": [{**w.__dict__, "monday": w.monday.isoformat()} for w in result.weeks],
        }
        print_json(payload)
        return
    console = stdout_console()
    _problems(console, data)
    console.print(_table(result))
    if result.target_text is not None:
        console.print(f"Op tijd: {result.target_text}.")
    console.print(_gap_text(result))


def register(app: typer.Typer) -> None:
    """Add ``backtest`` to the ``webcare-sim`` app."""
    app.command("backtest")(backtest_command)


__all__ = ["backtest_command", "register"]
