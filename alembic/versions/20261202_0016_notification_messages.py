"""notification messages: each title and message also as a message id and its arguments

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 21:55:59.081424
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both backends: nothing to rebuild for a nullable column.
    op.add_column('business_notifications', sa.Column('message_i18n', sa.JSON(), nullable=True))
    op.add_column('customer_notifications', sa.Column('title_i18n', sa.JSON(), nullable=True))
    op.add_column('customer_notifications', sa.Column('message_i18n', sa.JSON(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.execute('ALTER TABLE customer_notifications DROP COLUMN message_i18n')
    op.execute('ALTER TABLE customer_notifications DROP COLUMN title_i18n')
    op.execute('ALTER TABLE business_notifications DROP COLUMN message_i18n')
