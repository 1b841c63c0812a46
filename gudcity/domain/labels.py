"""The words for amounts: a program counts in points or in stamps, one or many."""

from gudcity.models.enums import ProgramKind, TransactionKind

PROGRAM_KIND_LABELS = {ProgramKind.POINTS: "Points", ProgramKind.STAMPS: "Stamps"}

TRANSACTION_LABELS = {
    TransactionKind.EARN: "Earned",
    TransactionKind.DEDUCT: "Deducted",
    TransactionKind.REDEEM: "Redeemed",
    TransactionKind.ADJUST: "Adjusted",
    TransactionKind.REFUND: "Refunded",
}


def unit(kind: ProgramKind, amount: int = 2) -> str:
    """`points`, `point`, `stamps` or `stamp`, for `amount` of them."""
    word = "stamp" if kind == ProgramKind.STAMPS else "point"
    return word if amount == 1 else f"{word}s"


def amount_label(kind: ProgramKind, amount: int) -> str:
    """`1 point`, `25 points`, `1 stamp`: a program's own unit."""
    return f"{amount} {unit(kind, amount)}"


def added_title(kind: ProgramKind, amount: int) -> str:
    """A notification's title for an award: `Points added`, `Stamp added`."""
    return f"{unit(kind, amount).capitalize()} added"


def deducted_title(kind: ProgramKind, amount: int) -> str:
    """A notification's title for a deduction: `Points deducted`, `Stamp deducted`."""
    return f"{unit(kind, amount).capitalize()} deducted"


def were(amount: int) -> str:
    """The verb that follows an amount: `1 stamp was`, `3 points were`."""
    return "was" if amount == 1 else "were"


def wait_label(seconds: int) -> str:
    """How long until something comes round again: `45 s`, `4 min`, `3 h`, rounded up."""
    seconds = max(int(seconds), 1)
    if seconds < 60:
        return f"{seconds} s"
    minutes = -(-seconds // 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{-(-seconds // 3600)} h"


def signed_amount(amount: int) -> str:
    """A ledger row's amount as the history shows it: `+10`, `-25`."""
    return f"{amount:+d}"


def count_badge(count: int, cap: int) -> str:
    """An unread count as a badge shows it: counting stops at `cap`, shown as "99+"."""
    return f"{cap - 1}+" if count >= cap else str(count)
