"""Deleting one's own account ("Delete my account" on /settings, with the password).

The user row stays, anonymised, because the ledger, the activity log and the
businesses' books name it; everything that says who the person was goes:

- name -> "Deleted customer" (or "Deleted user"); email -> a unique placeholder
  on a reserved domain (`.invalid`, never routable); password hash -> the hash of
  a random secret nobody holds; card number cleared, public id (what QR codes
  carry) and every card's number replaced, so an old QR or card number no longer
  resolves; every session ended; log-in failures recorded under the email, mailed
  links (a pending email change's new address too) and the mails to them deleted.
- A customer leaves every program (they drop off each business's list), their
  requests still waiting for an answer expire, and their waiting reward codes are
  cancelled with REFUND ledger rows, as a cancel by the customer would: the
  points go back on the card so each balance still equals its ledger, and no
  counter can hand out a reward to an account that no longer exists.
- Their own notifications are deleted (they were given to them in their data
  download); the businesses' notifications about them keep their event but name
  "Deleted customer" where they named them (the span each row keeps, see
  domain/mentions.py), never inside other words.
- A staff member's seats go (as a removal by the owner does).

An owner is refused: their account carries the business, its programs and its
customers' cards. They export the business's data first, then transfer or close
the business with support.
"""

import secrets

from sqlalchemy import delete, select, update
from sqlmodel import Session

from gudcity.domain.card_numbers import new_card_number
from gudcity.domain.errors import AuthenticationError, PermissionDeniedError
from gudcity.domain.mentions import NAME_SPAN, name_span, renamed, unnamed, written_span
from gudcity.domain.stored_messages import loaded, stored
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    AccountToken,
    ApprovalRequest,
    ApprovalStatus,
    Business,
    BusinessNotification,
    CustomerNotification,
    EnrollmentStatus,
    LoginFailure,
    LoyaltyCard,
    LoyaltyProgram,
    OutboxMail,
    ProgramEnrollment,
    RewardCode,
    RewardCodeStatus,
    StaffPermission,
    User,
    UserRole,
    utc_now,
)
from gudcity.services.accounts import password_hasher
from gudcity.services.analytics_log import record_all_left
from gudcity.services.atomic import atomic
from gudcity.services.inputs import get_row
from gudcity.services.login import check_current_password
from gudcity.services.outbox import answer_topic, business_topic, customer_topic, publish
from gudcity.services.reward_codes import cancel_waiting
from gudcity.services.sessions import revoke_user_sessions

DELETED_CUSTOMER = N_("Deleted customer")
DELETED_USER = N_("Deleted user")
# A reserved top-level domain (RFC 2606): no mail can ever go there.
PLACEHOLDER_DOMAIN = "deleted.gudcity.invalid"
WRONG_PASSWORD = N_("That password is not right: your account was not deleted.")
OWNER_REFUSED = N_(
    "You own {business}: deleting your account would close the business, its programs "
    "and every customer's card. Export its customers and ledger first (on the Customers "
    "page), then contact GudCity support to transfer the business or close it."
)


def check_deletable(session: Session, actor: User | None, password: str) -> User:
    """The actor's own row, if the password is theirs and nothing they own stands in the way."""
    user = get_row(session, User, actor.id) if actor is not None else None
    if user is None or user.deleted_at is not None:
        raise PermissionDeniedError("Please log in.")
    owned = session.scalars(select(Business.name).where(Business.owner_id == user.id)).first()
    if owned is not None:
        raise PermissionDeniedError(OWNER_REFUSED, business=owned)
    typed = password if isinstance(password, str) else ""
    check_current_password(session, user, typed, AuthenticationError(WRONG_PASSWORD))
    return user


def do_close_customer_ties(session: Session, user: User) -> None:
    """Cancel waiting codes (refunded), expire waiting requests, leave every program."""
    codes = session.execute(
        select(RewardCode.id)
        .where(RewardCode.customer_id == user.id, RewardCode.status == RewardCodeStatus.WAITING)
        .order_by(RewardCode.card_id, RewardCode.id)
    ).scalars()
    for code_id in list(codes):
        cancel_waiting(session, code_id)
    expired = session.execute(
        update(ApprovalRequest)
        .where(
            ApprovalRequest.customer_id == user.id,
            ApprovalRequest.status == ApprovalStatus.PENDING,
        )
        .values(status=ApprovalStatus.EXPIRED, decided_at=utc_now())
        .returning(ApprovalRequest.business_id)
    ).scalars()
    publish(session, {answer_topic(b) for b in expired}, "request.answered")
    businesses = session.execute(
        select(LoyaltyProgram.business_id)
        .join(ProgramEnrollment, ProgramEnrollment.program_id == LoyaltyProgram.id)
        .where(ProgramEnrollment.customer_id == user.id)
        .distinct()
    ).scalars()
    topics = {business_topic(b) for b in businesses} | {customer_topic(user.id)}
    _log_leaving(session, user)
    session.execute(
        update(ProgramEnrollment)
        .where(
            ProgramEnrollment.customer_id == user.id,
            ProgramEnrollment.status.in_([EnrollmentStatus.ACTIVE, EnrollmentStatus.PENDING]),
        )
        .values(status=EnrollmentStatus.LEFT, updated_at=utc_now())
    )
    publish(session, topics, "customer.deleted", {"customer_id": user.id})


def _log_leaving(session: Session, user: User) -> None:
    """The enrollment log (and the dashboard) hear of each active enrollment ending."""
    ended = session.execute(
        select(LoyaltyProgram.business_id, LoyaltyProgram.id, Business.time_zone)
        .join(ProgramEnrollment, ProgramEnrollment.program_id == LoyaltyProgram.id)
        .join(Business, Business.id == LoyaltyProgram.business_id)
        .where(
            ProgramEnrollment.customer_id == user.id,
            ProgramEnrollment.status == EnrollmentStatus.ACTIVE,
        )
        .order_by(LoyaltyProgram.id)
    ).all()
    record_all_left(session, user.id, [tuple(row) for row in ended], utc_now())


def do_forget_customer(session: Session, user: User) -> None:
    """Their notifications go, the businesses' notes about them lose their name, their
    cards get new numbers."""
    session.execute(delete(CustomerNotification).where(CustomerNotification.customer_id == user.id))
    about = select(BusinessNotification).where(BusinessNotification.customer_id == user.id)
    for note in list(session.scalars(about)):
        _unname(session, note, user.name)
    for card in session.scalars(select(LoyaltyCard).where(LoyaltyCard.customer_id == user.id)):
        card.card_number = new_card_number()
        session.add(card)


def _unname(session: Session, note: BusinessNotification, name: str) -> None:
    """Put DELETED_CUSTOMER where the message named the customer, and nowhere else: in
    its English and in its Message (where it stands in the reader's language)."""
    if note.message_i18n is not None:
        message = unnamed(loaded(note.message_i18n, note.message), Message(DELETED_CUSTOMER))
        note.message_i18n = stored(message)
    span = name_span(note.data, note.message) or written_span(note.type, note.message, name)
    if span is not None:
        mention = renamed(note.message, span, DELETED_CUSTOMER)
        note.message, note.data = mention.text, {**(note.data or {}), NAME_SPAN: mention.span}
    session.add(note)


def do_remove_seats(session: Session, user: User) -> None:
    businesses = session.execute(
        delete(StaffPermission)
        .where(StaffPermission.user_id == user.id)
        .returning(StaffPermission.business_id)
    ).scalars()
    for business_id in list(businesses):
        publish(session, [business_topic(business_id)], "staff_removed", {"user_id": user.id})


def do_forget_addresses(session: Session, user: User) -> None:
    """Log-in failures under their email, their mailed links, and every mail to them
    (sent or waiting: a waiting reset link must not go out) or to an address they
    were moving to."""
    addresses = {user.email} | {
        email
        for email in session.scalars(
            select(AccountToken.new_email).where(AccountToken.user_id == user.id)
        )
        if email
    }
    session.execute(delete(LoginFailure).where(LoginFailure.email.in_(addresses)))
    session.execute(delete(OutboxMail).where(OutboxMail.to_address.in_(addresses)))
    session.execute(delete(AccountToken).where(AccountToken.user_id == user.id))


def do_anonymise(session: Session, user: User) -> None:
    """The row keeps its id and role; nothing in it says who the person was."""
    do_forget_addresses(session, user)
    revoke_user_sessions(session, user.id)
    user.name = DELETED_CUSTOMER if user.role == UserRole.CUSTOMER else DELETED_USER
    user.email = f"{secrets.token_hex(12)}@{PLACEHOLDER_DOMAIN}"
    user.password_hash = password_hasher.hash(secrets.token_urlsafe(32))
    user.public_id = secrets.token_urlsafe(12)
    user.card_number = None
    user.birth_month = user.birth_day = user.birthday_set_at = None
    user.must_change_password = False
    user.deleted_at = utc_now()
    session.add(user)


@atomic
def delete_account(session: Session, actor: User, password: str) -> None:
    """Delete the actor's own account (see the module's docstring); commits once."""
    user = check_deletable(session, actor, password)
    if user.role == UserRole.CUSTOMER:
        do_close_customer_ties(session, user)
        do_forget_customer(session, user)
    do_remove_seats(session, user)
    do_anonymise(session, user)
    session.commit()
