"""A bonus: points a program's rule grants (a tier's multiplier, a promotion, a welcome,
a birthday, a referral, a promo code), each its own ledger row beside what caused it.

Every rule of the growth engine grants through `grant_bonus`: one ledger row with an
idempotency key the rule derives from what caused it (the award's key and the rule's id,
the customer and the year), so a rule that runs twice grants once and balance = ledger
still holds. The caller checks its actor (or is a worker) and commits.
"""

from sqlmodel import Session

from gudcity.domain.labels import amount_message
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import BONUS_KINDS, NotificationType, PointTransaction, TransactionKind
from gudcity.services.ledger import CardFacts, publish_card_change, write_ledger_row
from gudcity.services.notify import notify_customer


def grant_bonus(
    session: Session,
    card: CardFacts,
    kind: TransactionKind,
    amount: int,
    *,
    idempotency_key: str,
    reason: Message,
    actor_id: int | None = None,
) -> tuple[PointTransaction | None, bool]:
    """Write the bonus row, tell the customer why, and publish; (row, whether it is new).

    `reason` is what the customer's notification says ("Gold members earn 1.5x"); the
    history names the row by its kind. An amount of 0 or less grants nothing and returns
    `(None, False)`.
    """
    if kind not in BONUS_KINDS:
        raise ValueError(f"{kind} is no bonus")
    if amount <= 0:
        return None, False
    transaction, created = write_ledger_row(
        session,
        card,
        kind,
        amount,
        actor_id=actor_id,
        idempotency_key=idempotency_key,
    )
    if created:
        notify_customer(
            session,
            card.customer_id,
            NotificationType.BONUS_GRANTED,
            Message(N_("Bonus: {amount}"), {"amount": amount_message(card.program_kind, amount)}),
            Message(
                N_("{reason} at {business}."),
                {"reason": reason, "business": card.business_name},
            ),
            business_id=card.business_id,
            data={"card_id": card.card_id, "program_id": card.program_id, "points": amount},
        )
        publish_card_change(session, card, "points.bonus")
    return transaction, created
