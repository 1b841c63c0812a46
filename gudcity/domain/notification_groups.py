"""Which of a customer's notifications read as one entry.

A scan that awards writes two notifications in one transaction, "QR code scanned"
and the points it earned: both are kept, and the list shows them as one entry.
The rule reads the notifications' facts (kind, business, program, time), never
their words.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from gudcity.models.enums import NotificationType

# Written by one transaction: milliseconds apart. An award typed at the counter after a
# scan that earned nothing (its cooldown) takes seconds: it stays an entry of its own.
SAME_SCAN = timedelta(seconds=1)


@dataclass(frozen=True)
class NoteFacts:
    notification_id: int
    kind: NotificationType
    business_id: int | None
    program_id: int | None
    created_at: datetime


def _same_scan(award: NoteFacts, scan: NoteFacts) -> bool:
    """`award` is the points the scan `scan` earned (scan first, award right after)."""
    return (
        scan.kind == NotificationType.QR_SCANNED
        and award.kind == NotificationType.POINTS_ADDED
        and scan.notification_id < award.notification_id
        and scan.business_id == award.business_id
        and scan.program_id == award.program_id
        and abs(award.created_at - scan.created_at) <= SAME_SCAN
    )


def group_notifications(newest_first: list[NoteFacts]) -> list[list[NoteFacts]]:
    """The entries, newest first; each the notifications it shows, the main one first.

    An award directly followed (one step older) by the scan that earned it is one
    entry led by the award; every other notification is an entry of its own.
    """
    entries: list[list[NoteFacts]] = []
    for note in newest_first:
        last = entries[-1] if entries else None
        if last is not None and len(last) == 1 and _same_scan(last[0], note):
            last.append(note)
        else:
            entries.append([note])
    return entries
