"""The promotions' earning rule, and the promotions running now on a customer's cards.

For each promotion of the card's program running at the EARN row's moment (on the
business's wall clock, `domain/promotions.is_active`), `grant_promotion_bonuses` grants
one PROMOTION_BONUS through `grant_bonus`, computed from the award's base points. Its
key is the promotion and the award's key, so an award delivered twice earns its bonus
once; a promotion limited to once per customer per day is keyed by the promotion, the
card and the local day instead, so the key itself keeps the limit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_
from sqlmodel import Session, select

from gudcity.domain.promotions import (
    PromotionRule,
    bonus_points,
    derived_key,
    is_active,
    local_time,
    weekdays_of,
)
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    Business,
    LoyaltyProgram,
    PointTransaction,
    Promotion,
    PromotionKind,
    TransactionKind,
    utc_now,
)
from gudcity.services.bonuses import grant_bonus
from gudcity.services.inputs import is_row_id
from gudcity.services.ledger import CardFacts

PROMOTION_REASON = N_("The promotion {promotion}")


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


_PROMOTIONS = Promotion.__table__
# Built once (see ledger._card_access_query): every award runs it.
_PROGRAM_PROMOTIONS = select(_PROMOTIONS).where(
    _PROMOTIONS.c.program_id == bindparam("program_id"),
    _PROMOTIONS.c.archived_at.is_(None),
    _PROMOTIONS.c.starts_on <= bindparam("latest_day"),
    or_(_PROMOTIONS.c.ends_on.is_(None), _PROMOTIONS.c.ends_on >= bindparam("earliest_day")),
)


def _candidates(session: Session, program_id: int, moment: datetime) -> list[Promotion]:
    """The program's promotions that may run on the UTC day of `moment` (a day either side
    for the time zones), as rows; `is_active` decides."""
    day = local_time(moment, "UTC").date()
    params = {
        "program_id": program_id,
        "latest_day": day + timedelta(days=1),
        "earliest_day": day - timedelta(days=1),
    }
    return [Promotion(**row._mapping) for row in session.execute(_PROGRAM_PROMOTIONS, params)]


def bonus_key(promotion: Promotion, card: CardFacts, earn_row: PointTransaction) -> str:
    if promotion.once_per_day:
        day = local_time(earn_row.created_at, card.time_zone).date()
        return f"promo:{promotion.id}:{card.card_id}:{day.isoformat()}"
    return derived_key(f"promo:{promotion.id}:", earn_row.idempotency_key)


def grant_promotion_bonuses(
    session: Session, card: CardFacts, earn_row: PointTransaction, actor_id: int
) -> None:
    """The earning rule: a bonus for each promotion running when the points were earned.

    The bonus names no staff member (`actor_id` is not passed on): the promotion gave it.
    """
    moment = earn_row.created_at
    for promotion in _candidates(session, card.program_id, moment):
        rule = rule_of(promotion)
        if not is_active(rule, moment, card.time_zone):
            continue
        grant_bonus(
            session,
            card,
            TransactionKind.PROMOTION_BONUS,
            bonus_points(rule, earn_row.amount),
            idempotency_key=bonus_key(promotion, card, earn_row),
            reason=Message(PROMOTION_REASON, {"promotion": promotion.name}),
        )


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
