"""The team lead's view: how everyone practises, and a download for Dutch Excel.

A team lead wants to know who practises, how well, and where each person is weakest, to coach
them or to pick the topic of the next knowledge session. Two views, both filtered by the
organisation type practised and a period:

- per team member: attempts, mean score, share of right decisions, last attempt, and their
  weakest rules (the rules broken in the largest share of their written replies);
- every attempt, for the team lead's own analysis.

Both come as flat read-only records; ``members_csv`` and ``attempts_csv`` write them for Dutch
Excel, which opens a double-clicked CSV with the semicolon as list separator and the comma as
decimal sign, and reads UTF-8 only after a byte-order mark. Headers are Dutch, times are on the
Dutch clock, rules are named by their Dutch title, and a cell that starts like a formula gets an
apostrophe (trainee names are typed by anyone): the workshop's export (``workshop.export``)
does the same, and its helpers are reused here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from datafiles.csv_io import csv_text
from presentation.labels import decision_label
from trainer.rules import rule_title
from trainer.storage import Attempt, AttemptAlert, Database, Trainee
from workshop.export import SPREADSHEET_DELIMITER, SPREADSHEET_ENCODING, local_time

WEAKEST_RULES = 3  # rules named per team member


@dataclass(frozen=True)
class TeamAttempt:
    """One attempt of a team member."""

    attempt_id: int
    time: datetime  # UTC
    trainee: str  # the name as typed
    org: str  # organisation type of the post
    post_id: str
    decision_given: str | None
    decision_expected: str
    decision_correct: bool
    score: float  # 0-100
    wrote_reply: bool
    rules: tuple[str, ...]  # rule ids that fired, each once, sorted


@dataclass(frozen=True)
class MemberStats:
    """One team member over the filtered attempts."""

    trainee: str
    org_type: str  # the organisation type they practise last
    attempts: int
    mean_score: float  # 0-100
    decisions_correct_share: float  # 0-1
    last_attempt: datetime  # UTC
    weakest_rules: tuple[tuple[str, float], ...]  # (rule id, share of replies), worst first


def team_attempts(
    db: Database, *, org_type: str | None = None, since: datetime | None = None
) -> list[TeamAttempt]:
    """Every attempt in the filter, newest first."""
    query = (
        select(
            Attempt.id,
            Attempt.created_at,
            Trainee.name,
            Attempt.org,
            Attempt.post_id,
            Attempt.decision_given,
            Attempt.decision_expected,
            Attempt.decision_correct,
            Attempt.score,
            Attempt.reply,
        )
        .join(Trainee, Trainee.id == Attempt.trainee_id)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
    )
    alerts = select(AttemptAlert.attempt_id, AttemptAlert.rule).join(
        Attempt, Attempt.id == AttemptAlert.attempt_id
    )
    if org_type is not None:
        query = query.where(Attempt.org == org_type)
        alerts = alerts.where(Attempt.org == org_type)
    if since is not None:
        query = query.where(Attempt.created_at >= since)
        alerts = alerts.where(Attempt.created_at >= since)
    with db.session(readonly=True) as session:
        rows = session.execute(query).all()
        fired: dict[int, set[str]] = defaultdict(set)
        for attempt_id, rule in session.execute(alerts):
            fired[attempt_id].add(rule)
    return [
        TeamAttempt(
            attempt_id=aid,
            time=at,
            trainee=name,
            org=org,
            post_id=post_id,
            decision_given=given,
            decision_expected=expected,
            decision_correct=bool(correct),
            score=float(score),
            wrote_reply=bool(reply.strip()),
            rules=tuple(sorted(fired.get(aid, ()))),
        )
        for aid, at, name, org, post_id, given, expected, correct, score, reply in rows
    ]


def member_stats(attempts: Sequence[TeamAttempt]) -> list[MemberStats]:
    """Per team member in ``attempts``, lowest mean score first (who needs coaching most)."""
    by_member: dict[str, list[TeamAttempt]] = defaultdict(list)
    for attempt in attempts:
        by_member[attempt.trainee].append(attempt)
    out = []
    for name, mine in by_member.items():
        newest = max(mine, key=lambda a: (a.time, a.attempt_id))
        replies = sum(a.wrote_reply for a in mine)
        broken = Counter(rule for a in mine for rule in a.rules)
        # Share of written replies that broke the rule (a rule can also fire on no reply:
        # then the attempts count, so a share never exceeds one).
        base = max(replies, 1)
        weakest = sorted(broken.items(), key=lambda item: (-item[1], item[0]))[:WEAKEST_RULES]
        out.append(
            MemberStats(
                trainee=name,
                org_type=newest.org,
                attempts=len(mine),
                mean_score=sum(a.score for a in mine) / len(mine),
                decisions_correct_share=sum(a.decision_correct for a in mine) / len(mine),
                last_attempt=newest.time,
                weakest_rules=tuple((rule, min(1.0, n / base)) for rule, n in weakest),
            )
        )
    return sorted(out, key=lambda m: (m.mean_score, m.trainee.casefold()))


def team_rule_shares(attempts: Sequence[TeamAttempt]) -> list[tuple[str, float, int, int]]:
    """Per rule the whole team broke, worst first: (rule id, share of written replies, replies
    that broke it, written replies)."""
    replies = sum(a.wrote_reply for a in attempts)
    broken = Counter(rule for a in attempts for rule in a.rules)
    base = max(replies, 1)
    return [
        (rule, min(1.0, n / base), n, max(replies, n))
        for rule, n in sorted(broken.items(), key=lambda item: (-item[1], item[0]))
    ]


def dutch_number(value: float, decimals: int = 1) -> str:
    """A number as Dutch Excel reads it: decimal comma, no thousands separator ("72,5"); a half
    rounds up, as people round (50,25 -> 50,3), not to even as floats do."""
    step = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP)
    return f"{rounded:f}".replace(".", ",")


MEMBER_COLUMNS = (
    "Naam",
    "Organisatietype",
    "Pogingen",
    "Gemiddelde score",
    "Goede beslissingen (%)",
    "Laatste poging",
    "Zwakste regels",
)
ATTEMPT_COLUMNS = (
    "Tijdstip",
    "Naam",
    "Organisatietype",
    "Bericht",
    "Beslissing",
    "Verwacht",
    "Juist",
    "Score",
    "Overtreden regels",
)


def _spreadsheet(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    # The project's one CSV writer: cells cleaned, formulas neutralised, numbers left numbers.
    text = csv_text(columns, rows, delimiter=SPREADSHEET_DELIMITER, lineterminator="\r\n")
    return text.encode(SPREADSHEET_ENCODING)


def members_csv(members: Sequence[MemberStats], org_labels: dict[str, str]) -> bytes:
    """The per-member table for Dutch Excel (``;``, decimal comma, UTF-8 with BOM)."""
    return _spreadsheet(
        MEMBER_COLUMNS,
        [
            (
                m.trainee,
                org_labels.get(m.org_type, m.org_type),
                str(m.attempts),
                dutch_number(m.mean_score),
                dutch_number(m.decisions_correct_share * 100),
                local_time(m.last_attempt),
                "; ".join(rule_title(rule) for rule, _ in m.weakest_rules),
            )
            for m in members
        ],
    )


def attempts_csv(attempts: Sequence[TeamAttempt], org_labels: dict[str, str]) -> bytes:
    """Every attempt for Dutch Excel (``;``, decimal comma, UTF-8 with BOM)."""
    return _spreadsheet(
        ATTEMPT_COLUMNS,
        [
            (
                local_time(a.time),
                a.trainee,
                org_labels.get(a.org, a.org),
                a.post_id,
                decision_label(a.decision_given) if a.decision_given else "geen keuze",
                decision_label(a.decision_expected),
                "ja" if a.decision_correct else "nee",
                dutch_number(a.score),
                "; ".join(rule_title(rule) for rule in a.rules),
            )
            for a in attempts
        ],
    )
