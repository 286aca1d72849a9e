"""What a waiting phone's poll reads first: one statement that tells whether its screen may change.

A phone on the participant page's waiting screen polls every few seconds (``live_refresh``) and
redraws only when what it shows would differ: another post, its answer in or not, the feedback
shown, answering open or shut, the workshop closed, the lobby left, or more answers revealed on
the wall. Reading the participant's whole view for that (``WorkshopService.participant_view``:
about ten statements, the post parsed from JSON) was half of the server's CPU per poll with 40
to 200 phones waiting (py-spy, ``bench/bench_workshop_live.py``). Everything that view's change
depends on, in facilitator pace, fits in one row: the workshop's state and current post, this
participant's removal and answer to that post, and how many answers to it the wall shows. When
that row is the same as at the last full read, nothing on the screen can have changed, and the
poll ends there; when it differs, the page reads the full view as before.

Self pace is left out (each participant has a post of their own there): ``None`` sends such a
poll to the full read, as does an unknown code or token (the full read says why).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from trainer.storage import Database
from workshop import pacing
from workshop.security import normalise_code, token_hash
from workshop.tables import Workshop, WorkshopAnswer, WorkshopParticipant, WorkshopPost


class Stamp(NamedTuple):
    """Everything a facilitator-paced participant's screen depends on; equal stamps, same screen."""

    status: str
    current_index: int
    started_at: datetime | None
    feedback_revealed: bool | None  # None: no post at the current index
    deadline: datetime | None
    removed_at: datetime | None
    answered: int  # this participant's answers to the current post (0 or 1)
    on_wall: int  # revealed answers to the current post, of participants not removed
    expired: bool  # the current post's countdown has run out


_GIVER = aliased(WorkshopParticipant)  # who gave a wall answer (removed ones are not on it)
_ANSWERED = (
    select(func.count())
    .select_from(WorkshopAnswer)
    .where(
        WorkshopAnswer.participant_id == WorkshopParticipant.id,
        WorkshopAnswer.position == Workshop.current_index,
    )
    .correlate(WorkshopParticipant, Workshop)
    .scalar_subquery()
)
_ON_WALL = (  # as ``queries.wall`` filtered to the revealed answers
    select(func.count())
    .select_from(WorkshopAnswer)
    .join(_GIVER, _GIVER.id == WorkshopAnswer.participant_id)
    .where(
        WorkshopAnswer.workshop_id == Workshop.id,
        WorkshopAnswer.position == Workshop.current_index,
        WorkshopAnswer.revealed.is_(True),
        _GIVER.removed_at.is_(None),
    )
    .correlate(Workshop)
    .scalar_subquery()
)
# Built once: composing a statement costs more CPU than running it.
_STAMP = (
    select(
        Workshop.pace,
        Workshop.status,
        Workshop.current_index,
        Workshop.started_at,
        WorkshopPost.feedback_revealed,
        WorkshopPost.deadline,
        WorkshopParticipant.removed_at,
        _ANSWERED,
        _ON_WALL,
    )
    .join(WorkshopParticipant, WorkshopParticipant.workshop_id == Workshop.id)
    .outerjoin(
        WorkshopPost,
        (WorkshopPost.workshop_id == Workshop.id)
        & (WorkshopPost.position == Workshop.current_index),
    )
    .where(
        Workshop.join_code == bindparam("code"),
        WorkshopParticipant.token_hash == bindparam("token_hash"),
    )
)


def stamp(db: Database, code: str, token: str, now: datetime) -> Stamp | None:
    """What this participant's screen depends on, in facilitator pace, as one comparable
    value; ``None`` in self pace or for an unknown code or token."""
    if not isinstance(code, str) or not isinstance(token, str):
        return None
    with db.session(readonly=True) as session:
        row = session.execute(
            _STAMP, {"code": normalise_code(code), "token_hash": token_hash(token)}
        ).one_or_none()
    if row is None or row.pace != "facilitator":
        return None
    # The clock matters only where a countdown runs out: answering closes then.
    status, index, started, revealed, deadline, removed, answered, on_wall = row[1:]
    return Stamp(status, index, started, revealed, deadline, removed, answered, on_wall,
                 pacing.expired(deadline, now))  # fmt: skip
