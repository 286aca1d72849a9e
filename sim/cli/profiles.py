"""``webcare-sim profiles``: the organisation profiles that ship with the sandbox."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from sim.cli.common import (
    JsonOpt,
    fmt,
    load,
    print_json,
    stdout_console,
)
from sim.profile import list_profiles, resolve_profile


def profiles_command(json_out: JsonOpt = False) -> None:
    """Toon de meegeleverde organisatieprofielen."""
    rows: list[dict[str, Any]] = []
    for name in list_profiles():
        prof = load(name)
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
        print_json(rows)
        return
    table = Table(show_header=True, header_style="bold")
    for column in ("Naam", "Organisatie", "Vermeldingen/week", "Nu", "Dekkingsmodellen"):
        table.add_column(column, justify="right" if column == "Vermeldingen/week" else "left")
    for row in rows:
        table.add_row(
            str(row["name"]),
            str(row["title"]),
            fmt(float(row["mentions_per_week"]), "count"),
            str(row["current_coverage"]),
            ", ".join(row["coverages"]),
        )
    stdout_console().print(table)
