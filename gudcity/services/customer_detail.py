"""One customer as their business sees them: programs, balances, visits and ledger history.

Only a customer enrolled in one of the business's programs is shown, and only what
they have at this business: any other id (another business's customer, one who
never joined, no such user) is "not found", the same answer, so nothing leaks.
"""

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, bindparam, func, tuple_, union_all
from sqlmodel import Session, select

from gudcity.domain.errors import NotFoundError, ValidationError
from gudcity.domain.membership import Membership
from gudcity.i18n.catalogue import N_
from gudcity.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    CustomerInteraction,
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramEnrollment,
    ProgramKind,
    TransactionKind,
    User,
    UserRole,
    utc_now,
)
from gudcity.services.inputs import is_row_id, page_size
from gudcity.services.paging import Cursor, is_cursor
from gudcity.services.permissions import Permission, require_business_permission

# Visits are counted up to this many ("999+" beyond): a regular's count stays one quick read.
VISIT_COUNT_CAP = 1000
RECENT_VISITS = 10


@dataclass(frozen=True)
class ProgramStanding:
    """One of the business's programs, and where the customer stands in it."""

    program_id: int
    program_name: str
    program_kind: ProgramKind
    # Paused programs show their balance but take no new points.
    program_active: bool
    membership: Membership
    # Their card, once enrolled (a card kept from a program they left is not shown).
    card_id: int | None
    balance: int | None


@dataclass(frozen=True)
class Visit:
    kind: str
    created_at: datetime


@dataclass(frozen=True)
class CustomerDetail:
    customer_id: int
    name: str
    email: str
    card_number: str
    programs: list[ProgramStanding]
    # How many visits, up to VISIT_COUNT_CAP; and the latest few, newest first.
    visit_count: int
    recent_visits: list[Visit]


@dataclass(frozen=True)
class HistoryRow:
    """One ledger row of the customer's cards here."""

    transaction_id: int
    created_at: datetime
    kind: TransactionKind
    # Signed: + earned, - taken off.
    amount: int
    program_name: str
    program_kind: ProgramKind
    # Who did it: a staff member, the owner, the customer themselves; None for GudCity.
    actor_name: str | None
    by_customer: bool


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryRow]
    # Pass back as `after` for the next (older) page; None on the last page.
    next_cursor: Cursor | None


NOT_FOUND = N_("Customer not found.")


def _programs_of(session: Session, business_id: int) -> list[LoyaltyProgram]:
    """The business's programs still on its pages (not archived)."""
    statement = select(LoyaltyProgram).where(
        LoyaltyProgram.business_id == business_id, LoyaltyProgram.archived_at.is_(None)
    )
    return list(session.exec(statement.order_by(LoyaltyProgram.id)))


def _customer_here(session: Session, business_id: int, customer_id: int) -> User:
    """The customer, if enrolled in one of the business's programs; else NotFoundError."""
    if not is_row_id(customer_id):
        raise NotFoundError(NOT_FOUND)
    enrolled = (
        select(ProgramEnrollment.id)
        .join(LoyaltyProgram, LoyaltyProgram.id == ProgramEnrollment.program_id)
        .where(
            ProgramEnrollment.customer_id == customer_id,
            ProgramEnrollment.status == EnrollmentStatus.ACTIVE,
            LoyaltyProgram.business_id == business_id,
        )
        .exists()
    )
    customer = session.exec(
        select(User).where(User.id == customer_id, User.role == UserRole.CUSTOMER, enrolled)
    ).first()
    if customer is None:
        raise NotFoundError(NOT_FOUND)
    return customer


def customer_detail(
    session: Session, actor: User, business_id: int, customer_id: int
) -> CustomerDetail:
    """The customer's page: who they are, their standing in each program, their visits."""
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    customer = _customer_here(session, business_id, customer_id)
    return CustomerDetail(
        customer_id=customer.id,
        name=customer.name,
        email=customer.email,
        card_number=customer.card_number,
        programs=_standings(session, business_id, customer.id),
        visit_count=_visit_count(session, business_id, customer.id),
        recent_visits=_recent_visits(session, business_id, customer.id),
    )


def _standings(session: Session, business_id: int, customer_id: int) -> list[ProgramStanding]:
    programs = _programs_of(session, business_id)
    ids = [program.id for program in programs]
    statuses = dict(
        session.exec(
            select(ProgramEnrollment.program_id, ProgramEnrollment.status).where(
                ProgramEnrollment.customer_id == customer_id,
                ProgramEnrollment.program_id.in_(ids),
            )
        ).all()
    )
    cards = {
        card.program_id: card
        for card in session.exec(
            select(LoyaltyCard).where(
                LoyaltyCard.customer_id == customer_id, LoyaltyCard.program_id.in_(ids)
            )
        )
    }
    invited = set(
        session.exec(
            select(ApprovalRequest.program_id).where(
                ApprovalRequest.customer_id == customer_id,
                ApprovalRequest.business_id == business_id,
                ApprovalRequest.kind == ApprovalKind.ENROLLMENT,
                ApprovalRequest.status == ApprovalStatus.PENDING,
                ApprovalRequest.expires_at > utc_now(),
            )
        ).all()
    )
    return [_standing(p, statuses.get(p.id), cards.get(p.id), p.id in invited) for p in programs]


def _standing(
    program: LoyaltyProgram,
    status: EnrollmentStatus | None,
    card: LoyaltyCard | None,
    invited: bool,
) -> ProgramStanding:
    enrolled = status == EnrollmentStatus.ACTIVE and card is not None
    if enrolled:
        membership = Membership.ENROLLED
    else:
        membership = Membership.INVITED if invited else Membership.NOT_ENROLLED
    return ProgramStanding(
        program_id=program.id,
        program_name=program.name,
        program_kind=program.kind,
        program_active=program.is_active,
        membership=membership,
        card_id=card.id if enrolled else None,
        balance=card.balance if enrolled else None,
    )


def _visits_of(business_id: int, customer_id: int):
    return select(CustomerInteraction).where(
        CustomerInteraction.business_id == business_id,
        CustomerInteraction.customer_id == customer_id,
    )


def _visit_count(session: Session, business_id: int, customer_id: int) -> int:
    capped = _visits_of(business_id, customer_id).limit(VISIT_COUNT_CAP).subquery()
    return session.exec(select(func.count()).select_from(capped)).one()


def _recent_visits(session: Session, business_id: int, customer_id: int) -> list[Visit]:
    newest = _visits_of(business_id, customer_id).order_by(
        CustomerInteraction.created_at.desc(), CustomerInteraction.id.desc()
    )
    return [Visit(v.kind, v.created_at) for v in session.exec(newest.limit(RECENT_VISITS))]


def customer_history(
    session: Session,
    actor: User,
    business_id: int,
    customer_id: int,
    *,
    after: Cursor | None = None,
    limit: int = 25,
) -> HistoryPage:
    """The ledger of the customer's cards in the business's programs, newest first.

    Keyset pagination on (created_at, id): each card's part walks its index
    `ix_point_transactions_card_created_id` backwards from the cursor and stops
    after a page, so a page far down costs what the first one does.
    """
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    cards = _cards_here(session, business_id, customer_id)
    return history_page(session, cards, customer_id, after=after, limit=limit)


def history_page(
    session: Session,
    cards: dict[int, LoyaltyProgram],
    customer_id: int,
    *,
    after: Cursor | None,
    limit: int,
) -> HistoryPage:
    """A page of the ledger of `cards` (card id -> program), newest first, from `after` on.

    No permission check: the callers (the business's customer page, the customer's
    own card history) check who may read these cards.
    """
    if after is not None and not is_cursor(after):
        raise ValidationError("That page of the history does not exist: start again.")
    limit = page_size(limit)
    found = _ledger_page(session, sorted(cards), after, limit + 1)
    rows = [_history_row(row, cards[row.card_id], customer_id) for row in found[:limit]]
    more = len(found) > limit
    return HistoryPage(rows, (rows[-1].created_at, rows[-1].transaction_id) if more else None)


def _cards_here(session: Session, business_id: int, customer_id: int) -> dict:
    """card id -> program of the customer's cards here, in one query; also those of programs
    left or archived (the whole ledger here). NotFoundError unless enrolled in one of them."""
    if not is_row_id(customer_id):
        raise NotFoundError(NOT_FOUND)
    cards = session.exec(
        select(LoyaltyCard.id, LoyaltyProgram, ProgramEnrollment.status)
        .join(LoyaltyProgram, LoyaltyProgram.id == LoyaltyCard.program_id)
        .outerjoin(
            ProgramEnrollment,
            (ProgramEnrollment.customer_id == LoyaltyCard.customer_id)
            & (ProgramEnrollment.program_id == LoyaltyCard.program_id),
        )
        .where(LoyaltyCard.customer_id == customer_id, LoyaltyProgram.business_id == business_id)
    ).all()
    if not any(status == EnrollmentStatus.ACTIVE for _, _, status in cards):
        raise NotFoundError(NOT_FOUND)
    return {card_id: program for card_id, program, _ in cards}


def _ledger_page(session: Session, card_ids: list[int], after: Cursor | None, limit: int):
    """Up to `limit` ledger rows of the cards before `after`, newest first, with actor names."""
    if not card_ids:
        return []
    values = {f"card_{n}": card_id for n, card_id in enumerate(card_ids)} | {"limit": limit}
    if after is not None:
        values["after_time"], values["after_id"] = after
    return session.execute(_ledger_query(len(card_ids), after is not None), values).all()


@functools.lru_cache(maxsize=64)
def _ledger_query(cards: int, after: bool):
    """The history's statement for so many cards, built once (parameters `card_<n>`,
    `limit`, `after_time`, `after_id`): building it costs more than running it."""
    ledger = PointTransaction.__table__
    when, newest_first = ledger.c.created_at.type, (ledger.c.created_at.desc(), ledger.c.id.desc())
    limit = bindparam("limit", type_=Integer)
    per_card = []
    for n in range(cards):
        part = select(
            ledger.c.id,
            ledger.c.card_id,
            ledger.c.kind,
            ledger.c.amount,
            ledger.c.actor_id,
            ledger.c.created_at,
        ).where(ledger.c.card_id == bindparam(f"card_{n}", type_=Integer))
        if after:
            cursor = tuple_(
                bindparam("after_time", type_=when), bindparam("after_id", type_=Integer)
            )
            part = part.where(tuple_(ledger.c.created_at, ledger.c.id) < cursor)
        per_card.append(part.order_by(*newest_first).limit(limit).subquery())
    merged = union_all(*(select(part) for part in per_card)).subquery()
    # The page first, then its actors' names: 26 look-ups, whatever the users table holds.
    rows = (
        select(merged)
        .order_by(merged.c.created_at.desc(), merged.c.id.desc())
        .limit(limit)
        .subquery()
    )
    return (
        select(rows, User.name.label("actor_name"))
        .outerjoin(User, User.id == rows.c.actor_id)
        .order_by(rows.c.created_at.desc(), rows.c.id.desc())
    )


def _history_row(row, program: LoyaltyProgram, customer_id: int) -> HistoryRow:
    return HistoryRow(
        transaction_id=row.id,
        created_at=row.created_at,
        kind=TransactionKind(row.kind),
        amount=row.amount,
        program_name=program.name,
        program_kind=program.kind,
        actor_name=row.actor_name,
        by_customer=row.actor_id == customer_id,
    )
