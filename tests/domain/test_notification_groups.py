"""The list's rule: a scan and the points it earned read as one entry, by their link."""

from gudcity.domain.notification_groups import SCAN_LINK, NoteFacts, group_notifications, scan_link
from gudcity.models.enums import NotificationType

SCANNED, ADDED = NotificationType.QR_SCANNED, NotificationType.POINTS_ADDED


def award(nid, scan):
    return NoteFacts(nid, ADDED, scan)


def scan(nid):
    return NoteFacts(nid, SCANNED)


def ids(entries):
    return [[n.notification_id for n in entry] for entry in entries]


def test_a_scan_that_awards_is_one_entry_led_by_the_award():
    assert ids(group_notifications([award(2, scan=1), scan(1)])) == [[2, 1]]


def test_only_the_link_groups_not_closeness():
    # A scan in its cooldown, then an award typed at the counter right after: no link.
    assert ids(group_notifications([award(2, scan=None), scan(1)])) == [[2], [1]]
    # An award that names another scan does not take the one just before it.
    assert ids(group_notifications([award(3, scan=1), scan(2), scan(1)])) == [[3, 1], [2]]


def test_each_notification_joins_at_most_one_entry():
    newest_first = [award(4, scan=3), scan(3), award(2, scan=1), scan(1)]
    assert ids(group_notifications(newest_first)) == [[4, 3], [2, 1]]
    # A crafted second award naming the same scan stays an entry of its own.
    assert ids(group_notifications([award(3, scan=1), award(2, scan=1), scan(1)])) == [
        [3, 1],
        [2],
    ]
    # Only an award and a scan group: the link on another kind counts for nothing.
    invitation = NoteFacts(2, NotificationType.ENROLLMENT_REQUEST, 1)
    assert ids(group_notifications([invitation, scan(1)])) == [[2], [1]]
    assert ids(group_notifications([award(2, scan=1), NoteFacts(1, ADDED)])) == [[2], [1]]


def test_an_award_older_than_the_scan_it_names_does_not_group():
    assert ids(group_notifications([scan(2), award(1, scan=2)])) == [[2], [1]]


def test_nothing_is_lost_or_doubled():
    newest_first = [award(n, n - 1) if n % 3 == 0 else scan(n) for n in range(30, 0, -1)]
    entries = group_notifications(newest_first)
    flat = sorted((n for entry in entries for n in entry), key=lambda n: -n.notification_id)
    assert flat == newest_first
    assert len(entries) == 20


def test_the_link_read_from_a_notifications_data():
    assert scan_link({SCAN_LINK: 7, "points": 3}) == 7
    for data in (None, {}, {SCAN_LINK: "7"}, {SCAN_LINK: True}, {SCAN_LINK: None}):
        assert scan_link(data) is None
