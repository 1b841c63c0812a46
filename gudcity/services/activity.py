"""The owner's activity log: who did what at the counter, newest first.

The read side of `staff_actions` (written by services/staff_log.py in each action's
own transaction). Keyset pagination on (created_at, id): the business's index
`ix_staff_actions_business_created_id`, or with a staff member chosen
`ix_staff_actions_business_actor_created_id`, is walked backwards from the cursor,
so a page deep in a million actions costs what the first one does.
"""

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, bindparam, tuple_
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
    values = {"business_id": business_id, "staff_id": staff_id, "limit": limit + 1}
    if day is not None:
        values["day_start"] = datetime.combine(day, time.min, UTC)
        values["day_end"] = values["day_start"] + timedelta(days=1)
    if after is not None:
        values["after_time"], values["after_id"] = after
    statement = _page_query(staff_id is not None, day is not None, after is not None)
    found = [_row(row) for row in session.execute(statement, values)]
    more = len(found) > limit
    rows = found[:limit]
    return ActivityPage(rows, (rows[-1].created_at, rows[-1].action_id) if more else None)


@functools.cache
def _page_query(by_staff: bool, on_day: bool, after: bool):
    """The page's statement for these filters, built once (bound parameters by name):
    building it costs more than PostgreSQL's work on it."""
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
        .where(log.c.business_id == bindparam("business_id"))
        .order_by(log.c.created_at.desc(), log.c.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )
    when = log.c.created_at.type
    if by_staff:
        statement = statement.where(log.c.actor_id == bindparam("staff_id"))
    if on_day:
        statement = statement.where(
            log.c.created_at >= bindparam("day_start", type_=when),
            log.c.created_at < bindparam("day_end", type_=when),
        )
    if after:
        cursor = tuple_(bindparam("after_time", type_=when), bindparam("after_id", type_=Integer))
        statement = statement.where(tuple_(log.c.created_at, log.c.id) < cursor)
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
