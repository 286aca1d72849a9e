"""What only the facilitator may do in a workshop: move on, start, reveal, moderate, choose the
presenter view's podium, close, recover the PIN, and read the dashboard and report.

Every action here needs the workshop's PIN, checked by ``workshop.pin_guard`` with limits on
wrong ones per client (the page passes its browser session's id as ``client``), except
``recover``, which takes the recovery code shown at creation instead. ``WorkshopService`` mixes
these actions in; the participant's side is in ``workshop.joining``, ``workshop.answering`` and
``workshop.participant_reading``.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from trainer.nl import amount
from trainer.storage import Database, name_key
from workshop import pacing, queries
from workshop.attempts import RECOVERY_MAX_FAILURES, RECOVERY_WINDOW_MIN, AttemptGuard
from workshop.dashboard import build_dashboard, build_report
from workshop.errors import (
    AnswerRefusedError,
    NameTakenError,
    WorkshopClosedError,
    WorkshopError,
    WorkshopInputError,
    WrongRecoveryCodeError,
)
from workshop.inputs import edge_text, screened_text
from workshop.pin_guard import PinGuard
from workshop.records import Dashboard, Participant, Report
from workshop.security import DEFAULT_CLIENT, hash_pin, hash_recovery, new_pin, new_salt
from workshop.tables import (
    DISPLAY_NAME_MAX_CHARS,
    Workshop,
    WorkshopAnswer,
    WorkshopParticipant,
    WorkshopPinAttempt,
    WorkshopPost,
)
from workshop.teams import check_podium_choice


class FacilitatorActions:
    """The facilitator's actions, mixed into ``WorkshopService`` (which sets the database, the
    PIN and attempt guards and the clock)."""

    db: Database
    _pins: PinGuard
    _attempts: AttemptGuard

    def now(self) -> datetime:  # pragma: no cover - WorkshopService gives the real clock
        raise NotImplementedError

    # Every facilitator action takes ``client``: who is trying the PIN, for the per-client
    # limit (see ``workshop.pin_guard``). The page passes its browser session's id.

    def next_post(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> int:
        """Move the workshop to the next post (everyone, in facilitator pace); the new position."""
        return self._move(code, pin, +1, client)

    def previous_post(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> int:
        """Move back one post (to discuss it again); the new position."""
        return self._move(code, pin, -1, client)

    def start(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> None:
        """End the lobby: everyone sees the first post (and its countdown starts). Starting a
        workshop that runs already changes nothing."""
        workshop_id = self._pins.check(code, pin, client)
        with self.db.session() as session:
            workshop = queries.locked_workshop(session, workshop_id)
            if workshop.status != "open":
                raise WorkshopClosedError("Deze workshop is afgesloten.")
            if workshop.started_at is None:
                now = self.now()
                workshop.started_at = now
                pacing.arm(session, workshop, now)

    def _move(self, code: str, pin: str, step: int, client: str) -> int:
        workshop_id = self._pins.check(code, pin, client)
        with self.db.session() as session:
            workshop = queries.locked_workshop(session, workshop_id)
            if workshop.status != "open":
                raise WorkshopClosedError("Deze workshop is afgesloten.")
            if workshop.started_at is None:
                raise AnswerRefusedError(
                    "De workshop wacht nog in de wachtruimte; start hem eerst."
                )
            count = queries.post_count(session, workshop_id)
            workshop.current_index = min(max(workshop.current_index + step, 0), count - 1)
            pacing.arm(session, workshop, self.now())
            return workshop.current_index

    def reveal_feedback(
        self, code: str, pin: str, post_id: str, *, client: str = DEFAULT_CLIENT
    ) -> None:
        """Let participants see the feedback of one post; it then takes no new answers."""
        workshop_id = self._pins.check(code, pin, client)
        with self.db.session() as session:
            done = session.execute(
                update(WorkshopPost)
                .where(
                    WorkshopPost.workshop_id == workshop_id,
                    WorkshopPost.post_id == edge_text(post_id),
                )
                .values(feedback_revealed=True)
            )
            if not getattr(done, "rowcount", 1):
                raise WorkshopInputError(f"post_id: {post_id!r} hoort niet bij deze workshop.")

    def reveal_answer(
        self, code: str, pin: str, answer_id: int, *, client: str = DEFAULT_CLIENT
    ) -> None:
        """Show one answer's text on the anonymous wall."""
        self._set_revealed(code, pin, answer_id, True, client)

    def hide_answer(
        self, code: str, pin: str, answer_id: int, *, client: str = DEFAULT_CLIENT
    ) -> None:
        self._set_revealed(code, pin, answer_id, False, client)

    def _set_revealed(
        self, code: str, pin: str, answer_id: int, revealed: bool, client: str
    ) -> None:
        if not isinstance(answer_id, int) or isinstance(answer_id, bool):
            raise WorkshopInputError(f"answer_id: kreeg {answer_id!r:.40}; verwacht een getal.")
        workshop_id = self._pins.check(code, pin, client)
        with self.db.session() as session:
            done = session.execute(
                update(WorkshopAnswer)
                .where(WorkshopAnswer.workshop_id == workshop_id, WorkshopAnswer.id == answer_id)
                .values(revealed=revealed)
            )
            if not getattr(done, "rowcount", 1):
                raise WorkshopInputError(
                    f"answer_id: {answer_id!r} is geen antwoord in deze workshop."
                )

    def set_podium_choice(
        self, code: str, pin: str, choice: str, *, client: str = DEFAULT_CLIENT
    ) -> None:
        """Which podium the presenter view shows in team mode ("both", "teams" or "people",
        ``workshop.teams.PODIUM_LABELS``), kept with the workshop: a projector on another
        device follows it on its next refresh. Also once closed (the final podium)."""
        choice = check_podium_choice(choice)
        workshop_id = self._pins.check(code, pin, client)
        with self.db.session() as session:
            session.execute(
                update(Workshop).where(Workshop.id == workshop_id).values(podium_choice=choice)
            )

    def rename_participant(
        self,
        code: str,
        pin: str,
        participant_id: int,
        new_name: str,
        *,
        client: str = DEFAULT_CLIENT,
    ) -> Participant:
        """Moderation: give a participant another display name (an unfit or mistyped one). The
        same rules as at joining: cleaned, at most 40 characters, no word of the word filter,
        not in use by another."""
        if not isinstance(participant_id, int) or isinstance(participant_id, bool):
            raise WorkshopInputError(
                f"deelnemer: kreeg {participant_id!r:.40}; verwacht een getal."
            )
        name = screened_text(new_name, "naam", DISPLAY_NAME_MAX_CHARS)
        workshop_id = self._pins.check(code, pin, client)
        try:
            with self.db.session() as session:
                row = session.get(WorkshopParticipant, participant_id)
                if row is None or row.workshop_id != workshop_id:
                    raise WorkshopInputError(
                        f"deelnemer: {participant_id!r} doet niet mee aan deze workshop."
                    )
                row.display_name, row.name_key = name, name_key(name)
                session.flush()
                return Participant(
                    row.id,
                    row.display_name,
                    row.joined_at,
                    queries.team_name(session, row.team_id),
                )
        except IntegrityError:
            raise NameTakenError(
                f"De naam „{name}” is in deze workshop al in gebruik; kies een andere naam."
            ) from None

    def close(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> None:
        """Close the workshop: no joining or answering; all feedback becomes visible."""
        workshop_id = self._pins.check(code, pin, client)
        with self.db.session() as session:
            workshop = queries.locked_workshop(session, workshop_id)
            if workshop.status != "closed":
                workshop.status = "closed"
                workshop.closed_at = self.now()

    def recover(self, code: str, recovery_code: str, *, client: str = DEFAULT_CLIENT) -> str:
        """A new PIN for the facilitator who has the recovery code shown at creation; lifts any
        PIN lock on the workshop (the old PIN stops working).

        The facilitator's way in that a guesser lacks: the recovery code has 60 bits, so it is
        limited per client only (``workshop.attempts``) and no room of pranksters can lock it.
        """
        workshop = self._workshop(code)
        attempt = self._attempts.reserve(
            "recovery",
            client,
            workshop.id,
            RECOVERY_MAX_FAILURES,
            RECOVERY_WINDOW_MIN,
            "Te vaak een verkeerde herstelcode op dit apparaat. Probeer het over {minutes} "
            "opnieuw.",
        )
        if workshop.recovery_salt is None or workshop.recovery_hash is None:
            self._attempts.release(attempt)
            raise WorkshopError(
                "Deze workshop is aangemaakt voordat er herstelcodes waren; hij heeft er geen."
            )
        typed = edge_text(recovery_code)
        if not hmac.compare_digest(
            hash_recovery(typed, workshop.recovery_salt), workshop.recovery_hash
        ):
            left = max(0, RECOVERY_MAX_FAILURES - self._attempts.count(attempt))
            raise WrongRecoveryCodeError(
                f"Verkeerde herstelcode. Nog {amount(left, 'poging', 'pogingen')} op dit "
                "apparaat; de herstelcode stond op het scherm bij het aanmaken (XXXX-XXXX-XXXX).",
                left,
            )
        self._attempts.release(attempt)
        pin = new_pin()
        salt = new_salt()
        pin_hash = hash_pin(pin, salt)
        with self.db.session() as session:
            row = queries.locked_workshop(session, workshop.id)
            row.pin_salt, row.pin_hash = salt, pin_hash
            session.execute(
                delete(WorkshopPinAttempt).where(WorkshopPinAttempt.workshop_id == workshop.id)
            )
        return pin

    def dashboard(
        self,
        code: str,
        pin: str,
        wall_post: str | None = None,
        *,
        client: str = DEFAULT_CLIENT,
    ) -> Dashboard:
        """The facilitator's live overview; the wall shows ``wall_post`` (default: current)."""
        workshop_id = self._pins.check(code, pin, client)
        wall = None if wall_post is None else edge_text(wall_post)
        with self.db.session(readonly=True) as session:
            return build_dashboard(session, workshop_id, wall, self.now())

    def report(self, code: str, pin: str, *, client: str = DEFAULT_CLIENT) -> Report:
        """The dashboard plus every answer with its author: what ``workshop.export`` turns into
        the CSV files and the HTML report."""
        workshop_id = self._pins.check(code, pin, client)
        with self.db.session(readonly=True) as session:
            return build_report(session, workshop_id)

    def _workshop(self, code: str) -> Workshop:  # pragma: no cover - in ServiceCore
        raise NotImplementedError
