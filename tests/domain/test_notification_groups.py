"""The list's rule: a scan and the points it earned read as one entry."""

from datetime import UTC, datetime, timedelta

from gudcity.domain.notification_groups import SAME_SCAN, NoteFacts, group_notifications
from gudcity.models.enums import NotificationType

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SCANNED, ADDED = NotificationType.QR_SCANNED, NotificationType.POINTS_ADDED


def note(nid, kind, *, business=1, program=1, at=T0):
    return NoteFacts(nid, kind, business, program, at)


def ids(entries):
    return [[n.notification_id for n in entry] for entry in entries]


def test_a_scan_that_awards_is_one_entry_led_by_the_award():
    entries = group_notifications([note(2, ADDED), note(1, SCANNED)])
    assert ids(entries) == [[2, 1]]


def test_a_scan_without_points_and_a_manual_award_stay_apart():
    # A cooldown scan, then a manual award a minute later at the same business.
    later = T0 + timedelta(minutes=1)
    entries = group_notifications([note(2, ADDED, at=later), note(1, SCANNED)])
    assert ids(entries) == [[2], [1]]
    assert timedelta(minutes=1) > SAME_SCAN


def test_only_the_same_business_and_program_group():
    assert ids(group_notifications([note(2, ADDED, business=2), note(1, SCANNED)])) == [[2], [1]]
    assert ids(group_notifications([note(2, ADDED, program=2), note(1, SCANNED)])) == [[2], [1]]


def test_each_notification_joins_at_most_one_entry():
    newest_first = [note(4, ADDED), note(3, SCANNED), note(2, ADDED), note(1, SCANNED)]
    assert ids(group_notifications(newest_first)) == [[4, 3], [2, 1]]
    # Two scans in a row, then an award: the award takes the scan just before it.
    assert ids(group_notifications([note(3, ADDED), note(2, SCANNED), note(1, SCANNED)])) == [
        [3, 2],
        [1],
    ]
    # The scan's invitation is an entry of its own, to be answered.
    invitation = note(2, NotificationType.ENROLLMENT_REQUEST)
    assert ids(group_notifications([invitation, note(1, SCANNED)])) == [[2], [1]]


def test_an_award_older_than_the_scan_does_not_group():
    assert ids(group_notifications([note(2, SCANNED), note(1, ADDED)])) == [[2], [1]]


def test_nothing_is_lost_or_doubled():
    newest_first = [note(n, SCANNED if n % 3 else ADDED) for n in range(30, 0, -1)]
    flat = [n for entry in group_notifications(newest_first) for n in entry]
    assert flat == newest_first
