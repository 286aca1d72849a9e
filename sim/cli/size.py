"""``webcare-sim size``: the cheapest staffing per shift and day that keeps the SLA targets.

Exits with ``EXIT_UNREACHABLE`` when no staffing within ``--max-agents`` meets the targets (the
best attempt is still printed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from presentation import labels
from sim import nl
from sim.cli.common import (
    DaskOpt,
    JsonOpt,
    MaxAgentsOpt,
    ProcessesOpt,
    ProfileArg,
    SeedOpt,
    SizeRepsOpt,
    TargetOpt,
    WarmupOpt,
    WeeksOpt,
    check_max_agents,
    check_replications,
    check_simulation,
    check_weeks,
    fail,
    fail_input,
    fmt_estimate,
    load,
    make_runner,
    nl_number,
    parse_target_options,
    print_json,
    require_targets,
    show_progress,
    stdout_console,
    terminal_safe,
    weeks_text,
)
from sim.cli.labels import SIZING_FIGURES, figure_label, sla_attainment_label
from sim.errors import InputError
from sim.nl import plural
from sim.parallel import ParallelError
from sim.plan import RunPlan
from sim.profile import ProfileError
from sim.report import (
    BEST_ATTEMPT,
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
    sizing_model,
    sizing_summary,
)
from sim.targets import describe

EXIT_UNREACHABLE = 3  # `size`: no staffing within --max-agents meets the targets


def sizing_status(result: SizingResult) -> str:
    if result.reachable:
        return "haalt de doelen"
    if result.unproven:
        return f"niet aantoonbaar met {result.replications} herhalingen; beste poging"
    return BEST_ATTEMPT


def size_table(result: SizingResult) -> Table:
    table = Table(show_header=True, header_style="bold")
    table.add_column("")
    table.add_column("Simulatie (aanbevolen)", justify="right")
    table.add_column("Alleen Erlang C", justify="right")
    both = (result.best, result.erlang)
    table.add_row(figure_label("fte")[0], *(nl_number(c.fte, 1) for c in both))
    table.add_row(
        figure_label("cost_per_week_eur")[0],
        *("€ " + nl_number(c.cost_per_week_eur, 0) for c in both),
    )
    for target in result.targets:
        cells = []
        for c in both:
            est = c.attainment(target)
            ok = " ✓" if est.low >= target.goal else " ✗"
            cells.append(fmt_estimate(est, "percent") + ok)
        table.add_row(sla_attainment_label(target), *cells)
    for key in SIZING_FIGURES:
        label, unit = figure_label(key)
        table.add_row(label, *(fmt_estimate(c.estimates[key], unit) for c in both))
    return table


def blocks_table(result: SizingResult) -> Table:
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


def size_verdict(result: SizingResult) -> list[str]:
    lines = []
    if result.unproven:
        best = ", ".join(
            f"{name} {fmt_estimate(est, 'percent')}" for name, est in result.best_attainment.items()
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
            f"{name} {fmt_estimate(est, 'percent')}" for name, est in result.best_attainment.items()
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
            f"Erlang C haalt de doelen ook, maar is € {nl_number(saving, 0)} per week duurder: de "
            "formule ziet niet dat rustige uren een piek kunnen opvangen."
        )
    elif not result.erlang.meets():
        lines.append(
            "Erlang C alleen haalt de doelen niet in de simulatie: de formule ziet geen "
            "nachtelijke achterstand, backoffice-uren of gesprekken van meerdere beurten."
        )
    return lines


PHASE_LABELS = labels.SIZING_PHASE_LABELS  # one catalogue: the app's bar says the same


@contextmanager
def sizing_progress(
    enabled: bool,
) -> Iterator[tuple[Callable[[str], None], Callable[[str, int, int], None]]]:
    """A rich bar per phase (search, final check) on stderr counting simulation runs, the
    latest candidate beside it; yields ``(say(text), on_progress(phase, done, known))``. The
    total grows as the search decides what to try next."""
    if not enabled:
        yield (lambda text: None), (lambda phase, done, known: None)
        return
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("simulaties"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[latest]}"),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, TaskID] = {}
        current: list[str] = []

        def on_progress(phase: str, done: int, known: int) -> None:
            if phase not in tasks:
                if current:  # the previous phase is over: drop its candidate line
                    bar.update(tasks[current[-1]], latest="")
                tasks[phase] = bar.add_task(PHASE_LABELS.get(phase, phase), total=known, latest="")
                current.append(phase)
            bar.update(tasks[phase], completed=done, total=known)

        def say(text: str) -> None:
            if current:
                # a coverage or shift name in the text is data: never markup, never an escape
                bar.update(tasks[current[-1]], latest=escape(terminal_safe(text)))

        yield say, on_progress


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
    check_weeks(weeks, warmup_weeks)
    check_replications(replications)
    check_max_agents(max_agents)
    typed = parse_target_options(target)
    prof = load(profile)
    name = coverage if coverage is not None else prof.current_coverage
    try:
        model = sizing_model(prof, name)  # the coverage model compiled once for the search
    except SizingError as exc:
        fail(str(exc))
    check_simulation(model.spec, weeks, warmup_weeks, seed)
    require_targets(model.spec, typed)
    plan = RunPlan(weeks, warmup_weeks, replications, seed)
    runner = make_runner(processes, dask)
    try:
        with sizing_progress(show_progress(json_out)) as (say, on_progress), runner:
            count = [0]

            def seen(cand: Candidate) -> None:
                count[0] += 1
                verdict = "haalt de doelen" if cand.meets() else "haalt ze niet"
                say(
                    f"Kandidaat {count[0]}: {agents_text(cand)} — "
                    f"€ {nl.number(cand.cost_per_week_eur, 0)}/week — {verdict}"
                )

            result = size(
                model,
                typed,
                plan=plan,
                max_agents=max_agents,
                runner=runner,
                on_candidate=seen,
                on_progress=on_progress,
            )
    except InputError as exc:
        fail_input(exc)
    except (SizingError, ParallelError, ProfileError) as exc:
        fail(str(exc))
    if json_out:
        print_json(sizing_summary(result))
    else:
        console = stdout_console()
        console.print(
            f"{prof.title or prof.name} — dekkingsmodel {result.coverage} — "
            f"{replications} herhalingen van {weeks_text(weeks)} "
            f"(na {weeks_text(warmup_weeks)} inloop) — "
            f"seed {seed} — {result.evaluations} "
            f"{plural(result.evaluations, 'bezetting', 'bezettingen')} gesimuleerd",
            markup=False,
        )
        if result.check_replications:
            console.print(
                f"Eindcontrole met {result.check_replications} herhalingen: geen dienst kan "
                f"een agent missen; marge {nl.number(result.margin * 100, 1)} procentpunt "
                "(laagste ondergrens min doel).",
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
        console.print(blocks_table(result))
        console.print(size_table(result))
        for line in size_verdict(result):
            console.print(line, markup=False)
    if not result.reachable:
        raise typer.Exit(EXIT_UNREACHABLE)
