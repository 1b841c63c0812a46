"""What a scan can come to, and the keys of the steps one scan takes."""

import hashlib
from enum import StrEnum

from gudcity.domain.labels import amount_label, unit, wait_label
from gudcity.models.enums import ProgramKind


class ScanOutcome(StrEnum):
    """A scan's result, as the scan log stores it."""

    AWARDED = "AWARDED"
    COOLDOWN = "COOLDOWN"
    ENROLLMENT_REQUESTED = "ENROLLMENT_REQUESTED"
    UNKNOWN_CARD = "UNKNOWN_CARD"
    INVALID_TOKEN = "INVALID_TOKEN"
    EXPIRED_TOKEN = "EXPIRED_TOKEN"
    UNKNOWN_CUSTOMER = "UNKNOWN_CUSTOMER"


def step_key(purpose: str, scan_key: str) -> str:
    """The idempotency key of one step of a scan (its award, its invitation).

    Hashed, so that a 128-character scan key still fits the 128-character key columns.
    """
    return f"{purpose}:{hashlib.sha256(scan_key.encode()).hexdigest()[:48]}"


def scan_award_key(scan_key: str) -> str:
    return step_key("scan-award", scan_key)


def scan_invitation_key(scan_key: str) -> str:
    return step_key("scan-enroll", scan_key)


INVITED = "Not enrolled yet: an invitation was sent to the customer."


def scan_outcome_message(
    outcome: str, kind: ProgramKind, awarded: int | None, wait_seconds: int = 0
) -> str:
    """What the counter reads after a scan: what it gave, or why nothing.

    `wait_seconds`: for a scan within the cooldown, how long until the next award.
    """
    if outcome == ScanOutcome.AWARDED and awarded is not None:
        return f"+{amount_label(kind, awarded)} awarded."
    if outcome == ScanOutcome.ENROLLMENT_REQUESTED:
        return INVITED
    if outcome == ScanOutcome.COOLDOWN:
        when = f"in {wait_label(wait_seconds)}" if wait_seconds > 0 else "once the cooldown ends"
        return f"Scanned. No {unit(kind)} this time: next scan award {when}."
    return "Scanned."
