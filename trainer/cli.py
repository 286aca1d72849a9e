"""The ``webcare-train`` command: score answers in bulk and audit a month of real replies.

``score`` reads JSON Lines requests (one trainee answer per line) and writes one JSON result per
line in the same order, so other tools can pipe into it. A line that cannot be scored gets a
result with an ``error`` instead, and the rest is still scored: a line that is not UTF-8, not
JSON, too long, nested too deep, holds a number of thousands of digits or ``NaN``, or fails the
request schema (``trainer.request``) is answered with a Dutch message, never a crash, and no
line can hold the process (sizes are bounded before parsing, key-point patterns run on RE2).
Every output line is valid JSON. ``audit`` runs a CSV export of real replies through the same
rubric and writes a report for the team lead (see ``trainer.audit``). Usage, request and result
keys, limits and exit codes: docs/cli-trainer.md.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from datafiles import DataFileError, read_text
from presentation import audit_report
from presentation.cli_dutch import use_dutch
from trainer import audit as audit_mod
from trainer.request import (
    MAX_ID_CHARS,
    MAX_ID_DIGITS,
    MAX_POST_CHARS,
    MAX_REPLY_CHARS,
    RequestError,
    number,
)
from trainer.request import REQUIRED_POST_FIELDS as REQUIRED_POST_FIELDS  # for the corpus test

if TYPE_CHECKING:  # the scorer module loads the dictionary; it is imported on first use
    from trainer.score import ScoreResult

EXIT_OK = 0
EXIT_SOME_ERRORS = 1  # some lines or rows could not be scored; the others were
EXIT_USAGE = 2  # nothing could be done: missing file, unreadable input, bad option

MAX_LINE_BYTES = 200_000  # one request: post, reply and 20 key points with room to spare
MAX_JSON_DEPTH = 32  # a request is 5 levels deep (post.key_points[0].any[0])
MAX_NUMBER_CHARS = 30  # digits of a number in a request; longer is no count or id
READ_CHUNK_BYTES = 65_536  # how an over-long line is skipped, piece by piece
# A request file is read whole through ``datafiles`` (its encoding detected); standard input is
# read line by line as UTF-8. 100 MB holds a year of a busy team's replies.
MAX_SCORE_FILE_BYTES = 100_000_000

use_dutch()  # typer's help, usage and errors in Dutch too
app = typer.Typer(
    help="Webcare-training: beoordeel antwoorden (score) en audit echte antwoorden (audit).",
    no_args_is_help=True,
    add_completion=False,
)

Scorer = Callable[[Any], "ScoreResult"]


def _scorer() -> Scorer:
    from trainer.score import score_request

    return score_request


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(EXIT_USAGE)


class LineError(ValueError):
    """A line that is no usable JSON request (Dutch message, without the line number)."""


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def _depth(line: str) -> int:
    """How deep the JSON in ``line`` nests, counted without parsing (strings skipped)."""
    deepest = depth = 0
    for m in _BRACKETS.finditer(_STRINGS.sub("", line)):
        depth += 1 if m.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_CHARS:
        raise LineError(
            f"een getal van {number(len(text.lstrip('-')))} cijfers; verwacht getallen van "
            f"hoogstens {MAX_NUMBER_CHARS} cijfers"
        )
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or len(text) > MAX_NUMBER_CHARS * 2:
        raise LineError(f"het getal {text[:40]} is te groot; verwacht een gewoon getal")
    return value


def _constant(name: str) -> Any:
    raise LineError(f"{name} is geen JSON-waarde; verwacht een getal, tekst, true, false of null")


def parse_line(raw: bytes) -> dict[str, Any]:
    """One JSON object from one line; raises ``LineError`` (Dutch) for anything else."""
    if len(raw) > MAX_LINE_BYTES:
        raise LineError(
            f"de regel is {number(len(raw))} bytes lang; verwacht hoogstens "
            f"{number(MAX_LINE_BYTES)} bytes per verzoek (een bericht tot "
            f"{number(MAX_POST_CHARS)} en een antwoord tot {number(MAX_REPLY_CHARS)} tekens)"
        )
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineError(
            f"geen UTF-8-tekst ({exc.reason} bij byte {exc.start}); sla de invoer op als UTF-8"
        ) from None
    line = line.lstrip("\ufeff")
    depth = _depth(line)
    if depth > MAX_JSON_DEPTH:
        raise LineError(
            f"de JSON is {number(depth)} niveaus diep genest; verwacht hoogstens {MAX_JSON_DEPTH}"
        )
    try:
        data = json.loads(line, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise LineError(
            f"geen geldige JSON ({exc.msg}, kolom {exc.colno}); verwacht één JSON-object per regel"
        ) from None
    except RecursionError:  # a safety net behind the depth check
        raise LineError(f"de JSON is te diep genest; verwacht hoogstens {MAX_JSON_DEPTH}") from None
    if not isinstance(data, dict):
        kind = {list: "een lijst", str: "tekst", int: "een getal", float: "een getal"}.get(
            type(data), "null" if data is None else "true of false"
        )
        raise LineError(f"{kind} gevonden; verwacht een JSON-object met brand en post")
    return data


def safe_id(value: Any) -> str | int | None:
    """The request's id if it can be echoed as JSON as it is (text or a whole number in the
    stated bounds); otherwise None, so an error result is always valid JSON."""
    if isinstance(value, str) and len(value) <= MAX_ID_CHARS:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**MAX_ID_DIGITS:
        return value
    return None


def read_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The lines of ``stream`` as bytes; a line longer than ``MAX_LINE_BYTES`` is read no
    further than that (its rest is skipped in chunks), so it is refused without holding it."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(READ_CHUNK_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def score_lines(
    lines: Iterable[str | bytes], score_request: Scorer
) -> Iterable[tuple[dict[str, Any], bool]]:
    """(result, ok) for every non-blank input line, in order."""
    for number_, line in enumerate(lines, start=1):
        raw = line.encode("utf-8", "surrogatepass") if isinstance(line, str) else line
        if not raw.strip():
            continue
        request_id: str | int | None = None
        try:
            request = parse_line(raw)
            request_id = safe_id(request.get("id"))
            yield score_request(request).to_dict(), True
        except (LineError, RequestError) as exc:
            yield {"id": request_id, "error": f"regel {number_}: {exc}"}, False
        except Exception as exc:  # one bad request must not stop a batch
            yield (
                {
                    "id": request_id,
                    "error": f"regel {number_}: kon niet worden beoordeeld ({type(exc).__name__})",
                },
                False,
            )


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_line(result: Mapping[str, Any]) -> str:
    """One output line: JSON (never NaN), with any lone surrogate replaced so it can be written."""
    return _SURROGATE.sub("\ufffd", json.dumps(result, ensure_ascii=False, allow_nan=False))


def _input_lines(file: str) -> Iterable[str | bytes]:
    """The request lines of ``file`` ('-': standard input, read as it comes).

    A file goes through ``datafiles.read_text``: its size is checked before it is read, and a
    file saved as UTF-16 or Windows-1252 is read as such, with a note on standard error. Lines
    end at a newline only (a JSON text may hold U+2028)."""
    if file == "-":
        return read_lines(sys.stdin.buffer)
    try:
        decoded = read_text(file, max_bytes=MAX_SCORE_FILE_BYTES)
    except DataFileError as exc:
        raise _fail(
            f"{exc}. Geef een bestand met één JSON-verzoek per regel, of '-' om van "
            "standaardinvoer te lezen."
        ) from None
    if decoded.note:
        typer.echo(f"Bestand {file}: {decoded.note}.", err=True)
    return decoded.text.split("\n")


@app.command()
def score(
    file: Annotated[
        str, typer.Argument(help="JSON Lines-bestand met verzoeken, of '-' voor stdin.")
    ] = "-",
) -> None:
    """Beoordeel verzoeken (JSON Lines in, JSON Lines uit, zelfde volgorde).

    Exitcode 0 als elke regel is beoordeeld, 1 als sommige regels een fout gaven (die regels
    krijgen een resultaat met "error"), 2 als het invoerbestand niet te openen is.
    """
    lines = _input_lines(file)
    scorer = _scorer()
    all_ok = True
    for result, ok in score_lines(lines, scorer):
        all_ok &= ok
        sys.stdout.write(json_line(result) + "\n")
    sys.stdout.flush()
    raise typer.Exit(EXIT_OK if all_ok else EXIT_SOME_ERRORS)


@app.command()
def audit(
    log: Annotated[Path, typer.Argument(help="CSV-export met klantberichten en antwoorden.")],
    out: Annotated[Path, typer.Option("--out", help="Map voor het rapport (CSV en HTML).")] = Path(
        "audit"
    ),
    brand: Annotated[
        str, typer.Option("--brand", help="Naam van de organisatie (geen spelfout).")
    ] = "",
    handle: Annotated[
        list[str] | None, typer.Option("--handle", help="Handle van de organisatie; herhaalbaar.")
    ] = None,
    hashtag: Annotated[
        list[str] | None, typer.Option("--hashtag", help="Merkhashtag; herhaalbaar.")
    ] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", help="Soort organisatie (library, telecom, airline, webshop, bank)."),
    ] = None,
) -> None:
    """Audit een maand echte antwoorden: rapport per regel en de slechtste antwoorden.

    Exitcode 0 als elke rij is beoordeeld, 1 als sommige rijen zijn overgeslagen (met
    regelnummer in de samenvatting en errors.csv), 2 als het bestand niet te gebruiken is.
    """
    orgs = ("library", "telecom", "airline", "webshop", "bank")
    if org is not None and org not in orgs:
        raise _fail(f"--org heeft de waarde {org!r}; verwacht een van {', '.join(orgs)}.")
    try:
        rows, errors = audit_mod.read_rows(log)
    except audit_mod.AuditInputError as exc:
        raise _fail(str(exc)) from None
    brand_info, note = audit_mod.audit_brand(brand, handle or [], hashtag or [])
    report = audit_mod.audit(
        rows,
        _scorer(),
        brand=brand_info,
        org=org,
        source=log.name,
        errors=errors,
        notes=[note] if note else [],
    )
    try:
        paths = audit_mod.write_report(report, out, audit_report.render_html)
    except OSError as exc:
        raise _fail(
            f"Het rapport kan niet in {out} worden geschreven ({exc.strerror or exc})."
        ) from None
    for line in audit_mod.summary_lines(report):
        typer.echo(line)
    typer.echo(f"Rapport: {', '.join(str(p) for p in paths)}")
    raise typer.Exit(EXIT_OK if not report.errors else EXIT_SOME_ERRORS)


@app.command("train-models")
def train_models(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Map voor de modelbestanden (standaard scenarios/models)."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Niets schrijven; afwijken van de opgeslagen modellen geeft exitcode 1."
        ),
    ] = False,
) -> None:
    """Train de geleerde controles van de regels opnieuw op de gelabelde oefenantwoorden.

    Kenmerken, regularisatie en drempel worden gekozen met kruisvalidatie per deel (train op de
    andere delen, voorspel het weggelaten deel); de tabel toont die cijfers naast die van de
    patronen alleen. Exitcode 0 als alles klopt, 1 als --check een verschil vond.
    """
    from trainer import textmodel_cli

    raise typer.Exit(textmodel_cli.run(out, check=check))


def main() -> None:
    """Entry point of ``webcare-train``."""
    app()


if __name__ == "__main__":
    main()
