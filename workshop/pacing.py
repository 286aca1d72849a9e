"""The lobby before the first post and the countdown per post, both kept by the server.

Live-quiz tools open with a lobby: participants join and see their names appear on the projector
while the facilitator waits for the room, and only the facilitator's "start" shows the first post.
A workshop created with a lobby has no ``started_at`` until then; in the lobby nobody sees a post
and no answer is taken.

A countdown is optional, in seconds per post, and only in facilitator pace (in self pace everyone
is at a different post, so one clock per post means nothing). It is a deadline stored on the post
(``workshop_post.deadline``) the moment the post first becomes the current one (at the start, or
when the facilitator moves on), so a restart of the app does not reset it and every process serving
the workshop reads the same clock. Moving back to a post to discuss it does not start its clock
again: once run out, it stays closed. Phones and the projector show the seconds left; the server
refuses answers that arrive after the deadline, whatever a phone's clock says.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from workshop.errors import WorkshopInputError
from workshop.tables import Workshop, WorkshopPost

COUNTDOWN_MIN_S = 10  # shorter than this nobody can read a post, let alone answer it
COUNTDOWN_MAX_S = 900  # 15 minutes: beyond that a countdown is no countdown


def check_countdown(seconds: object, pace: str) -> int | None:
    """The countdown per post in whole seconds, or None for none; only in facilitator pace."""
    if seconds is None:
        return None
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        raise WorkshopInputError(
            f"aftellen: kreeg {seconds!r:.40}; verwacht een aantal seconden (een geheel getal)."
        )
    if not COUNTDOWN_MIN_S <= seconds <= COUNTDOWN_MAX_S:
        raise WorkshopInputError(
            f"aftellen: kreeg {seconds} seconden; verwacht {COUNTDOWN_MIN_S} tot "
            f"{COUNTDOWN_MAX_S} seconden."
        )
    if pace != "facilitator":
        raise WorkshopInputError(
            "aftellen: kan alleen als de begeleider het tempo bepaalt (tempo 'facilitator'); "
            "in eigen tempo zit iedereen bij een ander bericht."
        )
    return seconds


def in_lobby(workshop: Workshop) -> bool:
    """Open, but the facilitator has not started it yet."""
    return workshop.status == "open" and workshop.started_at is None


def arm(session: Session, workshop: Workshop, now: datetime) -> None:
    """Start the clock of the workshop's current post, unless it has run (or runs) already."""
    if workshop.countdown_s is None or workshop.started_at is None:
        return
    wpost = session.get(WorkshopPost, (workshop.id, workshop.current_index))
    if wpost is not None and wpost.deadline is None:
        wpost.deadline = now + timedelta(seconds=workshop.countdown_s)


def expired(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now >= deadline


def seconds_left(deadline: datetime | None, now: datetime) -> int | None:
    """Whole seconds until the deadline (0 once passed), rounded up; None without a countdown."""
    if deadline is None:
        return None
    left = (deadline - now).total_seconds()
    return max(0, int(-(-left // 1)))
