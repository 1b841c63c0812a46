"""A business's enrolled customers: one query on the `customer_business_view` view."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, tuple_, union
from sqlmodel import Session, select

from gudcity.domain.card_numbers import normalize_card_number
from gudcity.domain.errors import ValidationError
from gudcity.i18n.catalogue import N_
from gudcity.models import LoyaltyProgram, ProgramKind, User, customer_business_view
from gudcity.services.inputs import check_text, is_row_id, page_size
from gudcity.services.permissions import Permission, require_business_permission


@dataclass(frozen=True)
class ProgramBalance:
    program_id: int
    program_name: str
    # Points or stamps: what the balance counts (never added to another program's).
    program_kind: ProgramKind
    card_id: int
    card_number: str
    balance: int
    # The card's tier in its program's own ladder: its name (None without tiers), its rank.
    tier: str | None
    tier_level: int = 0
    # The program was archived: the points stay on the card, but it takes no more.
    program_archived: bool = False


@dataclass(frozen=True)
class CustomerRow:
    """One enrolled customer, with their card in each of the business's programs.

    No total: one program counts points and another stamps, so each balance stands alone.
    """

    customer_id: int
    customer_name: str
    customer_email: str
    last_visit_at: datetime
    programs: list[ProgramBalance]


@dataclass(frozen=True)
class CustomerPage:
    rows: list[CustomerRow]
    # Pass back as `after` for the next page; None on the last page.
    next_cursor: tuple[str, int] | None


def _enrolled_here(customer_id, in_scope: list):
    """The customer holds an active card in the business's scope."""
    view = customer_business_view
    return exists().where(view.c.customer_id == customer_id, *in_scope)


def _people(search: str, in_scope: list):
    """The users to list from (id, name, email): all of them, or those the search matches.

    A search of three characters or more finds its matches first, through the trigram
    indexes on PostgreSQL, and sorts them after: the matches of a name sit together in
    name order, so walking the name index would read every customer before the first
    "Grace" to find Grace Okafor. The OFFSET 0 keeps the planner from folding the
    matches into the outer query. A shorter search matches nearly everyone: walking
    the index and filtering is the quick way there.
    """
    people = select(User.id, User.name, User.email)
    text = search.strip().lower()
    if not text:
        return people.subquery("people")
    if len(text) < 3:
        return people.where(_matching_on_users(text)).subquery("people")
    digits = normalize_card_number(text)
    if digits.isdigit():
        # Also a card in one of the business's programs: a UNION rather than one OR,
        # so that each part can use its own index.
        view = customer_business_view
        prefix = view.c.card_number.startswith(digits)
        on_cards = select(view.c.customer_id).where(*in_scope, prefix)
        matches = people.where(
            User.id.in_(union(select(User.id).where(_matching_on_users(text)), on_cards))
        )
    else:
        matches = people.where(_matching_on_users(text))
    return matches.offset(0).subquery("people")


def _matching_on_users(text: str):
    """Name or email containing the text, or a GudCity number starting with its digits."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    conditions = [
        func.lower(User.name).like(pattern, escape="\\"),
        User.email.like(pattern, escape="\\"),
    ]
    digits = normalize_card_number(text)
    if digits.isdigit():
        conditions.append(User.card_number.startswith(digits))
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
    check_text(search, N_("The search"))
    if after is not None and not _is_cursor(after):
        raise ValidationError("That page of customers does not exist: start again.")
    if program_id is not None and not is_row_id(program_id):
        return CustomerPage([], None)  # no such program, so none of its customers
    view = customer_business_view
    limit = page_size(limit)
    in_scope = [view.c.business_id == business_id]
    if program_id is not None:
        in_scope.append(view.c.program_id == program_id)
    # Walk the customers in (name, id) order (an index) and keep those enrolled here:
    # a page costs the same at the start of 100,000 customers as deep inside them.
    people = _people(search, in_scope)
    statement = (
        select(people.c.id, people.c.name, people.c.email)
        .where(_enrolled_here(people.c.id, in_scope))
        .order_by(people.c.name, people.c.id)
        .limit(limit + 1)
    )
    if after is not None:
        statement = statement.where(tuple_(people.c.name, people.c.id) > tuple_(*after))
    found = session.execute(statement).all()
    more = len(found) > limit
    found = found[:limit]
    cards = _cards_of(session, in_scope, [row.id for row in found])
    rows = [_row(person, cards[person.id]) for person in found]
    cursor = (rows[-1].customer_name, rows[-1].customer_id) if more else None
    return CustomerPage(rows, cursor)


def _row(person, cards: list) -> CustomerRow:
    """One customer with their cards here: [(last visit, ProgramBalance)]."""
    return CustomerRow(
        customer_id=person.id,
        customer_name=person.name,
        customer_email=person.email,
        last_visit_at=max(card_time for card_time, _ in cards),
        programs=[card for _, card in cards],
    )


def _is_cursor(after) -> bool:
    """A `next_cursor` as this service hands it out: (a customer's name, their id)."""
    return (
        isinstance(after, tuple | list)
        and len(after) == 2
        and isinstance(after[0], str)
        and is_row_id(after[1])
    )


def _cards_of(session: Session, in_scope: list, customer_ids: list[int]) -> dict:
    """customer id -> [(last visit, ProgramBalance)]: running programs by name, then archived."""
    view = customer_business_view
    by_customer: dict[int, list] = {customer_id: [] for customer_id in customer_ids}
    if not customer_ids:
        return by_customer
    # The view has no kind column: the program's own row says points or stamps, and
    # whether it was archived.
    archived = LoyaltyProgram.archived_at.isnot(None).label("program_archived")
    statement = (
        select(view, LoyaltyProgram.kind, archived)
        .join(LoyaltyProgram, LoyaltyProgram.id == view.c.program_id)
        .where(*in_scope, view.c.customer_id.in_(customer_ids))
        .order_by(archived, view.c.program_name, view.c.card_id)
    )
    for card in session.execute(statement):
        by_customer[card.customer_id].append(
            (
                card.last_visit_at,
                ProgramBalance(
                    program_id=card.program_id,
                    program_name=card.program_name,
                    program_kind=card.kind,
                    card_id=card.card_id,
                    card_number=card.card_number,
                    balance=card.balance,
                    tier=card.tier,
                    tier_level=card.tier_level,
                    program_archived=card.program_archived,
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
