"""daily_stats slots: a key's counts over several rows, so concurrent awards update rows of their own

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 21:06:55.543017

The rows already there become slot 0. SQLite changes a primary key by recreating
the table (batch mode); PostgreSQL in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = ['business_id', 'program_id', 'staff_id', 'day']
COUNTS = [
    'points_issued', 'points_redeemed', 'points_refunded', 'awards', 'enrollments', 'leaves',
    'rewards_redeemed', 'rewards_delivered',
]  # fmt: skip
# Below every slot a writer uses: the downgrade's sums, before the other rows go.
SUMMED = -1


def upgrade() -> None:
    with op.batch_alter_table('daily_stats', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('slot', sa.SmallInteger(), server_default='0', nullable=False)
        )
        batch_op.drop_constraint('pk_daily_stats', type_='primary')
        batch_op.create_primary_key('pk_daily_stats', [*KEY, 'slot'])


def downgrade() -> None:
    # Each key's slots summed into one row, which the narrower key can hold.
    key, counts = ', '.join(KEY), ', '.join(COUNTS)
    sums = ', '.join(f'SUM({column})' for column in COUNTS)
    op.execute(
        f'INSERT INTO daily_stats ({key}, slot, {counts}) '
        f'SELECT {key}, {SUMMED}, {sums} FROM daily_stats GROUP BY {key}'
    )
    op.execute(f'DELETE FROM daily_stats WHERE slot <> {SUMMED}')
    with op.batch_alter_table('daily_stats', schema=None) as batch_op:
        batch_op.drop_constraint('pk_daily_stats', type_='primary')
        batch_op.drop_column('slot')
        batch_op.create_primary_key('pk_daily_stats', KEY)
