"""users deleted_at: an account deleted by its owner keeps its row, anonymised

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 14:23:39.969440
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both backends: a batch rebuild of users would break the views.
    op.add_column('users', sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.execute('ALTER TABLE users DROP COLUMN deleted_at')
