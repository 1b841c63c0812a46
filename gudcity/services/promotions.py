"""A program's promotions, kept by its managers: create, change, end, list.

The rule a promotion follows is pure (`domain/promotions.py`); its bonuses are granted
by the earning rule in `services/promotion_bonuses.py`. Every change is announced on
the business's and the program's topics, so the managers' pages and the customers'
cards re-read what runs.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from gudcity.domain.errors import NotFoundError, ValidationError
from gudcity.domain.promotions import (
    check_dates,
    check_percent,
    check_weekdays,
    check_window,
    local_time,
    parse_local_time,
    weekday_mask,
)
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import LoyaltyProgram, Promotion, PromotionKind, User, utc_now
from gudcity.services.accounts import clean_name
from gudcity.services.atomic import atomic
from gudcity.services.checks import check_program_running
from gudcity.services.inputs import check_amount, get_row
from gudcity.services.lookups import get_business, get_program
from gudcity.services.outbox import business_topic, program_topic, publish
from gudcity.services.permissions import Permission, require_business_permission
from gudcity.services.rules_stamp import renew_rules_stamp

NOT_FOUND = N_("Promotion not found.")


@dataclass(frozen=True)
class PromotionInput:
    """A promotion as its manager types it: times as "09:00", days as ISO dates or dates."""

    name: str
    kind: str
    value: int
    weekdays: Iterable[int]
    start_time: str
    end_time: str
    starts_on: date | str | None = None
    ends_on: date | str | None = None
    once_per_day: bool = False


def _check_kind(kind: str) -> PromotionKind:
    try:
        return PromotionKind(kind)
    except ValueError:
        raise ValidationError("Choose a multiplier or a bonus.") from None


def _check_day(value: date | str | None, what: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        pass
    raise ValidationError("{what} must be a date.", what=Message(what))


def _check_days_of_week(weekdays: Iterable[int]) -> frozenset[int]:
    try:
        days = frozenset(weekdays)
    except TypeError:
        days = frozenset()
    if any(isinstance(day, bool) or not isinstance(day, int) for day in days):
        days = frozenset()
    return check_weekdays(days)


def _apply(promotion: Promotion, typed: PromotionInput, time_zone: str) -> Promotion:
    """Check every field of `typed` and put it on `promotion`; nothing is written here."""
    kind = _check_kind(typed.kind)
    if kind == PromotionKind.MULTIPLIER:
        value = check_percent(typed.value)
    else:
        value = check_amount(typed.value, N_("Bonus"))
    start = parse_local_time(typed.start_time)
    end = parse_local_time(typed.end_time, end=True)
    check_window(start, end)
    starts_on = _check_day(typed.starts_on, N_("First day"))
    starts_on = starts_on or local_time(utc_now(), time_zone).date()
    ends_on = _check_day(typed.ends_on, N_("Last day"))
    check_dates(starts_on, ends_on)
    promotion.name = clean_name(typed.name, N_("Promotion name"))
    promotion.kind = kind
    promotion.value = value
    promotion.weekdays = weekday_mask(_check_days_of_week(typed.weekdays))
    promotion.start_minute, promotion.end_minute = start, end
    promotion.starts_on, promotion.ends_on = starts_on, ends_on
    promotion.once_per_day = bool(typed.once_per_day)
    return promotion


def _managed_program(session: Session, actor: User, program_id: int) -> LoyaltyProgram:
    program = get_program(session, program_id)
    require_business_permission(session, actor, program.business_id, Permission.MANAGE_PROGRAMS)
    return program


def _managed_promotion(session: Session, actor: User, promotion_id: int) -> Promotion:
    """A promotion the actor may change; an ended one, or another business's, is not found."""
    promotion = get_row(session, Promotion, promotion_id)
    if promotion is None:
        raise NotFoundError(NOT_FOUND)
    require_business_permission(session, actor, promotion.business_id, Permission.MANAGE_PROGRAMS)
    if promotion.archived_at is not None:
        raise NotFoundError(NOT_FOUND)
    return promotion


def _announce(session: Session, promotion: Promotion, kind: str) -> None:
    renew_rules_stamp(session, promotion.program_id)
    topics = [business_topic(promotion.business_id), program_topic(promotion.program_id)]
    publish(session, topics, kind, {"promotion_id": promotion.id})


@atomic
def create_promotion(
    session: Session, actor: User, program_id: int, typed: PromotionInput
) -> Promotion:
    """A new promotion of a running program; the first day is today (local) unless given."""
    program = _managed_program(session, actor, program_id)
    check_program_running(program)
    time_zone = get_business(session, program.business_id).time_zone
    promotion = Promotion(business_id=program.business_id, program_id=program.id)
    session.add(_apply(promotion, typed, time_zone))
    session.flush()
    _announce(session, promotion, "promotion.created")
    session.commit()
    return promotion


@atomic
def update_promotion(
    session: Session, actor: User, promotion_id: int, typed: PromotionInput
) -> Promotion:
    """Change every field of a promotion; awards already made keep their bonuses."""
    promotion = _managed_promotion(session, actor, promotion_id)
    time_zone = get_business(session, promotion.business_id).time_zone
    session.add(_apply(promotion, typed, time_zone))
    _announce(session, promotion, "promotion.updated")
    session.commit()
    return promotion


@atomic
def end_promotion(session: Session, actor: User, promotion_id: int) -> Promotion:
    """End a promotion now: it runs no more and leaves the list (its bonuses stay)."""
    promotion = _managed_promotion(session, actor, promotion_id)
    promotion.archived_at = utc_now()
    session.add(promotion)
    _announce(session, promotion, "promotion.ended")
    session.commit()
    return promotion


def list_promotions(session: Session, actor: User, business_id: int) -> list[Promotion]:
    """The business's promotions that have not been ended, of programs not archived."""
    require_business_permission(session, actor, business_id, Permission.MANAGE_PROGRAMS)
    statement = (
        select(Promotion)
        .join(LoyaltyProgram, LoyaltyProgram.id == Promotion.program_id)
        .where(
            Promotion.business_id == business_id,
            Promotion.archived_at.is_(None),
            LoyaltyProgram.archived_at.is_(None),
        )
        .order_by(Promotion.id.desc())
    )
    return list(session.exec(statement))
