"""The owner's activity log: who did what at the counter, newest first.

The read side of `staff_actions` (written by services/staff_log.py in each action's
own transaction). Keyset pagination on (created_at, id): the business's index
`ix_staff_actions_business_created_id`, or with a staff member chosen
`ix_staff_actions_business_actor_created_id`, is walked backwards from the cursor,
so a page deep in a million actions costs what the first one does.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from gudcity.domain.errors import ValidationError
from gudcity.models import (
    LoyaltyProgram,
    ProgramKind,
    StaffAction,
    StaffActionKind,
    StaffPermission,
    User,
)
from gudcity.services.inputs import is_row_id, page_size
from gudcity.services.paging import Cursor, is_cursor
from gudcity.services.permissions import require_business_owner


@dataclass(frozen=True)
class ActivityRow:
    action_id: int
    created_at: datetime
    kind: StaffActionKind
    actor_id: int
    actor_name: str
    # A scan that named nobody has no customer; an enrollment no amount.
    customer_id: int | None
    customer_name: str | None
    program_name: str | None
    program_kind: ProgramKind | None
    amount: int | None
    detail: str


@dataclass(frozen=True)
class ActivityPage:
    rows: list[ActivityRow]
    # Pass back as `after` for the next (older) page; None on the last page.
    next_cursor: Cursor | None


@dataclass(frozen=True)
class StaffMember:
    """Someone whose actions the log can be narrowed to: the owner, then the staff by name."""

    user_id: int
    name: str
    is_owner: bool


def staff_members(session: Session, actor: User, business_id: int) -> list[StaffMember]:
    """The activity log's "Staff member" choices."""
    business = require_business_owner(session, actor, business_id)
    owner = session.get(User, business.owner_id)
    staff = session.exec(
        select(User.id, User.name)
        .join(StaffPermission, StaffPermission.user_id == User.id)
        .where(StaffPermission.business_id == business.id)
        .order_by(User.name, User.id)
    ).all()
    return [StaffMember(owner.id, owner.name, True)] + [
        StaffMember(user_id, name, False) for user_id, name in staff
    ]


def list_activity(
    session: Session,
    actor: User,
    business_id: int,
    *,
    staff_id: int | None = None,
    day: date | None = None,
    after: Cursor | None = None,
    limit: int = 25,
) -> ActivityPage:
    """One page of the business's staff actions, newest first.

    `staff_id` keeps one member's actions (the owner's own included); `day` those of
    one day (UTC).
    """
    require_business_owner(session, actor, business_id)
    if after is not None and not is_cursor(after):
        raise ValidationError("That page of the activity log does not exist: start again.")
    if day is not None and (not isinstance(day, date) or isinstance(day, datetime)):
        raise ValidationError("Choose a day from the calendar.")
    if staff_id is not None and not is_row_id(staff_id):
        return ActivityPage([], None)  # nobody has this id, so no actions of theirs
    limit = page_size(limit)
    statement = _page_query(business_id, staff_id, day, after).limit(limit + 1)
    found = [_row(row) for row in session.execute(statement)]
    more = len(found) > limit
    rows = found[:limit]
    return ActivityPage(rows, (rows[-1].created_at, rows[-1].action_id) if more else None)


def _page_query(business_id: int, staff_id: int | None, day: date | None, after: Cursor | None):
    log = StaffAction.__table__
    actor, customer = aliased(User), aliased(User)
    statement = (
        select(
            log,
            actor.name.label("actor_name"),
            customer.name.label("customer_name"),
            LoyaltyProgram.name.label("program_name"),
            LoyaltyProgram.kind.label("program_kind"),
        )
        .join(actor, actor.id == log.c.actor_id)
        .outerjoin(customer, customer.id == log.c.customer_id)
        .outerjoin(LoyaltyProgram, LoyaltyProgram.id == log.c.program_id)
        .where(log.c.business_id == business_id)
        .order_by(log.c.created_at.desc(), log.c.id.desc())
    )
    if staff_id is not None:
        statement = statement.where(log.c.actor_id == staff_id)
    if day is not None:
        start = datetime.combine(day, time.min, UTC)
        statement = statement.where(
            log.c.created_at >= start, log.c.created_at < start + timedelta(days=1)
        )
    if after is not None:
        statement = statement.where(tuple_(log.c.created_at, log.c.id) < tuple_(*after))
    return statement


def _row(row) -> ActivityRow:
    return ActivityRow(
        action_id=row.id,
        created_at=row.created_at,
        kind=StaffActionKind(row.kind),
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        customer_id=row.customer_id,
        customer_name=row.customer_name,
        program_name=row.program_name,
        program_kind=ProgramKind(row.program_kind) if row.program_kind else None,
        amount=row.amount,
        detail=row.detail,
    )
