"""Auditing a month of real replies: which rubric rules the team breaks, how often, and where.

A team lead exports last month's conversations from the webcare tool (one row per reply: what
the customer wrote, what the agent answered, on which channel) and runs them through the same
rubric trainees are scored with. The audit tells, per rule, how many replies broke it and shows
examples, and lists the worst replies so the lead can discuss them with the team.

Real exports are messy: headers differ per tool and language, Excel writes semicolons and a
byte-order mark. Headers are matched case-insensitively against the aliases in
``COLUMN_ALIASES``, channel names against the one mapping in ``trainer.channels``; a row
that cannot be scored (no reply, unknown channel) is reported with its line number and the
other rows are still scored.

This module computes the figures as flat records and writes the CSV files; the HTML page is
drawn by the presentation layer (``presentation.audit_report``), which the caller passes in.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datafiles import DataFileError, read_text
from datafiles.csv_io import csv_rows, write_csv
from trainer.channels import CLOSED_CHANNELS, DEFAULT_PLATFORM, ChannelError, canonical_channel
from trainer.nl import amount

if TYPE_CHECKING:  # the scorer is passed in; importing it here would load the dictionary
    from trainer.score import ScoreResult

# Column -> accepted header names (compared lower-case, spaces and dashes as underscores).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "nr", "nummer", "bericht_id", "message_id", "ticket", "ticket_id", "case"),
    "date": ("date", "datum", "tijd", "tijdstip", "timestamp", "created_at", "datetime"),
    "channel": ("channel", "kanaal", "medium", "network", "netwerk", "social_network"),
    "platform": ("platform", "platform_type", "platformtype"),
    "kind": ("kind", "soort", "type", "categorie", "category"),
    "customer_text": (
        "customer_text", "klantbericht", "bericht", "post", "message", "tekst", "text",
        "vraag", "customer_message", "inkomend", "incoming",
    ),
    "reply": ("reply", "reactie", "antwoord", "response", "answer", "uitgaand", "outgoing"),
    "agent": ("agent", "medewerker", "behandelaar", "author_agent", "user", "gebruiker"),
    "decision": ("decision", "beslissing", "actie", "action", "reply_type", "antwoordtype"),
    "customer": ("customer", "klant", "klantnaam", "naam", "author", "afzender", "customer_name"),
}  # fmt: skip
REQUIRED_COLUMNS: tuple[str, ...] = ("channel", "customer_text", "reply")

PLATFORM_ALIASES: dict[str, str] = {
    "brand": "brand", "merk": "brand", "eigen": "brand", "bgc": "brand",
    "consumer": "consumer", "consument": "consumer", "klant": "consumer", "cgc": "consumer",
}  # fmt: skip
KIND_ALIASES: dict[str, str] = {
    "question": "question", "vraag": "question",
    "complaint": "complaint", "klacht": "complaint",
    "compliment": "compliment", "lof": "compliment", "praise": "compliment",
    "suggestion": "suggestion", "suggestie": "suggestion", "tip": "suggestion",
    "idee": "suggestion",
}  # fmt: skip
DECISION_ALIASES: dict[str, str] = {
    "public": "public", "openbaar": "public", "publiek": "public",
    "private": "private", "prive": "private", "privé": "private", "dm": "private", "pb": "private",
    "none": "none", "geen": "none", "niet": "none",
}  # fmt: skip
# An exported reply without a decision was posted where the customer wrote: publicly on an open
# channel, privately in a closed one (WhatsApp, Messenger are one-to-one chats).
DEFAULT_DECISION = "public"
DEFAULT_DECISION_CLOSED = "private"

EXAMPLES_PER_RULE = 3
WORST_REPLIES = 20
EXCERPT_CONTEXT_CHARS = 30  # characters shown either side of an alert's span
MAX_AUDIT_LOG_BYTES = 200_000_000  # 200 MB: years of replies; read whole, so bounded
MAX_AUDIT_FIELD_CHARS = 100_000  # characters in one field (a reply, a post): longer is refused


class AuditInputError(ValueError):
    """The log file cannot be audited at all (unreadable, no header, required column missing)."""


@dataclass(frozen=True)
class RowError:
    line: int  # line number in the CSV file (the header is line 1)
    message: str  # Dutch


@dataclass(frozen=True)
class ScoredReply:
    line: int
    id: str
    date: str
    agent: str
    channel: str
    reply: str
    expected: str
    given: str
    score: int
    rules: tuple[str, ...]  # rule ids of the alerts, in order, with repeats
    alerts: tuple[tuple[str, int, int], ...]  # (rule, start, end)


@dataclass(frozen=True)
class RuleStat:
    rule: str
    level: str
    alerts: int  # all alerts of this rule
    replies: int  # replies with at least one such alert
    share: float  # replies / scored replies (0-1)
    message: str
    examples: tuple[str, ...]  # "id: …excerpt…"


@dataclass(frozen=True)
class AuditReport:
    source: str
    scored: tuple[ScoredReply, ...]
    errors: tuple[RowError, ...]
    rules: tuple[RuleStat, ...]  # most frequent first
    notes: tuple[str, ...] = ()  # Dutch: how the audit was read (e.g. a derived handle)

    @property
    def mean_score(self) -> float | None:
        if not self.scored:
            return None
        return sum(r.score for r in self.scored) / len(self.scored)

    def worst(self, n: int = WORST_REPLIES) -> list[ScoredReply]:
        return sorted(self.scored, key=lambda r: (r.score, r.line))[:n]


def audit_brand(
    name: str, handles: Sequence[str] = (), hashtags: Sequence[str] = ()
) -> tuple[dict[str, Any], str | None]:
    """The brand for scoring and a Dutch note on how tagging is read.

    Tagging decides whether a reply was due, so without a handle every tagged post would look
    unsolicited. When only the name is given, the usual handle is derived from it ("Bieb
    Utrecht" -> "@biebutrecht") and the note says so; with neither, the note warns."""
    handles = list(handles)
    note = None
    derived = re.sub(r"\W+", "", name.lower())
    if not handles and derived:
        handles = [f"@{derived}"]
        note = (
            f"Geen --handle opgegeven: tags zijn herkend aan @{derived} (afgeleid van --brand). "
            "Klopt dat niet, geef dan de echte handle met --handle."
        )
    elif not handles:
        note = (
            "Geen --brand en geen --handle opgegeven: berichten waarin de organisatie is getagd, "
            "zijn niet als getagd te herkennen, dus de verwachte beslissing kan afwijken."
        )
    return {"name": name, "handles": handles, "hashtags": list(hashtags)}, note


def _key(header: str) -> str:
    return header.strip().lower().replace(" ", "_").replace("-", "_")


def map_columns(headers: Sequence[str]) -> dict[str, int]:
    """Column name -> index in the row, from the file's header (first alias match wins)."""
    keys = [_key(h) for h in headers]
    found: dict[str, int] = {}
    for column, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in keys and keys.index(alias) not in found.values():
                found[column] = keys.index(alias)
                break
    return found


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _alias(value: str, aliases: Mapping[str, str]) -> str | None:
    return aliases.get(_key(value))


def _request(
    row: Mapping[str, str], brand: Mapping[str, Any], org: str | None
) -> tuple[dict[str, Any], str]:
    """The score request for one row and the decision taken; raises ValueError (Dutch)."""
    try:
        channel = canonical_channel(row.get("channel", ""))
    except ChannelError as exc:
        raise ValueError(f"kolom 'channel': {exc}") from None
    platform_raw = row.get("platform", "")
    platform = _alias(platform_raw, PLATFORM_ALIASES) if platform_raw else DEFAULT_PLATFORM[channel]
    if platform is None:
        raise ValueError(
            f"kolom 'platform' heeft de waarde {platform_raw!r}; verwacht brand (merk) of "
            "consumer (consument), of laat het veld leeg"
        )
    kind_raw = row.get("kind", "")
    kind = _alias(kind_raw, KIND_ALIASES) if kind_raw else None
    if kind_raw and kind is None:
        raise ValueError(
            f"kolom 'kind' heeft de waarde {kind_raw!r}; verwacht vraag, klacht, compliment of "
            "suggestie (question, complaint, compliment, suggestion), of laat het veld leeg"
        )
    decision_raw = row.get("decision", "")
    default = DEFAULT_DECISION_CLOSED if channel in CLOSED_CHANNELS else DEFAULT_DECISION
    decision = _alias(decision_raw, DECISION_ALIASES) if decision_raw else default
    if decision is None:
        raise ValueError(
            f"kolom 'decision' heeft de waarde {decision_raw!r}; verwacht openbaar, privé of "
            "geen (public, private, none), of laat het veld leeg"
        )
    for column in ("customer_text", "reply"):
        if not row.get(column, "").strip():
            raise ValueError(f"kolom '{column}' is leeg; verwacht de tekst van het bericht")
    customer = row.get("customer", "").strip()
    request: dict[str, Any] = {
        "id": row.get("id") or None,
        "brand": dict(brand),
        "org": org,
        "post": {
            "channel": channel,
            "platform": platform,
            "kind": kind,
            "author": {"name": customer} if customer else None,
            "text": row["customer_text"],
        },
        "decision": decision,
        "reply": row["reply"],
    }
    return request, decision


def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """The rows of the log as (line, {column: value}); raises AuditInputError (Dutch)."""
    try:
        # any common encoding: older Excel exports are Windows-1252, some tools write UTF-16
        text = read_text(path, max_bytes=MAX_AUDIT_LOG_BYTES).text
    except DataFileError as exc:
        raise AuditInputError(
            f"Het bestand {exc.file} kan niet worden gelezen: {exc.message}. "
            "Geef het pad naar een CSV-export van je webcaretool."
        ) from None
    reader = csv_rows(text, _dialect(text[:4096]))
    header = next(reader, None)
    if not header:
        raise AuditInputError(
            f"Het bestand {path} is leeg; verwacht een CSV-bestand met een kopregel."
        )
    columns = map_columns(header)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        wanted = "; ".join(f"{c} (of: {', '.join(COLUMN_ALIASES[c][1:4])})" for c in missing)
        raise AuditInputError(
            f"In {path} ontbreken de kolommen {', '.join(missing)}. Gevonden kopregel: "
            f"{', '.join(header)}. Verwacht: {wanted}. Zie docs/cli-trainer.md voor alle namen."
        )
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    line = reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # A field over the csv module's limit (a pasted log, a runaway quote): this row
            # is reported and the reader goes on with the next one.
            start_line, line = line + 1, reader.line_num
            errors.append(
                RowError(
                    start_line,
                    f"regel {start_line}: deze rij is niet te lezen ({_csv_problem(exc)}); "
                    "verwacht teksten van hoogstens enkele duizenden tekens",
                )
            )
            continue
        start_line, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            # Too many fields is as wrong as too few: an unquoted comma or semicolon in a text
            # shifts every later column, so the row would be scored on the wrong text.
            hint = (
                "staat er een scheidingsteken zonder aanhalingstekens in een tekst?"
                if len(record) > len(header)
                else "ontbreekt er een veld?"
            )
            errors.append(
                RowError(
                    start_line,
                    f"regel {start_line}: {amount(len(record), 'veld', 'velden')}, "
                    f"verwacht {len(header)} "
                    f"(zoals de kopregel); {hint}",
                )
            )
            continue
        longest = max((len(cell) for cell in record), default=0)
        if longest > MAX_AUDIT_FIELD_CHARS:
            errors.append(
                RowError(
                    start_line,
                    f"regel {start_line}: een veld heeft {longest:,} tekens; verwacht hoogstens "
                    f"{MAX_AUDIT_FIELD_CHARS:,} tekens per veld".replace(",", "."),
                )
            )
            continue
        rows.append((start_line, {c: record[i].strip() for c, i in columns.items()}))
    return rows, errors


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"een veld is langer dan {csv.field_size_limit():,} tekens".replace(",", ".")
    return f"CSV-fout: {text}"


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - EXCERPT_CONTEXT_CHARS)
    right = min(len(text), end + EXCERPT_CONTEXT_CHARS)
    inner = text[left:right].replace("\n", " ")
    return ("…" if left > 0 else "") + inner + ("…" if right < len(text) else "")


def audit(
    rows: Iterable[tuple[int, Mapping[str, str]]],
    score_request: Callable[[Mapping[str, Any]], ScoreResult],
    *,
    brand: Mapping[str, Any],
    org: str | None = None,
    source: str = "",
    errors: Iterable[RowError] = (),
    notes: Sequence[str] = (),
) -> AuditReport:
    """Score every row with ``score_request`` and gather per-rule figures."""
    scored: list[ScoredReply] = []
    all_errors = list(errors)
    levels: dict[str, str] = {}
    messages: dict[str, str] = {}
    examples: dict[str, list[str]] = defaultdict(list)
    alert_counts: Counter[str] = Counter()
    reply_counts: Counter[str] = Counter()
    for line, row in rows:
        try:
            request, given = _request(row, brand, org)
            result = score_request(request)
        except ValueError as exc:
            all_errors.append(RowError(line, f"regel {line}: {exc}"))
            continue
        except Exception as exc:  # a bug in one rule must not stop a 10,000-row audit
            all_errors.append(
                RowError(
                    line, f"regel {line}: kon niet worden beoordeeld ({type(exc).__name__}: {exc})"
                )
            )
            continue
        reply_id = row.get("id") or f"regel {line}"
        alerts = result.alerts
        for alert in alerts:
            rule = alert.rule
            alert_counts[rule] += 1
            levels.setdefault(rule, alert.level)
            messages.setdefault(rule, alert.message)
            if len(examples[rule]) < EXAMPLES_PER_RULE and (
                not examples[rule] or not examples[rule][-1].startswith(f"{reply_id}: ")
            ):
                snippet = _excerpt(row["reply"], alert.start, alert.end)
                examples[rule].append(f"{reply_id}: {snippet}")
        for rule in {a.rule for a in alerts}:
            reply_counts[rule] += 1
        scored.append(
            ScoredReply(
                line=line,
                id=reply_id,
                date=row.get("date", ""),
                agent=row.get("agent", ""),
                channel=request["post"]["channel"],
                reply=row["reply"],
                expected=result.expected,
                given=given,
                score=int(result.score or 0),
                rules=tuple(a.rule for a in alerts),
                alerts=tuple((a.rule, a.start, a.end) for a in alerts),
            )
        )
    total = len(scored)
    stats = tuple(
        RuleStat(
            rule=rule,
            level=levels[rule],
            alerts=alert_counts[rule],
            replies=reply_counts[rule],
            share=reply_counts[rule] / total if total else 0.0,
            message=messages[rule],
            examples=tuple(examples[rule]),
        )
        for rule in sorted(reply_counts, key=lambda r: (-reply_counts[r], r))
    )
    all_errors.sort(key=lambda e: e.line)
    return AuditReport(
        source=source,
        scored=tuple(scored),
        errors=tuple(all_errors),
        rules=stats,
        notes=tuple(notes),
    )


# --- output -----------------------------------------------------------------------------------


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    # The shared writer: a reply or agent name such as "=HYPERLINK(...)" reaches Excel as text.
    write_csv(path, header, rows)


def write_report(
    report: AuditReport, out_dir: Path, render_html: Callable[[AuditReport], str]
) -> list[Path]:
    """Write rules.csv, worst.csv, replies.csv, errors.csv and report.html; returns the paths.

    ``render_html`` draws the page (``presentation.audit_report.render_html``): the trainer
    computes the figures, the presentation layer shows them, and the trainer never imports it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        name: out_dir / name
        for name in ("rules.csv", "worst.csv", "replies.csv", "errors.csv", "report.html")
    }
    _write_csv(
        paths["rules.csv"],
        ["rule", "level", "alerts", "replies", "share", "message", "examples"],
        (
            [
                s.rule,
                s.level,
                s.alerts,
                s.replies,
                f"{s.share:.3f}",
                s.message,
                " | ".join(s.examples),
            ]
            for s in report.rules
        ),
    )
    reply_header = [
        "line",
        "id",
        "date",
        "agent",
        "channel",
        "expected",
        "given",
        "score",
        "rules",
        "reply",
    ]

    def reply_row(r: ScoredReply) -> list[Any]:
        rules = ", ".join(dict.fromkeys(r.rules))
        return [
            r.line,
            r.id,
            r.date,
            r.agent,
            r.channel,
            r.expected,
            r.given,
            r.score,
            rules,
            r.reply,
        ]

    _write_csv(paths["worst.csv"], reply_header, (reply_row(r) for r in report.worst()))
    _write_csv(paths["replies.csv"], reply_header, (reply_row(r) for r in report.scored))
    _write_csv(
        paths["errors.csv"], ["line", "message"], ((e.line, e.message) for e in report.errors)
    )
    paths["report.html"].write_text(render_html(report), encoding="utf-8")
    return list(paths.values())


def counts_text(report: AuditReport) -> str:
    """ "1 antwoord beoordeeld, 2 rijen overgeslagen": rows of the file are "rijen", so that
    "regels" only ever means the rubric's rules."""
    scored = amount(len(report.scored), "antwoord", "antwoorden")
    skipped = amount(len(report.errors), "rij", "rijen")
    return f"{scored} beoordeeld, {skipped} overgeslagen"


def summary_lines(report: AuditReport, top: int = 5) -> list[str]:
    """A short Dutch summary for the terminal."""
    lines = [counts_text(report) + "."]
    lines.extend(report.notes)
    if report.mean_score is not None:
        lines.append(f"Gemiddelde score: {report.mean_score:.0f} van 100.")
    if report.rules:
        lines.append("Meest overtreden regels:")
        lines.extend(
            f"  {s.rule}: {amount(s.replies, 'antwoord', 'antwoorden')} ({s.share:.0%})"
            for s in report.rules[:top]
        )
    lines.extend(err.message for err in report.errors[:10])
    if len(report.errors) > 10:
        rest = len(report.errors) - 10
        lines.append(
            f"... en nog {amount(rest, 'overgeslagen rij', 'overgeslagen rijen')} (zie errors.csv)."
        )
    return lines
