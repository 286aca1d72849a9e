"""`webcare-sim roster`: from agents per shift to a roster of people (the CLI edge).

Reads a profile and one coverage model (optionally the agents from a sizing answer), solves the
cyclic roster under the labour rules (defaults, a ``--rules`` file, a few options) and shows it
as a table of people by weeks; writes CSV for Dutch Excel, an HTML page and JSON on request.
Bad input ends with a Dutch message and exit code 2; a roster that cannot meet the demand
prints the shortfall and the smallest fix and exits with code 3.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.table import Table

from presentation.roster import headline, roster_csv, roster_html, shortfall_lines
from sim.cli.common import PlainConsole, load_profile_noted
from sim.profile import Profile, ProfileError
from sim.roster.check import check_roster
from sim.roster.demand import (
    DAY_LABELS_NL,
    DAYS_PER_WEEK,
    DemandError,
    agents_from_sizing,
    demand_from_profile,
)
from sim.roster.model import Pay
from sim.roster.rules import OBJECTIVE_WORDS, RosterRules, RulesError, load_rules, parse_rules
from sim.roster.solve import (
    DEFAULT_TIME_LIMIT_S,
    MAX_WEEKS,
    MIN_WEEKS,
    RosterError,
    RosterResult,
    RosterTimeoutError,
    solve_roster,
)
from sim.roster.summary import roster_summary

EXIT_BAD_INPUT = 2
EXIT_SHORTFALL = 3
NON_TTY_WIDTH = 160


def _fail(message: str) -> NoReturn:
    PlainConsole(stderr=True).print(f"Fout: {message}", soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _check_out(path: Path | None, option: str) -> None:
    if path is None:
        return
    if path.is_dir():
        _fail(f"{option} {path} is een map; geef een bestandsnaam in die map")
    if not path.parent.is_dir():
        _fail(f"{option} {path}: de map {path.parent} bestaat niet; maak hem eerst aan")


def _rules(rules_file: Path | None, profile: Profile, **overrides: Any) -> RosterRules:
    """A ``--rules`` file wins over the profile's ``roster:`` section, which wins over the
    Dutch defaults; options on the command line win over all."""
    try:
        if rules_file is not None:
            return load_rules(rules_file, **overrides)
        own = profile.roster.model_dump() if profile.roster is not None else {}
        return parse_rules(own, f"profiel {profile.name}, roster", **overrides)
    except RulesError as exc:
        _fail(str(exc))


def person_table(result: RosterResult) -> Table:
    """People by weeks; each week's cell lists the seven days' codes (a dot is a day off)."""
    kinds = result.demand.kinds
    table = Table(title="Rooster (per week ma di wo do vr za zo; . = vrij)", show_lines=False)
    table.add_column("Medewerker")
    table.add_column("Contract", justify="right")
    for week in range(result.weeks):
        table.add_column(f"Week {week + 1}", no_wrap=True)
    for person in result.people:
        weeks = []
        for week in range(result.weeks):
            days = person.shifts[week * DAYS_PER_WEEK : (week + 1) * DAYS_PER_WEEK]
            weeks.append(" ".join(kinds[k].code if k is not None else "." for k in days))
        table.add_row(person.label, f"{person.contract_h} u", *weeks)
    return table


def cover_table(result: RosterResult) -> Table:
    """Per shift and weekday: people rostered (lowest over the weeks) against people needed."""
    demand = result.demand
    cover = result.cover()
    table = Table(title="Bezetting: ingeroosterd (laagste over de weken) / nodig")
    table.add_column("Dienst")
    for label in DAY_LABELS_NL:
        table.add_column(label, justify="right")
    for k, kind in enumerate(demand.kinds):
        cells = []
        for day in range(DAYS_PER_WEEK):
            need = demand.need[k][day]
            low = min(cover[w * DAYS_PER_WEEK + day][k] for w in range(result.weeks))
            text = f"{low}/{need}" if need or low else "–"
            cells.append(f"[red]{text}[/red]" if low < need else text)
        table.add_row(f"{kind.code} {kind.times} ({kind.name})", *cells)
    return table


def roster_command(
    profile: Annotated[
        str, typer.Argument(help="Korte naam (zie `webcare-sim profiles`) of pad naar een profiel.")
    ],
    coverage: Annotated[
        str | None,
        typer.Option("--coverage", "-c", help="Dekkingsmodel; standaard de huidige bezetting."),
    ] = None,
    agents_from: Annotated[
        Path | None,
        typer.Option(
            "--agents-from", help="Agents per dienst en dag uit `webcare-sim size ... --json`."
        ),
    ] = None,
    weeks: Annotated[int, typer.Option("--weeks", "-w", help="Lengte van de cyclus in weken.")] = 4,
    rules_file: Annotated[
        Path | None,
        typer.Option("--rules", help="YAML-bestand met roosterregels (zie docs/cli-sim.md)."),
    ] = None,
    objective: Annotated[
        str | None,
        typer.Option(
            "--objective", help="Doel: koppen (minste mensen) of kosten (laagste kosten)."
        ),
    ] = None,
    max_heads: Annotated[
        int | None,
        typer.Option("--max-heads", help="Hoogstens zoveel medewerkers (het team dat er is)."),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Rekentijd in seconden.")
    ] = DEFAULT_TIME_LIMIT_S,
    workers: Annotated[int, typer.Option("--workers", help="Rekenkernen voor de solver.")] = 2,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Schrijf het rooster als CSV (Excel).")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Schrijf een HTML-pagina met heatmap.")
    ] = None,
    json_file: Annotated[
        Path | None, typer.Option("--json-file", help="Schrijf het rooster als JSON-bestand.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
) -> None:
    """Maak een rooster van mensen (Medewerker 1, 2, ...) dat de bezetting per dienst haalt."""
    if objective is not None and objective.strip().lower() not in OBJECTIVE_WORDS:
        _fail(f"--objective is {objective!r}; verwacht koppen (of heads) of kosten (of cost)")
    if not math.isfinite(time_limit) or time_limit <= 0:
        _fail(f"--time-limit is {time_limit:g}; verwacht een aantal seconden groter dan 0")
    if workers < 1:
        _fail(f"--workers is {workers}; verwacht 1 of meer")
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        _fail(f"--weeks is {weeks}; verwacht een cyclus van {MIN_WEEKS} tot en met {MAX_WEEKS}")
    if max_heads is not None and max_heads < 1:
        _fail(f"--max-heads is {max_heads}; verwacht 1 of meer medewerkers")
    for path, option in ((csv_out, "--csv"), (html_out, "--html"), (json_file, "--json-file")):
        _check_out(path, option)
    try:
        prof = load_profile_noted(profile)
    except ProfileError as exc:
        _fail(str(exc))
    rules = _rules(rules_file, prof, objective=objective)
    name = coverage if coverage is not None else prof.current_coverage
    try:
        agents = agents_from_sizing(agents_from) if agents_from is not None else None
        source = str(agents_from) if agents_from is not None else "profiel"
        demand = demand_from_profile(prof, name, agents, source)
        pay = Pay(
            prof.costs.hourly_eur,
            prof.costs.night_premium,
            prof.costs.weekend_premium,
            prof.costs.night_start_hour,
            prof.costs.night_end_hour,
        )
        result = solve_roster(
            demand,
            rules,
            weeks,
            time_limit_s=time_limit,
            workers=workers,
            max_heads=max_heads,
            pay=pay,
        )
    except RosterTimeoutError as exc:
        _fail(f"Profiel {profile}, dekkingsmodel {name}: {exc} (--time-limit, --weeks)")
    except (DemandError, RosterError) as exc:
        _fail(f"Profiel {profile}, dekkingsmodel {name}: {exc}")
    breaches = check_roster(
        [(p.label, p.contract_h, p.shifts) for p in result.people],
        demand,
        rules,
        weeks,
        {p.label: p.wish for p in result.people if p.wish is not None},
    )
    # The independent check: cover breaches are expected in a shortfall, others never.
    rule_breaches = [v for v in breaches if v.rule != "bezetting"]
    summary = roster_summary(result)
    summary["check"] = [v.message for v in breaches]
    if csv_out is not None:
        csv_out.write_text(roster_csv(result), encoding="utf-8")
    if html_out is not None:
        html_out.write_text(roster_html(result), encoding="utf-8")
    if json_file is not None:
        json_file.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    if json_out:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        console = PlainConsole(width=None if sys.stdout.isatty() else NON_TTY_WIDTH)
        console.print(
            f"{prof.title or prof.name} — dekkingsmodel {name} — vraag uit {demand.source}",
            markup=False,
        )
        for line in headline(result):
            console.print(line, markup=False)
        console.print("Regels: " + "; ".join(result.rules.describe()), markup=False)
        console.print(cover_table(result))
        console.print(person_table(result))
        if result.shortfall:
            console.print("Tekort per dienst en dag:", markup=False)
            for line in shortfall_lines(result):
                console.print(f"  {line}", markup=False)
        if rule_breaches:
            console.print("Controle vond overtredingen:", markup=False)
            for v in rule_breaches:
                console.print(f"  {v.message}", markup=False)
        else:
            console.print("Controle: het rooster houdt zich aan alle regels.", markup=False)
        for path, what in ((csv_out, "CSV"), (html_out, "HTML"), (json_file, "JSON")):
            if path is not None:
                console.print(f"{what} geschreven naar {path}", markup=False)
    if result.shortfall:
        raise typer.Exit(EXIT_SHORTFALL)


def register(app: typer.Typer) -> None:
    """Add the ``roster`` command to the ``webcare-sim`` app."""
    app.command("roster")(roster_command)


__all__ = ["EXIT_SHORTFALL", "register", "roster_command"]
