"""An earn and the bonuses the program's rules add to it: the path of every award.

A manual award, a scan's award and the points of an accepted invitation all earn
through `earn`. The program's rules (its tier ladder and promotions, kept per worker
by services/program_rules.py) say which bonuses the award brings: the multiplier of
the tier the card holds, each promotion running now. Every bonus is computed from the
base points, never from another's: two rules add up, they do not compound. The EARN
row and its bonus rows are written together with one balance move, one notification
and one change event (ledger.write_earn_rows), each row keyed from the award's key,
so an award delivered twice grants its bonuses once. Then the tier the points reach,
and a friend's first visit pays their referral. The caller commits.
"""

from sqlmodel import Session

from gudcity.domain.labels import added_message, amount_message
from gudcity.domain.notification_groups import SCAN_LINK
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import NotificationType, PointTransaction, StaffActionKind, utc_now
from gudcity.services.ledger import Bonus, CardFacts, publish_card_change, write_earn_rows
from gudcity.services.notify import notify_customer
from gudcity.services.program_rules import program_rules
from gudcity.services.promotion_bonuses import planned_promotion_bonuses
from gudcity.services.referral_payment import pay_referral
from gudcity.services.staff_log import record_staff_action
from gudcity.services.tier_levels import planned_tier_bonus, settle_after_earn, standing_for_earn
from gudcity.services.visits import record_visit


def earn(
    session: Session,
    card: CardFacts,
    points: int,
    *,
    actor_id: int,
    idempotency_key: str,
    note: str = "",
    scan_note: int | None = None,
) -> PointTransaction:
    """Credit `points` and the bonuses they bring, tell the customer, publish; the EARN row.

    Permission checks belong to the callers. A scan's award names the scan's
    notification (`scan_note`): the list shows the two as one entry.
    """
    now = utc_now()
    rules = program_rules(session, card.program_id, card.rules_stamp)
    standing = standing_for_earn(session, card, rules.tiers, points, now)
    bonuses = [
        *planned_tier_bonus(standing, points, idempotency_key),
        *planned_promotion_bonuses(card, rules.promotions, points, idempotency_key, now),
    ]
    transaction, created, granted = write_earn_rows(
        session,
        card,
        points,
        bonuses,
        actor_id=actor_id,
        idempotency_key=idempotency_key,
        note=note,
        now=now,
    )
    if not created:
        return transaction
    _tell_earned(session, card, points, granted, scan_note)
    _record_award(session, card, transaction, actor_id)
    if standing is not None:
        credited = points + sum(b.amount for b in granted)
        settle_after_earn(session, card, standing, points, credited, now)
    if card.offers_referrals:
        pay_referral(session, card)
    return transaction


def _record_award(
    session: Session, card: CardFacts, transaction: PointTransaction, actor_id: int
) -> None:
    """The visit, the staff member's action, and the change event."""
    record_visit(session, card.business_id, card.customer_id, "award", card.time_zone)
    record_staff_action(
        session,
        business_id=card.business_id,
        actor_id=actor_id,
        kind=StaffActionKind.AWARD,
        customer_id=card.customer_id,
        program_id=card.program_id,
        amount=transaction.amount,
        transaction_id=transaction.id,
        detail=transaction.note,
    )
    publish_card_change(session, card, "points.awarded")


def _tell_earned(
    session: Session, card: CardFacts, points: int, granted: list[Bonus], scan_note: int | None
) -> None:
    """One notification for the award and its bonuses (their rows name each in the
    history): "You earned 30 points from Bean There, with a bonus of 20 points!"."""
    bonus = sum(b.amount for b in granted)
    total = points + bonus
    args = {"amount": amount_message(card.program_kind, total), "business": card.business_name}
    if bonus:
        args["bonus"] = amount_message(card.program_kind, bonus)
        message = Message(N_("You earned {amount} from {business}, with a bonus of {bonus}!"), args)
    else:
        message = Message(N_("You earned {amount} from {business}!"), args)
    data = {"card_id": card.card_id, "program_id": card.program_id, "points": total}
    if bonus:
        data["bonus"] = bonus
    if scan_note is not None:
        data[SCAN_LINK] = scan_note
    notify_customer(
        session,
        card.customer_id,
        NotificationType.POINTS_ADDED,
        added_message(card.program_kind, total),
        message,
        business_id=card.business_id,
        data=data,
    )
