"""The welcome bonus: what a program grants a customer whose card it just issued.

Its key names the program and the customer, not the card or the enrollment, so
leaving and joining again (the card is kept) never grants it twice. The caller,
services/enrollment.py, checks its actor and commits.
"""

from sqlmodel import Session

from gudcity.i18n.catalogue import N_, Message
from gudcity.models import Business, LoyaltyCard, LoyaltyProgram, TransactionKind
from gudcity.services.bonuses import grant_bonus
from gudcity.services.ledger import CardFacts

WELCOME_REASON = Message(N_("Welcome bonus"))


def welcome_key(program_id: int, customer_id: int) -> str:
    return f"welcome:{program_id}:{customer_id}"


def grant_welcome_bonus(
    session: Session, card: LoyaltyCard, program: LoyaltyProgram, business: Business
) -> None:
    """The program's welcome bonus on a new card (nothing when it offers none)."""
    grant_bonus(
        session,
        CardFacts.of(card, program, business),
        TransactionKind.WELCOME_BONUS,
        program.welcome_bonus,
        idempotency_key=welcome_key(program.id, card.customer_id),
        reason=WELCOME_REASON,
    )
