"""Set-up shared by the workshop tests: a settable clock, a database on SQLite and PostgreSQL,
and the two workshop pages as AppTests.

The service tests run every case on SQLite and on the suite's scratch PostgreSQL cluster, with
a clock the test moves by hand. A module that needs only the database writes a two-line fixture::

    @pytest.fixture(params=DATABASES)
    def db(request, tmp_path):
        yield from workshop_database(request, tmp_path)

one that drives a whole service takes the shared ``db``, ``clock`` and ``service`` fixtures by
naming them at module level (``db = workshop_helpers.db``; a plain import would shadow them in
the tests' arguments) and sets ``SERVICE_SEED`` where it wants other draws.

The page tests open the facilitator's dashboard with the PIN (``open_board``) or join as a
participant (``join``) on the app's database file (the ``db_path`` fixture of ``conftest``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from trainer.scenarios import posts_by_org
from trainer.storage import Database
from workshop.service import WorkshopService

REPO = Path(__file__).resolve().parents[1]
FACILITATOR = str(REPO / "webcare_app/pages/workshop_facilitator.py")
PARTICIPANT = str(REPO / "webcare_app/pages/workshop_participant.py")
PAGE_TIMEOUT_S = 90  # the first run of a page loads the scorer's dictionaries
T0 = datetime(2026, 12, 3, 19, 30, tzinfo=UTC)  # an evening knowledge circle, Dutch winter


class Clock:
    """The services' clock: stands still until the test moves it."""

    def __init__(self, start: datetime = T0) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def wait(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


DATABASES = ["sqlite", "postgresql"]  # the params of a module's ``db`` fixture


def workshop_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The body of a ``db`` fixture with ``params=DATABASES``: an empty workshop database on
    SQLite or on the suite's scratch PostgreSQL cluster, disposed of afterwards."""
    if request.param == "postgresql":
        database = Database(request.getfixturevalue("postgres_url"))
    else:
        database = Database(path=tmp_path / "workshop.sqlite")
    yield database
    database.dispose()


@pytest.fixture(params=DATABASES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty workshop database, once on SQLite and once on PostgreSQL."""
    yield from workshop_database(request, tmp_path)


@pytest.fixture
def clock() -> Clock:
    """The services' clock, standing at ``T0``."""
    return Clock()


SERVICE_SEED = 5  # the service's generator, unless the module sets its own ``SERVICE_SEED``


@pytest.fixture
def service(request: pytest.FixtureRequest, db: Database, clock: Clock) -> WorkshopService:
    """A workshop service on ``db`` with the test's ``clock``."""
    seed = getattr(request.module, "SERVICE_SEED", SERVICE_SEED)
    return WorkshopService(db, np.random.default_rng(seed), now=clock)


def library_ids(n: int) -> list[str]:
    """The first ``n`` library posts' ids (a workshop's posts)."""
    return [p.id for p in posts_by_org("library")[:n]]


def html(at: AppTest) -> str:
    """Every ``st.html`` block on the page, joined."""
    return "\n".join(str(el.proto.body) for el in at.get("html"))


def open_board(code: str, pin: str) -> AppTest:
    """The facilitator's dashboard, opened as after a reload: the code from the URL, the PIN
    typed."""
    board = AppTest.from_file(FACILITATOR, default_timeout=PAGE_TIMEOUT_S)
    board.query_params["code"] = code
    board.run()
    board.text_input(key="wf_open_pin").input(pin)
    board.button(key="wf_open").click().run()
    assert not board.exception
    return board


def join(code: str, name: str, team: str | None = None) -> AppTest:
    """A participant's page after joining through the join link (``?code=``)."""
    me = AppTest.from_file(PARTICIPANT, default_timeout=PAGE_TIMEOUT_S)
    me.query_params["code"] = code
    me.run()
    assert not me.exception
    assert me.text_input(key="wp_join_code").value == code
    me.text_input(key="wp_name").input(name)
    if team is not None:
        me.selectbox(key="wp_team").set_value(team)
    me.button(key="wp_join").click().run()
    assert not me.exception
    return me
