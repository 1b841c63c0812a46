"""A business's enrolled customers: one query on the `customer_business_view` view."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, tuple_
from sqlmodel import Session, select

from gudcity.models import User, customer_business_view
from gudcity.services.accounts import Permission, require_business_permission
from gudcity.services.card_numbers import normalize_card_number
from gudcity.services.errors import ValidationError
from gudcity.services.inputs import check_text, is_row_id

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class ProgramBalance:
    program_id: int
    program_name: str
    card_id: int
    card_number: str
    balance: int
    tier: str


@dataclass(frozen=True)
class CustomerRow:
    """One enrolled customer, with their card in each of the business's programs."""

    customer_id: int
    customer_name: str
    customer_email: str
    points: int
    last_visit_at: datetime
    programs: list[ProgramBalance]


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
    """Customers of the business by name, one row per customer, a page at a time.

    `program_id` keeps the customers (and cards) of one program. Keyset pagination
    on (name, customer id) keeps a late page as fast as the first.
    """
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    check_text(search, "The search")
    if after is not None and not _is_cursor(after):
        raise ValidationError("That page of customers does not exist: start again.")
    if program_id is not None and not is_row_id(program_id):
        return CustomerPage([], None)  # no such program, so none of its customers
    view = customer_business_view
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    in_scope = [view.c.business_id == business_id]
    if program_id is not None:
        in_scope.append(view.c.program_id == program_id)
    statement = (
        select(
            view.c.customer_id,
            view.c.customer_name,
            view.c.customer_email,
            func.sum(view.c.balance).label("points"),
            func.max(view.c.last_visit_at).label("last_visit_at"),
        )
        .where(*in_scope)
        .group_by(view.c.customer_id, view.c.customer_name, view.c.customer_email)
        .order_by(view.c.customer_name, view.c.customer_id)
        .limit(limit + 1)
    )
    if search.strip():
        statement = statement.where(_search_filter(search))
    if after is not None:
        statement = statement.where(
            tuple_(view.c.customer_name, view.c.customer_id) > tuple_(after[0], after[1])
        )
    found = session.execute(statement).all()
    more = len(found) > limit
    found = found[:limit]
    cards = _cards_of(session, in_scope, [row.customer_id for row in found])
    rows = [
        CustomerRow(
            customer_id=row.customer_id,
            customer_name=row.customer_name,
            customer_email=row.customer_email,
            points=row.points,
            # Aggregates lose the column type on SQLite: read it back as a datetime.
            last_visit_at=max(card_time for card_time, _ in cards[row.customer_id]),
            programs=[card for _, card in cards[row.customer_id]],
        )
        for row in found
    ]
    cursor = (rows[-1].customer_name, rows[-1].customer_id) if more else None
    return CustomerPage(rows, cursor)


def _is_cursor(after) -> bool:
    """A `next_cursor` as this service hands it out: (a customer's name, their id)."""
    return (
        isinstance(after, tuple | list)
        and len(after) == 2
        and isinstance(after[0], str)
        and is_row_id(after[1])
    )


def _cards_of(session: Session, in_scope: list, customer_ids: list[int]) -> dict:
    """customer id -> [(last visit, ProgramBalance)], programs by name."""
    view = customer_business_view
    by_customer: dict[int, list] = {customer_id: [] for customer_id in customer_ids}
    if not customer_ids:
        return by_customer
    statement = (
        select(view)
        .where(*in_scope, view.c.customer_id.in_(customer_ids))
        .order_by(view.c.program_name, view.c.card_id)
    )
    for card in session.execute(statement):
        by_customer[card.customer_id].append(
            (
                card.last_visit_at,
                ProgramBalance(
                    program_id=card.program_id,
                    program_name=card.program_name,
                    card_id=card.card_id,
                    card_number=card.card_number,
                    balance=card.balance,
                    tier=card.tier,
                ),
            )
        )
    return by_customer


def count_customers(session: Session, actor: User, business_id: int) -> int:
    """Distinct customers enrolled in any of the business's programs."""
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    view = customer_business_view
    statement = select(func.count(func.distinct(view.c.customer_id))).where(
        and_(view.c.business_id == business_id)
    )
    return session.exec(statement).one()
