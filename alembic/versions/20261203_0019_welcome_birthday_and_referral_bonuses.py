"""welcome, birthday and referral bonuses: their program settings, customers' birthdays,
the referrals table

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 06:30:00.000000

Every program starts offering none of them (0), every customer without a birthday.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROGRAM_SETTINGS = (
    'welcome_bonus',
    'birthday_bonus',
    'birthday_window_days',
    'referrer_bonus',
    'friend_bonus',
    'referral_limit',
)
BIRTHDAY_COLUMNS = ('birth_month', 'birth_day', 'birthday_set_at')


def upgrade() -> None:
    # Plain ALTER TABLE on both backends: a batch rebuild would break the views.
    for name in PROGRAM_SETTINGS:
        op.add_column(
            'loyalty_programs',
            sa.Column(name, sa.Integer(), server_default='0', nullable=False),
        )
    op.add_column('users', sa.Column('birth_month', sa.Integer(), nullable=True))
    op.add_column('users', sa.Column('birth_day', sa.Integer(), nullable=True))
    op.add_column('users', sa.Column('birthday_set_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_index('ix_users_birthday', 'users', ['birth_month', 'birth_day'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('referrer_card_id', sa.Integer(), nullable=False),
    sa.Column('referrer_id', sa.Integer(), nullable=False),
    sa.Column('friend_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('PENDING', 'PAID', 'REFUSED', name='referralstatus', native_enum=False, length=40), nullable=False),
    sa.Column('refused_reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('paid_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['friend_id'], ['users.id'], name=op.f('fk_referrals_friend_id_users')),
    sa.ForeignKeyConstraint(['program_id'], ['loyalty_programs.id'], name=op.f('fk_referrals_program_id_loyalty_programs')),
    sa.ForeignKeyConstraint(['referrer_card_id'], ['loyalty_cards.id'], name=op.f('fk_referrals_referrer_card_id_loyalty_cards')),
    sa.ForeignKeyConstraint(['referrer_id'], ['users.id'], name=op.f('fk_referrals_referrer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('friend_id', 'program_id', name=op.f('uq_referrals_friend_id_program_id'))
    )
    op.create_index('ix_referrals_referrer_card_status', 'referrals', ['referrer_card_id', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_referrals_referrer_card_status', table_name='referrals')
    op.drop_table('referrals')
    op.drop_index('ix_users_birthday', table_name='users')
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    for name in BIRTHDAY_COLUMNS:
        op.execute(f'ALTER TABLE users DROP COLUMN {name}')
    for name in PROGRAM_SETTINGS:
        op.execute(f'ALTER TABLE loyalty_programs DROP COLUMN {name}')
