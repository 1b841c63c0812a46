from datetime import timedelta

import pytest
from sqlmodel import select

from gudcity.domain.errors import (
    ConflictError,
    ExpiredError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from gudcity.models import (
    ApprovalRequest,
    ApprovalStatus,
    BusinessNotification,
    CustomerNotification,
    EnrollmentStatus,
    LoyaltyCard,
    NotificationType,
    ProgramEnrollment,
    utc_now,
)
from gudcity.services import enrollment, lookups, notifications, programs
from gudcity.services.permissions import Permission


def _customer_notes(session, customer):
    return notifications.list_customer_notifications(session, customer)


def _enrollment_status(session, customer, program):
    session.expire_all()
    row = lookups.enrollment_of(session, customer.id, program.id)
    return row.status if row else None


def test_request_sends_an_actionable_invitation(session, make, shop):
    owner, _business, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())

    assert request.status == ApprovalStatus.PENDING
    [note] = _customer_notes(session, customer)
    assert note.type == NotificationType.ENROLLMENT_REQUEST
    assert note.requires_action and note.approval_request_id == request.id
    assert note.message == "Bean There invites you to join Coffee Club."
    assert _enrollment_status(session, customer, program) == EnrollmentStatus.PENDING


def test_accept_activates_enrollment_issues_card_and_tells_both_sides(session, make, shop):
    owner, business, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())

    answer = enrollment.respond_to_enrollment(session, customer, request.id, accept=True)

    assert answer.enrollment.status == EnrollmentStatus.ACTIVE
    assert answer.card.balance == 0 and len(answer.card.card_number) == 12
    types = [n.type for n in _customer_notes(session, customer)]
    assert NotificationType.CARD_CREATED in types
    assert NotificationType.ENROLLMENT_ACCEPTED in types
    told = session.exec(select(BusinessNotification)).all()
    assert [(n.business_id, n.type) for n in told] == [
        (business.id, NotificationType.ENROLLMENT_ACCEPTED)
    ]
    request_note = next(
        n for n in _customer_notes(session, customer) if n.approval_request_id == request.id
    )
    assert request_note.action_taken == ApprovalStatus.APPROVED
    assert request_note.read_at is not None


def test_decline_creates_nothing_but_the_answer(session, make, shop):
    owner, _business, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())

    answer = enrollment.respond_to_enrollment(session, customer, request.id, accept=False)

    assert answer.card is None
    assert session.exec(select(LoyaltyCard)).all() == []
    assert _enrollment_status(session, customer, program) == EnrollmentStatus.DECLINED
    [told] = session.exec(select(BusinessNotification)).all()
    assert told.type == NotificationType.ENROLLMENT_DECLINED
    assert "declined" in told.message


def test_accepting_the_same_request_twice_creates_one_card(session, make, shop):
    owner, _, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    enrollment.respond_to_enrollment(session, customer, request.id, accept=True)
    before = make.counts()

    with pytest.raises(ConflictError, match="already been answered"):
        enrollment.respond_to_enrollment(session, customer, request.id, accept=True)

    assert make.counts() == before
    assert len(session.exec(select(LoyaltyCard)).all()) == 1


def test_an_invitation_to_a_program_paused_since_cannot_be_accepted_yet(session, make, shop):
    owner, _, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    programs.update_program(session, owner, program.id, is_active=False)
    before = make.counts()

    with pytest.raises(ValidationError, match="paused: you can accept once it reopens"):
        enrollment.respond_to_enrollment(session, customer, request.id, accept=True)

    assert make.counts() == before
    assert lookups.pending_enrollment_request(session, customer.id, program.id) is not None
    programs.update_program(session, owner, program.id, is_active=True)
    answer = enrollment.respond_to_enrollment(session, customer, request.id, accept=True)
    assert answer.card is not None


def test_an_invitation_to_a_paused_program_can_still_be_declined(session, make, shop):
    owner, _, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    programs.update_program(session, owner, program.id, is_active=False)

    answer = enrollment.respond_to_enrollment(session, customer, request.id, accept=False)

    assert answer.card is None
    assert lookups.pending_enrollment_request(session, customer.id, program.id) is None


def test_an_open_request_is_returned_not_repeated(session, make, shop):
    owner, _, program, customer = shop
    first = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    again = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())

    assert again.id == first.id
    assert len(session.exec(select(ApprovalRequest)).all()) == 1
    assert len(session.exec(select(CustomerNotification)).all()) == 1


def test_enrolled_customer_cannot_be_asked_again(session, make, shop):
    owner, _, program, customer = shop
    make.card(customer, program)
    with pytest.raises(ConflictError, match="already enrolled"):
        enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())


def test_only_the_invited_customer_can_answer(session, make, shop):
    owner, _, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    stranger = make.customer()
    before = make.counts()

    with pytest.raises(NotFoundError):
        enrollment.respond_to_enrollment(session, stranger, request.id, accept=True)
    with pytest.raises(PermissionDeniedError):
        enrollment.respond_to_enrollment(session, owner, request.id, accept=True)
    assert make.counts() == before


def test_an_expired_request_cannot_be_accepted(session, make, shop):
    owner, _, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    request.expires_at = utc_now() - timedelta(seconds=1)
    session.add(request)
    session.commit()

    with pytest.raises(ExpiredError, match="expired"):
        enrollment.respond_to_enrollment(session, customer, request.id, accept=True)

    session.expire_all()
    assert session.get(ApprovalRequest, request.id).status == ApprovalStatus.EXPIRED
    assert session.exec(select(LoyaltyCard)).all() == []
    # A fresh request can be sent once the old one expired.
    fresh = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    assert fresh.id != request.id


def test_a_business_cannot_enroll_into_another_business_program(session, make, shop):
    _, _, program, customer = shop
    other_owner, _ = make.business()
    before = make.counts()
    with pytest.raises(PermissionDeniedError):
        enrollment.request_enrollment(session, other_owner, program.id, customer.id, make.key())
    assert make.counts() == before


def test_staff_need_the_scan_permission_to_enroll(session, make, shop):
    owner, business, program, customer = shop
    cashier = make.staff(owner, business, Permission.AWARD)
    with pytest.raises(PermissionDeniedError):
        enrollment.request_enrollment(session, cashier, program.id, customer.id, make.key())
    scanner = make.staff(owner, business, Permission.SCAN)
    assert enrollment.request_enrollment(session, scanner, program.id, customer.id, make.key())


def test_unknown_ids_and_paused_programs_are_refused(session, make, shop):
    owner, _, program, customer = shop
    before = make.counts()
    with pytest.raises(NotFoundError, match="Program"):
        enrollment.request_enrollment(session, owner, 999_999, customer.id, make.key())
    with pytest.raises(NotFoundError, match="Customer"):
        enrollment.request_enrollment(session, owner, program.id, 999_999, make.key())
    with pytest.raises(NotFoundError, match="Customer"):
        enrollment.request_enrollment(session, owner, program.id, owner.id, make.key())
    with pytest.raises(ValidationError, match="key"):
        enrollment.request_enrollment(session, owner, program.id, customer.id, "")
    assert make.counts() == before
    programs.update_program(session, owner, program.id, is_active=False)
    with pytest.raises(ValidationError, match="paused"):
        enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())


def test_a_customer_can_join_directly_and_joining_twice_changes_nothing(session, make, shop):
    _, _, program, customer = shop
    first = enrollment.join_program(session, customer, program.id)
    before = make.counts()
    again = enrollment.join_program(session, customer, program.id)

    assert first.card.id == again.card.id
    assert make.counts() == before
    assert _enrollment_status(session, customer, program) == EnrollmentStatus.ACTIVE


def test_joining_answers_an_open_invitation(session, make, shop):
    owner, _, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    enrollment.join_program(session, customer, program.id)
    session.expire_all()
    assert session.get(ApprovalRequest, request.id).status == ApprovalStatus.APPROVED


def test_leaving_hides_the_card_and_rejoining_brings_back_the_balance(session, make, shop):
    _, _, program, customer = shop
    card = make.card(customer, program, balance=40)

    enrollment.leave_program(session, customer, program.id)
    assert _enrollment_status(session, customer, program) == EnrollmentStatus.LEFT
    with pytest.raises(NotFoundError):
        enrollment.leave_program(session, customer, program.id)

    rejoined = enrollment.join_program(session, customer, program.id)
    assert rejoined.card.id == card.id and rejoined.card.balance == 40
    assert len(session.exec(select(ProgramEnrollment)).all()) == 1
