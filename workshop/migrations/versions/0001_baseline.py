"""Baseline: the workshop tables as the app created them before migrations existed.

Revision ID: 0001
Revises: (none)

A database from before migrations already has these tables (``workshop.migrate`` records it at
this revision without running this); running it creates them, which is how the tests make a
database of the previous schema to upgrade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workshop",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("join_code", sa.String(6), nullable=False, unique=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("pace", sa.String(12), nullable=False),
        sa.Column("feedback", sa.String(12), nullable=False),
        sa.Column("leaderboard", sa.Boolean, nullable=False),
        sa.Column("org_type", sa.String(20)),
        sa.Column("pin_salt", sa.LargeBinary(16), nullable=False),
        sa.Column("pin_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("current_index", sa.Integer, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("closed_at", STAMP),
    )
    op.create_table(
        "workshop_post",
        sa.Column(
            "workshop_id",
            sa.Integer,
            sa.ForeignKey("workshop.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.String(120), nullable=False),
        sa.Column("post_json", sa.Text, nullable=False),
        sa.Column("feedback_revealed", sa.Boolean, nullable=False),
        sa.UniqueConstraint("workshop_id", "post_id"),
    )
    op.create_table(
        "workshop_participant",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "workshop_id",
            sa.Integer,
            sa.ForeignKey("workshop.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("display_name", sa.String(40), nullable=False),
        sa.Column("name_key", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("joined_at", STAMP, nullable=False),
        sa.UniqueConstraint("workshop_id", "name_key"),
    )
    op.create_table(
        "workshop_answer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "workshop_id",
            sa.Integer,
            sa.ForeignKey("workshop.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "participant_id",
            sa.Integer,
            sa.ForeignKey("workshop_participant.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("post_id", sa.String(120), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("decision_expected", sa.String(10), nullable=False),
        sa.Column("decision_correct", sa.Boolean, nullable=False),
        sa.Column("reply", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("result_json", sa.JSON, nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
        sa.Column("submitted_at", STAMP, nullable=False),
        sa.UniqueConstraint("participant_id", "position"),
    )
    op.create_index("ix_workshop_answer_post", "workshop_answer", ["workshop_id", "position"])
    op.create_table(
        "workshop_answer_alert",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "answer_id",
            sa.Integer,
            sa.ForeignKey("workshop_answer.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("rule", sa.String(60), nullable=False, index=True),
        sa.Column("level", sa.String(20), nullable=False),
    )
    op.create_table(
        "workshop_pin_check",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "workshop_id",
            sa.Integer,
            sa.ForeignKey("workshop.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", STAMP, nullable=False),
    )
    op.create_index("ix_workshop_pin_check", "workshop_pin_check", ["workshop_id", "at"])
    op.create_index(
        "ix_workshop_pin_check_client", "workshop_pin_check", ["workshop_id", "client", "at"]
    )


def downgrade() -> None:
    for table in (
        "workshop_pin_check",
        "workshop_answer_alert",
        "workshop_answer",
        "workshop_participant",
        "workshop_post",
        "workshop",
    ):
        op.drop_table(table)
