"""promo code reward: a code grants a reward of its program (points 0) instead of a bonus

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 11:59:14.156197

A CHECK constraint changes: PostgreSQL alters the table in place; SQLite recreates it
(batch mode). No view reads promo_codes, but promo_code_uses refers to it, and SQLite
(foreign keys on, in a transaction) refuses to drop a table that rows refer to: the
uses are set aside while the table is rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BONUS = "points > 0"
BONUS_OR_REWARD = "(points > 0 AND reward_id IS NULL) OR (points = 0 AND reward_id IS NOT NULL)"


def _set_uses_aside() -> bool:
    if op.get_bind().dialect.name != "sqlite":
        return False
    op.execute("CREATE TEMP TABLE kept_promo_code_uses AS SELECT * FROM promo_code_uses")
    op.execute("DELETE FROM promo_code_uses")
    return True


def _put_uses_back() -> None:
    op.execute("INSERT INTO promo_code_uses SELECT * FROM kept_promo_code_uses")
    op.execute("DROP TABLE kept_promo_code_uses")


def upgrade() -> None:
    aside = _set_uses_aside()
    with op.batch_alter_table("promo_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reward_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_promo_codes_reward_id_rewards"), "rewards", ["reward_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("ck_promo_codes_points_positive"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_promo_codes_points_or_reward"), BONUS_OR_REWARD
        )
    if aside:
        _put_uses_back()


def downgrade() -> None:
    # The reward codes go, with their uses (their reward codes and ledger rows stay).
    op.execute(
        "DELETE FROM promo_code_uses WHERE code_id IN "
        "(SELECT id FROM promo_codes WHERE reward_id IS NOT NULL)"
    )
    op.execute("DELETE FROM promo_codes WHERE reward_id IS NOT NULL")
    aside = _set_uses_aside()
    with op.batch_alter_table("promo_codes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_promo_codes_points_or_reward"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_promo_codes_points_positive"), BONUS)
        batch_op.drop_constraint(batch_op.f("fk_promo_codes_reward_id_rewards"), type_="foreignkey")
        batch_op.drop_column("reward_id")
    if aside:
        _put_uses_back()
