"""An earn and the bonuses the program's rules add to it: the path of every award.

A manual award, a scan's award and the points of an accepted invitation all earn
through `earn`: the EARN row (`ledger.credit_points`), then each earning rule in turn
(a tier's multiplier, an active promotion...), each granting its own bonus row through
`bonuses.grant_bonus` with a key derived from the EARN row's. An award delivered again
(its key used before) runs no rule: its bonuses are those of its first delivery, even
if the card has reached a tier since. Every rule is computed from the base points, never from
another rule's bonus: two rules add up, they do not compound. The caller commits.
"""

from collections.abc import Callable

from sqlmodel import Session

from gudcity.models import PointTransaction
from gudcity.services.ledger import CardFacts, credit_points
from gudcity.services.promotion_bonuses import grant_promotion_bonuses
from gudcity.services.referral_payment import pay_referral
from gudcity.services.tier_levels import apply_tier

# An earning rule: (session, card, the EARN row, actor id) -> None; it grants its bonus.
EarningRule = Callable[[Session, CardFacts, PointTransaction, int], None]
# The tier first: it reads the card's balance as the EARN row left it.
EARNING_RULES: tuple[EarningRule, ...] = (apply_tier, grant_promotion_bonuses, pay_referral)


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
    """Credit `points` and apply every earning rule to them; the EARN row."""
    transaction, created = credit_points(
        session,
        card,
        points,
        actor_id=actor_id,
        idempotency_key=idempotency_key,
        note=note,
        scan_note=scan_note,
    )
    if created:
        for rule in EARNING_RULES:
            rule(session, card, transaction, actor_id)
    return transaction
