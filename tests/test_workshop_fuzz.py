"""Fuzzing the workshop service: any call with any arguments succeeds or gets a WorkshopError.

Hypothesis draws sequences of service calls (join, submit, current post, participant view,
earlier feedback, dashboard, reveal, recovery) with arguments from a mix of right values, odd
text (lone surrogates, control characters, very long strings, markup) and wrong types. Every call
must either succeed or raise ``WorkshopError`` (whose message the page shows), with a message the
page can encode; whatever was stored must come back as cleaned. Derandomised, so the same few
hundred cases run every time; each call's deadline is far above its normal cost and only
catches a hang. Runs on SQLite and on the suite's scratch PostgreSQL cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workshop.security
from trainer.storage import Database
from workshop.errors import WorkshopError
from workshop.inputs import plain_text
from workshop.service import WorkshopService

POST_IDS = ["library-001", "library-002"]
T0 = datetime(2026, 12, 3, 19, 30, tzinfo=UTC)
CASES = 150  # per database: a few hundred in all
CALL_DEADLINE = timedelta(seconds=20)  # the bar for a hang; a normal call takes ms

odd_text = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),  # surrogates too
    st.sampled_from(["", " ", "\x00", "\ud800", "<script>x</script>", "=HYPERLINK(1)", "**b**"]),
    st.text(max_size=3).map(lambda t: t * 3000),
)
odd_value = st.one_of(odd_text, st.none(), st.integers(), st.floats(), st.lists(st.integers()))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql":
        database = Database(request.getfixturevalue("postgres_url"))
    else:
        database = Database(path=tmp_path / "fuzz.sqlite")
    yield database
    database.dispose()


@pytest.fixture
def session(db: Database, monkeypatch: pytest.MonkeyPatch) -> tuple[WorkshopService, str, str, str]:
    monkeypatch.setattr(workshop.security, "SCRYPT_N", 2**4)  # many PIN checks: cheap scrypt
    service = WorkshopService(db, np.random.default_rng(11), now=lambda: T0)
    code, pin = service.create_workshop("Fuzz", post_ids=POST_IDS, feedback="immediate")
    token = service.join(code, "Anna").token
    return service, code, pin, token


def _call(draw: Any, code: str, pin: str, token: str) -> tuple[str, tuple[Any, ...], dict]:
    """One call with each argument either right or odd."""

    def arg(right: object, odd: st.SearchStrategy[Any] = odd_value) -> Any:
        return right if draw(st.booleans()) else draw(odd)

    name = draw(st.sampled_from(["join", "submit", "current_post", "participant_view",
                                 "answer_feedback", "dashboard", "reveal_answer", "recover",
                                 "rejoin"]))  # fmt: skip
    if name == "join":
        return name, (arg(code), arg("Bram", odd_text)), {"client": arg("fuzz")}
    if name == "submit":
        post = arg(POST_IDS[draw(st.integers(0, 1))])
        return name, (arg(code), arg(token), post, arg("public"), arg("Hoi!", odd_text)), {}
    if name in ("current_post", "participant_view", "rejoin"):
        return name, (arg(code), arg(token)), {}
    if name == "answer_feedback":
        return name, (arg(code), arg(token), arg(POST_IDS[0])), {}
    if name == "dashboard":
        return name, (arg(code), arg(pin)), {"wall_post": arg(None), "client": arg("fuzz")}
    if name == "reveal_answer":
        return name, (arg(code), arg(pin), arg(1)), {"client": arg("fuzz")}
    return name, (arg(code), arg("AAAA-BBBB-CCCC")), {"client": arg("fuzz")}


@pytest.mark.slow
@settings(
    max_examples=CASES,
    derandomize=True,
    deadline=CALL_DEADLINE,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_service_call_succeeds_or_says_why_in_dutch(
    session: tuple[WorkshopService, str, str, str], data: st.DataObject
) -> None:
    service, code, pin, token = session
    for _ in range(data.draw(st.integers(1, 4))):
        name, args, kwargs = _call(data.draw, code, pin, token)
        try:
            result = getattr(service, name)(*args, **kwargs)
        except WorkshopError as exc:
            str(exc).encode("utf-8")  # the page can show the message
            continue
        if name == "submit":  # stored as cleaned, and comes back so
            assert result.reply == plain_text(args[4])
            result.reply.encode("utf-8")  # no lone surrogate stored
        if name == "join":
            result.participant.display_name.encode("utf-8")
