"""A promo code's reward: what a reward code (services/promo_codes.py) grants instead of a
bonus.

The customer gets the reward as if redeemed: a WAITING reward code the counter checks
and delivers (services/reward_codes.py, services/counter.py), backed by a REDEEM ledger
row of 0. Nothing comes off the card, so balance = ledger holds, and the dashboard
counts a reward redeemed for 0 points. The row's key is the bonus's would be,
`code:<code id>:<customer id>`. Cancelled or expired, the reward code gives nothing
back: it cost no points (`CodeView.refunds`).
"""

from sqlmodel import Session

from gudcity.domain.errors import ExpiredError, ValidationError
from gudcity.domain.mentions import CUSTOMER
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    LoyaltyProgram,
    NotificationType,
    PointTransaction,
    PromoCode,
    Reward,
    TransactionKind,
    User,
)
from gudcity.services import reward_codes
from gudcity.services.inputs import get_row
from gudcity.services.ledger import CardFacts, publish_card_change, write_ledger_row
from gudcity.services.notify import notify_business, notify_customer

REWARD_GONE = N_("This promo code's reward is no longer offered.")


def check_code_reward(session: Session, program: LoyaltyProgram, reward_id: int) -> int:
    """The reward a new code of `program` is to grant: one of its rewards still offered."""
    reward = get_row(session, Reward, reward_id)
    if reward is None or reward.program_id != program.id or not reward.is_active:
        raise ValidationError(
            "Choose a reward of {program} that is still offered.", program=program.name
        )
    return reward.id


def code_reward(session: Session, code: PromoCode) -> Reward:
    """The code's reward, if still offered (checked before the code's use is taken)."""
    reward = session.get(Reward, code.reward_id)
    if not reward.is_active:
        raise ExpiredError(REWARD_GONE)
    return reward


def grant_code_reward(
    session: Session,
    card: CardFacts,
    reward: Reward,
    code: PromoCode,
    *,
    actor_id: int,
    idempotency_key: str,
) -> tuple[PointTransaction, str]:
    """The 0 REDEEM row and its WAITING reward code; both sides told. (row, reward code)"""
    transaction, _ = write_ledger_row(
        session,
        card,
        TransactionKind.REDEEM,
        0,
        actor_id=actor_id,
        idempotency_key=idempotency_key,
        reward_id=reward.id,
        note=reward.name,
    )
    reward_code = reward_codes.open_reward_code(session, card, reward.id, transaction)
    _announce(session, card, reward, code.code, reward_code)
    publish_card_change(session, card, "reward.redeemed")
    return transaction, reward_code


def _announce(
    session: Session, card: CardFacts, reward: Reward, promo: str, reward_code: str
) -> None:
    """The customer gets the code to show; the business hears what is coming."""
    args = {"reward": reward.name, "promo": promo, "code": reward_code}
    notify_customer(
        session,
        card.customer_id,
        NotificationType.REWARD_REDEEMED,
        Message(N_("Reward from a promo code")),
        Message(
            N_(
                "Promo code {promo} gave you {reward} at {business}. "
                "Show code {code} at the counter."
            ),
            {**args, "business": card.business_name},
        ),
        business_id=card.business_id,
        data={"card_id": card.card_id, "reward_id": reward.id, "code": reward_code},
    )
    notify_business(
        session,
        card.business_id,
        NotificationType.REWARD_REDEEMED,
        Message(
            N_("{customer} got {reward} with promo code {promo} (code {code})."),
            {**args, CUSTOMER: session.get(User, card.customer_id).name},
        ),
        customer_id=card.customer_id,
    )
