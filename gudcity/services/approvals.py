"""Approval requests: what a business asks and a customer answers, decided once."""

from datetime import timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from gudcity.domain.errors import ConflictError, ExpiredError, NotFoundError
from gudcity.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    CustomerNotification,
    User,
    utc_now,
)
from gudcity.services.inputs import get_row
from gudcity.services.outbox import answer_topic, publish


def open_request(
    session: Session,
    *,
    kind: ApprovalKind,
    customer_id: int,
    business_id: int,
    program_id: int,
    requested_by: int,
    points: int,
    idempotency_key: str,
    ttl: timedelta,
) -> ApprovalRequest:
    request = ApprovalRequest(
        kind=kind,
        customer_id=customer_id,
        business_id=business_id,
        program_id=program_id,
        requested_by=requested_by,
        points=points,
        idempotency_key=idempotency_key,
        expires_at=utc_now() + ttl,
    )
    session.add(request)
    session.flush()
    return request


def find_by_key(session: Session, idempotency_key: str) -> ApprovalRequest | None:
    return session.exec(
        select(ApprovalRequest).where(ApprovalRequest.idempotency_key == idempotency_key)
    ).first()


def customers_request(
    session: Session, customer: User, request_id: int, kind: ApprovalKind
) -> ApprovalRequest:
    """The customer's own request of that kind, or NotFoundError for anyone else's."""
    request = get_row(session, ApprovalRequest, request_id)
    if request is None or request.customer_id != customer.id or request.kind != kind:
        raise NotFoundError("Request not found.")
    return request


def pending_requests(
    session: Session, customer_id: int, program_id: int, kind: ApprovalKind
) -> list[ApprovalRequest]:
    """The customer's requests of that kind in the program still waiting for an answer."""
    return list(
        session.exec(
            select(ApprovalRequest)
            .where(
                ApprovalRequest.customer_id == customer_id,
                ApprovalRequest.program_id == program_id,
                ApprovalRequest.kind == kind,
                ApprovalRequest.status == ApprovalStatus.PENDING,
            )
            .order_by(ApprovalRequest.id)
        )
    )


def is_expired(request: ApprovalRequest) -> bool:
    return request.status == ApprovalStatus.PENDING and request.expires_at <= utc_now()


def decide(session: Session, request: ApprovalRequest, status: ApprovalStatus) -> None:
    """Move a PENDING request to `status`, exactly once even under a race.

    The conditional UPDATE is the lock: of two answers sent at the same moment,
    only one finds the row still PENDING; the other gets ConflictError.
    """
    result = session.exec(
        update(ApprovalRequest)
        .where(ApprovalRequest.id == request.id, ApprovalRequest.status == ApprovalStatus.PENDING)
        .values(status=status, decided_at=utc_now())
    )
    if result.rowcount != 1:
        session.rollback()
        raise ConflictError("This request has already been answered.")
    session.refresh(request)
    _record_answer_on_notifications(session, request.id, status)
    # The counter that asked is waiting for this (services/request_answers.py).
    publish(session, [answer_topic(request.business_id)], "request.answered", {"id": request.id})


def expire(session: Session, request: ApprovalRequest) -> ExpiredError:
    """Record that the request timed out; return the error to raise after commit."""
    decide(session, request, ApprovalStatus.EXPIRED)
    return ExpiredError("This request has expired.")


def _record_answer_on_notifications(
    session: Session, request_id: int, status: ApprovalStatus
) -> None:
    session.exec(
        update(CustomerNotification)
        .where(CustomerNotification.approval_request_id == request_id)
        .values(
            action_taken=status.value,
            read_at=func.coalesce(CustomerNotification.read_at, utc_now()),
        )
    )
