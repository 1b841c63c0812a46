"""How often a business may invite customers: a throwaway business cannot spam them.

A customer who declined can be asked again, but not more than a few times a day
by the same business; and a business can send only so many invitations an hour.
Both limits count the enrollment requests themselves (an index on business and
time), so there is nothing else to keep in step.
"""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from gudcity.domain.errors import RateLimitedError
from gudcity.i18n.catalogue import NP_
from gudcity.models import ApprovalKind, ApprovalRequest, utc_now
from gudcity.settings import get_settings


def _invitations_since(session: Session, business_id: int, since, customer_id: int | None):
    statement = select(func.count()).where(
        ApprovalRequest.business_id == business_id,
        ApprovalRequest.kind == ApprovalKind.ENROLLMENT,
        ApprovalRequest.created_at > since,
    )
    if customer_id is not None:
        statement = statement.where(ApprovalRequest.customer_id == customer_id)
    return session.exec(statement).one()


def check_invitation_caps(session: Session, business_id: int, customer_id: int) -> None:
    """Refuse a new invitation once the business has sent its share for now."""
    settings = get_settings()
    now = utc_now()
    per_customer = settings.invitations_per_customer_per_day
    if _invitations_since(session, business_id, now - timedelta(days=1), customer_id) >= (
        per_customer
    ):
        raise RateLimitedError(
            NP_(
                "This customer was already invited {count} time today: "
                "they can join from their own phone.",
                "This customer was already invited {count} times today: "
                "they can join from their own phone.",
            ),
            count=per_customer,
        )
    if (
        _invitations_since(session, business_id, now - timedelta(hours=1), None)
        >= settings.invitations_per_business_per_hour
    ):
        raise RateLimitedError("Too many invitations this hour. Try again in a while.")
