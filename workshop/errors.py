"""What can go wrong in a workshop, as errors whose message the page shows as it is.

Every request the facilitator or a participant makes either succeeds or raises one of these
``ValueError`` subclasses with a Dutch message meant for the person in front of the screen: the
code is unknown, the name is taken, the answer cannot be taken any more, the PIN is wrong or
locked. The page catches ``WorkshopError`` and shows the message; nothing here is a traceback.
"""

from __future__ import annotations

from datetime import datetime


class WorkshopError(ValueError):
    """A workshop request that cannot be done; the message is Dutch and meant for the user."""


class WorkshopInputError(WorkshopError):
    """A bad argument: the message names the field, the value and what is expected."""


class UnknownWorkshopError(WorkshopError):
    """No workshop has this join code."""


class UnknownParticipantError(WorkshopError):
    """The token does not belong to a participant of this workshop."""


class NameTakenError(WorkshopError):
    """Someone in this workshop already uses this display name."""


class WorkshopClosedError(WorkshopError):
    """The workshop is closed: no joining or answering any more."""


class AnswerRefusedError(WorkshopError):
    """The answer cannot be taken: already answered differently, not this post yet, or closed."""


class WrongPinError(WorkshopError):
    """The facilitator PIN was wrong; ``attempts_left`` before the workshop locks."""

    def __init__(self, message: str, attempts_left: int) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


class PinLockedError(WorkshopError):
    """Too many wrong PINs: facilitator actions are refused until ``until`` (UTC)."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class AttemptsLockedError(WorkshopError):
    """Too many unknown join codes or wrong recovery codes from this client until ``until``."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class WrongRecoveryCodeError(WorkshopError):
    """The recovery code was wrong; ``attempts_left`` before this client is locked."""

    def __init__(self, message: str, attempts_left: int) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


class RemovedParticipantError(WorkshopError):
    """The facilitator removed this participant from the workshop."""


REMOVED_MESSAGE = (
    "De begeleider heeft je uit deze workshop verwijderd. Je kunt niet meer antwoorden en je "
    "antwoorden tellen niet meer mee."
)
