"""A customer spends points on a reward and gets the code to show at the counter."""

from sqlmodel import Session

from gudcity.domain.errors import InsufficientPointsError, NotFoundError
from gudcity.domain.labels import amount_label
from gudcity.models import NotificationType, PointTransaction, Reward, TransactionKind, User
from gudcity.services.atomic import atomic
from gudcity.services.inputs import check_key, get_row
from gudcity.services.ledger import (
    CardFacts,
    card_access,
    publish_card_change,
    require_active,
    same_operation,
    write_ledger_row,
)
from gudcity.services.lookups import find_transaction
from gudcity.services.notify import notify_business, notify_customer
from gudcity.services.permissions import require_customer


@atomic
def redeem_reward(
    session: Session, actor: User, card_id: int, reward_id: int, idempotency_key: str
) -> PointTransaction:
    """Spend points on a reward; the transaction carries the code to show at the counter."""
    customer = require_customer(actor)
    check_key(idempotency_key)
    access = card_access(session, card_id, customer)
    card = access.card
    if card.customer_id != customer.id:
        raise NotFoundError("Card not found.")
    reward = get_row(session, Reward, reward_id)
    if reward is None or reward.program_id != card.program_id or not reward.is_active:
        raise NotFoundError("This reward is not available on this card.")
    existing = find_transaction(session, idempotency_key)
    if existing is not None:
        return same_operation(existing, card.card_id, TransactionKind.REDEEM)
    require_active(access)
    if card.balance < reward.cost:
        raise InsufficientPointsError(
            f"{reward.name} costs {amount_label(card.program_kind, reward.cost)}; "
            f"you have {amount_label(card.program_kind, card.balance)}."
        )
    transaction, created = write_ledger_row(
        session,
        card.card_id,
        TransactionKind.REDEEM,
        -reward.cost,
        actor_id=customer.id,
        idempotency_key=idempotency_key,
        reward_id=reward.id,
        note=reward.name,
    )
    if created:
        _announce(session, customer, card, reward, transaction.redemption_code)
    session.commit()
    return transaction


def _announce(session: Session, customer: User, card: CardFacts, reward: Reward, code: str) -> None:
    """The customer gets the code to show; the business hears what is coming."""
    notify_customer(
        session,
        customer.id,
        NotificationType.REWARD_REDEEMED,
        "Reward redeemed",
        f"You redeemed {reward.name} at {card.business_name}. Show code {code} at the counter.",
        business_id=card.business_id,
        data={"card_id": card.card_id, "reward_id": reward.id, "code": code},
    )
    notify_business(
        session,
        card.business_id,
        NotificationType.REWARD_REDEEMED,
        f"{customer.name} redeemed {reward.name} (code {code}).",
        customer_id=customer.id,
    )
    publish_card_change(session, card, "reward.redeemed")
