"""Recovery codes and per-client limits on join and recovery attempts (issue 18).

Revision ID: 0002
Revises: 0001

Workshops created before this revision have no recovery code (the columns stay empty); their
answers, participants and PIN are untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workshop.migrations.table_copy import require_foreign_keys_off

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshop") as batch:
        batch.add_column(sa.Column("recovery_salt", sa.LargeBinary(16), nullable=True))
        batch.add_column(sa.Column("recovery_hash", sa.LargeBinary(32), nullable=True))
    if "workshop_attempt" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_schema when this version of the app opened the database
    op.create_table(
        "workshop_attempt",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column(
            "workshop_id",
            sa.Integer,
            sa.ForeignKey("workshop.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workshop_attempt_client", "workshop_attempt", ["kind", "client", "at"])


def downgrade() -> None:
    require_foreign_keys_off()  # the batch below copies ``workshop`` on SQLite
    op.drop_index("ix_workshop_attempt_client", "workshop_attempt")
    op.drop_table("workshop_attempt")
    with op.batch_alter_table("workshop") as batch:
        batch.drop_column("recovery_hash")
        batch.drop_column("recovery_salt")
