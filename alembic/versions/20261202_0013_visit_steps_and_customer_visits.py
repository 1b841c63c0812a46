"""visit steps and customer visits: active customers and repeat visits of a period, read fast

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 18:47:06.983909

Like 0011's tables they start empty: `python -m gudcity.cli rebuild-analytics`
fills them from visit_days.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def counter(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), server_default='0', nullable=False)


def business_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ['business_id'], ['businesses.id'], name=op.f(f'fk_{table}_business_id_businesses')
    )


def upgrade() -> None:
    op.create_table(
        'customer_visits',
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        counter('visits'),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        business_fk('customer_visits'),
        sa.ForeignKeyConstraint(
            ['customer_id'], ['users.id'], name=op.f('fk_customer_visits_customer_id_users')
        ),
        sa.PrimaryKeyConstraint('business_id', 'customer_id', name=op.f('pk_customer_visits')),
    )
    op.create_index(
        'ix_customer_visits_business_last_day', 'customer_visits', ['business_id', 'last_day']
    )
    op.create_index(
        'ix_customer_visits_business_visits', 'customer_visits', ['business_id', 'visits']
    )
    op.create_table(
        'visit_steps',
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column('end_day', sa.Date(), nullable=False),
        sa.Column('start_day', sa.Date(), nullable=False),
        counter('steps'),
        counter('strides'),
        business_fk('visit_steps'),
        sa.PrimaryKeyConstraint(
            'business_id', 'end_day', 'start_day', name=op.f('pk_visit_steps')
        ),
    )


def downgrade() -> None:
    op.drop_table('visit_steps')
    op.drop_index('ix_customer_visits_business_visits', table_name='customer_visits')
    op.drop_index('ix_customer_visits_business_last_day', table_name='customer_visits')
    op.drop_table('customer_visits')
