"""The presenter view's podium choice kept per workshop, not per browser session (issue 16).

Revision ID: 0005
Revises: 0004

``workshop.podium_choice`` is which podium the presenter view shows in team mode: "both"
(teams and people), "teams" or "people" (``workshop.teams.PODIUM_LABELS``). It used to live in
the facilitator's browser session, so a projector opened on another device showed both whatever
the facilitator chose. Workshops made before this revision get "both", what their presenter
view showed by default: nothing on a running projector changes with the upgrade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch copy of the table: on SQLite a batch copy drops the old
    # table, and with foreign keys on, that deletes every post and answer through ON DELETE
    # CASCADE (see 0004). The server default fills the existing rows.
    op.add_column(
        "workshop",
        sa.Column("podium_choice", sa.String(8), nullable=False, server_default="both"),
    )


def downgrade() -> None:
    # Plain DROP COLUMN for the same reason (SQLite 3.35 and later drop a column in place).
    op.execute("ALTER TABLE workshop DROP COLUMN podium_choice")
