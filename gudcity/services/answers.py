"""A customer answers a request from a notification's Accept / Decline buttons."""

from sqlmodel import Session

from gudcity.domain.errors import NotFoundError, ValidationError
from gudcity.models import ApprovalKind, ApprovalRequest, CustomerNotification, User
from gudcity.services import deductions, enrollment
from gudcity.services.atomic import atomic
from gudcity.services.inputs import get_row
from gudcity.services.permissions import require_customer


@atomic
def act_on_notification(session: Session, actor: User, notification_id: int, accept: bool):
    """Answer the request behind an actionable notification.

    The answer goes through the enrollment or deduction rule, which makes sure a
    request is decided exactly once.
    """
    customer = require_customer(actor)
    notification = get_row(session, CustomerNotification, notification_id)
    if (
        notification is None
        or notification.customer_id != customer.id
        or notification.approval_request_id is None
    ):
        raise NotFoundError("There is no request to answer here.")
    if not isinstance(accept, bool):
        raise ValidationError("Answer with Accept or Decline.")
    request = session.get(ApprovalRequest, notification.approval_request_id)
    if request.kind == ApprovalKind.ENROLLMENT:
        return enrollment.respond_to_enrollment(session, customer, request.id, accept)
    return deductions.respond_to_deduction(session, customer, request.id, accept)
