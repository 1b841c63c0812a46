"""Telling a customer about their expiring points: that some expired, and, before, that
some will (a notification, and a mail in their language).

Leaf helpers of the expiry sweep (services/expiry.py), in its transaction. A warning
covers the points expiring on one day of the business; `expiry_notices` keeps the
latest deadline each card was warned of, so each is warned of once, even by two
workers at once (the row's key refuses the second).
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from gudcity import routes
from gudcity.domain.analytics import business_day
from gudcity.domain.expiry import Expiry
from gudcity.domain.expiry_words import expired_messages, expiring_messages, expiring_subject
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import ExpiryNotice, NotificationType, User, as_utc, utc_now
from gudcity.services.ledger import CardFacts, publish_card_change
from gudcity.services.mail import compose, link, queue_mail, words_for
from gudcity.services.notify import notify_customer

_NOTICES = ExpiryNotice.__table__
_INSERT_UNLESS_WARNED = {
    name: dialect_insert(_NOTICES)
    .on_conflict_do_nothing(index_elements=["card_id", "covered_until"])
    .returning(_NOTICES.c.card_id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def covered_until(session: Session, card_ids: Sequence[int]) -> dict[int, datetime]:
    """The latest deadline each card was warned of (no entry: none yet)."""
    if not card_ids:
        return {}
    rows = session.execute(
        select(_NOTICES.c.card_id, func.max(_NOTICES.c.covered_until))
        .where(_NOTICES.c.card_id.in_(sorted(set(card_ids))))
        .group_by(_NOTICES.c.card_id)
    )
    return {card_id: as_utc(until) for card_id, until in rows}


def _card_data(card: CardFacts, points: int) -> dict:
    return {"card_id": card.card_id, "program_id": card.program_id, "points": points}


def tell_expired(session: Session, card: CardFacts, points: int) -> None:
    title, message = expired_messages(
        card.program_kind, points, card.program_name, card.business_name
    )
    notify_customer(
        session,
        card.customer_id,
        NotificationType.POINTS_EXPIRED,
        title,
        message,
        business_id=card.business_id,
        data=_card_data(card, points),
    )


def warn(session: Session, card: CardFacts, customer: User, soon: Sequence[Expiry]) -> bool:
    """Warn of the first day of `soon` (upcoming expiries, by deadline) not warned of yet;
    whether a warning went out."""
    covered = covered_until(session, [card.card_id]).get(card.card_id)
    fresh = [e for e in soon if covered is None or e.deadline > covered]
    if not fresh:
        return False
    day = business_day(fresh[0].deadline, card.time_zone)
    that_day = [e for e in fresh if business_day(e.deadline, card.time_zone) == day]
    until = that_day[-1].deadline
    statement = _INSERT_UNLESS_WARNED[session.get_bind().dialect.name]
    values = {"card_id": card.card_id, "covered_until": until, "created_at": utc_now()}
    if session.execute(statement, values).first() is None:
        return False
    points = sum(e.amount for e in that_day)
    title, message = expiring_messages(
        card.program_kind, points, card.program_name, card.business_name, day
    )
    notify_customer(
        session,
        card.customer_id,
        NotificationType.POINTS_EXPIRING,
        title,
        message,
        business_id=card.business_id,
        data={**_card_data(card, points), "deadline": until.isoformat()},
    )
    _mail_warning(session, card, customer, message)
    publish_card_change(session, card, "points.expiring")
    return True


def _mail_warning(session: Session, card: CardFacts, customer: User, message: Message) -> None:
    words = words_for(customer)
    text, html = compose(
        words,
        [
            Message(N_("Hello {name},"), {"name": customer.name}),
            message,
            Message(N_("Use them before then.")),
        ],
        (Message(N_("See your cards")), link(routes.CARDS)),
    )
    subject = words.message(expiring_subject(card.program_kind, card.business_name))
    queue_mail(session, customer.email, subject, text, html)
