"""The words of the back office: what a staff action was, a ledger row's signed amount."""

from gudcity.domain.labels import signed_amount, unit
from gudcity.models.enums import ProgramKind, StaffActionKind

STAFF_ACTION_LABELS = {
    StaffActionKind.SCAN: "Scan",
    StaffActionKind.AWARD: "Award",
    StaffActionKind.DEDUCTION_REQUEST: "Deduction request",
    StaffActionKind.ENROLLMENT_REQUEST: "Invitation",
    StaffActionKind.DELIVERY: "Reward delivered",
}

# A scan's outcome (the scan log's words, stored as the action's detail), as the log reads.
SCAN_RESULT_LABELS = {
    "AWARDED": "points awarded",
    "COOLDOWN": "no points (cooldown)",
    "ENROLLMENT_REQUESTED": "invited to join",
}


def signed_amount_label(kind: ProgramKind, amount: int) -> str:
    """A ledger row's amount in its program's unit: `+10 points`, `-1 stamp`."""
    return f"{signed_amount(amount)} {unit(kind, abs(amount))}"


def staff_action_label(kind: StaffActionKind, detail: str) -> str:
    """`Award`, `Scan · points awarded`: the action, and for a scan what came of it."""
    label = STAFF_ACTION_LABELS.get(kind, kind.value.replace("_", " ").capitalize())
    if kind == StaffActionKind.SCAN and detail:
        return f"{label} · {SCAN_RESULT_LABELS.get(detail, detail.lower().replace('_', ' '))}"
    return label
