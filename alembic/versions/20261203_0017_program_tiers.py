"""program tiers: each program's own ladder (name, threshold, multiplier, benefits), its
basis and downgrade rule; a card holds a rank in its program's ladder instead of a name

Existing programs get the ladder they had (Bronze 0, Silver 500, Gold 2000 on lifetime
points, at 1x), so no card changes; new programs start without tiers.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The views as 0001 made them, with the card's tier now read from its program's ladder.
CARD_TIER = {
    "new": "c.tier_level AS tier_level,\n       t.name AS tier,",
    "old": "c.tier AS tier,",
}
TIER_JOIN = {
    "new": "LEFT JOIN program_tiers t ON t.program_id = c.program_id AND t.position = c.tier_level\n",
    "old": "",
}


def customer_business_view(version: str) -> str:
    return f"""
CREATE VIEW customer_business_view AS
SELECT p.business_id AS business_id,
       p.id AS program_id,
       p.name AS program_name,
       u.id AS customer_id,
       u.name AS customer_name,
       u.email AS customer_email,
       u.card_number AS customer_card_number,
       c.id AS card_id,
       c.card_number AS card_number,
       c.balance AS balance,
       c.lifetime_points AS lifetime_points,
       {CARD_TIER[version]}
       e.updated_at AS enrolled_at,
       c.last_activity_at AS last_visit_at
FROM program_enrollments e
JOIN loyalty_programs p ON p.id = e.program_id
JOIN users u ON u.id = e.customer_id
JOIN loyalty_cards c ON c.customer_id = e.customer_id AND c.program_id = e.program_id
{TIER_JOIN[version]}WHERE e.status = 'ACTIVE'
"""


def customer_loyalty_cards(version: str) -> str:
    return f"""
CREATE VIEW customer_loyalty_cards AS
SELECT c.id AS card_id,
       c.customer_id AS customer_id,
       c.card_number AS card_number,
       p.id AS program_id,
       p.name AS program_name,
       p.kind AS program_kind,
       p.points_per_scan AS points_per_scan,
       p.is_active AS program_active,
       b.id AS business_id,
       b.name AS business_name,
       c.balance AS balance,
       c.lifetime_points AS lifetime_points,
       {CARD_TIER[version]}
       c.created_at AS created_at,
       c.last_activity_at AS last_activity_at
FROM loyalty_cards c
JOIN program_enrollments e ON e.customer_id = c.customer_id AND e.program_id = c.program_id
JOIN loyalty_programs p ON p.id = c.program_id
JOIN businesses b ON b.id = p.business_id
{TIER_JOIN[version]}WHERE e.status = 'ACTIVE'
"""


# Today's fixed ladder, kept for the programs that exist: (position, name, threshold, old name).
LEGACY_LADDER = ((0, "Bronze", 0, "BRONZE"), (1, "Silver", 500, "SILVER"), (2, "Gold", 2000, "GOLD"))


def _drop_views() -> None:
    op.execute('DROP VIEW customer_business_view')
    op.execute('DROP VIEW customer_loyalty_cards')


def _create_views(version: str) -> None:
    op.execute(customer_business_view(version))
    op.execute(customer_loyalty_cards(version))


def upgrade() -> None:
    _drop_views()
    op.create_table('program_tiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('multiplier_percent', sa.Integer(), nullable=False),
    sa.Column('benefits', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('threshold >= 0', name=op.f('ck_program_tiers_threshold_non_negative')),
    sa.CheckConstraint('multiplier_percent >= 100 AND multiplier_percent <= 1000', name=op.f('ck_program_tiers_multiplier_bounds')),
    sa.ForeignKeyConstraint(['program_id'], ['loyalty_programs.id'], name=op.f('fk_program_tiers_program_id_loyalty_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program_tiers')),
    sa.UniqueConstraint('program_id', 'position', name=op.f('uq_program_tiers_program_id_position'))
    )
    # Plain ALTERs (SQLite 3.35+ drops a column in place): no rebuild of the tables.
    op.add_column('loyalty_programs', sa.Column('tier_basis', sa.Enum('LIFETIME', 'WINDOW', name='tierbasis', native_enum=False, length=40), server_default='LIFETIME', nullable=False))
    op.add_column('loyalty_programs', sa.Column('tier_window_days', sa.Integer(), server_default='365', nullable=False))
    op.add_column('loyalty_programs', sa.Column('tier_downgrade', sa.Enum('WINDOW', 'BALANCE', name='tierdowngrade', native_enum=False, length=40), server_default='WINDOW', nullable=False))
    op.add_column('loyalty_cards', sa.Column('tier_level', sa.Integer(), server_default='0', nullable=False))
    op.add_column('loyalty_cards', sa.Column('tier_review_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_index('ix_loyalty_cards_tier_review_at', 'loyalty_cards', ['tier_review_at'], unique=False, postgresql_where=sa.text('tier_review_at IS NOT NULL'), sqlite_where=sa.text('tier_review_at IS NOT NULL'))
    for position, name, threshold, old_name in LEGACY_LADDER:
        op.execute(
            "INSERT INTO program_tiers "
            "(program_id, position, name, threshold, multiplier_percent, benefits, created_at) "
            f"SELECT id, {position}, '{name}', {threshold}, 100, '[]', created_at "
            "FROM loyalty_programs"
        )
        op.execute(f"UPDATE loyalty_cards SET tier_level = {position} WHERE tier = '{old_name}'")
    op.execute('ALTER TABLE loyalty_cards DROP COLUMN tier')
    _create_views("new")


def downgrade() -> None:
    _drop_views()
    op.add_column('loyalty_cards', sa.Column('tier', sqlmodel.sql.sqltypes.AutoString(length=10), server_default='BRONZE', nullable=False))
    for position, _name, _threshold, old_name in LEGACY_LADDER[1:]:
        op.execute(f"UPDATE loyalty_cards SET tier = '{old_name}' WHERE tier_level >= {position}")
    op.drop_index('ix_loyalty_cards_tier_review_at', table_name='loyalty_cards')
    op.execute('ALTER TABLE loyalty_cards DROP COLUMN tier_review_at')
    op.execute('ALTER TABLE loyalty_cards DROP COLUMN tier_level')
    op.execute('ALTER TABLE loyalty_programs DROP COLUMN tier_downgrade')
    op.execute('ALTER TABLE loyalty_programs DROP COLUMN tier_window_days')
    op.execute('ALTER TABLE loyalty_programs DROP COLUMN tier_basis')
    op.drop_table('program_tiers')
    _create_views("old")
