"""program rules stamp and earned points: a token renewed by every change to the rules an
award applies, and each card's base points earned (what lifetime tiers count)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 07:24:52.301751
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both backends (the views over loyalty_programs stay): existing
    # programs get "", which the workers read afresh until their rules first change.
    op.add_column(
        'loyalty_programs',
        sa.Column(
            'rules_stamp',
            sqlmodel.sql.sqltypes.AutoString(length=32),
            server_default='',
            nullable=False,
        ),
    )
    op.add_column(
        'loyalty_cards',
        sa.Column('earned_points', sa.Integer(), server_default='0', nullable=False),
    )
    # From the ledger: the base points of each card's EARN rows.
    op.execute(
        "UPDATE loyalty_cards SET earned_points = COALESCE((SELECT SUM(t.amount) FROM "
        "point_transactions t WHERE t.card_id = loyalty_cards.id AND t.kind = 'EARN'), 0)"
    )


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.execute('ALTER TABLE loyalty_cards DROP COLUMN earned_points')
    op.execute('ALTER TABLE loyalty_programs DROP COLUMN rules_stamp')
