"""A user's own data, for them to take away: "Download my data" on /settings.

Everything is read for the acting user alone: their profile, and for a customer
every card they ever held (left programs too), its whole ledger, their
notifications and their reward codes. The names of staff who served them are
the staff's data, not theirs, and are left out. Dates are ISO 8601 (UTC); words
are English, as the keys are (the notifications are their English text).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from gudcity.domain.errors import PermissionDeniedError
from gudcity.domain.labels import unit_message
from gudcity.i18n.catalogue import translator
from gudcity.i18n.languages import DEFAULT_LANGUAGE
from gudcity.models import (
    Business,
    CustomerNotification,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramEnrollment,
    Reward,
    RewardCode,
    User,
    utc_now,
)
from gudcity.services.inputs import get_row
from gudcity.services.tiers import TIER_NAME, card_tier_join

FORMAT_VERSION = 1

_CARDS, _PROGRAMS, _BUSINESSES = LoyaltyCard.__table__, LoyaltyProgram.__table__, Business.__table__
_ENROLLMENTS, _LEDGER, _REWARDS = (
    ProgramEnrollment.__table__,
    PointTransaction.__table__,
    Reward.__table__,
)
_NOTES, _CODES = CustomerNotification.__table__, RewardCode.__table__


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _profile(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "card_number": user.card_number,
        "birthday": _birthday(user),
        "created_at": _iso(user.created_at),
    }


def _birthday(user: User) -> dict[str, Any] | None:
    """The birthday a customer gave (month and day), and when they set it."""
    if user.birth_month is None:
        return None
    return {
        "month": user.birth_month,
        "day": user.birth_day,
        "set_at": _iso(user.birthday_set_at),
    }


def _cards(session: Session, customer_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            _CARDS.c.card_number,
            _PROGRAMS.c.name.label("program"),
            _PROGRAMS.c.kind,
            _BUSINESSES.c.name.label("business"),
            _CARDS.c.balance,
            _CARDS.c.lifetime_points,
            TIER_NAME,
            _ENROLLMENTS.c.status,
            _CARDS.c.created_at,
        )
        .join(_PROGRAMS, _PROGRAMS.c.id == _CARDS.c.program_id)
        .join(_BUSINESSES, _BUSINESSES.c.id == _PROGRAMS.c.business_id)
        .outerjoin(*card_tier_join(_CARDS))
        .outerjoin(
            _ENROLLMENTS,
            (_ENROLLMENTS.c.customer_id == _CARDS.c.customer_id)
            & (_ENROLLMENTS.c.program_id == _CARDS.c.program_id),
        )
        .where(_CARDS.c.customer_id == customer_id)
        .order_by(_CARDS.c.id)
    )
    return [
        {
            "card_number": row.card_number,
            "program": row.program,
            "business": row.business,
            "unit": translator(DEFAULT_LANGUAGE).message(unit_message(row.kind)),
            "balance": row.balance,
            "lifetime": row.lifetime_points,
            "tier": row.tier,
            "status": row.status.value if row.status else None,
            "created_at": _iso(row.created_at),
        }
        for row in rows
    ]


def _ledger(session: Session, customer_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            _LEDGER.c.created_at,
            _CARDS.c.card_number,
            _PROGRAMS.c.name.label("program"),
            _LEDGER.c.kind,
            _LEDGER.c.amount,
            _REWARDS.c.name.label("reward"),
            _LEDGER.c.redemption_code,
            _LEDGER.c.note,
        )
        .join(_CARDS, _CARDS.c.id == _LEDGER.c.card_id)
        .join(_PROGRAMS, _PROGRAMS.c.id == _CARDS.c.program_id)
        .outerjoin(_REWARDS, _REWARDS.c.id == _LEDGER.c.reward_id)
        .where(_CARDS.c.customer_id == customer_id)
        .order_by(_LEDGER.c.created_at, _LEDGER.c.id)
    )
    return [
        {
            "date": _iso(row.created_at),
            "card_number": row.card_number,
            "program": row.program,
            "kind": row.kind.value,
            "amount": row.amount,
            "reward": row.reward,
            "redemption_code": row.redemption_code,
            "note": row.note,
        }
        for row in rows
    ]


def _notifications(session: Session, customer_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(_NOTES, _BUSINESSES.c.name.label("business"))
        .outerjoin(_BUSINESSES, _BUSINESSES.c.id == _NOTES.c.business_id)
        .where(_NOTES.c.customer_id == customer_id)
        .order_by(_NOTES.c.id)
    )
    return [
        {
            "date": _iso(row.created_at),
            "type": row.type.value,
            "business": row.business,
            "title": row.title,
            "message": row.message,
            "answer": row.action_taken,
            "read_at": _iso(row.read_at),
        }
        for row in rows
    ]


def _reward_codes(session: Session, customer_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            _CODES,
            _REWARDS.c.name.label("reward"),
            _PROGRAMS.c.name.label("program"),
            _BUSINESSES.c.name.label("business"),
        )
        .join(_REWARDS, _REWARDS.c.id == _CODES.c.reward_id)
        .join(_PROGRAMS, _PROGRAMS.c.id == _REWARDS.c.program_id)
        .join(_BUSINESSES, _BUSINESSES.c.id == _CODES.c.business_id)
        .where(_CODES.c.customer_id == customer_id)
        .order_by(_CODES.c.id)
    )
    return [
        {
            "code": row.code,
            "reward": row.reward,
            "program": row.program,
            "business": row.business,
            "status": row.status.value,
            "created_at": _iso(row.created_at),
            "expires_at": _iso(row.expires_at),
            "delivered_at": _iso(row.delivered_at),
            "closed_at": _iso(row.closed_at),
        }
        for row in rows
    ]


def export_my_data(session: Session, actor: User) -> dict[str, Any]:
    """The acting user's data as a JSON-ready dict (cards and so on are empty for
    an owner or staff member, who hold none)."""
    user = get_row(session, User, actor.id) if actor is not None else None
    if user is None or user.deleted_at is not None:
        raise PermissionDeniedError("Please log in.")
    return {
        "format": FORMAT_VERSION,
        "exported_at": _iso(utc_now()),
        "profile": _profile(user),
        "cards": _cards(session, user.id),
        "ledger": _ledger(session, user.id),
        "notifications": _notifications(session, user.id),
        "reward_codes": _reward_codes(session, user.id),
    }
