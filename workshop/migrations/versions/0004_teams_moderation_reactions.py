"""Team mode, removing participants and +1 reactions on the answer wall (issue 16).

Revision ID: 0004
Revises: 0003

``workshop.team_mode`` (None, "pick" or "auto") and the table ``workshop_team`` hold a workshop's
teams; ``workshop_participant.team_id`` is a participant's team and ``removed_at`` when the
facilitator removed them; ``workshop_reaction`` is one +1 per participant and wall answer.
Workshops made before this revision have no teams, nobody in them is removed and no answer has
reactions: every existing row stays as it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workshop.migrations.table_copy import require_foreign_keys_off

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "workshop_team" not in existing:
        op.create_table(
            "workshop_team",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "workshop_id",
                sa.Integer,
                sa.ForeignKey("workshop.id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column("position", sa.Integer, nullable=False),
            sa.Column("name", sa.String(40), nullable=False),
            sa.Column("name_key", sa.String(40), nullable=False),
            sa.UniqueConstraint("workshop_id", "name_key"),
        )
    with op.batch_alter_table("workshop") as batch:
        batch.add_column(sa.Column("team_mode", sa.String(8), nullable=True))
    # Plain ADD COLUMN, never a batch copy of the table: on SQLite a batch copy drops the old
    # table, and with foreign keys on, that deletes every answer through ON DELETE CASCADE.
    if op.get_bind().dialect.name == "sqlite":  # SQLite takes the reference in ADD COLUMN only
        op.execute(
            "ALTER TABLE workshop_participant ADD COLUMN team_id INTEGER "
            "REFERENCES workshop_team (id) ON DELETE SET NULL"
        )
    else:
        op.add_column(
            "workshop_participant",
            sa.Column(
                "team_id",
                sa.Integer,
                sa.ForeignKey("workshop_team.id", ondelete="SET NULL"),
                nullable=True,
            ),
        )
    op.add_column("workshop_participant", sa.Column("removed_at", STAMP, nullable=True))
    if "workshop_reaction" not in existing:
        op.create_table(
            "workshop_reaction",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "answer_id",
                sa.Integer,
                sa.ForeignKey("workshop_answer.id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column(
                "participant_id",
                sa.Integer,
                sa.ForeignKey("workshop_participant.id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column("at", STAMP, nullable=False),
            sa.UniqueConstraint("answer_id", "participant_id"),
        )
        op.create_index("ix_workshop_reaction_answer_id", "workshop_reaction", ["answer_id"])


def downgrade() -> None:
    require_foreign_keys_off()  # the batches below copy both tables on SQLite
    op.drop_index("ix_workshop_reaction_answer_id", "workshop_reaction")
    op.drop_table("workshop_reaction")
    # SQLite drops ``team_id`` (a foreign key) only by copying the table, safe with foreign keys
    # off; PostgreSQL drops both columns in place. Dropped on SQLite too, so that upgrading
    # again can add them.
    with op.batch_alter_table("workshop_participant") as batch:
        batch.drop_column("removed_at")
        batch.drop_column("team_id")
    with op.batch_alter_table("workshop") as batch:
        batch.drop_column("team_mode")
    op.drop_table("workshop_team")
