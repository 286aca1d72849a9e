"""The ``webcare-sim`` command: simulate an organisation profile from the terminal.

``run`` simulates one coverage model once and prints the KPIs; ``compare`` replicates several
coverage models with the same seeds and prints them side by side with 95% confidence intervals;
``size`` finds the cheapest staffing that keeps the SLA targets; ``coverage-report`` does that
for every coverage model and writes one HTML page; ``sweep`` runs a grid of what-if variants;
``profiles`` lists the shipped profiles. ``--json`` prints machine-readable output instead (keys
in ``docs/cli-sim.md``). Messages are in Dutch because managers read them. Bad input (an unknown
profile or coverage model, a broken profile file, weeks <= 0) prints one paragraph to stderr and
exits with code 2, never a traceback. The same seed always prints the same output.

One module per command (``run``, ``compare``, ``size``, ``report``, ``sweep``, ``profiles``);
shared options, checks and output helpers in ``common``, the Dutch KPI labels in ``labels``.
"""

from __future__ import annotations

import typer

from presentation.cli_dutch import use_dutch
from sim.cli.backtest import register as register_backtest_command
from sim.cli.common import EXIT_BAD_INPUT
from sim.cli.compare import compare_command
from sim.cli.fit import register as register_fit_commands
from sim.cli.profiles import profiles_command
from sim.cli.report import coverage_report_command
from sim.cli.roster import register as register_roster_command
from sim.cli.run import run_command
from sim.cli.size import EXIT_UNREACHABLE, size_command
from sim.cli.sweep import sweep_command

use_dutch()  # typer's help, usage and errors in Dutch too
app = typer.Typer(
    help="Simuleer webcare-teams: diensten, reactietijden, SLA's en kosten per organisatie.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("run")(run_command)
app.command("compare")(compare_command)
app.command("profiles")(profiles_command)
app.command("size")(size_command)
app.command("coverage-report")(coverage_report_command)
app.command("sweep")(sweep_command)
register_fit_commands(app)  # fit, forecast, demo-export
register_roster_command(app)  # roster
register_backtest_command(app)  # backtest


def main() -> None:
    """Console-script entry point (``webcare-sim``)."""
    app()


__all__ = ["EXIT_BAD_INPUT", "EXIT_UNREACHABLE", "app", "main"]
