"""A business's enrolled customers: one query on the `customer_business_view` view."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, tuple_
from sqlmodel import Session, select

from gudcity.models import User, customer_business_view
from gudcity.services.accounts import Permission, require_business_permission
from gudcity.services.card_numbers import normalize_card_number

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class CustomerRow:
    customer_id: int
    customer_name: str
    customer_email: str
    program_id: int
    program_name: str
    card_id: int
    card_number: str
    balance: int
    lifetime_points: int
    tier: str
    enrolled_at: datetime
    last_visit_at: datetime


@dataclass(frozen=True)
class CustomerPage:
    rows: list[CustomerRow]
    # Pass back as `after` for the next page; None on the last page.
    next_cursor: tuple[str, int] | None


def _search_filter(search: str):
    view = customer_business_view
    text = search.strip().lower()
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    digits = normalize_card_number(text)
    conditions = [
        func.lower(view.c.customer_name).like(pattern, escape="\\"),
        view.c.customer_email.like(pattern, escape="\\"),
    ]
    if digits.isdigit():
        conditions += [
            view.c.card_number.startswith(digits),
            view.c.customer_card_number.startswith(digits),
        ]
    return or_(*conditions)


def list_customers(
    session: Session,
    actor: User,
    business_id: int,
    *,
    search: str = "",
    program_id: int | None = None,
    after: tuple[str, int] | None = None,
    limit: int = 25,
) -> CustomerPage:
    """Customers of the business by name, one row per program card, a page at a time.

    Keyset pagination on (name, card id) keeps a late page as fast as the first.
    """
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    view = customer_business_view
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    statement = select(view).where(view.c.business_id == business_id)
    if program_id is not None:
        statement = statement.where(view.c.program_id == program_id)
    if search.strip():
        statement = statement.where(_search_filter(search))
    if after is not None:
        statement = statement.where(
            tuple_(view.c.customer_name, view.c.card_id) > tuple_(after[0], after[1])
        )
    statement = statement.order_by(view.c.customer_name, view.c.card_id).limit(limit + 1)
    fields = CustomerRow.__dataclass_fields__
    rows = [
        CustomerRow(**{k: v for k, v in row._mapping.items() if k in fields})
        for row in session.execute(statement)
    ]
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = (rows[-1].customer_name, rows[-1].card_id) if more else None
    return CustomerPage(rows, cursor)


def count_customers(session: Session, actor: User, business_id: int) -> int:
    """Distinct customers enrolled in any of the business's programs."""
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    view = customer_business_view
    statement = select(func.count(func.distinct(view.c.customer_id))).where(
        and_(view.c.business_id == business_id)
    )
    return session.exec(statement).one()
