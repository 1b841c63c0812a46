"""Forgotten passwords: a link by mail, then a new password through it.

Asking answers the same for any address: whether it has an account, and whether
the throttle held the mail back, shows only in the mailbox. The link's token works
once, for PASSWORD_RESET_TTL_MINUTES, and only while it is the newest one asked
for; using it ends every session of the account (the caller then starts one).
"""

from datetime import timedelta

from sqlmodel import Session, delete, select

from gudcity import routes
from gudcity.domain.errors import ExpiredError, ValidationError
from gudcity.i18n.catalogue import N_, NP_, Message
from gudcity.models import AccountToken, LoginFailure, TokenPurpose, User, utc_now
from gudcity.services import account_tokens
from gudcity.services.accounts import check_password, normalize_email, password_hasher
from gudcity.services.atomic import atomic
from gudcity.services.inputs import check_text
from gudcity.services.mail import compose, link, queue_mail, words_for
from gudcity.services.outbox import publish
from gudcity.services.profile import pages_showing
from gudcity.services.sessions import revoke_user_sessions
from gudcity.settings import get_settings

RESET = TokenPurpose.PASSWORD_RESET
SUBJECT = N_("Reset your GudCity password")
_ONCE = NP_(
    "Someone (we hope you) asked to reset the password of your GudCity account. "
    "The link works once, for {count} minute.",
    "Someone (we hope you) asked to reset the password of your GudCity account. "
    "The link works once, for {count} minutes.",
)


@atomic
def request_password_reset(session: Session, email: str, address: str = "") -> None:
    """Mail a reset link to the account with this email, if there is one and the
    throttle allows; the same (no) answer either way."""
    try:
        email = normalize_email(check_text(email, N_("Email")))
    except ValidationError:
        return
    address = address.replace("\x00", "")[:64] if isinstance(address, str) else ""
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None or _held_back(session, user, address):
        return
    settings = get_settings()
    ttl = timedelta(minutes=settings.password_reset_ttl_minutes)
    token = account_tokens.issue_token(session, user, RESET, ttl, address=address)
    words = words_for(user)
    text, html = compose(
        words,
        [
            Message(N_("Hello {name},"), {"name": user.name}),
            Message.plural_of(_ONCE, settings.password_reset_ttl_minutes),
            Message(N_("If it was not you, ignore this mail: your password stays as it is.")),
        ],
        (Message(N_("Choose a new password")), link(routes.RESET_PASSWORD, token=token)),
    )
    queue_mail(session, user.email, words.gettext(SUBJECT), text, html)
    session.commit()


def _held_back(session: Session, user: User, address: str) -> bool:
    """Whether this account or this address has been sent enough links lately."""
    settings = get_settings()
    since = utc_now() - timedelta(minutes=settings.password_reset_window_minutes)
    mine = (AccountToken.user_id == user.id) & (AccountToken.purpose == RESET)
    if account_tokens.tokens_since(session, mine, since) >= settings.password_resets_per_account:
        return True
    if not address:
        return False
    theirs = (AccountToken.address == address) & (AccountToken.purpose == RESET)
    return account_tokens.tokens_since(session, theirs, since) >= (
        settings.password_resets_per_address
    )


def reset_link_works(session: Session, token: str) -> bool:
    """Whether `token` would still reset a password (the page asks before showing its form)."""
    return account_tokens.find_token(session, token, RESET) is not None


@atomic
def reset_password(session: Session, token: str, new_password: str) -> User:
    """Set the account's password through the link: its sessions and its other
    links end, its log-in failures are forgotten, and a temporary password needs no
    second change."""
    check_password(check_text(new_password, N_("Password")))
    row = account_tokens.use_token(session, token, RESET)
    user = session.get(User, row.user_id)
    if user is None:
        raise ExpiredError(account_tokens.LINK_EXPIRED)
    user.password_hash = password_hasher.hash(new_password)
    user.must_change_password = False
    session.add(user)
    revoke_user_sessions(session, user.id)
    # Its open pages re-read, find their session ended, and log out at once.
    publish(session, pages_showing(session, user), "password_reset", {"user_id": user.id})
    # A reset also ends a pending change of the account's email (the notice says so).
    account_tokens.end_tokens(session, user.id, RESET, TokenPurpose.EMAIL_CHANGE)
    session.exec(delete(LoginFailure).where(LoginFailure.email == user.email))
    session.commit()
    return user
