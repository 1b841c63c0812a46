"""The words of the back office: what a staff action was, and what came of a scan."""

from gudcity.i18n.catalogue import N_, Message
from gudcity.models.enums import StaffActionKind

STAFF_ACTION_LABELS = {
    StaffActionKind.SCAN: N_("Scan"),
    StaffActionKind.AWARD: N_("Award"),
    StaffActionKind.DEDUCTION_REQUEST: N_("Deduction request"),
    StaffActionKind.ENROLLMENT_REQUEST: N_("Invitation"),
    StaffActionKind.DELIVERY: N_("Reward delivered"),
}

# A scan's outcome (the scan log's words, stored as the action's detail), as the log reads.
SCAN_RESULT_LABELS = {
    "AWARDED": N_("points awarded"),
    "COOLDOWN": N_("no points (cooldown)"),
    "ENROLLMENT_REQUESTED": N_("invited to join"),
}


_WITH_RESULT = N_("{action} · {result}")


def staff_action_label(kind: StaffActionKind, detail: str) -> Message:
    """`Award`, `Scan · points awarded`: the action, and for a scan what came of it."""
    label = Message(STAFF_ACTION_LABELS[kind])
    result = SCAN_RESULT_LABELS.get(detail) if kind == StaffActionKind.SCAN else None
    if result is None:
        return label
    return Message(_WITH_RESULT, {"action": label, "result": Message(result)})
