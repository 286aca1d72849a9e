"""Moderation: the facilitator removes (or restores) a participant; participants give +1.

**Removing** (PIN): a participant who disrupts the session, or a test account, is taken out.
Their row is marked (``removed_at``), not deleted: their answers leave the answer wall, the
spread, the rule counts, the podiums and the exports (``workshop.dashboard.build_report``), and
their +1s no longer count, but nothing is lost from the database. Their token stops working with
a clear Dutch message (``errors.REMOVED_MESSAGE``). Removal is not a ban: the same person may
join again under another name, as in Kahoot, and the facilitator may remove them again.

**Undoing a removal** (PIN): the facilitator took out the wrong person. Since removing only
marked the row, clearing the mark brings everything back: their answers on the wall, in the
figures, the podiums and the exports, their +1s, and their token (the phone works again on its
next request). Their name cannot have been taken meanwhile: names stay unique in a workshop
including removed participants (the ``name_key`` constraint), so restoring never clashes.

Several app processes may serve one workshop. Each ``WorkshopService`` caches token -> ids per
process (``_token_cache``), which a removal does not change; the removal itself is read from the
database where it matters: every participant request reads the participant row
(``queries.participant_of``), and ``submit`` reads ``removed_at`` in the same transaction that
stores the answer. A participant removed through one process is therefore refused by every other
one from the moment the removal is committed; an answer racing with the removal is stored but
shown nowhere, like all their answers.

**Reactions**: a participant gives +1 to an answer revealed on the wall, once per answer (a
unique constraint keeps it once under concurrency; sending it again changes nothing), never to
their own answer. The wall shows the counts to the facilitator and to participants.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trainer.storage import Database
from workshop import queries
from workshop.errors import AnswerRefusedError, WorkshopClosedError, WorkshopInputError
from workshop.pin_guard import PinGuard
from workshop.records import Participant
from workshop.security import DEFAULT_CLIENT
from workshop.tables import (
    Workshop,
    WorkshopAnswer,
    WorkshopParticipant,
    WorkshopReaction,
)


def _check_id(value: object, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise WorkshopInputError(f"{field}: kreeg {value!r:.40}; verwacht een getal.")
    return value


class Moderation:
    """Removing and restoring participants (PIN) and +1 reactions (token), mixed into
    ``WorkshopService``."""

    db: Database
    _pins: PinGuard

    def now(self) -> datetime:  # pragma: no cover - WorkshopService gives the real clock
        raise NotImplementedError

    def _participant(
        self, session: Session, code: str, token: str
    ) -> tuple[Workshop, WorkshopParticipant]:  # pragma: no cover - WorkshopService has it
        raise NotImplementedError

    def remove_participant(
        self, code: str, pin: str, participant_id: int, *, client: str = DEFAULT_CLIENT
    ) -> Participant:
        """Take a participant out of the workshop (see the module docstring); removing someone
        already removed changes nothing. Returns who was removed."""
        return self._set_removed(code, pin, participant_id, True, client)

    def restore_participant(
        self, code: str, pin: str, participant_id: int, *, client: str = DEFAULT_CLIENT
    ) -> Participant:
        """Undo a removal (the facilitator took out the wrong person); restoring someone who is
        not removed changes nothing. Returns who is back."""
        return self._set_removed(code, pin, participant_id, False, client)

    def _set_removed(
        self, code: str, pin: str, participant_id: int, removed: bool, client: str
    ) -> Participant:
        _check_id(participant_id, "deelnemer")
        workshop_id = self._pins.check(code, pin, client)
        with self.db.session() as session:
            row = session.get(WorkshopParticipant, participant_id)
            if row is None or row.workshop_id != workshop_id:
                raise WorkshopInputError(
                    f"deelnemer: {participant_id!r} doet niet mee aan deze workshop."
                )
            if removed and row.removed_at is None:
                row.removed_at = self.now()
            elif not removed:
                row.removed_at = None
            return Participant(
                row.id, row.display_name, row.joined_at, queries.team_name(session, row.team_id)
            )

    def react(self, code: str, token: str, answer_id: int) -> int:
        """Give +1 to an answer on the wall; the answer's count afterwards. Only answers revealed
        on the wall, not one's own, while the workshop is open; a second +1 changes nothing."""
        _check_id(answer_id, "antwoord")
        with self.db.session() as session:
            workshop, me = self._participant(session, code, token)
            if workshop.status != "open":
                raise WorkshopClosedError("Deze workshop is afgesloten; +1 geven kan niet meer.")
            answer = session.get(WorkshopAnswer, answer_id)
            author = (
                None if answer is None else session.get(WorkshopParticipant, answer.participant_id)
            )
            if (
                answer is None
                or answer.workshop_id != workshop.id
                or not answer.revealed
                or author is None
                or author.removed_at is not None
            ):
                raise AnswerRefusedError("Dit antwoord staat niet (meer) op de muur.")
            if answer.participant_id == me.id:
                raise AnswerRefusedError("Je kunt geen +1 geven op je eigen antwoord.")
            me_id = me.id
        try:
            with self.db.session() as session:
                session.execute(
                    insert(WorkshopReaction).values(
                        answer_id=answer_id, participant_id=me_id, at=self.now()
                    )
                )
        except IntegrityError:
            pass  # given before (a double tap, or two tabs): still once
        with self.db.session(readonly=True) as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(WorkshopReaction)
                    .join(
                        WorkshopParticipant,
                        WorkshopParticipant.id == WorkshopReaction.participant_id,
                    )
                    .where(
                        WorkshopReaction.answer_id == answer_id,
                        WorkshopParticipant.removed_at.is_(None),
                    )
                )
                or 0
            )
