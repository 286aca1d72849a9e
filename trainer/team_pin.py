"""The team PIN: what keeps the team lead view for team leads.

The team view shows every trainee's attempts and weak points, so it sits behind a PIN. There
are no accounts in the sandbox (trainees practise under a name, without a password), so the
first team lead who opens the view chooses the PIN, and from then on everyone needs it. It
works as the workshop's facilitator PIN does, and reuses its parts instead of copying them:

- the PIN is stored only as a salted scrypt hash (``workshop.security.hash_pin``), so a copy of
  the database does not give it away;
- wrong PINs are counted in the database (a restart does not reset them) by the workshop's
  own check (``workshop.pin_guard.check_within_limits``) with its two limits: per browser
  session ``PIN_MAX_FAILURES`` within ``PIN_WINDOW_MIN`` minutes, and over all sessions
  ``PIN_CEILING_FAILURES`` within ``PIN_CEILING_WINDOW_MIN`` minutes, since a guesser can open a
  fresh session at will; every check first reserves an attempt row with the limits counted in
  the same write transaction, so concurrent guesses cannot slip past a limit between count and
  check. Only the table of attempts, the locked row and the words of the lock are the team's.

A chosen PIN has at least ``TEAM_PIN_MIN_DIGITS`` digits, as many as the workshop draws: with
the ceiling of sixty wrong PINs an hour, guessing one takes most of a year.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from trainer.nl import amount
from trainer.storage import Base, Database, utcnow
from workshop.pin_guard import PinAttempts, PinLockTexts, check_within_limits
from workshop.security import HASH_BYTES, PIN_DIGITS, SALT_BYTES, hash_pin, new_salt

TEAM_PIN_MIN_DIGITS = PIN_DIGITS  # 6: as strong as a workshop PIN
TEAM_PIN_MAX_DIGITS = 12
TEAM_ROW_ID = 1  # the one team of this database


class TeamPinInputError(ValueError):
    """A PIN that cannot be set; the message is Dutch and says what is expected."""


class TeamPin(Base):
    __tablename__ = "team_pin"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always TEAM_ROW_ID
    pin_salt: Mapped[bytes] = mapped_column(LargeBinary(SALT_BYTES))
    pin_hash: Mapped[bytes] = mapped_column(LargeBinary(HASH_BYTES))  # scrypt(PIN, salt)
    set_at: Mapped[datetime] = mapped_column()


class TeamPinAttempt(Base):
    __tablename__ = "team_pin_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64), index=True)  # workshop.security.client_key
    at: Mapped[datetime] = mapped_column(index=True)


_ATTEMPTS = PinAttempts(
    TeamPinAttempt, (), lambda key, at: TeamPinAttempt(client=key, at=at)
)  # the table holds the one team PIN's attempts only
TEAM_LOCK_TEXTS = PinLockTexts(
    device="Te vaak een verkeerde pincode: dit apparaat staat op slot voor het teamoverzicht. "
    "Probeer het over {wait} opnieuw.",
    everyone="Voor het teamoverzicht is te vaak een verkeerde pincode geprobeerd; het staat uit "
    "voorzorg op slot. Probeer het over {wait} opnieuw.",
)


def _validate(pin: str) -> str:
    clean = str(pin).strip()
    if not clean.isdigit() or not TEAM_PIN_MIN_DIGITS <= len(clean) <= TEAM_PIN_MAX_DIGITS:
        raise TeamPinInputError(
            f"Teampincode: kies {TEAM_PIN_MIN_DIGITS} tot {TEAM_PIN_MAX_DIGITS} cijfers "
            f"(alleen cijfers); je typte {amount(len(clean), 'teken', 'tekens')}."
        )
    return clean


class TeamPinGuard:
    """Sets and checks the team PIN in the database; safe to share between threads."""

    def __init__(self, db: Database, now: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self._now = now
        db.create_schema()  # the two tables above, if this database predates them

    def is_set(self) -> bool:
        with self.db.session(readonly=True) as session:
            return session.get(TeamPin, TEAM_ROW_ID) is not None

    def set_pin(self, pin: str, repeated: str) -> None:
        """The first team lead chooses the PIN; refused once one is set."""
        clean = _validate(pin)
        if str(repeated).strip() != clean:
            raise TeamPinInputError("De twee pincodes zijn niet gelijk. Typ ze opnieuw.")
        salt = new_salt()
        row = TeamPin(id=TEAM_ROW_ID, pin_salt=salt, pin_hash=hash_pin(clean, salt))
        row.set_at = self._now()
        try:
            with self.db.session() as session:
                if session.get(TeamPin, TEAM_ROW_ID) is not None:
                    raise TeamPinInputError(
                        "Er is al een teampincode ingesteld. Vraag die aan je teamleider."
                    )
                session.add(row)
        except IntegrityError:
            # Another team lead set one between our look-up and insert (PostgreSQL).
            raise TeamPinInputError(
                "Er is net een teampincode ingesteld. Vraag die aan je teamleider."
            ) from None

    def check(self, pin: str, client: str) -> None:
        """Returns when ``pin`` is right; raises ``WrongPinError`` or ``PinLockedError``
        (the workshop's limits, ``workshop.pin_guard.check_within_limits``)."""

        def lock(session: Session) -> tuple[bytes, bytes]:
            # PostgreSQL: one check at a time, so two guesses cannot both pass the count.
            team = session.get(TeamPin, TEAM_ROW_ID, with_for_update=True)
            if team is None:
                raise TeamPinInputError("Er is nog geen teampincode ingesteld.")
            return team.pin_salt, team.pin_hash

        check_within_limits(
            self.db,
            pin,
            client,
            self._now(),
            lock=lock,
            attempts=_ATTEMPTS,
            texts=TEAM_LOCK_TEXTS,
        )
