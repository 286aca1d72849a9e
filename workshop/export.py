"""The workshop's take-away: every answer as CSV, and a one-page HTML report of the session.

After a knowledge-circle session the facilitator writes a short report for the network: which
posts were discussed, how the group decided against the expected decision, which reply rules were
broken most, and the answers that were put on the wall. ``summary_html`` gives that as a single
self-contained HTML file (inline style, no scripts, no outside links), ready to mail or print,
rendered from the template ``presentation/templates/workshop_report.html.j2``;
``answers_csv`` gives every answer with its author for the facilitator's own analysis, in
the words the app uses: decisions by their Dutch label ("Openbaar reageren") and broken rules by
their Dutch title, next to the rule ids (``regel_ids``) for anyone who sorts or counts by rule.

Every function here takes the ``Report`` that ``WorkshopService.report`` returns (behind the
PIN); the facilitator's page calls them for its two downloads, and from Python
``answers_csv(service.report(code, pin))`` gives the CSV. Two flavours of the same CSV:
``answers_csv`` is a standard comma-separated text for scripts and pandas; ``for_spreadsheet``
gives the bytes the facilitator downloads, made for Dutch Excel, which opens a double-clicked
CSV with its own list separator, the semicolon (the comma is its decimal sign), and reads UTF-8
(the é of "Privé") only when the file starts with a byte-order mark.
The time an answer came in (``ingestuurd``) is Dutch local time (Europe/Amsterdam: CET in
winter, CEST in summer) written as "2025-05-20 21:30:00", which Excel reads as a date and time;
an ISO timestamp with an offset ("…T19:30:00+00:00") stays text there, and UTC is an hour or two
off the clock on the wall during the session.

Participant text is untrusted: display names and replies are HTML-escaped in the report (the
template environment autoescapes everything), so ``<script>`` or ``<img onerror=...>`` shows up
as the characters typed and never runs; Markdown stays literal text because nothing here renders
Markdown. In the CSV, a cell that starts with
``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) gets a leading apostrophe so a
spreadsheet shows it as text instead of running it as a formula. The report shows replies only
when they were revealed on the wall during the session, and never with a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from datafiles.csv_io import csv_text
from presentation.html import render
from presentation.labels import channel_label, decision_label
from trainer.nl import amount
from trainer.rules import rule_title
from workshop.dashboard import ranked
from workshop.records import PostStats, Report, RuleCount

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
    "team",  # team mode: the author's team (empty without teams); last, so old columns stay put
)
CSV_DELIMITER = ","  # the standard, for scripts and pandas
SPREADSHEET_DELIMITER = ";"  # Dutch Excel's list separator: a double-clicked CSV splits on it
SPREADSHEET_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark: Excel reads it as UTF-8
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")  # the sessions are Dutch, and so is the clock
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # no "T", no offset: Excel reads it as a date and time
REPORT_DATE_FORMAT = "%d-%m-%Y %H:%M"  # the report's "20-05-2025 21:30"
REPORT_TEMPLATE = "workshop_report.html.j2"
SPREAD_DECISIONS = ("public", "private", "none")  # the columns of a post's decision table


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
    return _dutch_clock(moment).strftime(REPORT_DATE_FORMAT)


def answers_csv(report: Report, delimiter: str = CSV_DELIMITER) -> str:
    """Every answer, one row each, in post order then by name; text cells formula-safe.

    Comma-separated unless ``delimiter`` says otherwise; a cell holding the delimiter (the
    ``;`` between rule ids) is quoted, as every CSV reader expects.
    """
    # One writer for every CSV of the project (``datafiles.csv_io``): each cell is cleaned and
    # formula-safe there; a plain number such as "-5" stays a number.
    title = report.dashboard.workshop.title
    rows = (
        (
            title,
            a.position + 1,
            a.post_id,
            a.display_name,
            decision_label(a.decision),
            decision_label(a.decision_expected),
            "ja" if a.decision_correct else "nee",
            f"{a.score:.0f}",
            "; ".join(rule_title(r) for r in a.rules),
            ";".join(a.rules),
            a.reply,
            "ja" if a.revealed else "nee",
            local_time(a.submitted_at),
            a.team or "",
        )
        for a in report.answers
    )
    return csv_text(CSV_COLUMNS, rows, delimiter=delimiter)


def for_spreadsheet(report: Report) -> bytes:
    """Every answer as the CSV file to download for Excel: semicolons between the columns, so a
    Dutch Excel puts each in its own column on a double click, and UTF-8 with a byte-order mark,
    so it shows the é. Otherwise the same cells as ``answers_csv``, formulas neutralised too."""
    return answers_csv(report, delimiter=SPREADSHEET_DELIMITER).encode(SPREADSHEET_ENCODING)


@dataclass(frozen=True)
class RuleLine:
    """A rule broken in the session or on one post, as the report lists it."""

    title: str  # the rule's Dutch title
    answers: int
    share: str  # of the answers with a written reply, "25%"


@dataclass(frozen=True)
class PostSection:
    """One post of the session as the report shows it: the post, how the group decided, the
    rules broken most, the model answer and the answers revealed on the wall (no names)."""

    number: int  # 1-based
    channel: str
    brand: str
    author: str
    text: str
    expected: str  # the expected decision's Dutch label
    given: str  # "3 antwoorden, 2 met de juiste beslissing; gemiddelde score 71."
    spread: tuple[int, ...]  # answers per decision, in SPREAD_DECISIONS order
    rules: tuple[RuleLine, ...]
    model_answer: str | None
    discussed: tuple[tuple[str, str], ...]  # (decision label, reply) revealed on the wall


@dataclass(frozen=True)
class TeamLine:
    """A team in the report: its place, name, score (the mean of its members' totals)."""

    place: int | None  # None: nothing counted yet
    name: str
    members: int
    total_score: str
    answered: int


def team_lines(report: Report) -> tuple[TeamLine, ...]:
    """Per team (team mode), ranked like the podium, teams without a place last; () without
    teams or with the leaderboard off."""
    board = report.dashboard
    if board.team_leaderboard is None:
        return ()
    places = {r.display_name: r.place for r in ranked(board.team_leaderboard)}
    members = {t: sum(p.team == t for p in board.participants) for t in board.workshop.teams}
    rows = sorted(board.team_leaderboard, key=lambda r: (places.get(r.display_name, 10**6),
                                                         r.display_name.casefold()))  # fmt: skip
    return tuple(
        TeamLine(
            places.get(r.display_name),
            r.display_name,
            members.get(r.display_name, 0),
            f"{r.total_score:.0f}",
            r.answered,
        )
        for r in rows
    )


@dataclass(frozen=True)
class RankLine:
    place: int
    name: str
    total_score: str
    answered: int


def _rule_lines(counts: tuple[RuleCount, ...]) -> tuple[RuleLine, ...]:
    return tuple(RuleLine(rule_title(r.rule), r.answers, f"{r.share:.0%}") for r in counts)


def _given(stats: PostStats) -> str:
    if stats.mean_score is None:
        return "Nog geen antwoorden."
    return (
        f"{amount(stats.answers, 'antwoord', 'antwoorden')}, "
        f"{stats.correct} met de juiste beslissing; "
        f"gemiddelde score {stats.mean_score:.0f}."
    )


def summary_html(report: Report) -> str:
    """The session report as one self-contained HTML page (Dutch), all user text escaped."""
    board = report.dashboard
    info = board.workshop
    revealed: dict[int, list[tuple[str, str]]] = {}
    for a in report.answers:
        if a.revealed:
            revealed.setdefault(a.position, []).append((decision_label(a.decision), a.reply))
    posts = tuple(
        PostSection(
            number=stats.position + 1,
            channel=channel_label(stats.post.channel),
            brand=stats.post.brand.name,
            author=stats.post.author.name,
            text=stats.post.text,
            expected=decision_label(stats.expected),
            given=_given(stats),
            spread=(stats.public, stats.private, stats.none),
            rules=_rule_lines(stats.rules),
            model_answer=stats.post.model_answer or None,
            discussed=tuple(revealed.get(stats.position, [])),
        )
        for stats in board.posts
    )
    leaderboard = None
    if board.leaderboard is not None:
        leaderboard = tuple(
            RankLine(r.place, r.display_name, f"{r.total_score:.0f}", r.answered)
            for r in ranked(board.leaderboard)
        )
    return render(
        REPORT_TEMPLATE,
        title=info.title,
        code=info.code,
        began=_report_date(info.created_at),
        counts=(
            f"{amount(len(board.participants), 'deelnemer', 'deelnemers')}, "
            f"{amount(info.post_count, 'bericht', 'berichten')}, "
            f"{amount(len(report.answers), 'antwoord', 'antwoorden')}"
        ),
        rules=_rule_lines(board.rules),
        decisions=tuple(decision_label(d) for d in SPREAD_DECISIONS),
        posts=posts,
        leaderboard=leaderboard,
        teams=team_lines(report),
    )
