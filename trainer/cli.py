"""The ``webcare-train`` command: score answers in bulk and audit a month of real replies.

``score`` reads JSON Lines requests (one trainee answer per line) and writes one JSON result per
line in the same order, so other tools can pipe into it. A line that cannot be scored gets a
result with an ``error`` instead, and the rest is still scored. ``audit`` runs a CSV export of
real replies through the same rubric and writes a report for the team lead (see
``trainer.audit``). Usage, request and result keys and exit codes: docs/cli-trainer.md.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from presentation import audit_report
from trainer import audit as audit_mod

EXIT_OK = 0
EXIT_SOME_ERRORS = 1  # some lines or rows could not be scored; the others were
EXIT_USAGE = 2  # nothing could be done: missing file, unreadable input, bad option

# Keys a request's post must have (with what is expected there); the scorer checks the values.
REQUIRED_POST_FIELDS: dict[str, str] = {
    "channel": "een van x, facebook, instagram, whatsapp, messenger, reviews, forum",
    "platform": "brand of consumer",
    "kind": "een van question, complaint, compliment, suggestion",
    "author": "een naam of een object met name, handle, reach",
    "text": "de tekst van het bericht",
}

app = typer.Typer(
    help="Webcare-training: beoordeel antwoorden (score) en audit echte antwoorden (audit).",
    no_args_is_help=True,
    add_completion=False,
)

Scorer = Callable[[Mapping[str, Any]], dict[str, Any]]


def _scorer() -> Scorer:
    from trainer.score import score_request

    return score_request


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(EXIT_USAGE)


def _missing_field(request: Mapping[str, Any]) -> str | None:
    brand = request.get("brand")
    if not isinstance(brand, Mapping):
        return "veld 'brand' ontbreekt; verwacht een object met name, handles en hashtags"
    if "name" not in brand:
        return "veld 'brand.name' ontbreekt; verwacht de naam van de organisatie"
    post = request.get("post")
    if not isinstance(post, Mapping):
        return (
            "veld 'post' ontbreekt; verwacht een object met channel, platform, kind, author en text"
        )
    for name, expected in REQUIRED_POST_FIELDS.items():
        if name not in post:
            return f"veld 'post.{name}' ontbreekt; verwacht {expected}"
    return None


def score_lines(
    lines: Iterable[str], score_request: Scorer
) -> Iterable[tuple[dict[str, Any], bool]]:
    """(result, ok) for every non-blank input line, in order."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as exc:
            yield (
                {
                    "id": None,
                    "error": f"regel {number}: geen geldige JSON ({exc.msg}, kolom "
                    f"{exc.colno}); verwacht één JSON-object per regel",
                },
                False,
            )
            continue
        if not isinstance(request, dict):
            yield (
                {
                    "id": None,
                    "error": f"regel {number}: {type(request).__name__} gevonden; "
                    "verwacht een JSON-object met brand en post",
                },
                False,
            )
            continue
        request_id = request.get("id")
        problem = _missing_field(request)
        if problem is not None:
            yield {"id": request_id, "error": f"regel {number}: {problem}"}, False
            continue
        try:
            yield score_request(request), True
        except ValueError as exc:
            yield {"id": request_id, "error": f"regel {number}: {exc}"}, False
        except Exception as exc:  # one bad request must not stop a batch
            yield (
                {
                    "id": request_id,
                    "error": f"regel {number}: kon niet worden beoordeeld "
                    f"({type(exc).__name__}: {exc})",
                },
                False,
            )


def _open_input(file: str) -> TextIO:
    if file == "-":
        return sys.stdin
    try:
        return open(file, encoding="utf-8-sig")  # closed by the caller
    except OSError as exc:
        raise _fail(
            f"Het invoerbestand {file} kan niet worden geopend ({exc.strerror or exc}). Geef een "
            "bestand met één JSON-verzoek per regel, of '-' om van standaardinvoer te lezen."
        ) from None


@app.command()
def score(
    file: Annotated[
        str, typer.Argument(help="JSON Lines-bestand met verzoeken, of '-' voor stdin.")
    ] = "-",
) -> None:
    """Beoordeel verzoeken (JSON Lines in, JSON Lines uit, zelfde volgorde).

    Exitcode 0 als elke regel is beoordeeld, 1 als sommige regels een fout gaven (die regels
    krijgen een resultaat met "error"), 2 als de invoer niet te lezen is.
    """
    stream = _open_input(file)
    scorer = _scorer()
    all_ok = True
    try:
        for result, ok in score_lines(stream, scorer):
            all_ok &= ok
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    except UnicodeDecodeError as exc:
        raise _fail(
            f"Het invoerbestand {file} is geen UTF-8-tekst ({exc.reason} bij byte {exc.start}). "
            "Sla het op als UTF-8 met één JSON-verzoek per regel."
        ) from None
    finally:
        if stream is not sys.stdin:
            stream.close()
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


def main() -> None:
    """Entry point of ``webcare-train``."""
    app()


if __name__ == "__main__":
    main()
