"""Hostile and accidental input to the workshop service: a Dutch refusal, never a traceback.

Lone surrogates (half an emoji from a broken paste) and control characters in names, drafts,
codes, tokens and PINs are cleaned at the edge, and what is stored comes back unchanged. Unknown
join codes are limited per client; the facilitator keeps a way in during a PIN lock (the
recovery code) that a guesser lacks. Every test runs on SQLite and on the suite's scratch
PostgreSQL cluster.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import workshop_helpers
from workshop_helpers import Clock

import workshop.security
from workshop.attempts import JOIN_MAX_FAILURES, JOIN_WINDOW_MIN, RECOVERY_MAX_FAILURES
from workshop.errors import (
    AttemptsLockedError,
    PinLockedError,
    UnknownParticipantError,
    UnknownWorkshopError,
    WorkshopError,
    WrongPinError,
    WrongRecoveryCodeError,
)
from workshop.pin_guard import PIN_CEILING_FAILURES
from workshop.service import WorkshopService

POST_IDS = ["library-001", "library-002"]
LONE = "\ud83d"  # the first half of an emoji, alone
NASTY = f"Hoi{LONE} da\x00nk\x1b[31m je\r\nwel\udc00!\u200d 😀"
CLEANED = "Hoi dank[31m je\nwel!\u200d 😀"


db, clock, service = workshop_helpers.db, workshop_helpers.clock, workshop_helpers.service


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    # A cheap scrypt: these tests check dozens of PINs; the limits do not depend on its cost.
    monkeypatch.setattr(workshop.security, "SCRYPT_N", 2**4)


def test_surrogates_and_control_characters_are_cleaned_and_round_trip(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop(f"Kring{LONE}\x07 mei", post_ids=POST_IDS)
    joined = service.join(code, f"Sa{LONE}nne\x00")
    assert joined.participant.display_name == "Sanne"
    answer = service.submit(code, joined.token, POST_IDS[0], "public", NASTY)
    assert answer.reply == CLEANED
    # sending the same (uncleaned) draft again is the same answer, not a second one
    assert service.submit(code, joined.token, POST_IDS[0], "public", NASTY) == answer
    view = service.participant_view(code, joined.token)
    assert view.my_answer is not None and view.my_answer.reply == CLEANED
    assert view.workshop.title == "Kring mei"
    report = service.report(code, pin)
    assert [(a.display_name, a.reply) for a in report.answers] == [("Sanne", CLEANED)]
    # a stray surrogate or control character around a code or post id is cleaned away too
    assert service.join(f" {code}{LONE}\x00", "Piet").participant.display_name == "Piet"
    got = service.answer_feedback(code, joined.token, f"{POST_IDS[0]}{LONE}")
    assert got.answer is not None and got.answer.reply == CLEANED


@pytest.mark.parametrize(
    "call",
    [
        lambda s, code, token, pin: s.join(f"\x00{LONE}", "Piet"),
        lambda s, code, token, pin: s.current_post(code, f"{token}{LONE}"),
        lambda s, code, token, pin: s.submit(code, token, f"x\x00{LONE}", "public", "hoi"),
        lambda s, code, token, pin: s.submit(code, token, POST_IDS[0], f"public{LONE}", ""),
        lambda s, code, token, pin: s.dashboard(code, f"{pin}{LONE}"),
        lambda s, code, token, pin: s.dashboard(code, pin, wall_post=f"\x00{LONE}"),
        lambda s, code, token, pin: s.reveal_feedback(code, pin, f"{LONE}"),
        lambda s, code, token, pin: s.reveal_answer(code, pin, f"1{LONE}"),
        lambda s, code, token, pin: s.recover(code, f"AAAA{LONE}"),
        lambda s, code, token, pin: s.join(code, "x" * 100_000),
        lambda s, code, token, pin: s.submit(code, token, POST_IDS[0], "public", "a" * 100_000),
        lambda s, code, token, pin: s.join("K" * 1_000_000, "Piet"),
    ],
)
def test_odd_arguments_get_a_workshop_error_never_a_traceback(
    service: WorkshopService, call: object
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    token = service.join(code, "Anna").token
    with pytest.raises(WorkshopError) as caught:
        call(service, code, token, pin)  # type: ignore[operator]
    message = str(caught.value)
    message.encode("utf-8")  # the page can show it: no lone surrogate quoted back
    assert len(message) < 400


def test_unknown_join_codes_are_limited_per_client(service: WorkshopService, clock: Clock) -> None:
    code, _ = service.create_workshop("W", post_ids=POST_IDS)
    for k in range(JOIN_MAX_FAILURES):
        with pytest.raises(UnknownWorkshopError):
            service.join(f"ZZZZ{k:02d}", f"Gok {k}", client="guesser")
    with pytest.raises(AttemptsLockedError) as locked:
        service.join(code, "Gok raak", client="guesser")  # a right code tells nothing now
    assert "minuten" in str(locked.value)
    assert service.join(code, "Anna", client="someone else").participant.display_name == "Anna"
    clock.moment += timedelta(minutes=JOIN_WINDOW_MIN, seconds=1)
    assert service.join(code, "Gok raak", client="guesser").participant.display_name == "Gok raak"


def test_right_codes_do_not_count_towards_the_join_limit(service: WorkshopService) -> None:
    code, _ = service.create_workshop("W", post_ids=POST_IDS)
    for k in range(JOIN_MAX_FAILURES + 5):  # a whole room behind one client id
        service.join(code, f"Deelnemer {k}")


def test_the_recovery_code_opens_a_workshop_locked_by_pranksters(
    service: WorkshopService,
) -> None:
    created = service.create_workshop("W", post_ids=POST_IDS)
    code, pin = created
    assert len(created.recovery) == 14 and created.recovery.count("-") == 2
    wrong = f"{(int(pin) + 1) % 10**6:06d}"
    for k in range(PIN_CEILING_FAILURES):
        with pytest.raises(WrongPinError):
            service.dashboard(code, wrong, client=f"prank {k}")
    with pytest.raises(PinLockedError) as locked:
        service.dashboard(code, pin, client="facilitator laptop")
    assert "herstelcode" in str(locked.value)
    # a guesser has no recovery code, and its guesses are limited per client
    for _ in range(RECOVERY_MAX_FAILURES):
        with pytest.raises(WrongRecoveryCodeError):
            service.recover(code, "AAAA-BBBB-CCCC", client="prank 0")
    with pytest.raises(AttemptsLockedError):
        service.recover(code, created.recovery, client="prank 0")
    # the facilitator types it as read from paper: lower case, spaces
    new_pin = service.recover(
        code, created.recovery.lower().replace("-", " "), client="facilitator laptop"
    )
    assert new_pin != pin and len(new_pin) == 6
    board = service.dashboard(code, new_pin, client="facilitator laptop")
    assert board.workshop.code == code
    with pytest.raises(WrongPinError):
        service.dashboard(code, pin, client="facilitator laptop")  # the old PIN is gone


def test_a_token_from_another_workshop_or_garbage_is_refused(service: WorkshopService) -> None:
    code, _ = service.create_workshop("W", post_ids=POST_IDS)
    other, _ = service.create_workshop("V", post_ids=POST_IDS)
    token = service.join(other, "Anna").token
    for bad in (token, "", LONE, "x" * 10_000):
        with pytest.raises(UnknownParticipantError):
            service.current_post(code, bad)
