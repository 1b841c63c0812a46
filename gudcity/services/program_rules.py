"""A program's earning rules as every award applies them: its tier ladder and its
promotions, read once per worker for each rules stamp.

Every change to them renews `loyalty_programs.rules_stamp` (a random token,
services/rules_stamp.py) in the change's transaction, and every award reads the stamp
with its card (ledger.card_access), so an award sees the rules as of the stamp it read,
never older ones, without reading them again while they stay the same. A stamp is
random, so two databases (a test's, a restored copy) never share one; "" (programs
from before the stamp) is never kept.
"""

import threading
from dataclasses import dataclass

from sqlmodel import Session, select

from gudcity.domain.promotions import PromotionRule
from gudcity.domain.tiers import Tier
from gudcity.models import Promotion
from gudcity.services.promotion_bonuses import rule_of
from gudcity.services.tiers import program_ladders


@dataclass(frozen=True)
class KeptPromotion:
    promotion_id: int
    rule: PromotionRule
    once_per_day: bool


@dataclass(frozen=True)
class ProgramRules:
    tiers: tuple[Tier, ...]
    promotions: tuple[KeptPromotion, ...]


_KEPT: dict[int, tuple[str, ProgramRules]] = {}
_LOCK = threading.Lock()


def program_rules(session: Session, program_id: int, stamp: str) -> ProgramRules:
    """The program's rules as of `stamp` (read with the card, in the caller's transaction)."""
    kept = _KEPT.get(program_id)
    if kept is not None and stamp and kept[0] == stamp:
        return kept[1]
    rules = _read(session, program_id)
    if stamp:
        with _LOCK:
            _KEPT[program_id] = (stamp, rules)
    return rules


def _read(session: Session, program_id: int) -> ProgramRules:
    promotions = session.exec(
        select(Promotion)
        .where(Promotion.program_id == program_id, Promotion.archived_at.is_(None))
        .order_by(Promotion.id)
    ).all()
    return ProgramRules(
        tiers=program_ladders(session, [program_id])[program_id],
        promotions=tuple(KeptPromotion(p.id, rule_of(p), p.once_per_day) for p in promotions),
    )
