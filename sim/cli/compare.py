"""``webcare-sim compare``: several coverage models side by side, with 95% intervals.

Every coverage model runs under the same run plan, so with the same seeds (common random
numbers); a cell reads "mean ± half-width of the interval".
"""

from __future__ import annotations

import math
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.common import (
    MAX_PROCESSES,
    JsonOpt,
    ProfileArg,
    SeedOpt,
    WarmupOpt,
    WeeksOpt,
    check_replications,
    check_simulation,
    check_weeks,
    compile_coverage,
    fail,
    fmt,
    load,
    nl_number,
    print_json,
    progress_bar,
    show_progress,
    stdout_console,
    targets_json,
    weeks_text,
)
from sim.cli.labels import (
    is_sla_count,
    kpi_label,
    verdict,
)
from sim.experiment import CONFIDENCE, Estimate, compare
from sim.plan import RunPlan
from sim.staffing import concurrency_effect, concurrency_sentence


def fmt_cell(est: Estimate, unit: str) -> str:
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
            return f"{nl_number(est.mean, decimals)} u"
        return fmt(est.mean, unit)
    text = (
        f"{nl_number(est.mean * scale, decimals)} ± {nl_number(est.half_width * scale, decimals)}"
    )
    suffix = {"percent": "%", "minutes": " min", "hours": " u"}.get(unit, "")
    return ("€ " if unit == "euro" else "") + text + suffix


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
    check_weeks(weeks, warmup_weeks)
    check_replications(replications)
    if not 1 <= processes <= MAX_PROCESSES:
        fail(f"--processes is {processes}; geef 1 tot en met {MAX_PROCESSES}")
    prof = load(profile)
    names = [*(coverage or []), *(more_coverages or [])] or prof.coverage_names
    specs = [compile_coverage(prof, profile, name) for name in names]
    for spec in specs:
        check_simulation(spec, weeks, warmup_weeks, seed)
    plan = RunPlan(weeks, warmup_weeks, replications, seed)
    with progress_bar(show_progress(json_out), "Herhalingen", len(names) * replications) as tick:
        results = compare(specs, plan, progress=tick, processes=processes)
    if json_out:
        print_json(
            {
                "profile": prof.name,
                "title": prof.title,
                "weeks": weeks,
                "warmup_weeks": warmup_weeks,
                "replications": replications,
                "seed": seed,
                "confidence": CONFIDENCE,
                "targets": targets_json(specs[0]),
                "coverages": {
                    r.coverage: {k: e.as_dict() for k, e in r.estimates.items()} for r in results
                },
                # Erlang C agent hours a week with and without chat concurrency (issue 13).
                "concurrency": {
                    s.coverage_name: list(effect)
                    for s in specs
                    if (effect := concurrency_effect(s)) is not None
                },
            }
        )
        return
    console = stdout_console()
    console.print(
        f"{prof.title or prof.name} — {replications} herhalingen van {weeks_text(weeks)} "
        f"(na {weeks_text(warmup_weeks)} inloop) — seed {seed} — "
        "gemiddelde ± halve breedte van het 95%-interval",
        markup=False,
    )
    spec = specs[0]
    table = Table(show_header=True, header_style="bold")
    table.add_column("Kerncijfer")
    for r in results:
        table.add_column(r.coverage, justify="right")
    keys: list[str] = []
    for r in results:
        keys.extend(
            k for k in r.estimates if k not in keys and k != "weeks" and not is_sla_count(k)
        )
    for key in keys:
        label, unit = kpi_label(key, spec)  # SLA targets are the same under every coverage
        cells = [
            fmt_cell(r.estimates[key], unit) + verdict(key, r.estimates[key].mean, spec)
            if key in r.estimates
            else "–"
            for r in results
        ]
        table.add_row(label, *cells)
    console.print(table)
    if spec.sla_targets:
        console.print("✓/✗: het gemiddelde haalt het SLA-doel wel/niet.", markup=False)
    for one in specs:  # how chat concurrency changes the staffing (issue 13)
        if (sentence := concurrency_sentence(one)) is not None:
            console.print(sentence, markup=False)
