"""Joining a workshop: a display name (and perhaps a team) in, a token out; rejoining with it.

A participant joins an open workshop with its join code and a display name and gets a **token**;
with code and token they rejoin after a dropped connection or a closed tab and go on where they
were. A display name already used in the workshop (any case) is refused with a clear message
rather than renamed, so the facilitator's list and the podium never show two people as "Sanne";
a name with a word of the word filter is refused too (``workshop.wordfilter``). In team mode the
participant picks a team, or the service assigns the emptiest one (``workshop.teams``). A
browser session may try only so many unknown join codes (``workshop.attempts``).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from trainer.storage import name_key
from workshop import queries
from workshop import teams as team_rules
from workshop.attempts import JOIN_MAX_FAILURES, JOIN_WINDOW_MIN
from workshop.errors import NameTakenError, UnknownWorkshopError, WorkshopClosedError
from workshop.inputs import screened_text
from workshop.records import Joined, Participant, Rejoined
from workshop.security import DEFAULT_CLIENT, new_token, token_hash
from workshop.service_core import ServiceCore
from workshop.tables import DISPLAY_NAME_MAX_CHARS, WorkshopParticipant


class Joining(ServiceCore):
    """``join``, ``join_teams`` and ``rejoin``, part of ``WorkshopService``."""

    def join(
        self,
        code: str,
        display_name: str,
        *,
        team: str | None = None,
        client: str = DEFAULT_CLIENT,
    ) -> Joined:
        """Join an open workshop; the token lets the participant rejoin later. A name with a word
        of the word filter is refused; in team mode "pick" ``team`` is one of the workshop's
        team names, in "auto" the service assigns one (``workshop.teams``).

        ``client`` (the page's browser session) may try only so many unknown codes
        (``workshop.attempts``); after that every join from it waits, a right code included.
        """
        name = screened_text(display_name, "naam", DISPLAY_NAME_MAX_CHARS)
        self._attempts.check(
            "join",
            client,
            None,
            JOIN_MAX_FAILURES,
            JOIN_WINDOW_MIN,
            "Te vaak een onbekende deelcode geprobeerd op dit apparaat. Probeer het over "
            "{minutes} opnieuw, met de code op het scherm van de begeleider.",
        )
        try:
            workshop = self._workshop(code)
        except UnknownWorkshopError:
            self._attempts.fail("join", client, None, JOIN_WINDOW_MIN)
            raise
        if workshop.status != "open":
            raise WorkshopClosedError("Deze workshop is afgesloten; meedoen kan niet meer.")
        token = new_token()
        try:
            with self.db.session() as session:
                team_id = None
                if workshop.team_mode is not None:  # balanced "auto": one join at a time
                    locked = queries.locked_workshop(session, workshop.id)
                    team_id = team_rules.team_for_join(session, locked, team, self._draw)
                row = WorkshopParticipant(
                    workshop_id=workshop.id,
                    display_name=name,
                    name_key=name_key(name),
                    token_hash=token_hash(token),
                    joined_at=self.now(),
                    team_id=team_id,
                )
                session.add(row)
                session.flush()
                participant = Participant(
                    row.id, row.display_name, row.joined_at, queries.team_name(session, team_id)
                )
        except IntegrityError:
            raise NameTakenError(
                f"De naam „{name}” is in deze workshop al in gebruik. Kies een andere naam, of "
                "ga verder op het apparaat waarmee je eerder meedeed."
            ) from None
        self._remember_token(token_hash(token), workshop.id, participant.id)
        return Joined(participant, token)

    def _draw(self, n: int) -> int:
        with self._rng_lock:
            return int(self.rng.integers(n))

    def join_teams(self, code: str, *, client: str = DEFAULT_CLIENT) -> tuple[str, ...]:
        """The teams a participant picks from when joining (team mode "pick"), else (). An
        unknown code counts against ``client`` like a join does."""
        try:
            workshop = self._workshop(code)
        except UnknownWorkshopError:
            self._attempts.fail("join", client, None, JOIN_WINDOW_MIN)
            raise
        if workshop.team_mode != "pick":
            return ()
        with self.db.session(readonly=True) as session:
            return team_rules.names_of(session, workshop.id)

    def rejoin(self, code: str, token: str) -> Rejoined:
        """The participant this token belongs to, and where they are (also in a closed workshop)."""
        with self.db.session(readonly=True) as session:
            workshop, me = self._participant(session, code, token)
            answered = queries.answered_positions(session, me.id)
            current = queries.current_post(session, workshop, answered, self.now())
            return Rejoined(self._me(session, me), current, len(answered))
