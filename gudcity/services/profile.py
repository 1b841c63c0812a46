"""A user's own settings: their name and password, and an owner's business details.

Each call takes the acting user and changes only what is theirs; one transaction.
The e-mail address is changed through a confirmation link (its own module).
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from gudcity.domain.analytics import clean_time_zone
from gudcity.domain.contact import clean_address, clean_opening_hours, clean_phone
from gudcity.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from gudcity.i18n.catalogue import N_
from gudcity.i18n.languages import supported
from gudcity.models import Business, LoyaltyProgram, ProgramEnrollment, User, UserRole
from gudcity.services.accounts import check_password, clean_name, password_hasher
from gudcity.services.analytics_rebuild import rebuild_analytics
from gudcity.services.atomic import atomic
from gudcity.services.inputs import check_text, get_row
from gudcity.services.login import check_current_password
from gudcity.services.outbox import business_topic, customer_topic, program_topic, publish
from gudcity.services.permissions import (
    CHOOSE_PASSWORD_FIRST,
    businesses_of,
    require_business_owner,
)
from gudcity.services.sessions import revoke_user_sessions

WRONG_CURRENT_PASSWORD = N_("Your current password is not right. Nothing was changed.")


@dataclass(frozen=True)
class BusinessProfile:
    """What an owner keeps in /settings and customers see on their cards."""

    business_id: int
    name: str
    address: str
    phone: str
    opening_hours: str
    # The IANA zone whose calendar days the dashboard counts in.
    time_zone: str


@dataclass(frozen=True)
class AccountSettings:
    name: str
    email: str
    role: UserRole
    # The business the user owns; None for customers and staff.
    business: BusinessProfile | None
    # The businesses an owner or staff member works for (their pages' topics).
    works_for: tuple[int, ...] = ()


def _profile(business: Business) -> BusinessProfile:
    return BusinessProfile(
        business.id,
        business.name,
        business.address,
        business.phone,
        business.opening_hours,
        business.time_zone,
    )


def _own_account(session: Session, actor: User | None) -> User:
    """The actor's own row, fresh from the database."""
    if actor is None:
        raise PermissionDeniedError("Please log in.")
    if actor.must_change_password:
        raise PermissionDeniedError(CHOOSE_PASSWORD_FIRST)
    user = get_row(session, User, actor.id)
    if user is None:
        raise NotFoundError("Your account was not found.")
    return user


def pages_showing(session: Session, user: User) -> list[str]:
    """The topics of the pages that show this user: their own, and their businesses'."""
    if user.role != UserRole.CUSTOMER:
        return [business_topic(b.id) for b in businesses_of(session, user)]
    enrolled_at = session.exec(
        select(LoyaltyProgram.business_id)
        .join(ProgramEnrollment, ProgramEnrollment.program_id == LoyaltyProgram.id)
        .where(ProgramEnrollment.customer_id == user.id)
        .distinct()
    )
    return [customer_topic(user.id)] + [business_topic(b) for b in enrolled_at]


def account_settings(session: Session, actor: User) -> AccountSettings:
    """What /settings shows the user: their account, and the business they own."""
    user = _own_account(session, actor)
    works_for = businesses_of(session, user)
    owned = [b for b in works_for if b.owner_id == user.id]
    business = _profile(owned[0]) if owned else None
    return AccountSettings(
        user.name, user.email, user.role, business, tuple(b.id for b in works_for)
    )


@atomic
def change_name(session: Session, actor: User, name: str) -> User:
    """The user's display name, as the pages of both sides show it."""
    user = _own_account(session, actor)
    name = clean_name(name)
    if name != user.name:
        user.name = name
        session.add(user)
        publish(session, pages_showing(session, user), "name_changed", {"user_id": user.id})
        session.commit()
    return user


@atomic
def choose_language(session: Session, actor: User, language: str) -> User:
    """The language the user reads GudCity in, on every device they log in on."""
    user = _own_account(session, actor)
    chosen = supported(language)
    if chosen is None:
        raise ValidationError("Choose one of the languages offered.")
    if chosen != user.language:
        user.language = chosen
        session.add(user)
        session.commit()
    return user


@atomic
def change_password(
    session: Session, actor: User, current_password: str, new_password: str, keep_session: str
) -> User:
    """A new password, given the current one; every session but `keep_session` (the
    token of the one asking) ends, and the pages open there are logged out live."""
    user = _own_account(session, actor)
    check_text(new_password, N_("New password"))
    current = check_text(current_password, N_("Password"))
    check_current_password(session, user, current, ValidationError(WRONG_CURRENT_PASSWORD))
    check_password(new_password)
    if new_password == current_password:
        raise ValidationError("Choose a new password, not your current one.")
    user.password_hash = password_hasher.hash(new_password)
    session.add(user)
    revoke_user_sessions(session, user.id, keep=check_text(keep_session, N_("A session")))
    publish(session, pages_showing(session, user), "password_changed", {"user_id": user.id})
    session.commit()
    return user


@atomic
def update_business_profile(
    session: Session,
    actor: User,
    business_id: int,
    *,
    name: str,
    address: str,
    phone: str,
    opening_hours: str,
    time_zone: str,
) -> BusinessProfile:
    """The owner's business: its name, what its customers see on their cards, its time zone.

    A new time zone moves the dashboard's days: its aggregates are recounted with it.
    """
    business = require_business_owner(session, actor, business_id)
    if actor.must_change_password:
        raise PermissionDeniedError(CHOOSE_PASSWORD_FIRST)
    values = {
        "name": clean_name(name, N_("Business name")),
        "address": clean_address(address),
        "phone": clean_phone(phone),
        "opening_hours": clean_opening_hours(opening_hours),
        "time_zone": clean_time_zone(time_zone),
    }
    moved = business.time_zone != values["time_zone"]
    if any(getattr(business, field) != value for field, value in values.items()):
        for field, value in values.items():
            setattr(business, field, value)
        session.add(business)
        programs = session.exec(
            select(LoyaltyProgram.id).where(LoyaltyProgram.business_id == business.id)
        )
        topics = [business_topic(business.id)] + [program_topic(p) for p in programs]
        publish(session, topics, "business_changed", {"business_id": business.id})
        if moved:
            session.flush()
            rebuild_analytics(session, business.id)
        session.commit()
    return _profile(business)
