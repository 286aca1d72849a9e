"""Reading a workshop from the database: one question each, asked inside the caller's session.

The service opens a session per request and asks these questions in it: which workshop a code
belongs to, where a participant is, what they answered, which answers are on the wall. Each
returns a flat record (``workshop.records``) or a row the caller reads in the same session; none
opens a session or writes.

Two rules of the workshop live here because every reader needs them. A post's **feedback** is
visible once the workshop is closed, once the facilitator revealed it, or (feedback
``immediate``) as soon as the participant answered. The **answer wall** lists a post's answers
in an order keyed by the workshop's secret salt, never in submission order, which the room could
match to who answered when; an answer's text is on it only once revealed.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer.posts import Post
from workshop import pacing, teams, wordfilter
from workshop.errors import (
    REMOVED_MESSAGE,
    RemovedParticipantError,
    UnknownParticipantError,
    UnknownWorkshopError,
)
from workshop.inputs import edge_text
from workshop.records import (
    Answer,
    AnsweredPost,
    CurrentPost,
    WallEntry,
    WorkshopInfo,
    shown_post,
)
from workshop.security import normalise_code, token_hash
from workshop.tables import (
    Workshop,
    WorkshopAnswer,
    WorkshopAnswerAlert,
    WorkshopParticipant,
    WorkshopPost,
    WorkshopReaction,
    WorkshopTeam,
)

CODE_SHOWN_CHARS = 20  # a typed code quoted back in a message, cut to this length
PARTICIPANT_NOT_FOUND = (
    "Je deelname aan deze workshop is niet gevonden. Doe opnieuw mee met de deelcode en een naam."
)


def workshop_by_code(session: Session, code: str) -> Workshop:
    """The workshop with this join code (as typed: case, spaces and dashes do not matter)."""
    if not isinstance(code, str):
        raise UnknownWorkshopError(f"Deelcode {code!r:.40}: verwacht tekst zoals 'K7MPQ2'.")
    row = session.scalar(select(Workshop).where(Workshop.join_code == normalise_code(code)))
    if row is None:
        shown = edge_text(code, CODE_SHOWN_CHARS).strip()
        raise UnknownWorkshopError(
            f"Er is geen workshop met deelcode „{shown}”. Controleer de code op het "
            "scherm van de begeleider."
        )
    return row


def locked_workshop(session: Session, workshop_id: int) -> Workshop:
    """The workshop row, locked for this transaction where the database can (PostgreSQL)."""
    row = session.scalar(select(Workshop).where(Workshop.id == workshop_id).with_for_update())
    if row is None:
        raise UnknownWorkshopError("Deze workshop bestaat niet meer.")
    return row


def participant_of(session: Session, workshop: Workshop, token: str) -> WorkshopParticipant:
    """The participant this token belongs to in this workshop; a removed one is refused (read
    from the database on every request, so a removal in any process holds at once)."""
    me = session.scalar(
        select(WorkshopParticipant).where(
            WorkshopParticipant.token_hash == token_hash(token),
            WorkshopParticipant.workshop_id == workshop.id,
        )
    )
    if me is None:
        raise UnknownParticipantError(PARTICIPANT_NOT_FOUND)
    if me.removed_at is not None:
        raise RemovedParticipantError(REMOVED_MESSAGE)
    return me


def team_name(session: Session, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    return session.scalar(select(WorkshopTeam.name).where(WorkshopTeam.id == team_id))


def post_count(session: Session, workshop_id: int) -> int:
    return int(
        session.scalar(select(func.count()).where(WorkshopPost.workshop_id == workshop_id)) or 0
    )


def workshop_posts(session: Session, workshop_id: int) -> list[WorkshopPost]:
    """The workshop's posts in workshop order."""
    return list(
        session.scalars(
            select(WorkshopPost)
            .where(WorkshopPost.workshop_id == workshop_id)
            .order_by(WorkshopPost.position)
        )
    )


def info(session: Session, workshop: Workshop, now: datetime | None = None) -> WorkshopInfo:
    wpost = session.get(WorkshopPost, (workshop.id, workshop.current_index))
    deadline = wpost.deadline if wpost is not None else None
    return WorkshopInfo(
        code=workshop.join_code,
        title=workshop.title,
        pace=workshop.pace,
        feedback=workshop.feedback,
        leaderboard=workshop.leaderboard,
        status=workshop.status,
        current_index=workshop.current_index,
        post_count=post_count(session, workshop.id),
        created_at=workshop.created_at,
        closed_at=workshop.closed_at,
        lobby=pacing.in_lobby(workshop),
        countdown_s=workshop.countdown_s,
        deadline=deadline,
        seconds_left=pacing.seconds_left(deadline, now) if now is not None else None,
        teams=teams.names_of(session, workshop.id) if workshop.team_mode else (),
        team_mode=workshop.team_mode,
        podium_choice=workshop.podium_choice,
    )


def answered_posts(session: Session, participant_id: int) -> tuple[AnsweredPost, ...]:
    return tuple(
        AnsweredPost(position, post_id)
        for position, post_id in session.execute(
            select(WorkshopAnswer.position, WorkshopAnswer.post_id)
            .where(WorkshopAnswer.participant_id == participant_id)
            .order_by(WorkshopAnswer.position)
        )
    )


def answered_positions(session: Session, participant_id: int) -> set[int]:
    return set(
        session.scalars(
            select(WorkshopAnswer.position).where(WorkshopAnswer.participant_id == participant_id)
        )
    )


def feedback_visible(workshop: Workshop, wpost: WorkshopPost, answered: bool) -> bool:
    if workshop.status != "open" or wpost.feedback_revealed:
        return True
    return workshop.feedback == "immediate" and answered


def current_post(
    session: Session, workshop: Workshop, answered: set[int], now: datetime | None = None
) -> CurrentPost:
    """Where a participant stands: the workshop's current post in facilitator pace, their first
    unanswered one in self pace; no post at all while the workshop waits in its lobby."""
    posts = workshop_posts(session, workshop.id)
    closed = workshop.status != "open"
    if pacing.in_lobby(workshop):
        return CurrentPost(
            None, len(posts), None, None, False, False, False, False, closed, lobby=True
        )
    if workshop.pace == "facilitator":
        position: int | None = workshop.current_index
    else:
        position = next((p.position for p in posts if p.position not in answered), None)
    if position is None:
        return CurrentPost(None, len(posts), None, None, False, False, False, True, closed)
    return post_at(workshop, posts[position], position in answered, len(posts), now)


def post_at(
    workshop: Workshop,
    wpost: WorkshopPost,
    is_answered: bool,
    total: int,
    now: datetime | None = None,
) -> CurrentPost:
    """One post as a participant stands towards it; the answer key only once visible. Without
    ``now`` a countdown is not checked (the server checks it again at submit anyway)."""
    closed = workshop.status != "open"
    visible = feedback_visible(workshop, wpost, is_answered)
    timed_out = now is not None and pacing.expired(wpost.deadline, now)
    accepting = not closed and not is_answered and not wpost.feedback_revealed and not timed_out
    post = Post.model_validate_json(wpost.post_json)
    return CurrentPost(
        position=wpost.position,
        total=total,
        post=shown_post(post),
        key=post if visible else None,
        answered=is_answered,
        feedback_visible=visible,
        accepting=accepting,
        finished=False,
        closed=closed,
        deadline=wpost.deadline,
        seconds_left=pacing.seconds_left(wpost.deadline, now) if now is not None else None,
    )


def answer_record(row: WorkshopAnswer, rules: tuple[str, ...]) -> Answer:
    return Answer(
        id=row.id,
        post_id=row.post_id,
        position=row.position,
        decision=row.decision,
        reply=row.reply,
        score=row.score,
        decision_expected=row.decision_expected,
        decision_correct=row.decision_correct,
        rules=rules,
        submitted_at=row.submitted_at,
    )


def answer_of(session: Session, participant_id: int, position: int) -> Answer | None:
    """A participant's stored answer to the post at ``position``, if they gave one."""
    row = session.scalar(
        select(WorkshopAnswer).where(
            WorkshopAnswer.participant_id == participant_id,
            WorkshopAnswer.position == position,
        )
    )
    if row is None:
        return None
    rules = session.scalars(
        select(WorkshopAnswerAlert.rule).where(WorkshopAnswerAlert.answer_id == row.id)
    )
    return answer_record(row, tuple(sorted(set(rules))))


def wall(
    session: Session, workshop: Workshop, position: int, viewer: int | None = None
) -> list[WallEntry]:
    """Every answer to the post at ``position``, anonymous, text only where revealed and with
    abusive words masked (``workshop.wordfilter``), with its +1 count; answers of removed
    participants are left out. ``viewer``: the participant looking (their own +1s and answer
    are marked)."""
    rows = list(
        session.execute(
            select(
                WorkshopAnswer.id,
                WorkshopAnswer.post_id,
                WorkshopAnswer.decision,
                WorkshopAnswer.revealed,
                WorkshopAnswer.reply,
                WorkshopAnswer.participant_id,
            )
            .join(WorkshopParticipant, WorkshopParticipant.id == WorkshopAnswer.participant_id)
            .where(
                WorkshopAnswer.workshop_id == workshop.id,
                WorkshopAnswer.position == position,
                WorkshopParticipant.removed_at.is_(None),
            )
        )
    )
    counts: dict[int, int] = {}
    mine: set[int] = set()
    if rows:
        for answer_id, giver in session.execute(
            select(WorkshopReaction.answer_id, WorkshopReaction.participant_id)
            .join(WorkshopParticipant, WorkshopParticipant.id == WorkshopReaction.participant_id)
            .where(
                WorkshopReaction.answer_id.in_([r.id for r in rows]),
                WorkshopParticipant.removed_at.is_(None),
            )
        ):
            counts[answer_id] = counts.get(answer_id, 0) + 1
            if giver == viewer:
                mine.add(answer_id)
    # Not in submission order, which the facilitator could match to who answered when: a
    # stable order keyed by the workshop's secret salt, unrelated to time or name.
    rows.sort(
        key=lambda r: hmac.new(workshop.pin_salt, str(r.id).encode(), hashlib.sha256).digest()
    )
    return [
        WallEntry(
            r.id,
            r.post_id,
            r.decision,
            r.revealed,
            wordfilter.mask(r.reply) if r.revealed else None,
            reactions=counts.get(r.id, 0),
            reacted=r.id in mine,
            own=viewer is not None and r.participant_id == viewer,
        )
        for r in rows
    ]


def rules_by_answer(session: Session, workshop_id: int) -> dict[int, tuple[str, ...]]:
    """Answer id -> the rules that raised alerts on it, sorted; answers without alerts absent."""
    found: dict[int, set[str]] = {}
    for answer_id, rule in session.execute(
        select(WorkshopAnswerAlert.answer_id, WorkshopAnswerAlert.rule)
        .join(WorkshopAnswer, WorkshopAnswer.id == WorkshopAnswerAlert.answer_id)
        .where(WorkshopAnswer.workshop_id == workshop_id)
    ):
        found.setdefault(answer_id, set()).add(rule)
    return {k: tuple(sorted(v)) for k, v in found.items()}
