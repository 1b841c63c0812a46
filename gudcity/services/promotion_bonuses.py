"""The promotions' earning rule, and the promotions running now on a customer's cards.

For each promotion of the card's program running at the EARN row's moment (on the
business's wall clock, `domain/promotions.is_active`), `planned_promotion_bonuses` asks
for one PROMOTION_BONUS beside the award (services/earning.py), computed from the award's
base points. Its
key is the promotion and the award's key, so an award delivered twice earns its bonus
once; a promotion limited to once per customer per day is keyed by the promotion, the
card and the local day instead, so the key itself keeps the limit.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from gudcity.domain.promotions import (
    PromotionRule,
    bonus_points,
    derived_key,
    is_active,
    local_time,
    weekdays_of,
)
from gudcity.models import (
    Business,
    LoyaltyProgram,
    Promotion,
    PromotionKind,
    TransactionKind,
    utc_now,
)
from gudcity.services.inputs import is_row_id
from gudcity.services.ledger import Bonus, CardFacts


def rule_of(promotion: Promotion) -> PromotionRule:
    return PromotionRule(
        kind=PromotionKind(promotion.kind),
        value=promotion.value,
        weekdays=weekdays_of(promotion.weekdays),
        start_minute=promotion.start_minute,
        end_minute=promotion.end_minute,
        starts_on=promotion.starts_on,
        ends_on=promotion.ends_on,
    )


def bonus_key(
    promotion_id: int, once_per_day: bool, card: CardFacts, award_key: str, moment: datetime
) -> str:
    if once_per_day:
        day = local_time(moment, card.time_zone).date()
        return f"promo:{promotion_id}:{card.card_id}:{day.isoformat()}"
    return derived_key(f"promo:{promotion_id}:", award_key)


def planned_promotion_bonuses(
    card: CardFacts, running: tuple, points: int, award_key: str, moment: datetime
) -> list[Bonus]:
    """The earning rule: a bonus for each of the program's promotions (`running`, as
    services/program_rules.py keeps them) running when the points are earned."""
    planned = []
    for kept in running:
        if not is_active(kept.rule, moment, card.time_zone):
            continue
        amount = bonus_points(kept.rule, points)
        if amount > 0:
            key = bonus_key(kept.promotion_id, kept.once_per_day, card, award_key, moment)
            planned.append(Bonus(TransactionKind.PROMOTION_BONUS, amount, key))
    return planned


@dataclass(frozen=True)
class RunningPromotion:
    """A promotion running now, as a customer's card shows it."""

    promotion_id: int
    program_id: int
    name: str
    kind: PromotionKind
    value: int
    # Local minutes since midnight at which today's run ends.
    end_minute: int
    once_per_day: bool


def running_promotions(
    session: Session, program_ids: list[int], moment: datetime | None = None
) -> dict[int, list[RunningPromotion]]:
    """The promotions running at `moment` (now) in each program, in one query.

    No actor: a program's running promotions are public like its rewards ladder.
    """
    running: dict[int, list[RunningPromotion]] = {program_id: [] for program_id in program_ids}
    valid_ids = [program_id for program_id in program_ids if is_row_id(program_id)]
    if not valid_ids:
        return running
    moment = moment or utc_now()
    statement = (
        select(Promotion, Business.time_zone)
        .join(LoyaltyProgram, LoyaltyProgram.id == Promotion.program_id)
        .join(Business, Business.id == LoyaltyProgram.business_id)
        .where(Promotion.program_id.in_(valid_ids), Promotion.archived_at.is_(None))
        .order_by(Promotion.id)
    )
    for promotion, time_zone in session.exec(statement):
        if is_active(rule_of(promotion), moment, time_zone):
            running[promotion.program_id].append(
                RunningPromotion(
                    promotion.id,
                    promotion.program_id,
                    promotion.name,
                    PromotionKind(promotion.kind),
                    promotion.value,
                    promotion.end_minute,
                    promotion.once_per_day,
                )
            )
    return running
