"""staff_permissions can_view_reports: the "Reports" permission (dashboard and exports)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 18:45:00.000000

Existing staff start without it: only owners read the dashboard until they grant it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'staff_permissions',
        sa.Column('can_view_reports', sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.execute('ALTER TABLE staff_permissions DROP COLUMN can_view_reports')
