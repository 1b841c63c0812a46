import pytest
from sqlmodel import select

from gudcity.domain.card_numbers import format_card_number
from gudcity.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from gudcity.domain.scans import ScanOutcome
from gudcity.models import LoyaltyCard, NotificationType, QrScanLog
from gudcity.services import answers, enrollment, notifications, programs, scanning
from gudcity.services.permissions import Permission


def _messages(session, customer) -> list[str]:
    return [n.message for n in notifications.list_customer_notifications(session, customer)]


def _balance(session, card) -> int:
    session.expire_all()
    return session.get(LoyaltyCard, card.id).balance


def test_new_customer_scan_flow(session, make, shop):
    """The new customer's flow: scanned -> invited -> accepts -> card -> the visit's points."""
    owner, _, program, customer = shop

    result = scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    assert result.outcome == ScanOutcome.ENROLLMENT_REQUESTED
    assert _messages(session, customer) == [
        "Bean There invites you to join Coffee Club.",
        "Your QR code was scanned by Bean There",
    ]
    invitation = notifications.list_customer_notifications(session, customer)[0]
    answer = answers.act_on_notification(session, customer, invitation.id, accept=True)

    assert _balance(session, answer.card) == 10
    assert _messages(session, customer)[0] == "You earned 10 points from Bean There!"


def test_enrolled_customer_scan_awards_the_program_points(session, make, shop):
    """The enrolled customer's flow: scanned, automatic award, points-added notification."""
    owner, _, program, customer = shop
    card = make.card(customer, program)

    result = scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    assert result.outcome == ScanOutcome.AWARDED
    assert result.transaction.amount == 10
    assert _balance(session, card) == 10
    assert _messages(session, customer)[:2] == [
        "You earned 10 points from Bean There!",
        "Your QR code was scanned by Bean There",
    ]


def test_the_same_scan_delivered_twice_is_done_once(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    key = make.key()
    first = scanning.scan_customer(session, owner, program.id, customer.id, key)
    before = make.counts()

    again = scanning.scan_customer(session, owner, program.id, customer.id, key)

    assert again.outcome == ScanOutcome.AWARDED
    assert again.transaction.id == first.transaction.id
    assert make.counts() == before
    assert _balance(session, card) == 10


def test_scanning_an_invited_customer_again_does_not_repeat_the_invitation(session, make, shop):
    owner, _, program, customer = shop
    first = scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    second = scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    assert second.enrollment_request.id == first.enrollment_request.id
    types = [n.type for n in notifications.list_customer_notifications(session, customer)]
    assert types.count(NotificationType.ENROLLMENT_REQUEST) == 1
    assert types.count(NotificationType.QR_SCANNED) == 2


def test_cooldown_limits_automatic_awards(session, make):
    owner, business = make.business()
    program = make.program(owner, business, scan_cooldown_seconds=3600)
    customer = make.customer()
    card = make.card(customer, program)

    first = scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    second = scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    assert (first.outcome, second.outcome) == (ScanOutcome.AWARDED, ScanOutcome.COOLDOWN)
    assert _balance(session, card) == 10
    programs.update_program(session, owner, program.id, scan_cooldown_seconds=0)
    third = scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    assert third.outcome == ScanOutcome.AWARDED


def test_every_scan_is_logged(session, make, shop):
    owner, business, program, customer = shop
    scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    [entry] = session.exec(select(QrScanLog)).all()
    assert (entry.business_id, entry.scanned_by, entry.customer_id, entry.outcome) == (
        business.id,
        owner.id,
        customer.id,
        ScanOutcome.ENROLLMENT_REQUESTED,
    )


def test_scanning_needs_the_scan_permission_in_that_business(session, make, shop):
    owner, business, program, customer = shop
    other_owner, _ = make.business()
    awarder = make.staff(owner, business, Permission.AWARD)
    before = make.counts()
    for actor in (other_owner, awarder, customer):
        with pytest.raises(PermissionDeniedError):
            scanning.scan_customer(session, actor, program.id, customer.id, make.key())
    assert make.counts() == before


def test_scans_of_unknown_customers_or_paused_programs_are_refused(session, make, shop):
    owner, _, program, customer = shop
    before = make.counts()
    with pytest.raises(NotFoundError):
        scanning.scan_customer(session, owner, program.id, 999_999, make.key())
    with pytest.raises(NotFoundError):
        scanning.scan_customer(session, owner, 999_999, customer.id, make.key())
    assert make.counts() == before
    programs.update_program(session, owner, program.id, is_active=False)
    with pytest.raises(ValidationError, match="paused"):
        scanning.scan_customer(session, owner, program.id, customer.id, make.key())


# --- typed card numbers ------------------------------------------------------------------


def test_typed_customer_number_finds_the_customer(session, make, shop):
    owner, business, _, customer = shop
    typed = format_card_number(customer.card_number)  # "1234 5678 9012", as read aloud
    found = scanning.find_customer_by_card_number(session, owner, business.id, typed)
    assert found.id == customer.id


def test_typed_program_card_number_finds_its_holder(session, make, shop):
    owner, business, program, customer = shop
    card = make.card(customer, program)
    found = scanning.find_customer_by_card_number(session, owner, business.id, card.card_number)
    assert found.id == customer.id


@pytest.mark.parametrize("typed", ["", "abc", "12345", "1234567890123456", "١٢٣٤٥٦٧٨٩٠١٢"])
def test_malformed_numbers_are_refused_before_any_lookup(session, make, shop, typed):
    owner, business, _, _ = shop
    before = make.counts()
    with pytest.raises(ValidationError, match="not valid"):
        scanning.find_customer_by_card_number(session, owner, business.id, typed)
    assert make.counts() == before


def test_a_mistyped_digit_fails_the_check_digit(session, make, shop):
    owner, business, _, customer = shop
    number = customer.card_number
    wrong = number[:3] + str((int(number[3]) + 1) % 10) + number[4:]
    with pytest.raises(ValidationError, match="check the digits"):
        scanning.find_customer_by_card_number(session, owner, business.id, wrong)


def test_an_unknown_valid_number_is_logged_and_refused(session, make, shop):
    owner, business, _, _ = shop
    unknown = "000000000000"  # passes the check digit, belongs to no one
    with pytest.raises(NotFoundError, match="No customer"):
        scanning.find_customer_by_card_number(session, owner, business.id, unknown)
    [entry] = session.exec(select(QrScanLog)).all()
    assert (entry.outcome, entry.detail) == (ScanOutcome.UNKNOWN_CARD, unknown)


def test_card_lookup_needs_the_scan_permission(session, make, shop):
    _, business, _, customer = shop
    other_owner, _ = make.business()
    with pytest.raises(PermissionDeniedError):
        scanning.find_customer_by_card_number(
            session, other_owner, business.id, customer.card_number
        )


def test_a_scan_within_the_cooldown_says_how_long_until_the_next_award(session, make):
    owner, business = make.business()
    program = make.program(owner, business, scan_cooldown_seconds=600)
    customer = make.customer()
    make.card(customer, program)
    scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    again = scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    assert again.outcome == ScanOutcome.COOLDOWN
    assert 595 <= again.wait_seconds <= 600


def test_the_points_given_on_joining_start_the_cooldown(session, make):
    """The invitation's points are the visit's scan award: a scan right after gives none."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, points_per_scan=10)  # the default cooldown
    customer = make.customer()
    scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    invitation = notifications.list_customer_notifications(session, customer)[0]
    joined = answers.act_on_notification(session, customer, invitation.id, accept=True)

    again = scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    assert again.outcome == ScanOutcome.COOLDOWN
    assert 295 <= again.wait_seconds <= 300
    assert _balance(session, joined.card) == 10


def test_accepting_a_plain_invitation_leaves_the_first_scan_award_due(session, make):
    """An invitation sent with "Enroll" gives nothing on Accept: the first scan awards."""
    owner, business = make.business()
    program = make.program(owner, business, points_per_scan=10)
    customer = make.customer()
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    joined = enrollment.respond_to_enrollment(session, customer, request.id, True)

    scan = scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    assert scan.outcome == ScanOutcome.AWARDED
    assert _balance(session, joined.card) == 10
