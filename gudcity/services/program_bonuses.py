"""A program's bonuses beyond the counter: a welcome bonus on joining, a birthday
reward and its window, and what a referral pays each side, with its limit.

Each is 0 when the program does not offer it. The owner sets them, or staff allowed
to manage programs; one transaction. Who is granted what, and when, is the business
of services/welcome.py, services/birthdays.py and services/referrals.py.
"""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from gudcity.domain.birthdays import check_window
from gudcity.domain.errors import ValidationError
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import LoyaltyProgram, ProgramKind, User
from gudcity.services.atomic import atomic
from gudcity.services.programs import announce, changeable_program, managed_program
from gudcity.settings import get_settings

# The most paid referrals a limit can name; 0 is no limit.
MAX_REFERRAL_LIMIT = 10_000
# The form's words for each amount (msgids), for the refusals.
BONUS_NAMES = {
    "welcome_bonus": N_("Welcome bonus"),
    "birthday_bonus": N_("Birthday reward"),
    "referrer_bonus": N_("Reward for the referrer"),
    "friend_bonus": N_("Reward for the friend"),
}


@dataclass(frozen=True)
class ProgramBonuses:
    program_id: int
    program_name: str
    program_kind: ProgramKind
    welcome_bonus: int
    birthday_bonus: int
    # Days after the birthday the reward may still come (0: on the day only).
    birthday_window_days: int
    referrer_bonus: int
    friend_bonus: int
    # Paid referrals per referrer (0: no limit).
    referral_limit: int

    @property
    def offers_referrals(self) -> bool:
        return offers_referrals(self)


def offers_referrals(program: Any) -> bool:
    """Whether a referral pays anyone: the program (or its bonuses) says so."""
    return program.referrer_bonus > 0 or program.friend_bonus > 0


def bonuses_of(program: LoyaltyProgram) -> ProgramBonuses:
    return ProgramBonuses(
        program_id=program.id,
        program_name=program.name,
        program_kind=program.kind,
        welcome_bonus=program.welcome_bonus,
        birthday_bonus=program.birthday_bonus,
        birthday_window_days=program.birthday_window_days,
        referrer_bonus=program.referrer_bonus,
        friend_bonus=program.friend_bonus,
        referral_limit=program.referral_limit,
    )


def check_bonus(value: object, what: str) -> int:
    """An amount a rule grants: 0 (none) up to the per-transaction limit."""
    limit = get_settings().max_points_per_transaction
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("{what} must be a whole number.", what=Message(what))
    if not 0 <= value <= limit:
        raise ValidationError(
            "{what} must be between 0 and {limit}.", what=Message(what), limit=limit
        )
    return value


def check_referral_limit(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("The referral limit must be a whole number.")
    if not 0 <= value <= MAX_REFERRAL_LIMIT:
        raise ValidationError(
            "The referral limit must be between 0 and {limit}.", limit=MAX_REFERRAL_LIMIT
        )
    return value


def program_bonuses(session: Session, actor: User, program_id: int) -> ProgramBonuses:
    """What the program's bonuses dialog starts with."""
    return bonuses_of(managed_program(session, actor, program_id))


@atomic
def set_program_bonuses(
    session: Session,
    actor: User,
    program_id: int,
    *,
    welcome_bonus: int,
    birthday_bonus: int,
    birthday_window_days: int,
    referrer_bonus: int,
    friend_bonus: int,
    referral_limit: int,
) -> ProgramBonuses:
    """Set every bonus of a program at once; any refusal changes none of them.

    A new amount applies to what is granted from now on: a pending referral is paid
    what the program offers on the friend's first visit.
    """
    program = changeable_program(session, actor, program_id)
    amounts = {
        "welcome_bonus": welcome_bonus,
        "birthday_bonus": birthday_bonus,
        "referrer_bonus": referrer_bonus,
        "friend_bonus": friend_bonus,
    }
    values = {name: check_bonus(value, BONUS_NAMES[name]) for name, value in amounts.items()}
    values["birthday_window_days"] = check_window(birthday_window_days)
    values["referral_limit"] = check_referral_limit(referral_limit)
    if any(getattr(program, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(program, name, value)
        session.add(program)
        announce(session, program, "program.updated")
        session.commit()
    return bonuses_of(program)
