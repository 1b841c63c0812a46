"""Reward codes: a redeemed reward waiting at the counter (leaf helpers, and the expiry sweep).

A redemption opens a WAITING code (`open_reward_code`). It leaves WAITING once:
DELIVERED at the counter, CANCELLED by the customer, or EXPIRED when its time is
up. Every move out of WAITING is one conditional UPDATE (`... WHERE status =
'WAITING'`), so of two moves racing (two counters, a cancel and a delivery, the
sweeps of two workers) exactly one happens. A cancelled or expired code gives its
points back with one REFUND ledger row, keyed by the code (`refund:<id>`); a reward a
promo code gave (a REDEEM row of 0, services/promo_code_rewards.py) has none to give.

Locks are taken codes first, then cards in ascending id, so transactions that
close several codes at once cannot deadlock with each other or with a redemption.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from gudcity.domain.errors import ConflictError, ExpiredError, ServiceError
from gudcity.domain.labels import amount_message
from gudcity.domain.mentions import CUSTOMER
from gudcity.domain.redemption_codes import CODE_STATE_LABELS, new_redemption_code
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    Business,
    LoyaltyCard,
    LoyaltyProgram,
    NotificationType,
    PointTransaction,
    ProgramKind,
    Reward,
    RewardCode,
    RewardCodeStatus,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services.analytics_log import record_reward_code
from gudcity.services.atomic import atomic
from gudcity.services.inputs import page_size
from gudcity.services.ledger import CardFacts, write_ledger_row
from gudcity.services.notify import notify_business, notify_customer
from gudcity.services.outbox import business_topic, customer_topic, publish
from gudcity.settings import get_settings

WAITING = RewardCodeStatus.WAITING
# Codes one sweep closes at most; the next sweep takes the rest.
SWEEP_BATCH = 200


@dataclass(frozen=True)
class CodeView:
    """A reward code as the counter and the customer see it."""

    code_id: int
    code: str
    status: RewardCodeStatus
    reward_name: str
    # What the redemption took off the card (what a refund gives back).
    cost: int
    program_id: int
    program_name: str
    program_kind: ProgramKind
    business_id: int
    business_name: str
    time_zone: str
    card_id: int
    customer_id: int
    customer_name: str
    expires_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    # "" when nobody is named (codes delivered before the counter could check them).
    delivered_by_name: str
    closed_at: datetime | None

    @property
    def refunds(self) -> bool:
        """Whether closing it gives points back: a promo code's reward cost none."""
        return self.cost > 0

    @property
    def state(self) -> str:
        """The state in words: Waiting, Delivered, Cancelled or Expired."""
        return CODE_STATE_LABELS[self.status]


_CODES = RewardCode.__table__
_CUSTOMERS = User.__table__.alias("customers")
_DELIVERERS = User.__table__.alias("deliverers")
_LEDGER = PointTransaction.__table__


def _views_query():
    """Codes with their reward, program, business, customer and deliverer: one read."""
    rewards, cards = Reward.__table__, LoyaltyCard.__table__
    programs, businesses = LoyaltyProgram.__table__, Business.__table__
    return (
        select(
            _CODES.c.id.label("code_id"),
            _CODES.c.code,
            _CODES.c.status,
            rewards.c.name.label("reward_name"),
            (-_LEDGER.c.amount).label("cost"),
            programs.c.id.label("program_id"),
            programs.c.name.label("program_name"),
            programs.c.kind.label("program_kind"),
            businesses.c.id.label("business_id"),
            businesses.c.name.label("business_name"),
            businesses.c.time_zone,
            _CODES.c.card_id,
            _CODES.c.customer_id,
            _CUSTOMERS.c.name.label("customer_name"),
            _CODES.c.expires_at,
            _CODES.c.created_at,
            _CODES.c.delivered_at,
            func.coalesce(_DELIVERERS.c.name, "").label("delivered_by_name"),
            _CODES.c.closed_at,
        )
        .join(rewards, rewards.c.id == _CODES.c.reward_id)
        .join(_LEDGER, _LEDGER.c.id == _CODES.c.redeem_transaction_id)
        .join(cards, cards.c.id == _CODES.c.card_id)
        .join(programs, programs.c.id == cards.c.program_id)
        .join(businesses, businesses.c.id == _CODES.c.business_id)
        .join(_CUSTOMERS, _CUSTOMERS.c.id == _CODES.c.customer_id)
        .outerjoin(_DELIVERERS, _DELIVERERS.c.id == _CODES.c.delivered_by)
    )


_VIEWS = _views_query()


def code_views(session: Session, *where, order_by=(), limit: int = 1) -> list[CodeView]:
    """The codes matching `where`, read as views (no permission check: callers check)."""
    statement = _VIEWS.where(*where).order_by(*order_by).limit(page_size(limit))
    return [CodeView(**row._mapping) for row in session.execute(statement)]


def code_view(session: Session, code_id: int) -> CodeView:
    return code_views(session, _CODES.c.id == code_id)[0]


_INSERT_UNLESS_CODE_TAKEN = {
    name: dialect_insert(_CODES)
    .on_conflict_do_nothing(index_elements=["business_id", "code"])
    .returning(_CODES.c.id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def open_reward_code(
    session: Session, card: CardFacts, reward_id: int, transaction: PointTransaction
) -> str:
    """The WAITING code of a REDEEM row, unique in its business; the code.

    The ledger row drew a code; on the rare clash with another code of the business
    a new one is drawn (the row is updated with it, in the same transaction).
    """
    now = utc_now()
    ttl = timedelta(minutes=get_settings().redemption_code_ttl_minutes)
    statement = _INSERT_UNLESS_CODE_TAKEN[session.get_bind().dialect.name]
    code = transaction.redemption_code
    values = {
        "business_id": card.business_id,
        "card_id": card.card_id,
        "customer_id": card.customer_id,
        "reward_id": reward_id,
        "status": WAITING,
        "redeem_transaction_id": transaction.id,
        "expires_at": now + ttl,
        "created_at": now,
    }
    while session.execute(statement, {**values, "code": code}).scalar_one_or_none() is None:
        code = new_redemption_code()
        session.execute(
            update(_LEDGER).where(_LEDGER.c.id == transaction.id).values(redemption_code=code)
        )
        transaction.redemption_code = code
    record_reward_code(session, card, reward_id, now)
    return code


def claim_code(session: Session, code_id: int, status: RewardCodeStatus, **values) -> bool:
    """Move a WAITING, unexpired code to `status`; whether this call was the one that did."""
    now = utc_now()
    moved = session.execute(
        update(_CODES)
        .where(_CODES.c.id == code_id, _CODES.c.status == WAITING, _CODES.c.expires_at > now)
        .values(status=status, **values)
    )
    return moved.rowcount == 1


def refusal(view: CodeView) -> ServiceError:
    """Why a code that is no longer waiting cannot be delivered or cancelled."""
    if view.status == WAITING:
        # Past its time while another transaction expires it (or, rarer, busy right now).
        if view.expires_at <= utc_now():
            return ExpiredError(_REFUSALS["overdue", view.refunds])
        return ConflictError("This reward code is busy: check it again.")
    if view.status == RewardCodeStatus.DELIVERED:
        if view.delivered_by_name:
            return ConflictError(
                "This reward was already delivered by {staff}.", staff=view.delivered_by_name
            )
        return ConflictError("This reward was already delivered.")
    if view.status == RewardCodeStatus.EXPIRED:
        return ExpiredError(_REFUSALS["expired", view.refunds])
    return ConflictError(_REFUSALS["cancelled", view.refunds])


# By what happened and whether the code gives points back.
_REFUSALS = {
    ("overdue", True): N_("This reward code has expired: its points go back on the card."),
    ("overdue", False): N_("This reward code has expired."),
    ("expired", True): N_("This reward code has expired: its points went back on the card."),
    ("expired", False): N_("This reward code has expired."),
    ("cancelled", True): N_("This reward code was cancelled: its points went back on the card."),
    ("cancelled", False): N_("This reward code was cancelled."),
}


def expire_overdue(session: Session, *where, limit: int = SWEEP_BATCH) -> list[int]:
    """Expire the WAITING codes past their time (among `where`) and refund them; their ids.

    The codes are locked in id order (FOR UPDATE: one another transaction is closing
    is waited for, then skipped as no longer waiting), so what a read shows after
    this is settled. The caller commits.
    """
    now = utc_now()
    due = (
        select(_CODES.c.id)
        .where(_CODES.c.status == WAITING, _CODES.c.expires_at <= now, *where)
        .order_by(_CODES.c.id)
        .limit(limit)
        .with_for_update()
    )
    closed = session.execute(
        update(_CODES)
        .where(_CODES.c.id.in_(due.scalar_subquery()), _CODES.c.status == WAITING)
        .values(status=RewardCodeStatus.EXPIRED, closed_at=now)
        .returning(_CODES.c.id, _CODES.c.card_id)
    ).all()
    ids = [row.id for row in sorted(closed, key=lambda row: (row.card_id, row.id))]
    for code_id in ids:
        refund(session, code_view(session, code_id))
    return ids


def cancel_waiting(session: Session, code_id: int) -> bool:
    """Cancel a WAITING code and refund it; whether this call was the one that did."""
    if not claim_code(session, code_id, RewardCodeStatus.CANCELLED, closed_at=utc_now()):
        return False
    refund(session, code_view(session, code_id))
    return True


def refund(session: Session, view: CodeView) -> None:
    """Give a closed code's points back (if it cost any), tell both sides, and publish.

    Called by the transaction whose conditional UPDATE closed the code, so once per
    code; the REFUND row's key also makes a second call for a paid one a no-op.
    """
    if view.refunds:
        transaction, created = write_ledger_row(
            session,
            view,
            TransactionKind.REFUND,
            view.cost,
            actor_id=None,
            idempotency_key=f"refund:{view.code_id}",
            reward_id=None,
            note=view.reward_name,
        )
        if not created:
            return
        session.execute(
            update(_CODES)
            .where(_CODES.c.id == view.code_id)
            .values(refund_transaction_id=transaction.id)
        )
    _tell_closed(session, view)


# What the customer is told as a code closes, by how and whether points went back.
_TOLD = {
    (RewardCodeStatus.EXPIRED, True): N_(
        "Your code {code} for {reward} expired: {amount} went back on your card."
    ),
    (RewardCodeStatus.EXPIRED, False): N_("Your code {code} for {reward} expired."),
    (RewardCodeStatus.CANCELLED, True): N_(
        "You cancelled {reward} (code {code}): {amount} went back on your card."
    ),
    (RewardCodeStatus.CANCELLED, False): N_("You cancelled {reward} (code {code})."),
}


def _tell_closed(session: Session, view: CodeView) -> None:
    args = {
        "code": view.code,
        "reward": view.reward_name,
        "amount": amount_message(view.program_kind, view.cost),
    }
    if view.status == RewardCodeStatus.EXPIRED:
        kind, title = NotificationType.REWARD_EXPIRED, N_("Reward code expired")
        business = N_("{customer}'s code {code} for {reward} expired.")
    else:
        kind, title = NotificationType.REWARD_CANCELLED, N_("Reward cancelled")
        business = N_("{customer} cancelled {reward} (code {code}).")
    title, message = Message(title), Message(_TOLD[view.status, view.refunds], args)
    business = Message(business, {**args, CUSTOMER: view.customer_name})
    data = {"card_id": view.card_id, "code_id": view.code_id, "code": view.code}
    notify_customer(
        session, view.customer_id, kind, title, message, business_id=view.business_id, data=data
    )
    notify_business(session, view.business_id, kind, business, customer_id=view.customer_id)
    publish_code_change(session, view, "reward.closed")


def cancelled_message(view: CodeView) -> Message:
    """What the customer's own cancel says: what went back on the card, if anything."""
    if not view.refunds:
        return Message(N_("Cancelled."))
    return Message(
        N_("Cancelled: {amount} went back on your card."),
        {"amount": amount_message(view.program_kind, view.cost)},
    )


def publish_code_change(session: Session, view: CodeView, kind: str) -> None:
    publish(
        session,
        [customer_topic(view.customer_id), business_topic(view.business_id)],
        kind,
        {"card_id": view.card_id, "program_id": view.program_id, "code_id": view.code_id},
    )


@atomic
def expire_due_codes(session: Session, *, limit: int = SWEEP_BATCH) -> int:
    """The sweep (a lifespan task runs it on every worker): expire what is overdue.

    Safe on several workers at once: each code expires, and is refunded, once.
    """
    expired = expire_overdue(session, limit=limit)
    session.commit()
    return len(expired)
