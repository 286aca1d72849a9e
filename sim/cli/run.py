"""``webcare-sim run``: simulate one coverage model once and print its KPIs.

``--by channel|hour`` adds the SLA attainment per channel or per hour of the week;
``--records`` writes one row per mention (.csv or .parquet); ``--json`` prints it all as JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datafiles.csv_io import write_frame
from sim.cli.common import (
    RECORD_SUFFIXES,
    JsonOpt,
    ProfileArg,
    SeedOpt,
    WarmupOpt,
    WeeksOpt,
    check_out,
    check_simulation,
    check_weeks,
    compile_coverage,
    fail,
    fmt,
    load,
    print_json,
    progress_bar,
    show_progress,
    stdout_console,
    targets_json,
    weeks_text,
)
from sim.cli.labels import (
    kpi_label,
    sla_label,
    verdict,
)
from sim.engine import SimResult
from sim.experiment import run
from sim.kpis import WEEKDAY_NAMES, attainment_by, export_records, summarise
from sim.plan import RunPlan
from sim.spec import ModelSpec

BY_CHOICES = {"channel": "channel", "hour": "hour_of_week"}  # --by value -> attainment_by key


def attainment_rows(result: SimResult, by: str) -> list[dict[str, Any]]:
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


def attainment_table(rows: list[dict[str, Any]], by: str, spec: ModelSpec) -> Table:
    table = Table(show_header=True, header_style="bold")
    table.add_column("Kanaal" if by == "channel" else "Uur van de week")
    for key in ("needs_reply", "answered", "first_response_mean_min"):
        table.add_column(kpi_label(key, spec)[0], justify="right")
    for target in spec.sla_targets:
        table.add_column(sla_label(target).removeprefix("SLA "), justify="right")
    for row in rows:
        group = row["channel"] if by == "channel" else f"{row['weekday']} {row['hour']}"
        cells = [
            fmt(row["needs_reply"], "count"),
            fmt(row["answered"], "count"),
            fmt(row["first_response_mean_min"], "minutes"),
        ]
        for target in spec.sla_targets:
            value = row[f"{target.name}_attainment"]
            key = f"sla_{target.name}_attainment"
            cells.append(fmt(value, "percent") + verdict(key, value, spec))
        table.add_row(str(group), *cells)
    return table


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
    check_weeks(weeks, warmup_weeks)
    if by is not None and by not in BY_CHOICES:
        fail(f"--by {by}: kies channel (per kanaal) of hour (per uur van de week)")
    if records is not None and records.suffix.lower() not in RECORD_SUFFIXES:
        fail(f"--records {records}: kies een bestandsnaam die eindigt op .csv of .parquet")
    if records is not None:
        check_out(records, "--records")
    prof = load(profile)
    spec = compile_coverage(prof, profile, coverage)
    check_simulation(spec, weeks, warmup_weeks, seed)
    with progress_bar(show_progress(json_out), "Simuleren…", None):
        result = run(spec, RunPlan(weeks, warmup_weeks, 1, seed))
    kpis = summarise(result).as_dict()
    by_rows = attainment_rows(result, by) if by is not None else None
    if records is not None:
        try:
            if records.suffix.lower() == ".csv":
                write_frame(export_records(result).to_frame(), records, index=False)
            else:
                export_records(result).to_parquet(records)
        except OSError as exc:
            fail(f"kan {records} niet schrijven ({exc.strerror or exc})")
    if json_out:
        print_json(
            {
                "profile": prof.name,
                "title": prof.title,
                "coverage": spec.coverage_name,
                "weeks": weeks,
                "warmup_weeks": warmup_weeks,
                "seed": seed,
                "targets": targets_json(spec),
                "kpis": kpis,
                "by": by_rows,
                "records": str(records) if records is not None else None,
            }
        )
        return
    console = stdout_console()
    console.print(
        f"{prof.title or prof.name} — dekkingsmodel {spec.coverage_name} — {weeks_text(weeks)} "
        f"gemeten na {weeks_text(warmup_weeks)} inloop — seed {seed}",
        markup=False,
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("Kerncijfer")
    table.add_column("Waarde", justify="right")
    for key, value in kpis.items():
        label, unit = kpi_label(key, spec)
        table.add_row(label, fmt(value, unit) + verdict(key, value, spec))
    console.print(table)
    if by_rows is not None:
        console.print(attainment_table(by_rows, by or "", spec))
    if records is not None:
        console.print(f"Vermeldingen geschreven naar {records}", markup=False)
