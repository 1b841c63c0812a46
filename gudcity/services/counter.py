"""At the counter: check the code a customer shows for a reward, and hand the reward over.

Staff who may scan (and the owner) check a code, typed or read from its QR code:
it names the reward, the customer, the program and the code's state. A code of
another business is not found. A waiting code is delivered once: of two counters
delivering it at the same moment, one does, the other is told it already was.
"""

from sqlmodel import Session

from gudcity.domain.errors import NotFoundError, ValidationError
from gudcity.domain.mentions import CUSTOMER
from gudcity.domain.redemption_codes import is_well_formed, normalize_code
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    NotificationType,
    RewardCode,
    RewardCodeStatus,
    StaffActionKind,
    User,
    utc_now,
)
from gudcity.services import reward_codes
from gudcity.services.analytics_log import record_delivery, staff_of
from gudcity.services.atomic import atomic
from gudcity.services.inputs import check_text, is_row_id
from gudcity.services.notify import notify_business, notify_customer
from gudcity.services.permissions import Permission, require_business_permission
from gudcity.services.reward_codes import CodeView
from gudcity.services.staff_log import record_staff_action
from gudcity.services.visits import record_visit

_CODES = RewardCode.__table__
NOT_HERE = N_("No reward code like this at your business: check the letters and digits.")


@atomic
def check_reward_code(session: Session, actor: User, business_id: int, typed: str) -> CodeView:
    """The code as staff typed it (any case, spaces or dashes) or as its QR code reads.

    A code whose time is up is expired (and refunded) here, so the counter never
    hands over a reward whose points the customer already got back.
    """
    require_business_permission(session, actor, business_id, Permission.SCAN)
    code = normalize_code(check_text(typed, N_("The code")))
    if not code:
        raise ValidationError("Type the code the customer shows.")
    if not is_well_formed(code):
        raise NotFoundError(NOT_HERE)
    here = (_CODES.c.business_id == business_id, _CODES.c.code == code)
    if reward_codes.expire_overdue(session, *here):
        session.commit()
    found = reward_codes.code_views(session, *here)
    if not found:
        raise NotFoundError(NOT_HERE)
    return found[0]


@atomic
def deliver_reward_code(session: Session, actor: User, business_id: int, code_id: int) -> CodeView:
    """Hand the reward over: the code becomes DELIVERED, once, naming who did it."""
    require_business_permission(session, actor, business_id, Permission.SCAN)
    code = session.get(RewardCode, code_id) if is_row_id(code_id) else None
    if code is None or code.business_id != business_id:
        raise NotFoundError(NOT_HERE)
    now = utc_now()
    if reward_codes.expire_overdue(session, _CODES.c.id == code.id):
        session.commit()
    elif reward_codes.claim_code(
        session, code.id, RewardCodeStatus.DELIVERED, delivered_at=now, delivered_by=actor.id
    ):
        view = reward_codes.code_view(session, code.id)
        _record_delivery(session, actor, view, code.redeem_transaction_id)
        record_delivery(session, view, code.reward_id, staff_of(actor.id, view.customer_id), now)
        session.commit()
        return view
    raise reward_codes.refusal(reward_codes.code_view(session, code.id))


def _record_delivery(session: Session, actor: User, view: CodeView, transaction_id: int) -> None:
    """The activity log's row, both sides told, the visit, and the pages that show it."""
    record_staff_action(
        session,
        business_id=view.business_id,
        actor_id=actor.id,
        kind=StaffActionKind.DELIVERY,
        customer_id=view.customer_id,
        program_id=view.program_id,
        amount=view.cost,
        transaction_id=transaction_id,
        reward_code_id=view.code_id,
        detail=view.reward_name,
    )
    notify_customer(
        session,
        view.customer_id,
        NotificationType.REWARD_DELIVERED,
        Message(N_("Reward delivered")),
        Message(
            N_("Enjoy your {reward}! {business} handed it over (code {code})."),
            {"reward": view.reward_name, "business": view.business_name, "code": view.code},
        ),
        business_id=view.business_id,
        data={"card_id": view.card_id, "code_id": view.code_id, "code": view.code},
    )
    notify_business(
        session,
        view.business_id,
        NotificationType.REWARD_DELIVERED,
        Message(
            N_("{staff} delivered {reward} to {customer} (code {code})."),
            {
                "staff": actor.name,
                "reward": view.reward_name,
                CUSTOMER: view.customer_name,
                "code": view.code,
            },
        ),
        customer_id=view.customer_id,
    )
    record_visit(session, view.business_id, view.customer_id, "delivery", view.time_zone)
    reward_codes.publish_code_change(session, view, "reward.delivered")
