"""The business's referrals, as /business/promotions shows them to its managers.

Two reads: each program's counts (waiting, paid, refused), and the latest referrals
with both people's names. A referral's state is put in words here, and only here
(`state_message`); a deleted account is named as account_deletion names it.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from gudcity.domain.promotions import local_time
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import LoyaltyProgram, Referral, ReferralStatus, User
from gudcity.services.account_deletion import DELETED_CUSTOMER
from gudcity.services.lookups import get_business
from gudcity.services.permissions import Permission, require_business_permission
from gudcity.services.program_bonuses import offers_referrals
from gudcity.services.referral_payment import ALREADY_MEMBER, LIMIT_REACHED, SELF_REFERRAL

# The latest referrals listed; the counts cover them all.
LATEST = 50

WAITING = N_("Waiting for a first visit")
PAID_ON = N_("Paid on {day}")
REFUSED = {
    SELF_REFERRAL: N_("Refused: their own link"),
    ALREADY_MEMBER: N_("Refused: already a member"),
    LIMIT_REACHED: N_("Refused: the referral limit was reached"),
}
# A refusal whose reason this version does not know (none is written today).
REFUSED_OTHER = N_("Refused")
WAITING_COUNT = N_("Waiting for a first visit: {count}")
PAID_COUNT = N_("Paid: {count}")
REFUSED_COUNT = N_("Refused: {count}")


@dataclass(frozen=True)
class ReferralCounts:
    """One program's referrals, by state."""

    program_id: int
    program_name: str
    waiting: int = 0
    paid: int = 0
    refused: int = 0

    def words(self) -> list[Message]:
        return [
            Message(WAITING_COUNT, {"count": self.waiting}),
            Message(PAID_COUNT, {"count": self.paid}),
            Message(REFUSED_COUNT, {"count": self.refused}),
        ]


@dataclass(frozen=True)
class ReferralEntry:
    """A referral: the day the friend joined (the business's day), who, and its state."""

    referral_id: int
    joined_on: date
    referrer: Message
    friend: Message
    program_name: str
    status: ReferralStatus
    state: Message


@dataclass(frozen=True)
class BusinessReferrals:
    counts: list[ReferralCounts]
    latest: list[ReferralEntry]


def state_message(status: ReferralStatus, reason: str | None, paid_on: date | None) -> Message:
    """A referral's state in words: waiting, paid on its day, or refused and why."""
    if status == ReferralStatus.PAID:
        return Message(PAID_ON, {"day": paid_on})
    if status == ReferralStatus.REFUSED:
        return Message(REFUSED.get(reason or "", REFUSED_OTHER))
    return Message(WAITING)


def person(name: str, deleted_at: datetime | None) -> Message:
    """A customer's name; a deleted account's as the other lists name it, translated."""
    if deleted_at is not None:
        return Message(DELETED_CUSTOMER)
    return Message("{text}", {"text": name})


_COUNTED = {
    ReferralStatus.PENDING: "waiting",
    ReferralStatus.PAID: "paid",
    ReferralStatus.REFUSED: "refused",
}


def _counts(session: Session, business_id: int) -> list[ReferralCounts]:
    """Programs not archived that pay referrals or have any, with their counts."""
    rows = session.exec(
        select(LoyaltyProgram, Referral.status, func.count(Referral.id))
        .outerjoin(Referral, Referral.program_id == LoyaltyProgram.id)
        .where(LoyaltyProgram.business_id == business_id, LoyaltyProgram.archived_at.is_(None))
        .group_by(LoyaltyProgram.id, Referral.status)
        .order_by(LoyaltyProgram.name, LoyaltyProgram.id)
    ).all()
    programs: dict[int, LoyaltyProgram] = {}
    counted: dict[int, dict[str, int]] = {}
    for program, status, count in rows:
        programs[program.id] = program
        by_state = counted.setdefault(program.id, {})
        if status is not None:
            by_state[_COUNTED[ReferralStatus(status)]] = count
    return [
        ReferralCounts(program.id, program.name, **counted[program.id])
        for program in programs.values()
        if offers_referrals(program) or counted[program.id]
    ]


def _latest(session: Session, business_id: int, time_zone: str) -> list[ReferralEntry]:
    referrer, friend = aliased(User), aliased(User)
    rows = session.exec(
        select(Referral, LoyaltyProgram.name, referrer, friend)
        .join(LoyaltyProgram, LoyaltyProgram.id == Referral.program_id)
        .join(referrer, referrer.id == Referral.referrer_id)
        .join(friend, friend.id == Referral.friend_id)
        .where(LoyaltyProgram.business_id == business_id, LoyaltyProgram.archived_at.is_(None))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
        .limit(LATEST)
    ).all()
    return [
        ReferralEntry(
            referral_id=referral.id,
            joined_on=local_time(referral.created_at, time_zone).date(),
            referrer=person(by.name, by.deleted_at),
            friend=person(to.name, to.deleted_at),
            program_name=program_name,
            status=referral.status,
            state=state_message(
                referral.status,
                referral.refused_reason,
                local_time(referral.paid_at, time_zone).date() if referral.paid_at else None,
            ),
        )
        for referral, program_name, by, to in rows
    ]


def list_referrals(session: Session, actor: User, business_id: int) -> BusinessReferrals:
    """The business's referral counts per program and its latest referrals, newest first.

    For those who may manage programs: referrals are what a program's bonuses bring.
    """
    require_business_permission(session, actor, business_id, Permission.MANAGE_PROGRAMS)
    time_zone = get_business(session, business_id).time_zone
    return BusinessReferrals(
        counts=_counts(session, business_id),
        latest=_latest(session, business_id, time_zone),
    )
