"""Alembic environment for the workshop tables: runs on the connection ``workshop.migrate``
hands over, with the workshop's own version table. No ini file, no URL here."""

from __future__ import annotations

from alembic import context

cfg = context.config
connection = cfg.attributes["connection"]
context.configure(
    connection=connection,
    version_table=cfg.attributes["version_table"],
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
