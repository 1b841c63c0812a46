"""What a customer holds: their cards (one query, the `customer_loyalty_cards` view)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from gudcity.models import (
    Business,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    User,
    customer_loyalty_cards,
)
from gudcity.services.inputs import is_row_id, page_size
from gudcity.services.permissions import require_customer


@dataclass(frozen=True)
class CardView:
    card_id: int
    card_number: str
    program_id: int
    program_name: str
    program_kind: str
    points_per_scan: int
    program_active: bool
    business_id: int
    business_name: str
    balance: int
    lifetime_points: int
    # The tier's name in its program's ladder (None: the program has no tiers).
    tier: str | None
    created_at: datetime
    last_activity_at: datetime
    # The business closed the program: the card stays, to be looked at only.
    program_archived: bool = False
    # How to reach the business ("" for what its owner has not given).
    business_address: str = ""
    business_phone: str = ""
    business_hours: str = ""


def list_cards(session: Session, actor: User) -> list[CardView]:
    """Every card of the customer's active enrollments, most recently used first."""
    customer = require_customer(actor)
    view, programs = customer_loyalty_cards, LoyaltyProgram.__table__
    businesses = Business.__table__
    rows = session.execute(
        select(
            view,
            programs.c.archived_at.isnot(None).label("program_archived"),
            businesses.c.address.label("business_address"),
            businesses.c.phone.label("business_phone"),
            businesses.c.opening_hours.label("business_hours"),
        )
        .join(programs, programs.c.id == view.c.program_id)
        .join(businesses, businesses.c.id == view.c.business_id)
        .where(view.c.customer_id == customer.id)
        .order_by(view.c.last_activity_at.desc(), view.c.card_id)
    )
    fields = CardView.__dataclass_fields__
    return [CardView(**{k: v for k, v in row._mapping.items() if k in fields}) for row in rows]


def recent_activity(
    session: Session, actor: User, card_ids: list[int], *, limit: int = 5
) -> dict[int, list[PointTransaction]]:
    """The latest ledger rows of several of the customer's own cards, in one query."""
    customer = require_customer(actor)
    activity: dict[int, list[PointTransaction]] = {card_id: [] for card_id in card_ids}
    valid_ids = sorted({card_id for card_id in card_ids if is_row_id(card_id)})
    if not valid_ids:
        return activity
    # One small query per card, glued with UNION ALL: each walks its card's index
    # backwards and stops after `limit` rows, however long the card's history is.
    ledger = PointTransaction.__table__
    latest_per_card = [
        select(ledger)
        .join(LoyaltyCard, LoyaltyCard.id == ledger.c.card_id)
        .where(ledger.c.card_id == card_id, LoyaltyCard.customer_id == customer.id)
        .order_by(ledger.c.created_at.desc(), ledger.c.id.desc())
        .limit(page_size(limit))
        .subquery()
        for card_id in valid_ids
    ]
    latest = union_all(*(select(rows) for rows in latest_per_card)).subquery()
    row = aliased(PointTransaction, latest)
    newest_first = (latest.c.card_id, latest.c.created_at.desc(), latest.c.id.desc())
    for transaction in session.exec(select(row).order_by(*newest_first)):
        activity[transaction.card_id].append(transaction)
    return activity
