"""business address, phone and opening hours

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:04:38.047061
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (('address', 200), ('phone', 30), ('opening_hours', 400))


def upgrade() -> None:
    # Plain ALTERs: SQLite's batch mode would rebuild the table the views read.
    for name, length in COLUMNS:
        op.add_column(
            'businesses',
            sa.Column(
                name,
                sqlmodel.sql.sqltypes.AutoString(length=length),
                server_default='',
                nullable=False,
            ),
        )


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.drop_column('businesses', name)
