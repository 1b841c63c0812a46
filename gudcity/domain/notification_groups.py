"""Which of a customer's notifications read as one entry.

A scan that awards writes two notifications in one transaction, "QR code scanned"
and the points it earned: both are kept, and the list shows them as one entry.
The award names its scan: its `data` holds the scan notification's id
(SCAN_LINK), written with it. Grouping follows that link only, never the times or
the words; notifications written before the link existed stay entries of their own.
"""

from dataclasses import dataclass

from gudcity.models.enums import NotificationType

# The key, in an award notification's `data`, of the scan notification it belongs to.
SCAN_LINK = "scan_notification_id"


@dataclass(frozen=True)
class NoteFacts:
    notification_id: int
    kind: NotificationType
    # The scan notification this one belongs to (an award's SCAN_LINK), else None.
    scan_id: int | None = None


def scan_link(data: dict | None) -> int | None:
    """The scan notification named by a notification's `data`, if it names one."""
    linked = (data or {}).get(SCAN_LINK)
    return linked if isinstance(linked, int) and not isinstance(linked, bool) else None


def _same_scan(award: NoteFacts, scan: NoteFacts) -> bool:
    """`award` is the points the scan `scan` earned: it names that scan."""
    return (
        award.kind == NotificationType.POINTS_ADDED
        and scan.kind == NotificationType.QR_SCANNED
        and award.scan_id == scan.notification_id
    )


def group_notifications(newest_first: list[NoteFacts]) -> list[list[NoteFacts]]:
    """The entries, newest first; each the notifications it shows, the main one first.

    An award and the scan it names (anywhere older in the list) are one entry, led
    by the award, in the award's place; every other notification is an entry of its own.
    """
    awards = {}
    for note in newest_first:
        if note.scan_id is not None and note.kind == NotificationType.POINTS_ADDED:
            awards.setdefault(note.scan_id, note)
    entries: dict[int, list[NoteFacts]] = {}
    for note in newest_first:
        award = awards.get(note.notification_id)
        if award is not None and award.notification_id in entries and _same_scan(award, note):
            entries[award.notification_id].append(note)
        else:
            entries[note.notification_id] = [note]
    return list(entries.values())
