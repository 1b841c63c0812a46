"""Paying a referral: the friend's first visit rewards both sides.

After every award in a program that pays referrals (services/earning.py), one indexed
read looks for a pending referral of the card's holder in it; only a friend's first
award finds one. Sign-up alone pays nothing, so throwaway accounts earn nothing.

The referrer's limit holds under concurrency: the referrer's card row is locked
(PostgreSQL; SQLite runs one writer at a time) before their paid referrals are
counted, so two friends' first visits at once take turns, and the referral leaves
PENDING through a conditional UPDATE, so it is paid once. Each side's bonus is a
REFERRAL_BONUS row keyed by the referral, granted once whatever happens twice. Lock
order cannot cycle: a friend's card is locked before their referrer's, and a
referrer's card is always older than their friends'.
"""

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, select

from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    LoyaltyCard,
    LoyaltyProgram,
    Referral,
    ReferralStatus,
    TransactionKind,
    utc_now,
)
from gudcity.services.bonuses import grant_bonus
from gudcity.services.ledger import CardFacts, card_access

# Why a referral was refused (`referrals.refused_reason`).
SELF_REFERRAL = "SELF"
ALREADY_MEMBER = "ALREADY_MEMBER"
LIMIT_REACHED = "LIMIT_REACHED"

REFERRER_REASON = Message(N_("A friend you invited made their first visit"))
FRIEND_REASON = Message(N_("Your first visit after a friend's invitation"))

_REFERRALS = Referral.__table__
# Built once: every award runs it.
_PENDING_REFERRAL = select(_REFERRALS.c.id).where(
    _REFERRALS.c.friend_id == bindparam("customer_id"),
    _REFERRALS.c.program_id == bindparam("program_id"),
    _REFERRALS.c.status == ReferralStatus.PENDING,
)


def paid_referrals(session: Session, referrer_card_id: int) -> int:
    return session.exec(
        select(func.count()).where(
            Referral.referrer_card_id == referrer_card_id,
            Referral.status == ReferralStatus.PAID,
        )
    ).one()


def limit_reached(session: Session, program: LoyaltyProgram, referrer_card_id: int) -> bool:
    limit = program.referral_limit
    return limit > 0 and paid_referrals(session, referrer_card_id) >= limit


def _leave_pending(session: Session, referral_id: int, **values) -> bool:
    """Move the referral out of PENDING, if it still is; whether this call did."""
    statement = (
        update(Referral)
        .where(Referral.id == referral_id, Referral.status == ReferralStatus.PENDING)
        .values(**values)
    )
    return session.exec(statement).rowcount == 1


def pay_referral(session: Session, card: CardFacts) -> None:
    """After an award on a card of a program that pays referrals: a friend's first award
    pays their pending referral, if any."""
    referral_id = session.execute(
        _PENDING_REFERRAL, {"customer_id": card.customer_id, "program_id": card.program_id}
    ).scalar()
    if referral_id is not None:
        _pay(session, session.get(Referral, referral_id), card)


def _pay(session: Session, referral: Referral, friend_card: CardFacts) -> None:
    program = session.get(LoyaltyProgram, friend_card.program_id)
    referrer_card = referral.referrer_card_id
    lock = select(LoyaltyCard.id).where(LoyaltyCard.id == referrer_card).with_for_update()
    session.exec(lock).first()
    if limit_reached(session, program, referrer_card):
        _leave_pending(
            session, referral.id, status=ReferralStatus.REFUSED, refused_reason=LIMIT_REACHED
        )
        return
    if not _leave_pending(session, referral.id, status=ReferralStatus.PAID, paid_at=utc_now()):
        return
    key = f"referral:{referral.id}"
    grant_bonus(
        session,
        friend_card,
        TransactionKind.REFERRAL_BONUS,
        program.friend_bonus,
        idempotency_key=f"{key}:friend",
        reason=FRIEND_REASON,
    )
    referrer = card_access(session, referrer_card, None)
    # A referrer who left the program has a card nobody sees: nothing moves on it.
    if referrer.enrolled:
        grant_bonus(
            session,
            referrer.card,
            TransactionKind.REFERRAL_BONUS,
            program.referrer_bonus,
            idempotency_key=f"{key}:referrer",
            reason=REFERRER_REASON,
        )
