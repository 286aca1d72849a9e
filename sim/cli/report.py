"""``webcare-sim coverage-report``: every coverage model sized for the same targets, one page.

The figures come from ``sim.report.build_report``; the HTML page from
``presentation.coverage_report``; the terminal gets the same table, coverage models as columns.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from presentation.coverage_report import write_html
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
    check_out,
    check_replications,
    check_simulation,
    check_weeks,
    compile_coverage,
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
    spinner,
    stdout_console,
)
from sim.cli.labels import SIZING_FIGURES, figure_label
from sim.cli.size import sizing_status
from sim.errors import InputError
from sim.parallel import ParallelError
from sim.plan import RunPlan
from sim.profile import ProfileError
from sim.report import (
    BUSINESS_CLOCK_LABEL,
    CoverageReport,
    ReportError,
    build_report,
    factor_sentence,
    heads_sentence,
    heads_text,
    report_summary,
)
from sim.roster.staffing import QUICK_TIME_LIMIT_S, QUICK_WEEKS
from sim.sizing import (
    MAX_AGENTS_PER_SHIFT,
    SIZING_REPLICATIONS,
    SIZING_WARMUP_WEEKS,
    SIZING_WEEKS,
    Candidate,
    SizingError,
    SizingResult,
    agents_text,
)
from sim.spec import SlaTarget
from sim.targets import describe


def target_cell(cand: Candidate, target: SlaTarget) -> str:
    est = cand.attainment(target)
    met = math.isfinite(est.low) and est.low >= target.goal - 1e-12
    return fmt_estimate(est, "percent") + (" ✓" if met else " ✗")


def report_table(report: CoverageReport) -> Table:
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
    table.add_row("Doelen gehaald?", *(sizing_status(r) for r in results))
    table.add_row(
        "Agents per dienst en dag",
        *("\n".join(agents_text(b).split(", ")) for b in bests),
    )
    table.add_row(figure_label("fte")[0], *(nl_number(b.fte, 1) for b in bests))
    table.add_row(
        figure_label("cost_per_week_eur")[0],
        *("€ " + nl_number(b.cost_per_week_eur, 0) for b in bests),
    )
    for i in range(len(report.targets)):
        # Each column's own version of this target (the fair column counts office hours).
        cells = [target_cell(r.best, r.targets[i]) for r in results]
        if report.office_business is not None:
            cells[-1] += " (kantoorklok)"
        table.add_row(f"Gehaald D{i + 1}", *cells)
    for key in SIZING_FIGURES:
        label, unit = figure_label(key)
        table.add_row(label, *(fmt_estimate(b.estimates[key], unit) for b in bests))
    if report.rosters:
        table.add_row("Mensen op rooster", *(heads_text(report.roster(r)) for r in results))
    table.add_row(
        "Alleen Erlang C",
        *(
            f"{nl_number(r.erlang.fte, 1)} fte " + ("✓" if r.erlang.meets() else "✗")
            for r in results
        ),
    )
    return table


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
    roster_time_limit: Annotated[
        float,
        typer.Option(
            "--roster-time-limit",
            help="Rekentijd in seconden per rooster van mensen; 0 slaat de roosters over.",
        ),
    ] = QUICK_TIME_LIMIT_S,
    roster_weeks: Annotated[
        int, typer.Option("--roster-weeks", help="Lengte van de roostercyclus in weken.")
    ] = QUICK_WEEKS,
) -> None:
    """Reken elk dekkingsmodel door op dezelfde doelen: wat kost het en wat levert het op?"""
    check_weeks(weeks, warmup_weeks)
    check_replications(replications)
    check_max_agents(max_agents)
    if not math.isfinite(roster_time_limit) or roster_time_limit < 0:
        fail(
            f"--roster-time-limit is {roster_time_limit:g}; verwacht een aantal seconden "
            "(0 slaat de roosters over)"
        )
    if not 1 <= roster_weeks <= 12:
        fail(f"--roster-weeks is {roster_weeks}; verwacht 1 tot en met 12 weken")
    typed = parse_target_options(target)
    if out.suffix.lower() not in (".html", ".htm"):
        fail(f"--out {out}: kies een bestandsnaam die eindigt op .html")
    check_out(out, "--out")
    prof = load(profile)
    specs = [compile_coverage(prof, profile, name) for name in prof.coverage_names]
    for spec in specs:
        check_simulation(spec, weeks, warmup_weeks, seed)
    require_targets(specs[0], typed)
    plan = RunPlan(weeks, warmup_weeks, replications, seed)
    runner = make_runner(processes, dask)
    try:
        with spinner(show_progress(json_out), "Doorrekenen…") as say, runner:
            report = build_report(
                prof,
                typed,
                plan=plan,
                max_agents=max_agents,
                runner=runner,
                on_coverage=lambda name: say(f"Dekkingsmodel {name} doorrekenen…"),
                roster_time_limit_s=roster_time_limit if roster_time_limit > 0 else None,
                roster_weeks=roster_weeks,
            )
        write_html(report, out)
    except InputError as exc:
        fail_input(exc)
    except (SizingError, ParallelError, ProfileError, ReportError) as exc:
        fail(str(exc))
    if json_out:
        print_json({**report_summary(report), "html": str(out)})
        return
    console = stdout_console()
    console.print(f"{report.title} — alle dekkingsmodellen op dezelfde doelen:", markup=False)
    for i, t in enumerate(report.targets):
        console.print(f"  D{i + 1} = {describe(t)}", markup=False)
    console.print(report_table(report))
    console.print(factor_sentence(report), markup=False)
    heads = heads_sentence(report)
    if heads:
        console.print(heads, markup=False)
    if any(r.unproven for r in report.results):
        console.print(
            "Niet aantoonbaar: geef meer herhalingen met --replications om het zeker te weten.",
            markup=False,
        )
    console.print(f"Rapport geschreven naar {out}", markup=False)
