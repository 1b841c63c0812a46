"""A customer spends points on a reward and gets the code to show at the counter;
their codes, and cancelling one that still waits (services/counter.py delivers it)."""

from sqlmodel import Session

from gudcity.domain.errors import InsufficientPointsError, NotFoundError
from gudcity.domain.labels import amount_message
from gudcity.domain.mentions import CUSTOMER
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    NotificationType,
    PointTransaction,
    Reward,
    RewardCode,
    RewardCodeStatus,
    TransactionKind,
    User,
)
from gudcity.services import reward_codes
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
from gudcity.services.tier_levels import settle_after_spend


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
            "{reward} costs {cost}; you have {balance}.",
            reward=reward.name,
            cost=amount_message(card.program_kind, reward.cost),
            balance=amount_message(card.program_kind, card.balance),
        )
    transaction, created = write_ledger_row(
        session,
        card,
        TransactionKind.REDEEM,
        -reward.cost,
        actor_id=customer.id,
        idempotency_key=idempotency_key,
        reward_id=reward.id,
        note=reward.name,
    )
    if created:
        code = reward_codes.open_reward_code(session, card, reward.id, transaction)
        _announce(session, customer, card, reward, code)
        settle_after_spend(session, card)
    session.commit()
    return transaction


def _announce(session: Session, customer: User, card: CardFacts, reward: Reward, code: str) -> None:
    """The customer gets the code to show; the business hears what is coming."""
    notify_customer(
        session,
        customer.id,
        NotificationType.REWARD_REDEEMED,
        Message(N_("Reward redeemed")),
        Message(
            N_("You redeemed {reward} at {business}. Show code {code} at the counter."),
            {"reward": reward.name, "business": card.business_name, "code": code},
        ),
        business_id=card.business_id,
        data={"card_id": card.card_id, "reward_id": reward.id, "code": code},
    )
    notify_business(
        session,
        card.business_id,
        NotificationType.REWARD_REDEEMED,
        Message(
            N_("{customer} redeemed {reward} (code {code})."),
            {CUSTOMER: customer.name, "reward": reward.name, "code": code},
        ),
        customer_id=customer.id,
    )
    publish_card_change(session, card, "reward.redeemed")


_CODES = RewardCode.__table__
# The customer's list: codes still waiting first, then the newest.
_WAITING_FIRST = ((_CODES.c.status != RewardCodeStatus.WAITING), _CODES.c.id.desc())


def list_reward_codes(
    session: Session, actor: User, *, limit: int = 20
) -> list[reward_codes.CodeView]:
    """The customer's reward codes, waiting ones first, then newest first.

    Codes whose time is up are expired (and refunded) first, so none shows as
    waiting past its time; that write commits on its own.
    """
    customer = require_customer(actor)
    if reward_codes.expire_overdue(session, _CODES.c.customer_id == customer.id):
        session.commit()
    return reward_codes.code_views(
        session, _CODES.c.customer_id == customer.id, order_by=_WAITING_FIRST, limit=limit
    )


@atomic
def cancel_reward_code(session: Session, actor: User, code_id: int) -> reward_codes.CodeView:
    """The customer changes their mind: the code is void and its points go back.

    Cancelling a cancelled code changes nothing; one already delivered or expired
    cannot be cancelled (of a cancel and a delivery racing, one wins).
    """
    customer = require_customer(actor)
    code = get_row(session, RewardCode, code_id)
    if code is None or code.customer_id != customer.id:
        raise NotFoundError("Reward code not found.")
    if reward_codes.expire_overdue(session, _CODES.c.id == code.id):
        session.commit()
    elif reward_codes.cancel_waiting(session, code.id):
        session.commit()
        return reward_codes.code_view(session, code.id)
    view = reward_codes.code_view(session, code.id)
    if view.status != RewardCodeStatus.CANCELLED:
        raise reward_codes.refusal(view)
    return view
