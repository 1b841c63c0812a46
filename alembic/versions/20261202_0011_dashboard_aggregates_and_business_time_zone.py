"""dashboard aggregates, the enrollment log, business time zone

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 18:33:48.906889

The tables start empty: `python -m gudcity.cli rebuild-analytics` fills them from
the ledger, the visits and the reward codes of a database with history.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
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
        'daily_stats',
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        *(
            counter(name)
            for name in (
                'points_issued', 'points_redeemed', 'points_refunded', 'awards',
                'enrollments', 'leaves', 'rewards_redeemed', 'rewards_delivered',
            )
        ),
        business_fk('daily_stats'),
        sa.ForeignKeyConstraint(
            ['program_id'], ['loyalty_programs.id'],
            name=op.f('fk_daily_stats_program_id_loyalty_programs'),
        ),
        sa.PrimaryKeyConstraint(
            'business_id', 'program_id', 'staff_id', 'day', name=op.f('pk_daily_stats')
        ),
    )
    op.create_index('ix_daily_stats_business_day', 'daily_stats', ['business_id', 'day'])
    op.create_table(
        'daily_visits',
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        *(counter(name) for name in ('visits', 'new_customers', 'customers_joined', 'customers_left')),
        business_fk('daily_visits'),
        sa.PrimaryKeyConstraint('business_id', 'day', name=op.f('pk_daily_visits')),
    )
    op.create_table(
        'daily_rewards',
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column('reward_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        counter('redeemed'),
        counter('delivered'),
        business_fk('daily_rewards'),
        sa.ForeignKeyConstraint(
            ['reward_id'], ['rewards.id'], name=op.f('fk_daily_rewards_reward_id_rewards')
        ),
        sa.PrimaryKeyConstraint('business_id', 'reward_id', 'day', name=op.f('pk_daily_rewards')),
    )
    op.create_index('ix_daily_rewards_business_day', 'daily_rewards', ['business_id', 'day'])
    op.create_table(
        'visit_days',
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        business_fk('visit_days'),
        sa.ForeignKeyConstraint(
            ['customer_id'], ['users.id'], name=op.f('fk_visit_days_customer_id_users')
        ),
        sa.PrimaryKeyConstraint('business_id', 'day', 'customer_id', name=op.f('pk_visit_days')),
    )
    op.create_index(
        'ix_visit_days_business_customer_day', 'visit_days', ['business_id', 'customer_id', 'day']
    )
    op.create_table(
        'enrollment_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        business_fk('enrollment_changes'),
        sa.ForeignKeyConstraint(
            ['program_id'], ['loyalty_programs.id'],
            name=op.f('fk_enrollment_changes_program_id_loyalty_programs'),
        ),
        sa.ForeignKeyConstraint(
            ['customer_id'], ['users.id'], name=op.f('fk_enrollment_changes_customer_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_changes')),
    )
    op.create_index(
        'ix_enrollment_changes_business_customer_id',
        'enrollment_changes',
        ['business_id', 'customer_id', 'id'],
    )
    _backfill_enrollment_changes()
    # A plain ALTER: SQLite's batch mode would rebuild the table the views read.
    op.add_column(
        'businesses',
        sa.Column(
            'time_zone',
            sqlmodel.sql.sqltypes.AutoString(length=64),
            server_default='UTC',
            nullable=False,
        ),
    )


def _backfill_enrollment_changes() -> None:
    """The history the enrollments still tell: a card means the customer once joined
    (when it was made); a LEFT enrollment with a card ended when it was last changed."""
    op.execute(
        """
        INSERT INTO enrollment_changes (business_id, program_id, customer_id, active, created_at)
        SELECT p.business_id, e.program_id, e.customer_id, change.active,
               CASE WHEN change.active THEN c.created_at ELSE e.updated_at END
        FROM program_enrollments e
        JOIN loyalty_programs p ON p.id = e.program_id
        JOIN loyalty_cards c ON c.customer_id = e.customer_id AND c.program_id = e.program_id
        JOIN (SELECT TRUE AS active UNION ALL SELECT FALSE) change
          ON change.active OR e.status = 'LEFT'
        WHERE e.status IN ('ACTIVE', 'LEFT')
        ORDER BY CASE WHEN change.active THEN c.created_at ELSE e.updated_at END, e.id
        """
    )


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.execute('ALTER TABLE businesses DROP COLUMN time_zone')
    for table in ('enrollment_changes', 'visit_days', 'daily_rewards', 'daily_visits', 'daily_stats'):
        op.drop_table(table)
