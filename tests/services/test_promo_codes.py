"""Promo codes: made by the program's managers, entered by customers or scanned at the
counter; once per customer, within the usage limit and the expiry, another business's
code not found."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from gudcity.domain.errors import (
    ConflictError,
    ExpiredError,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
    ValidationError,
)
from gudcity.domain.promotions import promo_qr_payload
from gudcity.models import (
    LoyaltyCard,
    PointTransaction,
    ProgramKind,
    PromoCode,
    TransactionKind,
    User,
)
from gudcity.services import enrollment, programs, promo_codes
from gudcity.services.permissions import Permission
from tests.support.races import race


def code_bonuses(session, card) -> list[PointTransaction]:
    statement = select(PointTransaction).where(
        PointTransaction.card_id == card.id, PointTransaction.kind == TransactionKind.CODE_BONUS
    )
    return list(session.exec(statement))


def balance(session, card) -> int:
    session.expire_all()
    return session.get(LoyaltyCard, card.id).balance


@pytest.fixture
def coded(session, make, shop):
    """Alice holds a Coffee Club card; Bean There made a 25-point code."""
    owner, business, program, customer = shop
    card = make.card(customer, program)
    code = promo_codes.create_promo_code(session, owner, program.id, points=25)
    return owner, business, program, customer, card, code


def test_a_customer_applies_a_code_once(session, make, coded):
    _, _, _, customer, card, code = coded

    used = promo_codes.apply_promo_code(
        session, customer, f" {code.code.lower()[:4]}-{code.code[4:]} "
    )

    assert (used.points, used.program_name, used.business_name) == (25, "Coffee Club", "Bean There")
    assert balance(session, card) == 25
    [row] = code_bonuses(session, card)
    assert row.idempotency_key == f"code:{code.id}:{customer.id}"
    before = make.counts()
    with pytest.raises(ConflictError, match="already used"):
        promo_codes.apply_promo_code(session, customer, code.code)
    assert make.counts() == before
    assert balance(session, card) == 25


def test_a_new_code_is_never_one_another_business_has(session, make, coded, monkeypatch):
    """A customer of both shops types it once: it must name one code."""
    taken = coded[5].code
    other_owner, other_business = make.business("Crumb & Co")
    other_program = make.program(other_owner, other_business, name="Crumb Club")
    draws = iter([taken, taken, "N3WCQDE2"])
    monkeypatch.setattr(promo_codes, "new_promo_code", lambda: next(draws))

    code = promo_codes.create_promo_code(session, other_owner, other_program.id, points=5)

    assert code.code == "N3WCQDE2"
    assert next(draws, None) is None


def test_the_usage_limit_counts_customers(session, make, shop):
    owner, _, program, alice = shop
    cards = [make.card(c, program) for c in (alice, make.customer("Bob"), make.customer("Cy"))]
    code = promo_codes.create_promo_code(session, owner, program.id, points=5, usage_limit=2)
    customers = [session.get(User, card.customer_id) for card in cards]
    promo_codes.apply_promo_code(session, customers[0], code.code)
    promo_codes.apply_promo_code(session, customers[1], code.code)
    before = make.counts()
    with pytest.raises(ConflictError, match="used up"):
        promo_codes.apply_promo_code(session, customers[2], code.code)
    assert make.counts() == before
    session.expire_all()
    assert session.get(PromoCode, code.id).uses == 2
    # One who used it is told that, not that it is used up.
    with pytest.raises(ConflictError, match="already used"):
        promo_codes.apply_promo_code(session, customers[0], code.code)


def test_a_code_works_through_its_last_local_day(session, make, shop, clock):
    owner, business, program, customer = shop
    business.time_zone = "America/New_York"
    session.add(business)
    session.commit()
    card = make.card(customer, program)
    clock.freeze(datetime(2026, 6, 1, 12, tzinfo=UTC))
    code = promo_codes.create_promo_code(
        session, owner, program.id, points=5, expires_on="2026-06-30"
    )
    # Midnight after 30 June in New York is 04:00 UTC on 1 July.
    assert code.expires_at.replace(tzinfo=UTC) == datetime(2026, 7, 1, 4, tzinfo=UTC)
    other = make.customer("Bob")
    make.card(other, program)
    clock.freeze(datetime(2026, 7, 1, 3, 59, tzinfo=UTC))
    promo_codes.apply_promo_code(session, customer, code.code)
    clock.freeze(datetime(2026, 7, 1, 4, tzinfo=UTC))
    before = make.counts()
    with pytest.raises(ExpiredError, match="expired"):
        promo_codes.apply_promo_code(session, other, code.code)
    assert make.counts() == before
    assert balance(session, card) == 5


def test_a_withdrawn_code_is_refused(session, make, coded):
    owner, _, _, customer, card, code = coded
    promo_codes.withdraw_promo_code(session, owner, code.id)
    promo_codes.withdraw_promo_code(session, owner, code.id)
    with pytest.raises(ExpiredError, match="no longer valid"):
        promo_codes.apply_promo_code(session, customer, code.code)
    assert balance(session, card) == 0


def test_another_business_code_is_not_found(session, make, coded):
    _, _, _, customer, _, _ = coded
    rival, rivals = make.business("Rival Roasters")
    rival_program = make.program(rival, rivals)
    rival_code = promo_codes.create_promo_code(session, rival, rival_program.id, points=50)
    before = make.counts()
    with pytest.raises(NotFoundError, match="No promo code like this"):
        promo_codes.apply_promo_code(session, customer, rival_code.code)
    # Nor can the rival's counter use Bean There's code, or list it.
    with pytest.raises(NotFoundError):
        promo_codes.apply_promo_code_at_counter(
            session, rival, rivals.id, customer.id, coded[5].code
        )
    assert promo_codes.list_promo_codes(session, rival, rivals.id) == [rival_code]
    with pytest.raises(PermissionDeniedError):
        promo_codes.withdraw_promo_code(session, rival, coded[5].id)
    assert make.counts() == before


def test_a_customer_who_left_the_program_finds_no_code(session, make, coded):
    _, _, program, customer, _, code = coded
    enrollment.leave_program(session, customer, program.id)
    with pytest.raises(NotFoundError):
        promo_codes.apply_promo_code(session, customer, code.code)


def test_a_paused_program_takes_no_code(session, make, coded):
    owner, _, program, customer, card, code = coded
    programs.update_program(session, owner, program.id, is_active=False)
    with pytest.raises(ValidationError, match="paused"):
        promo_codes.apply_promo_code(session, customer, code.code)
    assert balance(session, card) == 0


@pytest.mark.parametrize(
    "typed", ["", "   ", "ABC", "ABCD0123", "x" * 10_000, "A\x00BCDEFGH", None, 12345678, ["A"]]
)
def test_junk_changes_nothing(session, make, coded, typed):
    customer = coded[3]
    before = make.counts()
    with pytest.raises((ValidationError, NotFoundError)):
        promo_codes.apply_promo_code(session, customer, typed)
    assert make.counts() == before


@pytest.mark.parametrize(
    "bad",
    [
        {"points": 0},
        {"points": -5},
        {"points": 10**9},
        {"points": "5"},
        {"points": 5, "usage_limit": 0},
        {"points": 5, "usage_limit": -1},
        {"points": 5, "usage_limit": True},
        {"points": 5, "usage_limit": 10**9},
        {"points": 5, "expires_on": "next week"},
        {"points": 5, "expires_on": "2000-01-01"},
        {"points": 5, "expires_on": 20991231},
    ],
)
def test_bad_codes_are_refused(session, make, shop, bad):
    owner, _, program, _ = shop
    before = make.counts()
    with pytest.raises(ValidationError):
        promo_codes.create_promo_code(session, owner, program.id, **bad)
    assert make.counts() == before


def test_only_managers_create_codes(session, make, shop):
    owner, business, program, customer = shop
    counter = make.staff(owner, business, Permission.SCAN, Permission.AWARD)
    manager = make.staff(owner, business, Permission.MANAGE_PROGRAMS)
    for outsider in (counter, customer, None):
        with pytest.raises(PermissionDeniedError):
            promo_codes.create_promo_code(session, outsider, program.id, points=5)
    code = promo_codes.create_promo_code(session, manager, program.id, points=5)
    assert code.code.isalnum() and len(code.code) == 8


def test_a_stamps_code_grants_stamps(session, make, shop):
    owner, business, _, customer = shop
    stamps = make.program(owner, business, name="Pastry Stamps", kind=ProgramKind.STAMPS)
    card = make.card(customer, stamps)
    code = promo_codes.create_promo_code(session, owner, stamps.id, points=2)
    used = promo_codes.apply_promo_code(session, customer, code.code)
    assert used.program_kind == ProgramKind.STAMPS
    assert balance(session, card) == 2


# --- at the counter ------------------------------------------------------------------------


def test_the_counter_applies_a_scanned_code_to_the_customer_shown(session, make, coded):
    owner, business, _, customer, card, code = coded
    staff = make.staff(owner, business, Permission.SCAN, Permission.AWARD)
    used = promo_codes.apply_promo_code_at_counter(
        session, staff, business.id, customer.id, promo_qr_payload(code.code)
    )
    assert used.customer_id == customer.id
    assert balance(session, card) == 25
    assert code_bonuses(session, card)[0].actor_id == staff.id
    with pytest.raises(ConflictError, match="This customer has already used"):
        promo_codes.apply_promo_code_at_counter(session, staff, business.id, customer.id, code.code)


def test_the_counter_needs_the_award_permission_and_an_enrolled_customer(session, make, coded):
    owner, business, _, customer, card, code = coded
    scanner_only = make.staff(owner, business, Permission.SCAN)
    with pytest.raises(PermissionDeniedError):
        promo_codes.apply_promo_code_at_counter(
            session, scanner_only, business.id, customer.id, code.code
        )
    stranger = make.customer("Bob")
    for who in (stranger.id, 0, 2**40, "1"):
        with pytest.raises(ValidationError, match="not enrolled"):
            promo_codes.apply_promo_code_at_counter(session, owner, business.id, who, code.code)
    assert balance(session, card) == 0


# --- the last use, raced -------------------------------------------------------------------


def test_two_customers_racing_for_the_last_use_one_wins(engine, session, make, shop):
    if engine.dialect.name != "postgresql":
        pytest.skip("the many-writer race is PostgreSQL's: SQLite runs one writer at a time")
    owner, _, program, alice = shop
    bob = make.customer("Bob")
    cards = [make.card(alice, program), make.card(bob, program)]
    code = promo_codes.create_promo_code(session, owner, program.id, points=5, usage_limit=1)
    ids = [alice.id, bob.id]

    outcomes = race(
        engine,
        [
            lambda own, who=who: promo_codes.apply_promo_code(own, own.get(User, who), code.code)
            for who in ids
        ],
    )

    winners = [o for o in outcomes if not isinstance(o, ServiceError)]
    losers = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(winners) == 1 and len(losers) == 1
    assert "used up" in losers[0].message
    assert sorted(balance(session, card) for card in cards) == [0, 5]
    session.expire_all()
    assert session.get(PromoCode, code.id).uses == 1


def test_one_customer_applying_twice_at_once_gets_it_once(engine, session, make, coded):
    if engine.dialect.name != "postgresql":
        pytest.skip("the many-writer race is PostgreSQL's: SQLite runs one writer at a time")
    _, _, _, customer, card, code = coded
    outcomes = race(
        engine,
        [lambda own: promo_codes.apply_promo_code(own, own.get(User, customer.id), code.code)] * 2,
    )
    assert sum(not isinstance(o, ServiceError) for o in outcomes) == 1
    assert balance(session, card) == 25
    session.expire_all()
    assert session.get(PromoCode, code.id).uses == 1


def test_a_code_from_the_past_day_is_no_expiry_date(session, shop, clock):
    """The last day may be today: the code works until local midnight."""
    owner, _, program, _ = shop
    clock.freeze(datetime(2026, 6, 1, 23, 30, tzinfo=UTC))
    code = promo_codes.create_promo_code(
        session, owner, program.id, points=5, expires_on=date(2026, 6, 1)
    )
    assert code.expires_at.replace(tzinfo=UTC) - datetime(
        2026, 6, 1, 23, 30, tzinfo=UTC
    ) == timedelta(minutes=30)
