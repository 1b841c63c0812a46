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


def signed_amount(amount: int) -> str:
    """A ledger row's amount as the history shows it: `+10`, `-25`."""
    return f"{amount:+d}"


def count_badge(count: int, cap: int) -> str:
    """An unread count as a badge shows it: counting stops at `cap`, shown as "99+"."""
    return f"{cap - 1}+" if count >= cap else str(count)
