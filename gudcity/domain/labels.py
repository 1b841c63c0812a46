"""The words for amounts: a program counts in points or in stamps, one or many.

The `*_message` helpers give Messages (gudcity/i18n): words a reader's translator
turns into their language, with the plural form each language needs.
"""

from gudcity.i18n.catalogue import N_, NP_, Message
from gudcity.models.enums import ProgramKind, TransactionKind

_AMOUNTS = {
    ProgramKind.POINTS: NP_("{count} point", "{count} points"),
    ProgramKind.STAMPS: NP_("{count} stamp", "{count} stamps"),
}
_UNITS = {
    ProgramKind.POINTS: NP_("point", "points"),
    ProgramKind.STAMPS: NP_("stamp", "stamps"),
}
_ADDED = {
    ProgramKind.POINTS: NP_("Point added", "Points added"),
    ProgramKind.STAMPS: NP_("Stamp added", "Stamps added"),
}
_DEDUCTED = {
    ProgramKind.POINTS: NP_("Point deducted", "Points deducted"),
    ProgramKind.STAMPS: NP_("Stamp deducted", "Stamps deducted"),
}


def amount_message(kind: ProgramKind, amount: int) -> Message:
    """`1 point`, `25 points`, `1 stamp`: a program's own unit."""
    return Message.plural_of(_AMOUNTS[kind], amount)


def unit_message(kind: ProgramKind, amount: int = 2) -> Message:
    """`points`, `point`, `stamps` or `stamp`, for `amount` of them."""
    return Message.plural_of(_UNITS[kind], amount)


def added_message(kind: ProgramKind, amount: int) -> Message:
    """A notification's title for an award: `Points added`, `Stamp added`."""
    return Message.plural_of(_ADDED[kind], amount)


def deducted_message(kind: ProgramKind, amount: int) -> Message:
    """A notification's title for a deduction: `Points deducted`, `Stamp deducted`."""
    return Message.plural_of(_DEDUCTED[kind], amount)


_SIGNED_AMOUNTS = {
    ProgramKind.POINTS: NP_("{signed} point", "{signed} points"),
    ProgramKind.STAMPS: NP_("{signed} stamp", "{signed} stamps"),
}


def signed_amount_message(kind: ProgramKind, amount: int) -> Message:
    """A ledger row's amount in its program's unit: `+10 points`, `-1 stamp`, `0 points`."""
    return Message.plural_of(_SIGNED_AMOUNTS[kind], abs(amount), signed=signed_amount(amount))


_WAIT_SECONDS = NP_("{count} s", "{count} s")
_WAIT_MINUTES = NP_("{count} min", "{count} min")
_WAIT_HOURS = NP_("{count} h", "{count} h")


def wait_message(seconds: int) -> Message:
    """How long until something comes round again: `45 s`, `4 min`, `3 h`, rounded up."""
    seconds = max(int(seconds), 1)
    if seconds < 60:
        return Message.plural_of(_WAIT_SECONDS, seconds)
    minutes = -(-seconds // 60)
    if minutes < 120:
        return Message.plural_of(_WAIT_MINUTES, minutes)
    return Message.plural_of(_WAIT_HOURS, -(-seconds // 3600))


# msgids: shown through the reader's translator.
PROGRAM_KIND_LABELS = {ProgramKind.POINTS: N_("Points"), ProgramKind.STAMPS: N_("Stamps")}

TRANSACTION_LABELS = {
    TransactionKind.EARN: N_("Earned"),
    TransactionKind.DEDUCT: N_("Deducted"),
    TransactionKind.REDEEM: N_("Redeemed"),
    TransactionKind.ADJUST: N_("Adjusted"),
    TransactionKind.REFUND: N_("Refunded"),
    TransactionKind.TIER_BONUS: N_("Tier bonus"),
    TransactionKind.PROMOTION_BONUS: N_("Promotion bonus"),
    TransactionKind.WELCOME_BONUS: N_("Welcome bonus"),
    TransactionKind.BIRTHDAY_BONUS: N_("Birthday reward"),
    TransactionKind.REFERRAL_BONUS: N_("Referral reward"),
    TransactionKind.CODE_BONUS: N_("Promo code"),
    TransactionKind.EXPIRE: N_("Expired"),
}


def signed_amount(amount: int) -> str:
    """A ledger row's amount as the history shows it: `+10`, `-25`; `0` (a promo code's
    reward, redeemed for no points) has no sign."""
    return f"{amount:+d}" if amount else "0"


def count_badge(count: int, cap: int) -> str:
    """An unread count as a badge shows it: counting stops at `cap`, shown as "99+"."""
    return f"{cap - 1}+" if count >= cap else str(count)
