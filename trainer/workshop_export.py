"""The workshop's take-away: every answer as CSV, and a one-page HTML report of the session.

After a knowledge-circle session the facilitator writes a short report for the network: which
posts were discussed, how the group decided against the expected decision, which reply rules were
broken most, and the answers that were put on the wall. ``summary_html`` gives that as a single
self-contained HTML file (inline style, no scripts, no outside links), ready to mail or print;
``answers_csv`` gives every answer with its author for the facilitator's own analysis, in
the words the app uses: decisions by their Dutch label ("Openbaar reageren") and broken rules by
their Dutch title, next to the rule ids (``regel_ids``) for anyone who sorts or counts by rule.

Two flavours of the same CSV: ``answers_csv`` is a standard comma-separated text for scripts and
pandas (``WorkshopService.export_csv``); ``for_spreadsheet`` gives the bytes the facilitator
downloads (``WorkshopService.export_spreadsheet``), made for Dutch Excel, which opens a
double-clicked CSV with its own list separator, the semicolon (the comma is its decimal sign),
and reads UTF-8 (the é of "Privé") only when the file starts with a byte-order mark.
The time an answer came in (``ingestuurd``) is Dutch local time (Europe/Amsterdam: CET in
winter, CEST in summer) written as "2025-05-20 21:30:00", which Excel reads as a date and time;
an ISO timestamp with an offset ("…T19:30:00+00:00") stays text there, and UTC is an hour or two
off the clock on the wall during the session.

Participant text is untrusted: display names and replies are HTML-escaped in the report, so
``<script>`` or ``<img onerror=...>`` shows up as the characters typed and never runs; Markdown
stays literal text because nothing here renders Markdown. In the CSV, a cell that starts with
``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) gets a leading apostrophe so a
spreadsheet shows it as text instead of running it as a formula. The report shows replies only
when they were revealed on the wall during the session, and never with a name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from trainer.nl import amount
from trainer.posts import CHANNEL_LABELS, DECISION_LABELS
from trainer.rules import rule_title
from trainer.workshop import Report

CSV_COLUMNS = (
    "workshop",
    "positie",
    "post_id",
    "deelnemer",
    "beslissing",
    "verwacht",
    "juist",
    "score",
    "regels",  # Dutch titles, "; " between them
    "regel_ids",  # the same rules by id, ";" between them
    "antwoord",
    "op_de_muur",
    "ingestuurd",  # Dutch local time, "YYYY-MM-DD HH:MM:SS"
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ","  # the standard, for scripts and pandas
SPREADSHEET_DELIMITER = ";"  # Dutch Excel's list separator: a double-clicked CSV splits on it
SPREADSHEET_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark: Excel reads it as UTF-8
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")  # the sessions are Dutch, and so is the clock
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # no "T", no offset: Excel reads it as a date and time


def safe_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _dutch_clock(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {moment.isoformat()} has no time zone; expected UTC-aware")
    return moment.astimezone(LOCAL_ZONE)


def local_time(moment: datetime) -> str:
    """A UTC-aware timestamp as the Dutch clock showed it: "2025-05-20 21:30:00" (summer time),
    "2025-01-14 20:30:00" (winter time)."""
    return _dutch_clock(moment).strftime(LOCAL_TIME_FORMAT)


def _report_date(moment: datetime) -> str:
    """When the workshop began, as a Dutch reader of the report writes it: "20-05-2025 21:30"."""
    return _dutch_clock(moment).strftime("%d-%m-%Y %H:%M")


def channel_label(channel: str) -> str:
    """A channel as the post card names it ("X (Twitter)"); the value itself if unknown."""
    return CHANNEL_LABELS.get(channel, channel)


def decision_label(decision: str) -> str:
    """A decision as the app shows it ("Openbaar reageren"); the value itself if unknown."""
    return DECISION_LABELS.get(decision, decision)


def answers_csv(report: Report, delimiter: str = CSV_DELIMITER) -> str:
    """Every answer, one row each, in post order then by name; text cells formula-safe.

    Comma-separated unless ``delimiter`` says otherwise; a cell holding the delimiter (the
    ``;`` between rule ids) is quoted, as every CSV reader expects.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    title = safe_cell(report.dashboard.workshop.title)
    for a in report.answers:
        writer.writerow(
            (
                title,
                a.position + 1,
                safe_cell(a.post_id),
                safe_cell(a.display_name),
                decision_label(a.decision),
                decision_label(a.decision_expected),
                "ja" if a.decision_correct else "nee",
                f"{a.score:.0f}",
                safe_cell("; ".join(rule_title(r) for r in a.rules)),
                safe_cell(";".join(a.rules)),
                safe_cell(a.reply),
                "ja" if a.revealed else "nee",
                local_time(a.submitted_at),
            )
        )
    return out.getvalue()


def for_spreadsheet(report: Report) -> bytes:
    """Every answer as the CSV file to download for Excel: semicolons between the columns, so a
    Dutch Excel puts each in its own column on a double click, and UTF-8 with a byte-order mark,
    so it shows the é. Otherwise the same cells as ``answers_csv``, formulas neutralised too."""
    return answers_csv(report, delimiter=SPREADSHEET_DELIMITER).encode(SPREADSHEET_ENCODING)


_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f2f2f2}
.post{white-space:pre-wrap;background:#f7f7f9;border-left:4px solid #888;padding:.5rem .75rem}
.reply{white-space:pre-wrap;background:#fffbea;border-left:4px solid #d9a400;padding:.5rem .75rem;
margin:.5rem 0}.muted{color:#666}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(head: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def summary_html(report: Report) -> str:
    """The session report as one self-contained HTML page (Dutch), all user text escaped."""
    board = report.dashboard
    info = board.workshop
    revealed: dict[int, list[tuple[str, str]]] = {}
    for a in report.answers:
        if a.revealed:
            revealed.setdefault(a.position, []).append((a.decision, a.reply))

    parts = [
        "<!DOCTYPE html>",
        '<html lang="nl"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(info.title)}: verslag</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(info.title)}</h1>",
        '<p class="muted">Workshop '
        f"{_e(info.code)}, {_e(_report_date(info.created_at))}; "
        f"{amount(len(board.participants), 'deelnemer', 'deelnemers')}, "
        f"{amount(info.post_count, 'bericht', 'berichten')}, "
        f"{amount(len(report.answers), 'antwoord', 'antwoorden')}.</p>",
    ]
    if board.rules:
        parts.append("<h2>Vaakst overtreden regels</h2>")
        parts.append(
            _table(
                ("regel", "antwoorden", "aandeel"),
                ((rule_title(r.rule), r.answers, f"{r.share:.0%}") for r in board.rules),
            )
        )
    for stats in board.posts:
        post = stats.post
        parts.append(
            f"<h2>Bericht {stats.position + 1}: {_e(channel_label(post.channel))}"
            f" · over {_e(post.brand.name)}</h2>"
        )
        parts.append(f'<div class="post">{_e(post.author.name)}: {_e(post.text)}</div>')
        if stats.mean_score is None:
            given = "nog geen antwoorden."
        else:
            given = (
                f"{amount(stats.answers, 'antwoord', 'antwoorden')}, "
                f"{stats.correct} met de juiste beslissing; "
                f"gemiddelde score {stats.mean_score:.0f}."
            )
        parts.append(
            f"<p>Verwacht: <strong>{_e(decision_label(stats.expected))}</strong>. {given}</p>"
        )
        parts.append(
            _table(
                tuple(decision_label(d) for d in ("public", "private", "none")),
                [(stats.public, stats.private, stats.none)],
            )
        )
        if stats.rules:
            parts.append(
                "<p>Vaakst overtreden: "
                + ", ".join(f"{_e(rule_title(r.rule))} ({r.answers}×)" for r in stats.rules)
                + "</p>"
            )
        if post.model_answer:
            parts.append(f'<p>Modelantwoord:</p><div class="reply">{_e(post.model_answer)}</div>')
        shown = revealed.get(stats.position, [])
        if shown:
            parts.append("<p>Besproken antwoorden (anoniem):</p>")
            parts.extend(
                f'<div class="reply"><span class="muted">'
                f"{_e(decision_label(decision))}</span>\n{_e(reply)}</div>"
                for decision, reply in shown
            )
    if board.leaderboard is not None:
        parts.append("<h2>Ranglijst</h2>")
        parts.append(
            _table(
                ("#", "naam", "totaalscore", "beantwoord"),
                (
                    (k + 1, r.display_name, f"{r.total_score:.0f}", r.answered)
                    for k, r in enumerate(board.leaderboard)
                ),
            )
        )
    parts.append("</body></html>")
    return "\n".join(parts)
