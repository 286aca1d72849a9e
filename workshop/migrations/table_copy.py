"""Copying a table on SQLite without losing the rows that reference it.

SQLite drops a column that a foreign key or an index uses only by copying the table: create the
new table, copy the rows, drop the old table, rename the new one (Alembic's batch mode does
this). With foreign keys on, dropping the old table first deletes its rows, and every
``ON DELETE CASCADE`` below it goes with them: copying ``workshop`` would delete every post,
participant and answer. So foreign keys must be off while a migration copies a table. That
PRAGMA takes effect only outside a transaction, so whoever runs the migration turns it off
(``workshop.migrate.downgrade``); a migration that copies a table first checks it is off.
"""

from __future__ import annotations

from alembic import op


class ForeignKeysOnError(RuntimeError):
    """A migration would copy a table on SQLite while foreign keys are on."""


def require_foreign_keys_off() -> None:
    """Stop the migration before it copies a table on SQLite with foreign keys on (PostgreSQL
    alters tables in place: nothing to check)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise ForeignKeysOnError(
            "Deze migratie kopieert een tabel en zou met foreign keys aan alle antwoorden "
            "wissen; gebruik workshop.migrate.downgrade, dat ze tijdens het kopiëren uitzet."
        )
