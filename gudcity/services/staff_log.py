"""The activity log's writer: every action at the counter names who did it.

A leaf helper: it adds one `staff_actions` row in the caller's transaction, which
commits it with the action itself, so the log can never disagree with what happened.
"""

from sqlalchemy import insert
from sqlmodel import Session

from gudcity.models import StaffAction, StaffActionKind, utc_now

# A single Core INSERT: awards write one each, and the ORM's unit of work costs more.
_INSERT = insert(StaffAction.__table__)


def record_staff_action(
    session: Session,
    *,
    business_id: int,
    actor_id: int,
    kind: StaffActionKind,
    customer_id: int | None = None,
    program_id: int | None = None,
    amount: int | None = None,
    transaction_id: int | None = None,
    reward_code_id: int | None = None,
    detail: str = "",
) -> None:
    session.execute(
        _INSERT.values(
            business_id=business_id,
            actor_id=actor_id,
            kind=kind,
            customer_id=customer_id,
            program_id=program_id,
            amount=amount,
            transaction_id=transaction_id,
            reward_code_id=reward_code_id,
            detail=detail[:255],
            created_at=utc_now(),
        )
    )
