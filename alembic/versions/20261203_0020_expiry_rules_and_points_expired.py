"""expiry: each program's expiry rule versions, the warnings sent, points expired per day

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 06:30:06.881134

The expired points themselves are EXPIRE rows of the ledger: no balance column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'expiry_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column(
            'mode',
            sa.Enum(
                'NONE', 'AFTER_EARNED', 'AFTER_INACTIVITY',
                name='expirymode', native_enum=False, length=40,
            ),
            nullable=False,
        ),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('set_by', sa.Integer(), nullable=True),
        sa.CheckConstraint(
            'days >= 0 AND days <= 3650', name=op.f('ck_expiry_rules_days_in_range')
        ),
        sa.ForeignKeyConstraint(
            ['program_id'], ['loyalty_programs.id'],
            name=op.f('fk_expiry_rules_program_id_loyalty_programs'),
        ),
        sa.ForeignKeyConstraint(
            ['set_by'], ['users.id'], name=op.f('fk_expiry_rules_set_by_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_expiry_rules')),
    )  # fmt: skip
    op.create_index(
        'ix_expiry_rules_program_starts', 'expiry_rules', ['program_id', 'starts_at', 'id']
    )
    op.create_table(
        'expiry_notices',
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('covered_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['card_id'], ['loyalty_cards.id'],
            name=op.f('fk_expiry_notices_card_id_loyalty_cards'),
        ),
        sa.PrimaryKeyConstraint('card_id', 'covered_until', name=op.f('pk_expiry_notices')),
    )  # fmt: skip
    # Plain ALTER TABLE on both backends: a NOT NULL column with a default needs no rebuild.
    op.add_column(
        'daily_stats',
        sa.Column('points_expired', sa.Integer(), server_default='0', nullable=False),
    )


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.execute('ALTER TABLE daily_stats DROP COLUMN points_expired')
    op.drop_table('expiry_notices')
    op.drop_index('ix_expiry_rules_program_starts', table_name='expiry_rules')
    op.drop_table('expiry_rules')
