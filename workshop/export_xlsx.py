"""The workshop's answers as an Excel workbook: answers, per post, per rule (and per team).

The CSV (``workshop.export``) is one table; a facilitator who writes the network's report wants
the overviews next to it without building pivot tables: every answer with its author, per post
the spread of decisions against the expected one with the share correct and mean score, and per
rule how many written replies broke it. Decisions and rules carry their Dutch labels and titles,
times are Dutch local time, numbers are numbers (Excel formats them the Dutch way itself).

Participant text is untrusted: every text cell is written as a string cell, never as a formula,
so a reply like ``=HYPERLINK(...)`` shows as the characters typed and runs nothing (openpyxl
would otherwise store any text starting with ``=`` as a formula).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.worksheet.worksheet import Worksheet

from presentation.labels import decision_label
from trainer.rules import rule_title
from workshop.export import _dutch_clock, team_lines
from workshop.records import Report

ANSWER_HEADERS = ("bericht", "bericht_id", "naam", "beslissing", "verwacht", "juist", "score",
                  "regels", "regel_ids", "antwoord", "op_de_muur", "ingestuurd",
                  "team")  # fmt: skip
POST_HEADERS = ("bericht", "bericht_id", "verwacht", "antwoorden", "openbaar", "privé", "niet",
                "juist", "juist (%)", "gem. score")  # fmt: skip
TEAM_HEADERS = ("plaats", "team", "leden", "teamscore", "beantwoord")
RULE_HEADERS = ("regel", "regel_id", "antwoorden", "aandeel van geschreven antwoorden (%)")
COLUMN_WIDTH_CHARS = 18  # wide enough for a label; the reply column gets more
REPLY_WIDTH_CHARS = 60


def _sheet(book: Workbook, title: str, headers: Sequence[str], rows: list[list[object]]) -> None:
    sheet: Worksheet = book.create_sheet(title)
    table: list[list[object]] = [list(headers), *rows]
    for at, row in enumerate(table, start=1):
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=at, column=col)
            if isinstance(value, str):
                cell.value = value
                cell.data_type = TYPE_STRING  # text stays text, even "=..."
            else:
                cell.value = value
    for col, header in enumerate(headers, start=1):
        letter = sheet.cell(row=1, column=col).column_letter
        width = REPLY_WIDTH_CHARS if header == "antwoord" else COLUMN_WIDTH_CHARS
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _local(moment: datetime) -> datetime:
    """Dutch wall-clock time without a zone: Excel has no time zones."""
    return _dutch_clock(moment).replace(tzinfo=None)


def workbook(report: Report) -> bytes:
    """The .xlsx file: sheets Antwoorden, Per bericht, Per regel (and Per team in team mode
    with the leaderboard on)."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    _sheet(book, "Antwoorden", ANSWER_HEADERS, [
        [a.position + 1, a.post_id, a.display_name, decision_label(a.decision),
         decision_label(a.decision_expected), "ja" if a.decision_correct else "nee",
         round(a.score), "; ".join(rule_title(r) for r in a.rules), ";".join(a.rules), a.reply,
         "ja" if a.revealed else "nee", _local(a.submitted_at), a.team or ""]
        for a in report.answers
    ])  # fmt: skip
    _sheet(book, "Per bericht", POST_HEADERS, [
        [s.position + 1, s.post_id, decision_label(s.expected), s.answers, s.public, s.private,
         s.none, s.correct, round(100 * s.correct / s.answers) if s.answers else None,
         None if s.mean_score is None else round(s.mean_score, 1)]
        for s in report.dashboard.posts
    ])  # fmt: skip
    _sheet(book, "Per regel", RULE_HEADERS, [
        [rule_title(r.rule), r.rule, r.answers, round(100 * r.share)]
        for r in report.dashboard.rules
    ])  # fmt: skip
    teams = team_lines(report)
    if teams:  # team mode with the leaderboard on: the teams ranked as on the podium
        _sheet(book, "Per team", TEAM_HEADERS, [
            [t.place, t.name, t.members, int(t.total_score), t.answered] for t in teams
        ])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
