"""The command-line tools speak Dutch in typer's frame too (``presentation.cli_dutch``).

Every command's help and the usual mistakes (an unknown option, a bad value, a missing argument,
an extra argument, an unknown command) are run through typer's test runner for ``webcare-sim``
and ``webcare-train``: none of typer's English is left, and the Dutch stands in its place.
"""

from __future__ import annotations

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

import sim.cli
import trainer.cli

APPS = {"webcare-sim": sim.cli.app, "webcare-train": trainer.cli.app}
# What typer and its click show in English: none of it may reach a user.
ENGLISH = (
    "Usage:",
    "Options",
    "Arguments",
    "Commands",
    "Show this message and exit",
    "Missing option",
    "Missing argument",
    "Missing parameter",
    "Missing command",
    "Invalid value",
    "No such option",
    "No such command",
    "Possible options",
    "Got unexpected extra",
    "requires an argument",
    "Input should be",
    "Try '",
    "for help",
    "Error",
    "Aborted",
    "[default:",
    "[required]",
    "[OPTIONS]",
    "COMMAND [ARGS]",
    "<int>",
    "<float>",
    "<str>",
    "<bool>",
    "<path>",
)
WIDE = {"COLUMNS": "200", "TERMINAL_WIDTH": "200"}  # one line per message: no phrase wrapped


def _run(app: typer.Typer, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=WIDE)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output


def _english(output: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase in output]


def _help_cases() -> list[tuple[str, tuple[str, ...]]]:
    cases = [(name, ("--help",)) for name in APPS]
    for name, app in APPS.items():
        group = get_command(app)
        commands = getattr(group, "commands", {})
        cases += [(name, (command, "--help")) for command in sorted(commands)]
    return cases


@pytest.mark.parametrize(
    ("cli", "args"), _help_cases(), ids=lambda v: " ".join(v) if isinstance(v, tuple) else v
)
def test_every_help_page_is_dutch(cli: str, args: tuple[str, ...]) -> None:
    output = _run(APPS[cli], *args)
    assert _english(output) == [], output
    assert "Gebruik:" in output and "Toon deze hulp en stop." in output and "Opties" in output


MISTAKES = [
    ("webcare-sim", ("run", "scenario", "--nope"), "Onbekende optie: --nope"),
    ("webcare-sim", ("run", "scenario", "--weeks", "vier"), "verwacht een getal"),
    ("webcare-sim", ("run", "scenario", "--seed", "1,5"), "verwacht een geheel getal"),
    ("webcare-sim", ("run",), "Argument 'profile' ontbreekt."),
    ("webcare-sim", ("run", "a", "b"), "Onverwacht extra argument: b"),
    ("webcare-sim", ("run", "scenario", "--weeks"), "Optie '--weeks' vraagt een waarde."),
    ("webcare-sim", ("simuleer",), "Onbekende opdracht 'simuleer'."),
    ("webcare-train", ("score", "--bogus"), "Onbekende optie: --bogus"),
    ("webcare-train", ("nergens",), "Onbekende opdracht 'nergens'."),
]


@pytest.mark.parametrize(
    ("cli", "args", "dutch"), MISTAKES, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v
)
def test_a_mistake_is_told_in_dutch(cli: str, args: tuple[str, ...], dutch: str) -> None:
    output = _run(APPS[cli], *args)
    assert _english(output) == [], output
    assert dutch in output and "Fout" in output, output
    if "Gebruik:" in output:
        assert "voor hulp." in output
