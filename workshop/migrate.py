"""The workshop schema over time: Alembic migrations, run when the service starts.

A knowledge circle's database lives on from one version of the app to the next, with answers in
it that must not be lost. ``Database.create_schema`` creates missing tables but never changes an
existing one, so every change to the workshop tables is a migration in
``workshop/migrations/versions`` and ``upgrade`` brings any database to the newest revision:

- A new database: the tables as they are now (``create_schema``), recorded as the newest revision.
- A database from before migrations existed: its workshop tables are the baseline revision
  (``0001``), recorded as such and then upgraded in place.
- A database with a recorded revision: upgraded from there.

The revision is kept in a table of the workshop's own (``VERSION_TABLE``), so the trainer's tables
may get migrations of their own later. On PostgreSQL an advisory lock makes two app processes
starting at once migrate one after the other.

``downgrade`` takes a database back to an older revision (an older app version) keeping every
answer: on SQLite with foreign keys off while tables are copied (``migrations/table_copy.py``).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from trainer.storage import Database

VERSION_TABLE = "workshop_alembic_version"
BASELINE = "0001"  # the schema as it was before migrations (created by create_schema)
SCRIPTS = Path(__file__).with_name("migrations")
PG_LOCK_KEY = 0x57_4B_53_48  # "WKSH": one advisory lock for workshop migrations


def config(conn: Connection | None = None) -> Config:
    """Alembic's configuration for the workshop migrations, on ``conn`` if given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = conn
    cfg.attributes["version_table"] = VERSION_TABLE
    return cfg


def head() -> str:
    """The newest revision."""
    found = ScriptDirectory.from_config(config()).get_current_head()
    if found is None:
        raise RuntimeError("workshop/migrations has no revisions")
    return found


def current(db: Database) -> str | None:
    """The revision a database is at (None when none is recorded)."""
    with db.engine.connect() as conn:
        if VERSION_TABLE not in inspect(conn).get_table_names():
            return None
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _at_head_already(conn: Connection) -> bool:
    """Whether the workshop tables (made by ``create_schema`` just now) have every column the
    models have: then the database is new and already at the newest revision."""
    from trainer.storage import Base

    found = inspect(conn)
    names = set(found.get_table_names())
    for table in Base.metadata.sorted_tables:
        if not table.name.startswith("workshop"):
            continue
        if table.name not in names:
            return False
        columns = {c["name"] for c in found.get_columns(table.name)}
        if not {c.name for c in table.columns} <= columns:
            return False
    return True


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database's workshop tables to ``revision`` (see the module docstring)."""
    import workshop.tables  # noqa: F401  (the models, so create_schema knows them)

    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        names = set(inspect(conn).get_table_names())
        cfg = config(conn)
        if VERSION_TABLE not in names:
            if "workshop" not in names:  # a new database: the tables as they are now
                from trainer.storage import Base

                Base.metadata.create_all(conn)
                command.stamp(cfg, "head")
                return
            command.stamp(cfg, "head" if _at_head_already(conn) else BASELINE)
        command.upgrade(cfg, revision)
    if revision == "head":
        db.create_schema()  # tables that are new and need no data moved (none today)


def downgrade(db: Database, revision: str) -> None:
    """Take the database's workshop tables back to ``revision``, keeping every row the older
    schema has room for. On SQLite foreign keys are off meanwhile (the PRAGMA works only
    outside a transaction, so it is set before the migration's transaction begins), and the
    transaction commits only when ``PRAGMA foreign_key_check`` finds no broken reference."""
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.driver_connection  # no transaction begun yet
        assert raw is not None  # a live connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                if not sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
                command.downgrade(config(conn), revision)
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(
                        f"Terugzetten naar revisie {revision} zou verwijzingen breken "
                        f"(tabel, rij, doeltabel): {[tuple(row)[:3] for row in broken]}."
                    )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")
