"""``webcare-sim sweep``: a grid of what-if variants and the cost-versus-SLA frontier.

Results go to ``--out`` (one row per grid point and replication) and a summary file next to it;
``--chart`` draws the frontier.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from sim.cli.common import (
    MAX_SWEEP_RUNS,
    RECORD_SUFFIXES,
    DaskOpt,
    JsonOpt,
    ProcessesOpt,
    ProfileArg,
    SeedOpt,
    TargetOpt,
    WarmupOpt,
    WeeksOpt,
    check_agent_values,
    check_out,
    check_replications,
    check_simulation,
    check_weeks,
    compile_coverage,
    eta_bar,
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
)
from sim.errors import InputError
from sim.experiment import Estimate
from sim.nl import plural
from sim.parallel import ParallelError
from sim.plan import RunPlan
from sim.profile import ProfileError
from sim.sizing import (
    SizingError,
    sizing_targets,
)
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
    check_weeks(weeks, warmup_weeks)
    check_replications(replications)
    if out.suffix.lower() not in RECORD_SUFFIXES:
        fail(f"--out {out}: kies een bestandsnaam die eindigt op .csv of .parquet")
    if chart is not None and chart.suffix.lower() not in (".html", ".png"):
        fail(f"--chart {chart}: kies een bestandsnaam die eindigt op .html of .png")
    check_out(out, "--out")
    check_out(summary_path(out), "--out")
    if chart is not None:
        check_out(chart, "--chart")
    if not vary:
        fail("geef minstens één --vary, bijvoorbeeld --vary agents=4..12 --vary volume=1.0,1.5")
    check_agent_values(vary)
    try:
        points = grid(parse_vary(vary))
    except InputError as exc:
        fail_input(exc)
    except (SweepError, OverflowError) as exc:
        fail(f"--vary {' '.join(vary)}: {exc}")
    if len(points) * replications > MAX_SWEEP_RUNS:
        fail(
            f"{len(points)} roosterpunten × {replications} herhalingen is "
            f"{len(points) * replications} runs; geef samen hoogstens {MAX_SWEEP_RUNS} runs"
        )
    typed = parse_target_options(target)
    prof = load(profile)
    name = coverage if coverage is not None else prof.current_coverage
    if name not in prof.coverages:
        fail(
            f"onbekend dekkingsmodel {name!r} in profiel {profile}; kies een van: "
            + ", ".join(prof.coverage_names)
        )
    scenarios = {(p.volume, p.handle_time): p for p in points}
    for point in scenarios.values():
        variant = point_profile(prof, name, replace(point, agents=None))
        check_simulation(compile_coverage(variant, profile, name), weeks, warmup_weeks, seed)
    base = compile_coverage(prof, profile, name)
    require_targets(base, typed)
    plan = RunPlan(weeks, warmup_weeks, replications, seed)
    runner = make_runner(processes, dask)
    total = len(points) * replications
    try:
        targets = sizing_targets(base, typed)
        with eta_bar(show_progress(json_out), "Rooster", total) as tick, runner:
            tidy = run_sweep(
                prof,
                name,
                points,
                targets,
                plan,
                runner=runner,
                progress=tick,
            )
        summary = summarise_sweep(tidy, targets)
        write_table(tidy, out)
        write_table(summary, summary_path(out))
        if chart is not None:
            save_chart(frontier_chart(summary, targets), chart)
    except InputError as exc:
        fail_input(exc)
    except (SweepError, SizingError, ParallelError, ProfileError, ValueError) as exc:
        fail(str(exc))
    if json_out:
        print_json(
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
    console = stdout_console()
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
            "€ " + nl_number(row["cost_per_week_eur_mean"], 0),
            fmt_estimate(est, "percent"),
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
