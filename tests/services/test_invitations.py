"""Invitation caps: a business cannot spam a customer, nor everyone, with invitations."""

from datetime import timedelta

import pytest
from sqlmodel import update

from gudcity.domain.errors import RateLimitedError
from gudcity.models import ApprovalRequest, utc_now
from gudcity.services import answers, enrollment, invitations, notifications, scanning
from gudcity.settings import get_settings


def _decline_latest(session, customer):
    [note, *_] = notifications.list_customer_notifications(session, customer)
    answers.act_on_notification(session, customer, note.id, False)


def test_a_customer_can_be_invited_three_times_a_day_by_one_business(session, make, shop):
    owner, _, program, customer = shop
    for _ in range(3):
        enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
        _decline_latest(session, customer)
    before = make.counts()

    with pytest.raises(RateLimitedError, match="already invited 3 times today"):
        enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    with pytest.raises(RateLimitedError):  # a scan's invitation is the same invitation
        scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    assert make.counts() == before

    # Another business is not held back by this one's invitations.
    other_owner, other = make.business("Elsewhere")
    elsewhere = make.program(other_owner, other)
    enrollment.request_enrollment(session, other_owner, elsewhere.id, customer.id, make.key())


def test_a_day_later_the_customer_can_be_asked_again(session, make, shop):
    owner, _, program, customer = shop
    for _ in range(3):
        enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
        _decline_latest(session, customer)
    session.exec(
        update(ApprovalRequest).values(created_at=utc_now() - timedelta(days=1, minutes=1))
    )
    session.commit()

    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    assert request.customer_id == customer.id


def test_a_business_can_send_only_so_many_invitations_an_hour(session, make, shop, monkeypatch):
    owner, _, program, _ = shop
    capped = get_settings().model_copy(update={"invitations_per_business_per_hour": 2})
    monkeypatch.setattr(invitations, "get_settings", lambda: capped)
    for _ in range(2):
        enrollment.request_enrollment(session, owner, program.id, make.customer().id, make.key())
    newcomer = make.customer()
    before = make.counts()

    with pytest.raises(RateLimitedError, match="Too many invitations this hour"):
        enrollment.request_enrollment(session, owner, program.id, newcomer.id, make.key())
    assert make.counts() == before


def test_asking_again_while_an_invitation_waits_does_not_count(session, make, shop):
    owner, _, program, customer = shop
    first = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    for _ in range(5):
        again = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
        assert again.id == first.id
