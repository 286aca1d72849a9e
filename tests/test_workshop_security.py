"""Workshop safety: the PIN guards the facilitator, codes cannot be guessed, drafts stay private,
and whatever a participant types is shown as the characters typed, never run or rendered.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from workshop_helpers import Clock

import workshop.security
from trainer.storage import Database
from workshop.errors import PinLockedError, UnknownParticipantError, WrongPinError
from workshop.export import answers_csv, for_spreadsheet, summary_html
from workshop.pin_guard import (
    PIN_CEILING_FAILURES,
    PIN_CEILING_WINDOW_MIN,
    PIN_MAX_FAILURES,
    PIN_WINDOW_MIN,
)
from workshop.security import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, hash_pin, new_join_code, new_pin
from workshop.service import WorkshopService
from workshop.tables import Workshop as WorkshopRow
from workshop.tables import WorkshopParticipant

T0 = datetime(2025, 5, 20, 19, 30, tzinfo=UTC)
POST_IDS = ["library-001", "library-002"]
PAYLOADS = (
    "<script>alert(1)</script>",
    "**bold** _schuin_ [klik](http://evil.example)",
    '<img src=x onerror="alert(2)">',
)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(path=tmp_path / "security.sqlite")
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def service(db: Database, clock: Clock) -> WorkshopService:
    return WorkshopService(db, np.random.default_rng(5), now=clock)


def wrong(pin: str) -> str:
    return f"{(int(pin) + 1) % 10**6:06d}"


# -- PIN --------------------------------------------------------------------------------------

FACILITATOR_ACTIONS: dict[str, Callable[[WorkshopService, str, str], object]] = {
    "dashboard": lambda s, c, p: s.dashboard(c, p),
    "next_post": lambda s, c, p: s.next_post(c, p),
    "previous_post": lambda s, c, p: s.previous_post(c, p),
    "reveal_feedback": lambda s, c, p: s.reveal_feedback(c, p, "library-001"),
    "reveal_answer": lambda s, c, p: s.reveal_answer(c, p, 1),
    "hide_answer": lambda s, c, p: s.hide_answer(c, p, 1),
    "close": lambda s, c, p: s.close(c, p),
    "remove_participant": lambda s, c, p: s.remove_participant(c, p, 1),
    "restore_participant": lambda s, c, p: s.restore_participant(c, p, 1),
    "set_podium_choice": lambda s, c, p: s.set_podium_choice(c, p, "teams"),
    "report": lambda s, c, p: s.report(c, p),
}


@pytest.mark.parametrize("action", sorted(FACILITATOR_ACTIONS))
def test_every_facilitator_action_needs_the_pin(service: WorkshopService, action: str) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    token = service.join(code, "Anna").token
    service.submit(code, token, "library-001", "public", "geheim concept")
    before = service.dashboard(code, pin)
    with pytest.raises(WrongPinError, match="Verkeerde pincode"):
        FACILITATOR_ACTIONS[action](service, code, wrong(pin))
    after = service.dashboard(code, pin)
    assert after == before  # nothing moved, revealed or closed


def test_the_pin_is_stored_only_as_a_salted_scrypt_hash(
    db: Database, service: WorkshopService
) -> None:
    created = [service.create_workshop("W", post_ids=POST_IDS) for _ in range(3)]
    with db.session(readonly=True) as session:
        rows = {r.join_code: r for r in session.scalars(select(WorkshopRow))}
    for code, pin in created:
        row = rows[code]
        assert hash_pin(pin, row.pin_salt) == row.pin_hash
        assert pin.encode() not in row.pin_hash and pin not in repr(vars(row))
    assert len({rows[c].pin_salt for c, _ in created}) == 3  # a fresh salt per workshop


def test_wrong_pins_lock_the_workshop_until_the_window_has_passed(
    db: Database, service: WorkshopService, clock: Clock
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    left = []
    for _ in range(PIN_MAX_FAILURES):
        with pytest.raises(WrongPinError) as refused:
            service.dashboard(code, wrong(pin))
        left.append(refused.value.attempts_left)
        clock.moment += timedelta(seconds=30)
    assert left == list(range(PIN_MAX_FAILURES - 1, -1, -1))
    # Locked: even the right PIN is refused, with a message that says how long.
    with pytest.raises(PinLockedError, match="minuten") as locked:
        service.dashboard(code, pin)
    assert locked.value.until == T0 + timedelta(minutes=PIN_WINDOW_MIN)

    # A restart does not reset the count: the failures are in the database.
    db.dispose()
    reopened = Database(db.url)
    fresh = WorkshopService(reopened, np.random.default_rng(6), now=clock)
    with pytest.raises(PinLockedError):
        fresh.next_post(code, pin)

    # Once the first failure is older than the window, one attempt is free again.
    clock.moment = T0 + timedelta(minutes=PIN_WINDOW_MIN, seconds=1)
    assert fresh.dashboard(code, pin).workshop.code == code
    with pytest.raises(WrongPinError):
        fresh.dashboard(code, wrong(pin))
    # Locked again for a PIN this server never verified (a new server: empty cache).
    newer = WorkshopService(reopened, np.random.default_rng(8), now=clock)
    with pytest.raises(PinLockedError):
        newer.dashboard(code, pin)
    reopened.dispose()


def test_right_pins_do_not_count_and_locks_are_per_workshop(service: WorkshopService) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    other, other_pin = service.create_workshop("X", post_ids=POST_IDS)
    for _ in range(PIN_MAX_FAILURES * 2):
        service.dashboard(code, pin)
    for _ in range(PIN_MAX_FAILURES - 1):
        with pytest.raises(WrongPinError):
            service.dashboard(code, wrong(pin))
    assert service.dashboard(code, pin).workshop.code == code  # four failures: not locked
    with pytest.raises(WrongPinError):
        service.dashboard(code, wrong(pin))
    with pytest.raises(PinLockedError):
        service.dashboard(code, wrong(pin))
    assert service.dashboard(other, other_pin).workshop.code == other


def test_others_wrong_pins_do_not_lock_out_the_verified_facilitator(
    db: Database, service: WorkshopService, clock: Clock
) -> None:
    """Five wrong PINs from any phone must not stop the facilitator's open dashboard."""
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    assert service.dashboard(code, pin).workshop.code == code  # the facilitator opens it
    for _ in range(PIN_MAX_FAILURES):
        with pytest.raises(WrongPinError):
            service.dashboard(code, wrong(pin))
    # the facilitator's verified PIN keeps working during the lock, also for actions
    assert service.dashboard(code, pin).workshop.code == code
    assert service.next_post(code, pin) == 1
    # new entries stay locked: a fresh wrong guess, and the right PIN on a server that never
    # verified it (so a lucky guess during the lock still gets nowhere)
    with pytest.raises(PinLockedError):
        service.dashboard(code, wrong(pin))
    with pytest.raises(PinLockedError):
        service.dashboard(code, wrong(wrong(pin)))
    other_server = WorkshopService(db, np.random.default_rng(9), now=clock)
    with pytest.raises(PinLockedError):
        other_server.dashboard(code, pin)


def test_concurrent_guesses_cannot_get_past_the_limit(service: WorkshopService) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    n_threads = 20
    barrier = threading.Barrier(n_threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess(k: int) -> None:
        barrier.wait()
        guess_pin = f"{(int(pin) + 1 + k) % 10**6:06d}"  # all wrong
        try:
            service.dashboard(code, guess_pin)
            outcome = "accepted"
        except WrongPinError:
            outcome = "wrong"
        except PinLockedError:
            outcome = "locked"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=guess, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = Counter(outcomes)
    assert counts["wrong"] == PIN_MAX_FAILURES  # exactly the allowed number were checked
    assert counts["locked"] == n_threads - PIN_MAX_FAILURES and not counts["accepted"]


@pytest.fixture
def quick_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cheap scrypt for tests that check dozens of PINs; the limits do not depend on it."""
    monkeypatch.setattr(workshop.security, "SCRYPT_N", 2**4)


def test_one_browsers_wrong_pins_do_not_stop_the_facilitator_elsewhere(
    db: Database, service: WorkshopService, clock: Clock
) -> None:
    """A prank in the room locks the prankster's browser, never the facilitator's laptop, also
    after a restart (no server has seen the right PIN yet)."""
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    for _ in range(PIN_MAX_FAILURES):
        with pytest.raises(WrongPinError):
            service.dashboard(code, wrong(pin), client="telefoon-in-de-zaal")
    with pytest.raises(PinLockedError, match="dit apparaat"):
        service.dashboard(code, pin, client="telefoon-in-de-zaal")  # locked, right PIN or not
    db.dispose()
    reopened = Database(db.url)
    restarted = WorkshopService(reopened, np.random.default_rng(6), now=clock)
    assert restarted.dashboard(code, pin, client="laptop").workshop.code == code
    assert restarted.next_post(code, pin, client="tweede-laptop") == 1
    # the prankster's browser stays locked after the restart: the count is in the database
    other_server = WorkshopService(reopened, np.random.default_rng(7), now=clock)
    with pytest.raises(PinLockedError):
        other_server.dashboard(code, pin, client="telefoon-in-de-zaal")
    reopened.dispose()


def test_a_client_is_locked_after_its_own_five_wrong_pins(service: WorkshopService) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    for k in range(PIN_MAX_FAILURES - 1):
        with pytest.raises(WrongPinError):
            service.dashboard(code, wrong(pin), client="a")
        with pytest.raises(WrongPinError):  # others' failures do not count for "a"
            service.dashboard(code, wrong(pin), client=f"ander-{k}")
    with pytest.raises(WrongPinError) as last:
        service.dashboard(code, wrong(pin), client="a")
    assert last.value.attempts_left == 0
    with pytest.raises(PinLockedError):
        service.dashboard(code, wrong(wrong(pin)), client="a")
    with pytest.raises(WrongPinError):  # "b" has all its attempts still
        service.dashboard(code, wrong(pin), client="b")


def test_the_workshop_ceiling_holds_across_many_clients(
    quick_scrypt: None, db: Database, service: WorkshopService, clock: Clock
) -> None:
    """A fresh browser session per guess gets past the per-client limit, not the ceiling."""
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    assert service.dashboard(code, pin, client="begeleider").workshop.code == code
    for k in range(PIN_CEILING_FAILURES):
        with pytest.raises(WrongPinError):
            service.dashboard(code, f"{(int(pin) + 1 + k) % 10**6:06d}", client=f"gok-{k}")
        clock.moment += timedelta(seconds=20)
    with pytest.raises(PinLockedError, match="deze workshop") as locked:
        service.dashboard(code, wrong(pin), client="nog-een")
    assert locked.value.until == T0 + timedelta(minutes=PIN_CEILING_WINDOW_MIN)
    # a right PIN this server never verified is refused too: a lucky guess gets nowhere ...
    with pytest.raises(PinLockedError):
        WorkshopService(db, np.random.default_rng(9), now=clock).dashboard(code, pin, client="x")
    # ... while the facilitator's open dashboard works on
    assert service.next_post(code, pin, client="begeleider") == 1
    # once the oldest failures leave the hour, new checks are possible again
    clock.moment = T0 + timedelta(minutes=PIN_CEILING_WINDOW_MIN, seconds=1)
    fresh = WorkshopService(db, np.random.default_rng(10), now=clock)
    assert fresh.dashboard(code, pin, client="laptop").workshop.code == code


def test_the_ceiling_makes_guessing_the_pin_hopeless() -> None:
    """The numbers behind the ceiling (see the module docstring of workshop.pin_guard)."""
    guesses_per_hour = PIN_CEILING_FAILURES * 60 / PIN_CEILING_WINDOW_MIN
    expected_hours = (10**6 / 2) / guesses_per_hour
    assert expected_hours > 24 * 300  # on average most of a year of non-stop guessing
    assert 3 * guesses_per_hour / 10**6 < 0.0002  # a three-hour session: under 0.02%
    assert PIN_CEILING_FAILURES >= 10 * PIN_MAX_FAILURES  # a prank by hand does not get there


def test_concurrent_guesses_from_many_clients_cannot_pass_either_limit(
    quick_scrypt: None, service: WorkshopService
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    n_clients, per_client = 15, PIN_MAX_FAILURES + 2  # 105 guesses: past both limits
    barrier = threading.Barrier(n_clients * per_client)
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def guess(client: int, k: int) -> None:
        barrier.wait()
        guess_pin = f"{(int(pin) + 1 + k + client * per_client) % 10**6:06d}"  # all wrong
        try:
            service.dashboard(code, guess_pin, client=f"c{client}")
            outcome = "accepted"
        except WrongPinError:
            outcome = "wrong"
        except PinLockedError:
            outcome = "locked"
        with lock:
            outcomes.append((client, outcome))

    threads = [
        threading.Thread(target=guess, args=(c, k))
        for c in range(n_clients)
        for k in range(per_client)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = Counter(outcome for _, outcome in outcomes)
    assert counts["wrong"] == PIN_CEILING_FAILURES and not counts["accepted"]
    assert counts["locked"] == n_clients * per_client - PIN_CEILING_FAILURES
    per = Counter(c for c, outcome in outcomes if outcome == "wrong")
    assert max(per.values()) <= PIN_MAX_FAILURES


# -- join codes and tokens --------------------------------------------------------------------


def test_join_codes_have_enough_entropy_and_are_spread_over_the_alphabet() -> None:
    assert not set(JOIN_CODE_ALPHABET) & set("0O1I")
    assert len(set(JOIN_CODE_ALPHABET)) == len(JOIN_CODE_ALPHABET)
    bits = JOIN_CODE_LENGTH * math.log2(len(JOIN_CODE_ALPHABET))
    assert bits >= 30
    n = 10_000
    codes = [new_join_code() for _ in range(n)]
    assert all(len(c) == JOIN_CODE_LENGTH and set(c) <= set(JOIN_CODE_ALPHABET) for c in codes)
    # Among 10,000 codes from 2**30 the expected number of repeats is 0.05; three or more would
    # happen about once in 60,000 runs with a fair generator.
    assert n - len(set(codes)) <= 2
    # Every symbol, at every position, close to uniform (mean 312.5 per symbol and position;
    # 6 standard deviations is about 105).
    for pos in range(JOIN_CODE_LENGTH):
        counts = Counter(c[pos] for c in codes)
        assert set(counts) == set(JOIN_CODE_ALPHABET)
        mean = n / len(JOIN_CODE_ALPHABET)
        sd = math.sqrt(n * (1 / 32) * (31 / 32))
        assert all(abs(k - mean) < 6 * sd for k in counts.values())
    pins = [new_pin() for _ in range(2_000)]
    assert all(len(p) == 6 and p.isdigit() for p in pins)
    assert len(set(pins)) > 1_990


def test_codes_and_pins_do_not_follow_the_simulation_seed(db: Database, clock: Clock) -> None:
    # The same seed twice: seeded draws would repeat, secrets must not.
    made = [
        WorkshopService(db, np.random.default_rng(42), now=clock).create_workshop(
            "W", org_type="library", n=2
        )
        for _ in range(2)
    ]
    assert made[0].code != made[1].code and made[0].pin != made[1].pin


def test_tokens_are_long_random_stored_hashed_and_tied_to_their_workshop(
    db: Database, service: WorkshopService
) -> None:
    code, _pin = service.create_workshop("W", post_ids=POST_IDS)
    other, _ = service.create_workshop("X", post_ids=POST_IDS)
    tokens = [service.join(code, f"Deelnemer {k}").token for k in range(20)]
    assert len(set(tokens)) == 20 and all(len(t) >= 32 for t in tokens)
    with db.session(readonly=True) as session:
        stored = list(session.scalars(select(WorkshopParticipant.token_hash)))
    assert not set(tokens) & set(stored)
    assert hashlib.sha256(tokens[0].encode()).hexdigest() in stored
    with pytest.raises(UnknownParticipantError):
        service.current_post(other, tokens[0])  # a token only works in its own workshop


# -- privacy of drafts ------------------------------------------------------------------------


def test_a_participant_cannot_read_another_participants_draft(service: WorkshopService) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS, feedback="immediate")
    anna = service.join(code, "Anna Geheimnaam").token
    bram = service.join(code, "Bram").token
    draft = "Concept-7Q3 van Anna: bel ons even."
    answer = service.submit(code, anna, "library-001", "private", draft)
    service.submit(code, bram, "library-001", "public", "Bram zijn antwoord")

    def everything_bram_sees() -> str:
        return " ".join(
            repr(x)
            for x in (
                service.participant_view(code, bram),
                service.current_post(code, bram),
                service.rejoin(code, bram),
            )
        )

    seen = everything_bram_sees()
    assert "7Q3" not in seen and "Geheimnaam" not in seen
    assert all(e.reply is None for e in service.dashboard(code, pin).wall)

    service.reveal_answer(code, pin, answer.id)
    seen = everything_bram_sees()
    assert draft in seen  # revealed: the text is there ...
    assert "Geheimnaam" not in seen  # ... without the name
    wall = service.participant_view(code, bram).wall
    assert [e.reply for e in wall] == [draft]
    assert "Geheimnaam" not in repr(service.dashboard(code, pin).wall)

    service.hide_answer(code, pin, answer.id)
    assert "7Q3" not in everything_bram_sees()


# -- participant text is plain text -----------------------------------------------------------


def test_html_and_markdown_from_participants_is_escaped_in_the_report_and_plain_elsewhere(
    service: WorkshopService,
) -> None:
    code, pin = service.create_workshop("<b>Kring</b>", post_ids=POST_IDS, leaderboard=True)
    replies = {}
    for k, payload in enumerate(PAYLOADS):
        joined = service.join(code, f"{payload[:30]} {k}")
        answer = service.submit(code, joined.token, "library-001", "public", payload)
        assert answer.reply == payload  # the service returns exactly what was typed
        assert service.participant_view(code, joined.token).me.display_name.startswith(payload[:5])
        service.reveal_answer(code, pin, answer.id)
        replies[answer.id] = payload

    wall = service.dashboard(code, pin).wall
    assert {e.reply for e in wall} == set(PAYLOADS)  # plain text, neither escaped nor rendered

    service.close(code, pin)  # the report's ranking counts revealed posts: all, once closed
    page = summary_html(service.report(code, pin))
    assert "<script" not in page and "<img" not in page and 'onerror="' not in page
    assert "<b>Kring" not in page and "&lt;b&gt;Kring&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page
    # Markdown stays the characters typed: nothing turns it into bold or a link.
    assert "**bold** _schuin_ [klik](http://evil.example)" in page
    assert "<strong>bold" not in page and "<a " not in page
    # Names on the leaderboard are escaped too.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 0" in page


def test_csv_cells_that_look_like_formulas_are_neutralised(service: WorkshopService) -> None:
    code, pin = service.create_workshop("=cmd|' /C calc'!A0", post_ids=POST_IDS)
    formula = '=HYPERLINK("http://evil.example","klik")'
    token = service.join(code, "@admin").token
    service.submit(code, token, "library-001", "public", formula)
    service.submit(code, service.join(code, "+31 6").token, "library-001", "none", "-1+1")
    rows = list(csv.DictReader(io.StringIO(answers_csv(service.report(code, pin)))))
    assert {r["antwoord"] for r in rows} == {"'" + formula, "'-1+1"}
    assert {r["deelnemer"] for r in rows} == {"'@admin", "'+31 6"}
    assert all(r["workshop"] == "'=cmd|' /C calc'!A0" for r in rows)
    # The same in the download for Excel, which splits on semicolons.
    text = for_spreadsheet(service.report(code, pin)).decode("utf-8-sig")
    assert list(csv.DictReader(io.StringIO(text), delimiter=";")) == rows


def test_pin_messages_count_attempts_and_minutes_right(
    service: WorkshopService, clock: Clock
) -> None:
    code, pin = service.create_workshop("W", post_ids=POST_IDS)
    said = []
    for _ in range(PIN_MAX_FAILURES):
        with pytest.raises(WrongPinError) as refused:
            service.dashboard(code, wrong(pin))
        said.append(str(refused.value))
    assert f"Nog {PIN_MAX_FAILURES - 1} pogingen" in said[0]
    assert "Nog 1 poging;" in said[-2] and "Nog 0 pogingen" in said[-1]
    assert not any("(en)" in m for m in said)
    clock.moment = T0 + timedelta(minutes=PIN_WINDOW_MIN - 1, seconds=30)
    with pytest.raises(PinLockedError) as locked:
        service.dashboard(code, pin)
    assert "over 1 minuut opnieuw" in str(locked.value)
