"""expiry sweep without locks: counts of each card's balance moves (all of them, and those
that can change which points are due), which the sweep checks instead of locking the
card while it reads the ledger; and when it must next read each card

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 11:43:20.499679
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both backends (the views over loyalty_cards stay). Only
    # changes of them count, so every existing card starts at 0.
    for name in ('ledger_version', 'spend_version'):
        op.add_column(
            'loyalty_cards', sa.Column(name, sa.Integer(), server_default='0', nullable=False)
        )
    # Empty: the first sweep reads every card, as before.
    op.create_table(
        'expiry_checks',
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('look_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('ledger_version', sa.Integer(), nullable=False),
        sa.Column('warning_days', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['card_id'], ['loyalty_cards.id'],
            name=op.f('fk_expiry_checks_card_id_loyalty_cards'),
        ),
        sa.PrimaryKeyConstraint('card_id', name=op.f('pk_expiry_checks')),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table('expiry_checks')
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.execute('ALTER TABLE loyalty_cards DROP COLUMN spend_version')
    op.execute('ALTER TABLE loyalty_cards DROP COLUMN ledger_version')
