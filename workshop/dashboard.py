"""The facilitator's view of a workshop: the live dashboard and the session report.

The dashboard is on the projector during the session: who joined and who answered the current
post, per post the spread of decisions against the expected one, the mean score and the rules
broken most often, the anonymous answer wall and (when switched on) the leaderboard. The report
is the dashboard plus every answer with its author, read behind the PIN for the exports
(``workshop.export``).

The projector must not give the answer away: ``answer_key_shown`` says when the room may see a
post's expected decision. "Most often broken" counts an answer once per rule, among the answers
with a written reply (a decision not to reply breaks no reply rule).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer.posts import Post
from workshop import queries, teams
from workshop.errors import UnknownWorkshopError, WorkshopInputError
from workshop.records import (
    Dashboard,
    ExportRow,
    LeaderboardRow,
    Participant,
    ParticipantStatus,
    PodiumRow,
    PostStats,
    Report,
    RuleCount,
    WorkshopInfo,
)
from workshop.tables import Workshop, WorkshopAnswer, WorkshopParticipant, WorkshopTeam

RULES_SHOWN = 5  # rules listed as "most often broken"
PODIUM_PLACES = 5  # places on the projector's podium (more people when tied)


def build_dashboard(
    session: Session, workshop_id: int, wall_post: str | None, now: datetime | None = None
) -> Dashboard:
    """The dashboard of a workshop; the wall shows ``wall_post`` (default: the current post)."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise UnknownWorkshopError("Deze workshop bestaat niet meer.")
    info = queries.info(session, workshop, now)
    posts = queries.workshop_posts(session, workshop_id)
    # Removed participants (``workshop.moderation``) are in no figure: not in the list, the
    # spread, the rules or the podium.
    answers = list(
        session.scalars(
            select(WorkshopAnswer)
            .join(WorkshopParticipant, WorkshopParticipant.id == WorkshopAnswer.participant_id)
            .where(
                WorkshopAnswer.workshop_id == workshop_id,
                WorkshopParticipant.removed_at.is_(None),
            )
        )
    )
    rules_of = queries.rules_by_answer(session, workshop_id)
    people = list(
        session.scalars(
            select(WorkshopParticipant)
            .where(
                WorkshopParticipant.workshop_id == workshop_id,
                WorkshopParticipant.removed_at.is_(None),
            )
            .order_by(WorkshopParticipant.joined_at, WorkshopParticipant.id)
        )
    )
    team_of = team_names(session, workshop_id)

    by_person: dict[int, list[WorkshopAnswer]] = {}
    by_position: dict[int, list[WorkshopAnswer]] = {}
    for a in answers:
        by_person.setdefault(a.participant_id, []).append(a)
        by_position.setdefault(a.position, []).append(a)

    participants = tuple(
        ParticipantStatus(
            id=p.id,
            display_name=p.display_name,
            joined_at=p.joined_at,
            answered_current=any(
                a.position == workshop.current_index for a in by_person.get(p.id, [])
            ),
            answered=len(by_person.get(p.id, [])),
            team=team_of.get(p.team_id) if p.team_id is not None else None,
        )
        for p in people
    )
    stats = []
    for wp in posts:
        given = by_position.get(wp.position, [])
        post = Post.model_validate_json(wp.post_json)
        spread = Counter(a.decision for a in given)
        stats.append(
            PostStats(
                position=wp.position,
                post_id=wp.post_id,
                post=post,
                expected=post.expected_decision,
                answers=len(given),
                public=spread["public"],
                private=spread["private"],
                none=spread["none"],
                correct=sum(a.decision_correct for a in given),
                mean_score=(sum(a.score for a in given) / len(given)) if given else None,
                feedback_revealed=wp.feedback_revealed,
                rules=rule_counts(given, rules_of),
                key_shown=key_shown(info, wp.position, wp.feedback_revealed),
            )
        )
    shown_positions = {s.position for s in stats if s.key_shown}

    if wall_post is None:
        wall_position = workshop.current_index
    else:
        found = next((wp.position for wp in posts if wp.post_id == wall_post), None)
        if found is None:
            raise WorkshopInputError(f"wall_post: {wall_post!r} hoort niet bij deze workshop.")
        wall_position = found

    leaderboard = None
    team_board = None
    if workshop.leaderboard:
        # Only posts whose answer key the room may see count: before the reveal, one person at
        # 100 and the rest at 0 tells everyone what the expected decision was.
        rows = [
            LeaderboardRow(
                p.display_name,
                float(
                    sum(a.score for a in by_person.get(p.id, []) if a.position in shown_positions)
                ),
                sum(a.position in shown_positions for a in by_person.get(p.id, [])),
            )
            for p in people
        ]
        if team_of:
            team_board = teams.team_rows(
                list(team_of.values()),
                [(team_of.get(p.team_id or -1), row) for p, row in zip(people, rows, strict=True)],
            )
        # Who has not answered yet goes last, whatever the scores of the others.
        rows.sort(key=lambda r: (r.answered == 0, -r.total_score, r.display_name.casefold()))
        leaderboard = tuple(rows)

    return Dashboard(
        workshop=info,
        participants=participants,
        posts=tuple(stats),
        rules=rule_counts(answers, rules_of),
        wall_position=wall_position,
        wall=tuple(queries.wall(session, workshop, wall_position)),
        leaderboard=leaderboard,
        podium=None if leaderboard is None else podium(leaderboard),
        team_leaderboard=team_board,
        team_podium=None if team_board is None else podium(team_board),
        removed=removed_participants(session, workshop_id, team_of),
    )


def removed_participants(
    session: Session, workshop_id: int, team_of: dict[int, str]
) -> tuple[Participant, ...]:
    """Who the facilitator removed, last removed first (to restore one who was removed by
    mistake, ``workshop.moderation``)."""
    rows = session.scalars(
        select(WorkshopParticipant)
        .where(
            WorkshopParticipant.workshop_id == workshop_id,
            WorkshopParticipant.removed_at.is_not(None),
        )
        .order_by(WorkshopParticipant.removed_at.desc(), WorkshopParticipant.id.desc())
    )
    return tuple(
        Participant(
            p.id,
            p.display_name,
            p.joined_at,
            team_of.get(p.team_id) if p.team_id is not None else None,
        )
        for p in rows
    )


def team_names(session: Session, workshop_id: int) -> dict[int, str]:
    """Team id -> name, in the facilitator's order ({} without teams)."""
    return dict(
        session.execute(
            select(WorkshopTeam.id, WorkshopTeam.name)
            .where(WorkshopTeam.workshop_id == workshop_id)
            .order_by(WorkshopTeam.position)
        ).all()
    )


def build_report(session: Session, workshop_id: int) -> Report:
    """The dashboard plus every answer with its author, in post order then by name.

    Answers of removed participants are not in the report, so not in any export: the exports'
    answer lists then agree with their per-post, per-rule and per-team figures, and a removed
    prankster's text does not travel on in the network's report. They stay in the database
    (removal only marks the participant), so nothing is lost. Replies are as typed: the word
    filter masks the wall only.
    """
    board = build_dashboard(session, workshop_id, None)
    alerts = queries.rules_by_answer(session, workshop_id)
    team_of = team_names(session, workshop_id)
    rows = session.execute(
        select(WorkshopAnswer, WorkshopParticipant.display_name, WorkshopParticipant.team_id)
        .join(WorkshopParticipant, WorkshopParticipant.id == WorkshopAnswer.participant_id)
        .where(
            WorkshopAnswer.workshop_id == workshop_id,
            WorkshopParticipant.removed_at.is_(None),
        )
        .order_by(WorkshopAnswer.position, func.lower(WorkshopParticipant.display_name))
    ).all()
    answers = tuple(
        ExportRow(
            position=a.position,
            post_id=a.post_id,
            display_name=name,
            decision=a.decision,
            decision_expected=a.decision_expected,
            decision_correct=a.decision_correct,
            score=a.score,
            rules=alerts.get(a.id, ()),
            reply=a.reply,
            revealed=a.revealed,
            submitted_at=a.submitted_at,
            team=team_of.get(team_id) if team_id is not None else None,
        )
        for a, name, team_id in rows
    )
    return Report(board, answers)


def ranked(rows: Sequence[LeaderboardRow]) -> list[PodiumRow]:
    """Everyone with a counted answer, placed by total in whole points: ties share a place and
    the next place skips (1, 1, 3). Who has nothing counted yet gets no place at all, so a row
    of zeros never reads as a ranking."""
    scored = sorted(
        (r for r in rows if r.answered > 0),
        key=lambda r: (-round(r.total_score), r.display_name.casefold()),
    )
    totals = [round(r.total_score) for r in scored]
    return [
        PodiumRow(
            1 + sum(t > round(r.total_score) for t in totals),
            r.display_name,
            r.total_score,
            r.answered,
        )
        for r in scored
    ]


def podium(rows: Sequence[LeaderboardRow], places: int = PODIUM_PLACES) -> tuple[PodiumRow, ...]:
    """The first ``places`` places of ``ranked``, everyone tied on the last one included;
    nobody stands on a podium with 0 points."""
    return tuple(r for r in ranked(rows) if r.place <= places and round(r.total_score) > 0)


def answer_key_shown(workshop: WorkshopInfo, stats: PostStats) -> bool:
    """Whether the room may see a post's expected decision on the projected dashboard.

    The dashboard is on the projector, so it must not give the answer away before participants
    may see it themselves: after the reveal (or, with immediate feedback, once the facilitator
    has moved past the post), and for every post once the workshop is closed. Never for the
    current post before its reveal, nor for posts still to come.
    """
    return key_shown(workshop, stats.position, stats.feedback_revealed)


def key_shown(workshop: WorkshopInfo, position: int, feedback_revealed: bool) -> bool:
    """``answer_key_shown`` for the post at ``position`` (see there)."""
    if workshop.status != "open" or feedback_revealed:
        return True
    return workshop.feedback == "immediate" and position < workshop.current_index


def rule_counts(
    answers: Sequence[WorkshopAnswer], rules_of: dict[int, tuple[str, ...]]
) -> tuple[RuleCount, ...]:
    """The rules broken most often among ``answers`` with a written reply, at most
    ``RULES_SHOWN``, most often first (ties by rule id)."""
    written = [a for a in answers if a.reply.strip()]
    counts = Counter(rule for a in written for rule in rules_of.get(a.id, ()))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:RULES_SHOWN]
    return tuple(RuleCount(rule, n, n / len(written)) for rule, n in ranked)
