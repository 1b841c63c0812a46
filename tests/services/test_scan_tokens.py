"""Scanning by QR token: the workflow, and every refusal logged with its reason."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from gudcity.domain.errors import PermissionDeniedError
from gudcity.domain.qr_tokens import (
    ExpiredQrError,
    ForgedQrError,
    NotGudCityQrError,
    UnknownCustomerQrError,
    UnsupportedQrVersionError,
)
from gudcity.domain.scans import ScanOutcome
from gudcity.models import ProgramEnrollment, QrScanLog, User
from gudcity.services import qr_cards, scanning
from gudcity.services.permissions import Permission
from gudcity.services.qr_cards import issue_token, verify_token

NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
ALICE = User(public_id="aliceAlice-_1234")


def _flip(token: str, index: int) -> str:
    """The token with one character replaced by another valid base32 character."""
    replacement = "B" if token[index] == "A" else "A"
    return token[:index] + replacement + token[index + 1 :]


def _logs(session) -> list[QrScanLog]:
    session.expire_all()
    return list(session.exec(select(QrScanLog).order_by(QrScanLog.id)))


def test_a_valid_token_runs_the_scan_workflow(session, make, shop):
    owner, _, program, customer = shop
    result = scanning.scan_token(session, owner, program.id, issue_token(customer), make.key())
    assert result.outcome == ScanOutcome.ENROLLMENT_REQUESTED
    assert result.customer.id == customer.id
    assert result.enrollment_request is not None

    regular = make.customer("Bob")
    make.card(regular, program)
    again = scanning.scan_token(session, owner, program.id, issue_token(regular), make.key())
    assert (again.outcome, again.customer.id) == (ScanOutcome.AWARDED, regular.id)
    assert again.card.balance == 10


def test_a_scan_delivered_again_after_its_token_expired_is_done_once(
    session, make, shop, monkeypatch
):
    owner, _, program, customer = shop
    key, token = make.key(), issue_token(customer)
    first = scanning.scan_token(session, owner, program.id, token, key)
    before = make.counts()
    later = datetime.now(UTC) + timedelta(minutes=10)
    monkeypatch.setattr(qr_cards, "utc_now", lambda: later)
    with pytest.raises(ExpiredQrError):
        verify_token(token)

    again = scanning.scan_token(session, owner, program.id, token, key)

    assert again.outcome == first.outcome == ScanOutcome.ENROLLMENT_REQUESTED
    assert make.counts() == before


@pytest.mark.parametrize(
    ("breaking", "outcome", "error"),
    [
        (lambda token: _flip(token, -3), ScanOutcome.INVALID_TOKEN, ForgedQrError),
        (lambda token: "GC9." + token[4:], ScanOutcome.INVALID_TOKEN, UnsupportedQrVersionError),
        (lambda token: "hello", ScanOutcome.INVALID_TOKEN, NotGudCityQrError),
    ],
    ids=["forged", "wrong version", "not ours"],
)
def test_a_broken_token_is_logged_with_its_reason_and_nothing_else(
    session, make, shop, breaking, outcome, error
):
    owner, business, program, customer = shop
    before = make.counts()
    token = breaking(issue_token(customer))
    with pytest.raises(error):
        scanning.scan_token(session, owner, program.id, token, make.key())

    after = make.counts()
    assert after.pop("qr_scan_logs") == before.pop("qr_scan_logs") + 1
    assert after == before
    [entry] = _logs(session)
    assert (entry.business_id, entry.scanned_by, entry.program_id) == (
        business.id,
        owner.id,
        program.id,
    )
    assert (entry.outcome, entry.detail, entry.customer_id) == (outcome, error.reason, None)


def test_an_expired_token_is_logged_as_expired(session, make, shop):
    owner, _, program, customer = shop
    stale = issue_token(customer, now=datetime.now(UTC) - timedelta(minutes=10))
    before = make.counts()
    with pytest.raises(ExpiredQrError, match="has expired"):
        scanning.scan_token(session, owner, program.id, stale, make.key())
    assert make.counts()["qr_scan_logs"] == before["qr_scan_logs"] + 1
    assert make.counts()["customer_notifications"] == before["customer_notifications"]
    [entry] = _logs(session)
    assert (entry.outcome, entry.detail) == (ScanOutcome.EXPIRED_TOKEN, "expired")
    assert session.exec(select(ProgramEnrollment)).first() is None


def test_a_token_naming_no_customer_is_logged_as_unknown(session, make, shop):
    owner, _, program, _ = shop
    before = make.counts()
    for stranger in (ALICE, owner):  # nobody with that id; a business user, not a customer
        with pytest.raises(UnknownCustomerQrError):
            scanning.scan_token(session, owner, program.id, issue_token(stranger), make.key())
    after = make.counts()
    assert after.pop("qr_scan_logs") == before.pop("qr_scan_logs") + 2
    assert after == before
    assert {entry.outcome for entry in _logs(session)} == {ScanOutcome.UNKNOWN_CUSTOMER}


def test_without_the_scan_permission_nothing_is_written(session, make, shop):
    owner, business, program, customer = shop
    other_owner, _ = make.business()
    awarder = make.staff(owner, business, Permission.AWARD)
    before = make.counts()
    for actor in (other_owner, awarder):
        for token in (issue_token(customer), "forged"):
            with pytest.raises(PermissionDeniedError):
                scanning.scan_token(session, actor, program.id, token, make.key())
    assert make.counts() == before
