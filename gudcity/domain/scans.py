"""What a scan can come to, and the keys of the steps one scan takes."""

import hashlib
from enum import StrEnum

from gudcity.domain.labels import wait_message
from gudcity.i18n.catalogue import N_, NP_, Message
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


INVITED = N_("Not enrolled yet: an invitation was sent to the customer.")
SCANNED = N_("Scanned.")
_AWARDED = {
    ProgramKind.POINTS: NP_("+{count} point awarded.", "+{count} points awarded."),
    ProgramKind.STAMPS: NP_("+{count} stamp awarded.", "+{count} stamps awarded."),
}
# Within the cooldown: how long until the next award ({wait}), or not known.
_COOLDOWN_WAIT = {
    ProgramKind.POINTS: N_("Scanned. No points this time: next scan award in {wait}."),
    ProgramKind.STAMPS: N_("Scanned. No stamps this time: next scan award in {wait}."),
}
_COOLDOWN = {
    ProgramKind.POINTS: N_("Scanned. No points this time: next scan award once the cooldown ends."),
    ProgramKind.STAMPS: N_("Scanned. No stamps this time: next scan award once the cooldown ends."),
}


def scan_outcome_message(
    outcome: str, kind: ProgramKind, awarded: int | None, wait_seconds: int = 0
) -> Message:
    """What the counter reads after a scan: what it gave, or why nothing.

    `wait_seconds`: for a scan within the cooldown, how long until the next award.
    """
    if outcome == ScanOutcome.AWARDED and awarded is not None:
        return Message.plural_of(_AWARDED[kind], awarded)
    if outcome == ScanOutcome.ENROLLMENT_REQUESTED:
        return Message(INVITED)
    if outcome == ScanOutcome.COOLDOWN:
        if wait_seconds > 0:
            return Message(_COOLDOWN_WAIT[kind], {"wait": wait_message(wait_seconds)})
        return Message(_COOLDOWN[kind])
    return Message(SCANNED)
