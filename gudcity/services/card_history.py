"""One card as its holder sees it: the whole ledger, a page at a time, and its reward codes.

Only the card's holder reads it: any other id (someone else's card, no such card,
a crafted value) is "not found", the same answer, so nothing leaks.
"""

from dataclasses import dataclass

from sqlmodel import Session

from gudcity.domain.errors import NotFoundError
from gudcity.i18n.catalogue import N_
from gudcity.models import (
    Business,
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    ProgramKind,
    RewardCode,
    User,
)
from gudcity.services import reward_codes
from gudcity.services.customer_detail import HistoryPage, history_page
from gudcity.services.inputs import get_row
from gudcity.services.lookups import enrollment_of
from gudcity.services.paging import Cursor
from gudcity.services.permissions import require_customer

NOT_FOUND = N_("Card not found.")
# A card's codes, past and present, newest first: years of weekly coffees fit.
CODES_SHOWN = 200
_CODES = RewardCode.__table__


@dataclass(frozen=True)
class CardSummary:
    card_id: int
    card_number: str
    program_name: str
    program_kind: ProgramKind
    business_name: str
    balance: int
    # False once the customer left the program (the card is kept, hidden from /cards).
    enrolled: bool


def _own_card(session: Session, actor: User, card_id: int) -> tuple[LoyaltyCard, LoyaltyProgram]:
    customer = require_customer(actor)
    card = get_row(session, LoyaltyCard, card_id)
    if card is None or card.customer_id != customer.id:
        raise NotFoundError(NOT_FOUND)
    return card, session.get(LoyaltyProgram, card.program_id)


def card_summary(session: Session, actor: User, card_id: int) -> CardSummary:
    """The card's heading: program, business, balance, and whether still enrolled."""
    card, program = _own_card(session, actor, card_id)
    enrollment = enrollment_of(session, card.customer_id, program.id)
    return CardSummary(
        card_id=card.id,
        card_number=card.card_number,
        program_name=program.name,
        program_kind=program.kind,
        business_name=session.get(Business, program.business_id).name,
        balance=card.balance,
        enrolled=enrollment is not None and enrollment.status == EnrollmentStatus.ACTIVE,
    )


def card_history(
    session: Session,
    actor: User,
    card_id: int,
    *,
    after: Cursor | None = None,
    limit: int = 25,
) -> HistoryPage:
    """The card's ledger, newest first, keyset-paged on (created_at, id) like the
    business's customer history (the same query, on this one card's index)."""
    card, program = _own_card(session, actor, card_id)
    return history_page(session, {card.id: program}, card.customer_id, after=after, limit=limit)


def card_reward_codes(session: Session, actor: User, card_id: int) -> list[reward_codes.CodeView]:
    """The card's reward codes, past and present, newest first (up to CODES_SHOWN).

    As on /cards, codes whose time is up are expired (and refunded) first.
    """
    card, _ = _own_card(session, actor, card_id)
    if reward_codes.expire_overdue(session, _CODES.c.card_id == card.id):
        session.commit()
    return reward_codes.code_views(
        session, _CODES.c.card_id == card.id, order_by=(_CODES.c.id.desc(),), limit=CODES_SHOWN
    )
