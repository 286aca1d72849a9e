"""A lobby before the first post and a countdown per post kept by the server (issue 16).

Revision ID: 0003
Revises: 0002

``workshop.started_at`` is when the facilitator started the workshop (None: still in the lobby),
``workshop.countdown_s`` the optional seconds per post, ``workshop_post.deadline`` when answering
to that post closes. Workshops made before this revision had no lobby: they count as started when
they were created, so nobody in a running workshop is sent back to a lobby by the upgrade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workshop.migrations.table_copy import require_foreign_keys_off

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("workshop") as batch:
        batch.add_column(sa.Column("started_at", STAMP, nullable=True))
        batch.add_column(sa.Column("countdown_s", sa.Integer, nullable=True))
    with op.batch_alter_table("workshop_post") as batch:
        batch.add_column(sa.Column("deadline", STAMP, nullable=True))
    op.execute("UPDATE workshop SET started_at = created_at WHERE started_at IS NULL")


def downgrade() -> None:
    require_foreign_keys_off()  # the batches below copy both tables on SQLite
    with op.batch_alter_table("workshop_post") as batch:
        batch.drop_column("deadline")
    with op.batch_alter_table("workshop") as batch:
        batch.drop_column("countdown_s")
        batch.drop_column("started_at")
