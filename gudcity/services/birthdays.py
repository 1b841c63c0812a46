"""Customers' birthdays, and the programs' birthday rewards.

A customer gives their birthday (month and day) on /settings, or removes it. The
sweep (gudcity/realtime/birthday_sweep.py, on every worker) grants each program's
reward on the day, or within the window after it, in the business's calendar, to
every enrolled card whose holder's birthday it is (domain/birthdays.py decides).
The bonus row's key names the card and the birthday's year: a sweep run twice, or
by several workers at once, grants it once; each grant is its own transaction.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from gudcity.domain.analytics import business_day
from gudcity.domain.birthdays import birthdays_due, check_birthday, due_birthday, is_rewarded
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    Business,
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramEnrollment,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services.atomic import atomic
from gudcity.services.bonuses import grant_bonus
from gudcity.services.inputs import get_row
from gudcity.services.ledger import card_access
from gudcity.services.outbox import customer_topic, publish
from gudcity.services.permissions import require_customer

BIRTHDAY_REASON = Message(N_("Your birthday reward"))


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int


def birthday_key(card_id: int, year: int) -> str:
    return f"birthday:{card_id}:{year}"


def _own_row(session: Session, actor: User) -> User:
    return get_row(session, User, require_customer(actor).id)


def birthday_of(session: Session, actor: User) -> Birthday | None:
    """The birthday the customer gave, if any."""
    user = _own_row(session, actor)
    if user.birth_month is None or user.birth_day is None:
        return None
    return Birthday(user.birth_month, user.birth_day)


def _changed(session: Session, user: User) -> None:
    session.add(user)
    publish(session, [customer_topic(user.id)], "birthday_changed", {"user_id": user.id})
    session.commit()


@atomic
def set_birthday(session: Session, actor: User, month: int, day: int) -> Birthday:
    """Give or change the birthday; the same one again changes nothing (nor its date)."""
    user = _own_row(session, actor)
    month, day = check_birthday(month, day)
    if (user.birth_month, user.birth_day) != (month, day):
        user.birth_month, user.birth_day, user.birthday_set_at = month, day, utc_now()
        _changed(session, user)
    return Birthday(month, day)


@atomic
def remove_birthday(session: Session, actor: User) -> None:
    """Forget the birthday: no more birthday rewards until one is given again."""
    user = _own_row(session, actor)
    if user.birth_month is not None:
        user.birth_month = user.birth_day = user.birthday_set_at = None
        _changed(session, user)


# --- the sweep ---------------------------------------------------------------------------


def _rewarding_programs(session: Session) -> list[tuple[LoyaltyProgram, str]]:
    """The running programs that give a birthday reward, with their business's zone."""
    return session.exec(
        select(LoyaltyProgram, Business.time_zone)
        .join(Business, Business.id == LoyaltyProgram.business_id)
        .where(
            LoyaltyProgram.birthday_bonus > 0,
            LoyaltyProgram.is_active,
            LoyaltyProgram.archived_at.is_(None),
        )
        .order_by(LoyaltyProgram.id)
    ).all()


def _celebrating_cards(session: Session, program: LoyaltyProgram, today: date) -> list:
    """(card id, month, day, set at) of the enrolled cards whose birthday window holds today."""
    due = birthdays_due(today, program.birthday_window_days)
    return session.exec(
        select(LoyaltyCard.id, User.birth_month, User.birth_day, User.birthday_set_at)
        .join(User, User.id == LoyaltyCard.customer_id)
        .join(
            ProgramEnrollment,
            (ProgramEnrollment.customer_id == LoyaltyCard.customer_id)
            & (ProgramEnrollment.program_id == LoyaltyCard.program_id),
        )
        .where(
            LoyaltyCard.program_id == program.id,
            ProgramEnrollment.status == EnrollmentStatus.ACTIVE,
            User.deleted_at.is_(None),
            or_(*(and_(User.birth_month == m, User.birth_day == d) for m, d in sorted(due))),
        )
        .order_by(LoyaltyCard.id)
    ).all()


# Keys looked up per query: well inside every backend's limit on bound parameters.
KEYS_PER_QUERY = 500


def _granted_keys(session: Session, keys: list[str]) -> set[str]:
    granted = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        statement = select(PointTransaction.idempotency_key).where(
            PointTransaction.idempotency_key.in_(chunk)
        )
        granted.update(session.exec(statement).all())
    return granted


def _due_keys(program: LoyaltyProgram, time_zone: str, cards: list, today: date) -> dict:
    """{card id: key} of the cards whose reward is due today (the settling rule applied)."""
    due = {}
    for card_id, month, day, set_at in cards:
        celebrated = due_birthday(month, day, today, program.birthday_window_days)
        set_on = business_day(set_at, time_zone) if set_at is not None else None
        if celebrated is not None and is_rewarded(celebrated, set_on):
            due[card_id] = birthday_key(card_id, celebrated.year)
    return due


def grant_birthday_rewards(session: Session) -> int:
    """Grant every birthday reward due now, each in its own transaction; how many."""
    granted = 0
    for program, time_zone in _rewarding_programs(session):
        today = business_day(utc_now(), time_zone)
        due = _due_keys(program, time_zone, _celebrating_cards(session, program, today), today)
        done = _granted_keys(session, list(due.values()))
        amount = program.birthday_bonus
        for card_id, key in due.items():
            if key in done:
                continue
            _, created = grant_bonus(
                session,
                card_access(session, card_id, None).card,
                TransactionKind.BIRTHDAY_BONUS,
                amount,
                idempotency_key=key,
                reason=BIRTHDAY_REASON,
            )
            session.commit()
            granted += created
    return granted
