"""Workshop under load: 40 people joining and submitting in the same moment lose nothing.

The service is driven from 40 threads released together by a barrier, on a SQLite file as the
app uses it, and on the suite's scratch PostgreSQL cluster (tests/pgcluster.py).
Every join must give its own participant, every answer must arrive exactly once, and a
participant whose answer is sent twice at once (double click, retry) must still have one.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest
from sqlalchemy import func, select

from trainer.storage import Database
from workshop.errors import AnswerRefusedError, NameTakenError, UnknownParticipantError
from workshop.service import WorkshopService
from workshop.tables import WorkshopAnswer, WorkshopAnswerAlert

N_THREADS = 40
POST_IDS = ["library-001", "library-002", "library-003"]
T = TypeVar("T")


def _sqlite(tmp_path: Path) -> Database:
    return Database(path=tmp_path / "crowd.sqlite")


@pytest.fixture(params=["sqlite-file", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql":  # a fresh database in the suite's scratch cluster
        database = Database(request.getfixturevalue("postgres_url"))
    else:
        database = _sqlite(tmp_path)
    yield database
    database.dispose()


@pytest.fixture(scope="module", autouse=True)
def _warm_scorer() -> None:
    # Load dictionaries once, so the threads race on storage, not on a cold start.
    WorkshopService(Database("sqlite://"), np.random.default_rng(0)).warm_up()


def all_at_once(n: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Run ``work(k)`` for k < n in n threads released together; results or errors, in order."""
    barrier = threading.Barrier(n)
    results: list[T | BaseException] = [RuntimeError("not run")] * n

    def run(k: int) -> None:
        barrier.wait()
        try:
            results[k] = work(k)
        except BaseException as exc:  # collected and checked by the test
            results[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_forty_joins_at_once_give_forty_participants(db: Database) -> None:
    service = WorkshopService(db, np.random.default_rng(1))
    code, pin = service.create_workshop("Druk", post_ids=POST_IDS)
    joined = all_at_once(N_THREADS, lambda k: service.join(code, f"Deelnemer {k}"))
    errors = [j for j in joined if isinstance(j, BaseException)]
    assert not errors
    tokens = [j.token for j in joined if not isinstance(j, BaseException)]
    assert len(set(tokens)) == N_THREADS
    names = {p.display_name for p in service.dashboard(code, pin).participants}
    assert names == {f"Deelnemer {k}" for k in range(N_THREADS)}
    for k, token in enumerate(tokens):
        assert service.rejoin(code, token).participant.display_name == f"Deelnemer {k}"


def test_forty_joins_with_one_name_give_one_participant(db: Database) -> None:
    service = WorkshopService(db, np.random.default_rng(1))
    code, pin = service.create_workshop("Druk", post_ids=POST_IDS)
    outcomes = all_at_once(N_THREADS, lambda k: service.join(code, "sanne" if k % 2 else "Sanne"))
    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"Joined": 1, "NameTakenError": N_THREADS - 1}
    assert all(isinstance(o, NameTakenError) for o in outcomes if type(o).__name__ != "Joined")
    assert len(service.dashboard(code, pin).participants) == 1


def test_forty_submits_at_once_each_arrive_exactly_once(db: Database) -> None:
    service = WorkshopService(db, np.random.default_rng(1))
    code, pin = service.create_workshop("Druk", post_ids=POST_IDS, pace="self")
    tokens = [service.join(code, f"Deelnemer {k}").token for k in range(N_THREADS)]
    decisions = ("public", "private", "none")

    for post_id in POST_IDS[:2]:

        def submit(k: int, post_id: str = post_id) -> object:
            reply = f"Hoi! Antwoord {k} op {post_id}." if k % 3 != 2 else ""
            return service.submit(code, tokens[k], post_id, decisions[k % 3], reply)

        outcomes = all_at_once(N_THREADS, submit)
        assert not [o for o in outcomes if isinstance(o, BaseException)]

    with db.session(readonly=True) as session:
        per_pair = Counter(
            session.execute(select(WorkshopAnswer.participant_id, WorkshopAnswer.post_id)).all()
        )
        alerts = session.scalar(select(func.count()).select_from(WorkshopAnswerAlert))
    assert len(per_pair) == N_THREADS * 2 and set(per_pair.values()) == {1}
    assert alerts is not None and alerts > 0  # the feedback was stored with the answers
    board = service.dashboard(code, pin)
    assert [p.answers for p in board.posts] == [N_THREADS, N_THREADS, 0]
    first = board.posts[0]
    assert (first.public, first.private, first.none) == (14, 13, 13)
    for k, token in enumerate(tokens):
        assert service.rejoin(code, token).answered == 2, f"participant {k}"


def test_forty_submits_at_once_right_after_a_restart_each_arrive_once(db: Database) -> None:
    before = WorkshopService(db, np.random.default_rng(1))
    code, _pin = before.create_workshop("Druk", post_ids=POST_IDS, pace="self")
    other, _ = before.create_workshop("Elders", post_ids=POST_IDS, pace="self")
    tokens = [before.join(code, f"Deelnemer {k}").token for k in range(N_THREADS)]
    stranger = before.join(other, "Buiten").token

    # A new service on the same database knows none of the workshops or tokens yet.
    after = WorkshopService(db, np.random.default_rng(2))
    outcomes = all_at_once(
        N_THREADS, lambda k: after.submit(code, tokens[k], POST_IDS[0], "public", f"Hoi {k}!")
    )
    assert not [o for o in outcomes if isinstance(o, BaseException)]
    with db.session(readonly=True) as session:
        per_participant = Counter(session.scalars(select(WorkshopAnswer.participant_id)))
    assert len(per_participant) == N_THREADS and set(per_participant.values()) == {1}

    # A token stays tied to its own workshop, also once the new service has seen it.
    after.current_post(other, stranger)
    with pytest.raises(UnknownParticipantError):
        after.submit(code, stranger, POST_IDS[0], "public", "Hoi!")


def test_one_answer_sent_forty_times_at_once_is_stored_once(db: Database) -> None:
    service = WorkshopService(db, np.random.default_rng(1))
    code, _pin = service.create_workshop("Druk", post_ids=POST_IDS)
    token = service.join(code, "Dubbelklikker").token
    same = all_at_once(
        N_THREADS, lambda k: service.submit(code, token, "library-001", "public", "Hoi!")
    )
    assert not [o for o in same if isinstance(o, BaseException)]
    assert len({o.id for o in same if not isinstance(o, BaseException)}) == 1

    # Forty different answers to the next post at once: one wins, the rest are refused.
    second = service.join(code, "Twijfelaar").token
    different = all_at_once(
        N_THREADS,
        lambda k: service.submit(code, second, "library-001", "public", f"versie {k}"),
    )
    won = [o for o in different if not isinstance(o, BaseException)]
    refused = [o for o in different if isinstance(o, AnswerRefusedError)]
    assert len(won) == 1 and len(refused) == N_THREADS - 1
    with db.session(readonly=True) as session:
        stored = session.scalars(
            select(WorkshopAnswer.reply).where(WorkshopAnswer.participant_id != 1)
        ).all()
    assert list(stored) == [won[0].reply]
