"""The counter learns the answers: the state of the requests a scanner sent.

A read: the scanner keeps the ids of the invitations and deductions it sent and,
each time its business's topic changes, asks here which of them the customer
has answered (or let expire).
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from gudcity.domain.answers import AnswerFacts, answer_message, is_answered, is_good_news
from gudcity.i18n.catalogue import Message
from gudcity.models import ApprovalRequest, ApprovalStatus, LoyaltyProgram, User, utc_now
from gudcity.services.inputs import is_row_id
from gudcity.services.permissions import Permission, require_business_permission

# A tab follows its last few requests, not a day's worth.
MAX_FOLLOWED = 20


@dataclass(frozen=True)
class RequestAnswer:
    request_id: int
    customer_id: int
    program_id: int
    answered: bool
    good_news: bool
    message: Message


def _facts(request: ApprovalRequest, customer_name: str, program: LoyaltyProgram) -> AnswerFacts:
    expires_at = request.expires_at
    if expires_at.tzinfo is None:  # SQLite hands back naive UTC
        expires_at = expires_at.replace(tzinfo=utc_now().tzinfo)
    return AnswerFacts(
        kind=request.kind,
        status=request.status,
        customer_name=customer_name,
        program_name=program.name,
        program_kind=program.kind,
        points=request.points,
        expired=request.status == ApprovalStatus.PENDING and expires_at <= utc_now(),
    )


def answers_to_counter(
    session: Session, actor: User, business_id: int, request_ids: list[int]
) -> list[RequestAnswer]:
    """Where the business's requests among `request_ids` stand, oldest first.

    Ids of other businesses' requests, and values no row can have, are ignored.
    """
    require_business_permission(session, actor, business_id, Permission.SCAN)
    ids = [i for i in request_ids if is_row_id(i)][-MAX_FOLLOWED:] if request_ids else []
    if not ids:
        return []
    rows = session.exec(
        select(ApprovalRequest, User.name, LoyaltyProgram)
        .join(User, User.id == ApprovalRequest.customer_id)
        .join(LoyaltyProgram, LoyaltyProgram.id == ApprovalRequest.program_id)
        .where(ApprovalRequest.id.in_(ids), ApprovalRequest.business_id == business_id)
        .order_by(ApprovalRequest.id)
    ).all()
    answers = []
    for request, customer_name, program in rows:
        facts = _facts(request, customer_name, program)
        answers.append(
            RequestAnswer(
                request_id=request.id,
                customer_id=request.customer_id,
                program_id=request.program_id,
                answered=is_answered(facts),
                good_news=is_good_news(facts),
                message=answer_message(facts),
            )
        )
    return answers
