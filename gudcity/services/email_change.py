"""Changing a user's email: confirmed by a link sent to the new address.

Asking needs the current password; the link goes to the new address and a notice
to the old one, so a stolen session cannot move an account quietly. The change
happens when the link is used: once, within EMAIL_CHANGE_TTL_HOURS, for the newest
request only, and only if no other account took the address meanwhile.
"""

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gudcity import routes
from gudcity.domain.errors import (
    ConflictError,
    ExpiredError,
    PermissionDeniedError,
    RateLimitedError,
    ValidationError,
)
from gudcity.i18n.catalogue import N_, NP_, Message
from gudcity.models import AccountToken, TokenPurpose, User, utc_now
from gudcity.services import account_tokens
from gudcity.services.accounts import normalize_email
from gudcity.services.atomic import atomic
from gudcity.services.inputs import check_text, get_row
from gudcity.services.login import check_current_password
from gudcity.services.mail import compose, link, queue_mail, words_for
from gudcity.services.outbox import publish
from gudcity.services.profile import pages_showing
from gudcity.settings import get_settings

CHANGE = TokenPurpose.EMAIL_CHANGE
TAKEN = N_("An account with this email already exists.")
_OPEN_THIS_LINK = NP_(
    "To make {email} the email of your GudCity account, open this link. "
    "It works once, for {count} hour.",
    "To make {email} the email of your GudCity account, open this link. "
    "It works once, for {count} hours.",
)


def _taken(session: Session, email: str, user: User) -> bool:
    return (
        session.exec(select(User.id).where(User.email == email, User.id != user.id)).first()
        is not None
    )


@atomic
def request_email_change(
    session: Session, actor: User, new_email: str, current_password: str
) -> str:
    """Mail a confirmation link to `new_email` and a notice to the current address;
    the normalized new address. Nothing changes until the link is used."""
    if actor is None:
        raise PermissionDeniedError("Please log in.")
    user = get_row(session, User, actor.id)
    if user is None:
        raise PermissionDeniedError("Please log in.")
    wrong = ValidationError("That password is not right.")
    check_current_password(session, user, check_text(current_password, N_("Password")), wrong)
    email = normalize_email(check_text(new_email, N_("Email")))
    if email == user.email:
        raise ValidationError("That is your email already.")
    if _taken(session, email, user):
        raise ConflictError(TAKEN)
    _check_rate(session, user)
    hours = get_settings().email_change_ttl_hours
    token = account_tokens.issue_token(
        session, user, CHANGE, timedelta(hours=hours), new_email=email
    )
    _queue_confirmation(session, user, email, token, hours)
    _queue_notice(session, user, email)
    session.commit()
    return email


def _check_rate(session: Session, user: User) -> None:
    """Each request mails an address the user typed: a few a day, not a mail cannon."""
    mine = (AccountToken.user_id == user.id) & (AccountToken.purpose == CHANGE)
    day_ago = utc_now() - timedelta(days=1)
    if account_tokens.tokens_since(session, mine, day_ago) >= get_settings().email_changes_per_day:
        raise RateLimitedError("Too many email changes today. Try again tomorrow.")


def _queue_confirmation(session: Session, user: User, email: str, token: str, hours: int) -> None:
    words = words_for(user)
    text, html = compose(
        words,
        [
            Message(N_("Hello {name},"), {"name": user.name}),
            Message.plural_of(_OPEN_THIS_LINK, hours, email=email),
            Message(N_("If you did not ask for this, ignore this mail: nothing changes.")),
        ],
        (Message(N_("Confirm your new email")), link(routes.CONFIRM_EMAIL, token=token)),
    )
    queue_mail(session, email, words.gettext("Confirm your new GudCity email"), text, html)


def _queue_notice(session: Session, user: User, email: str) -> None:
    words = words_for(user)
    text, html = compose(
        words,
        [
            Message(N_("Hello {name},"), {"name": user.name}),
            Message(
                N_(
                    "Someone asked to change the email of your GudCity account to {email}. "
                    "It changes only when the link sent there is opened."
                ),
                {"email": email},
            ),
            Message(N_("If that was not you, reset your password now: the request ends with it.")),
        ],
        (Message(N_("Reset your password")), link(routes.FORGOT_PASSWORD)),
    )
    queue_mail(
        session, user.email, words.gettext("Your GudCity email is being changed"), text, html
    )


def email_link_works(session: Session, token: str) -> bool:
    """Whether `token` would still confirm a change (the page asks before its button)."""
    return account_tokens.find_token(session, token, CHANGE) is not None


@atomic
def confirm_email_change(session: Session, token: str) -> User:
    """Move the account to the address the link was sent to; the link is used up."""
    row = account_tokens.use_token(session, token, CHANGE)
    user = session.get(User, row.user_id)
    if user is None or row.new_email is None:
        raise ExpiredError(account_tokens.LINK_EXPIRED)
    if _taken(session, row.new_email, user):
        raise ConflictError(TAKEN)
    user.email = row.new_email
    session.add(user)
    publish(session, pages_showing(session, user), "email_changed", {"user_id": user.id})
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(TAKEN) from None
    return user
