"""A business gives points by hand (the scanner's "Award points")."""

from sqlmodel import Session

from gudcity.i18n.catalogue import N_
from gudcity.models import PointTransaction, User
from gudcity.services.atomic import atomic
from gudcity.services.earning import earn
from gudcity.services.inputs import check_amount, check_key, check_text
from gudcity.services.ledger import card_access, require_active
from gudcity.services.permissions import Permission, check_business_permission


@atomic
def award_points(
    session: Session,
    actor: User,
    card_id: int,
    points: int,
    idempotency_key: str,
    *,
    note: str = "",
) -> PointTransaction:
    """A business gives points by hand."""
    check_key(idempotency_key)
    check_amount(points)
    check_text(note, N_("The note"))
    access = card_access(session, card_id, actor)
    check_business_permission(actor, access.card.owner_id, access.staff, Permission.AWARD)
    require_active(access)
    transaction = earn(
        session,
        access.card,
        points,
        actor_id=actor.id,
        idempotency_key=idempotency_key,
        note=note,
    )
    session.commit()
    return transaction
