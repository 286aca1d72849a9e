"""Storage: where the data lives, and that it survives restarts and many writers at once.

A trainee's history and a workshop's answers must never get lost: not when the app restarts,
not when 20 people submit in the same second, and not because a name was typed in another case.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select, text

from trainer.posts import Author, Brand, Post
from trainer.practice import PracticeInputError, PracticeService
from trainer.progress import attempts_over_time, per_rule_stats
from trainer.storage import (
    DEFAULT_DB_PATH,
    Attempt,
    AttemptAlert,
    Database,
    SkillCard,
    StorageConfigError,
    Trainee,
    resolve_database_url,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[1]


def make_post(post_id: str = "library-001", **changes: object) -> Post:
    fields: dict[str, object] = {
        "id": post_id,
        "org": "library",
        "brand": Brand(name="Bieb Utrecht", handles=["@bieb_utrecht"]),
        "channel": "x",
        "platform": "consumer",
        "kind": "question",
        "author": Author(name="Sanne de Vries", handle="@sannedv"),
        "text": "@bieb_utrecht hoe lang mag ik een boek lenen?",
        "wants_solution": True,
        "expected_decision": "public",
        "tags": ["vraag"],
    }
    fields.update(changes)
    return Post.model_validate(fields)


def make_result(
    correct: bool = True, score: float = 80, rules: tuple[str, ...] = ()
) -> dict[str, object]:
    return {
        "id": "r",
        "decision": {"expected": "public", "given": "public", "correct": correct, "reason": "…"},
        "alerts": [
            {"rule": r, "level": "error", "message": "…", "source": "…", "start": 0, "end": 4}
            for r in rules
        ],
        "score": score,
    }


class Clock:
    """A clock the test moves by hand; thread-safe enough for reading."""

    def __init__(self, start: datetime = T0) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def test_url_resolution_order() -> None:
    env = {"DATABASE_URL": "sqlite:////tmp/from-env.sqlite", "WEBCARE_DB_PATH": "/tmp/p.sqlite"}
    assert resolve_database_url("sqlite:////tmp/arg.sqlite", environ=env) == (
        "sqlite:////tmp/arg.sqlite"
    )
    assert resolve_database_url(path="/tmp/x.sqlite", environ=env) == "sqlite:////tmp/x.sqlite"
    assert resolve_database_url(environ=env) == "sqlite:////tmp/from-env.sqlite"
    assert resolve_database_url(environ={"WEBCARE_DB_PATH": "/tmp/p.sqlite"}) == (
        "sqlite:////tmp/p.sqlite"
    )
    assert resolve_database_url(environ={}) == f"sqlite:///{DEFAULT_DB_PATH}"
    from_platform = resolve_database_url(environ={"DATABASE_URL": "postgres://u:pw@db/webcare"})
    assert from_platform.startswith("postgresql") and from_platform.endswith("://u:pw@db/webcare")


def test_bad_url_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(StorageConfigError, match="DATABASE_URL") as info:
        resolve_database_url(environ={"DATABASE_URL": "not a url:secret@host"})
    assert "secret" not in str(info.value)


def test_database_url_from_the_environment_is_respected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default_file = tmp_path / "default.sqlite"
    shared_file = tmp_path / "shared.sqlite"
    monkeypatch.setenv("WEBCARE_DB_PATH", str(default_file))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{shared_file}")
    db = Database()
    service = PracticeService(db, [make_post()], np.random.default_rng(0))
    service.get_or_create_trainee("Sanne", "library")
    db.dispose()
    assert shared_file.exists()
    assert not default_file.exists()
    with Database(path=shared_file) as reopened, reopened.session() as session:
        assert session.scalar(select(Trainee.name)) == "Sanne"


def test_sqlite_file_runs_in_wal_mode_and_schema_creation_is_repeatable(tmp_path: Path) -> None:
    db = Database(path=tmp_path / "sub" / "dir" / "w.sqlite")  # creates the folders too
    db.create_schema()
    db.create_schema()
    with db.session(readonly=True) as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA busy_timeout")).scalar_one() >= 1000
    db.dispose()


def test_a_restart_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "webcare.sqlite"
    clock = Clock()
    generated = make_post("gen-library-7", text="@bieb_utrecht waar is mijn pas? (variant)")
    db = Database(path=path)
    service = PracticeService(db, [make_post()], np.random.default_rng(1), now=clock)
    trainee = service.get_or_create_trainee("Sanne", "library")
    first = service.record_attempt(
        trainee, make_post(), "public", "Hoi Sanne, drie weken! ^MK", make_result(rules=("jargon",))
    )
    clock.advance(minutes=5)
    second = service.record_attempt(trainee, generated, "private", "", make_result(False, 20))
    db.dispose()

    reopened = Database(path=path)
    again = PracticeService(reopened, [make_post()], np.random.default_rng(1), now=clock)
    assert again.get_or_create_trainee("sanne", "library") == trainee
    points = attempts_over_time(reopened, trainee)
    assert [(p.attempt_id, p.post_id, p.score, p.decision_correct) for p in points] == [
        (first, "library-001", 80, True),
        (second, "gen-library-7", 20, False),
    ]
    assert [p.time for p in points] == [T0, T0 + timedelta(minutes=5)]
    assert [p.is_generated for p in points] == [False, True]
    assert again.attempt_post(second) == generated  # a generated variant can be shown again
    with reopened.session(readonly=True) as session:
        row = session.get(Attempt, first)
        assert row is not None
        assert row.reply == "Hoi Sanne, drie weken! ^MK"
        assert row.result_json["alerts"][0]["rule"] == "jargon"
        assert row.created_at.tzinfo is not None
        assert (session.scalar(select(func.count()).select_from(SkillCard)) or 0) > 0
    assert [s.rule for s in per_rule_stats(reopened, trainee)] == ["jargon"]
    reopened.dispose()


def test_trainee_names_are_unique_regardless_of_case(tmp_path: Path) -> None:
    db = Database(path=tmp_path / "t.sqlite")
    service = PracticeService(db, [make_post()], np.random.default_rng(0))
    first = service.get_or_create_trainee("Sanne de Vries", "library")
    same = service.get_or_create_trainee("  SANNE   de vries ", "bank")
    assert same.id == first.id
    assert same.name == "Sanne de Vries"  # the name as first typed is kept
    assert same.org_type == "bank"  # the organisation type last chosen is remembered
    other = service.get_or_create_trainee("Sanne de Vries-Bakker", "library")
    assert other.id != first.id
    with db.session(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(Trainee)) == 2
    with pytest.raises(PracticeInputError, match="naam"):
        service.get_or_create_trainee("   ", "library")
    with pytest.raises(PracticeInputError, match="organisatietype"):
        service.get_or_create_trainee("Piet", "zoo")
    db.dispose()


def test_naive_timestamps_are_refused(tmp_path: Path) -> None:
    db = Database(path=tmp_path / "t.sqlite")
    with pytest.raises(Exception, match="time zone"), db.session() as session:
        session.add(
            Trainee(name="X", name_key="x", org_type="bank", created_at=datetime(2025, 1, 1))
        )
    db.dispose()


def test_twenty_threads_recording_at_once_store_every_attempt_exactly_once(
    tmp_path: Path,
) -> None:
    db = Database(path=tmp_path / "busy.sqlite")
    record_from_many_threads(db)
    db.dispose()


def test_twenty_threads_recording_at_once_on_postgresql(postgres_url: str) -> None:
    db = Database(postgres_url)
    record_from_many_threads(db)
    db.dispose()


def record_from_many_threads(db: Database) -> None:
    posts = [make_post(f"library-{i:03d}") for i in range(4)]
    service = PracticeService(db, posts, np.random.default_rng(3))
    shared = service.get_or_create_trainee("Gedeeld", "library")
    n_threads, per_thread = 20, 5
    barrier = threading.Barrier(n_threads)
    ids: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def participant(i: int) -> None:
        try:
            barrier.wait()
            assert service.get_or_create_trainee("GEDEELD", "library").id == shared.id
            own = service.get_or_create_trainee(f"Deelnemer {i}", "library")
            for j in range(per_thread):
                # Half the writes go to one trainee, so their skill cards are contended too.
                who = shared if j % 2 else own
                reply = f"antwoord {i}-{j}"
                new_id = service.record_attempt(
                    who, posts[j % 4], "public", reply, make_result(rules=("jargon",))
                )
                with lock:
                    ids.append(new_id)
        except BaseException as exc:  # pragma: no cover - reported below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=participant, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(ids)) == n_threads * per_thread
    with db.session(readonly=True) as session:
        replies = list(session.scalars(select(Attempt.reply)))
        assert sorted(replies) == sorted(
            f"antwoord {i}-{j}" for i in range(n_threads) for j in range(per_thread)
        )
        assert session.scalar(select(func.count()).select_from(AttemptAlert)) == len(replies)
        # Every attempt of the shared trainee reviewed their jargon card: no lost update.
        reviews = session.scalar(
            select(SkillCard.reviews).where(
                SkillCard.trainee_id == shared.id, SkillCard.skill == "rule:jargon"
            )
        )
    shared_attempts = n_threads * (per_thread // 2)
    assert reviews == shared_attempts


# Runs in a separate interpreter, like a second app server on the same machine.
WRITER_SCRIPT = """
import json, sys
import numpy as np
from trainer.posts import Post
from trainer.practice import PracticeService
from trainer.storage import Database

path, worker, n, post_json, result_json = sys.argv[1:]
post = Post.model_validate_json(post_json)
db = Database(path=path)
service = PracticeService(db, [post], np.random.default_rng(int(worker)))
trainee = service.get_or_create_trainee("Gedeeld", "library")
result = json.loads(result_json)
ids = [
    service.record_attempt(trainee, post, "public", f"p{worker}-{j}", result)
    for j in range(int(n))
]
db.dispose()
print(json.dumps(ids))
"""


@pytest.mark.slow
def test_several_processes_write_to_one_sqlite_file(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    workers, per_worker = 4, 15
    payload = (make_post().model_dump_json(), json.dumps(make_result()))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER_SCRIPT, path, str(w), str(per_worker), *payload],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    ids: list[int] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        ids += json.loads(out)
    assert len(set(ids)) == workers * per_worker
    with Database(path=path) as db, db.session(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(Trainee)) == 1
        replies = sorted(session.scalars(select(Attempt.reply)))
        assert replies == sorted(f"p{w}-{j}" for w in range(workers) for j in range(per_worker))
        reviews = session.scalar(select(SkillCard.reviews).where(SkillCard.skill == "tag:vraag"))
    assert reviews == workers * per_worker
