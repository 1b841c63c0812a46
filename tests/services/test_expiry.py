"""Points that expire, on the clock: at the deadline to the microsecond, after inactivity,
never for points held before the rule, warned of before, counted by the dashboard."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from gudcity.domain.analytics import business_day, preset_period
from gudcity.domain.errors import ValidationError
from gudcity.models import (
    CustomerNotification,
    ExpiryRule,
    LoyaltyCard,
    NotificationType,
    OutboxMail,
    PointTransaction,
    ProgramKind,
    TransactionKind,
    as_utc,
)
from gudcity.realtime import sweeps
from gudcity.services import (
    awards,
    cards,
    deductions,
    enrollment,
    expiry,
    expiry_rules,
    programs,
)
from gudcity.services.analytics_rebuild import rebuild_analytics
from gudcity.services.dashboard import read_dashboard
from gudcity.state.cards_page import read_cards_page
from tests.services.test_analytics_rebuild import aggregates

T0 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
US = timedelta(microseconds=1)


@pytest.fixture(autouse=True)
def app_database(engine, monkeypatch):
    """The sweep opens sessions of its own, as a worker does."""
    monkeypatch.setattr("gudcity.db.get_engine", lambda: engine)


def sweep(session) -> int:
    """A worker's sweep, the test's session out of the way (SQLite: one writer at a time)."""
    session.rollback()
    return sweeps.expire_points_once()


def ledger(session, card_id) -> list[tuple[TransactionKind, int]]:
    session.expire_all()
    rows = session.exec(
        select(PointTransaction)
        .where(PointTransaction.card_id == card_id)
        .order_by(PointTransaction.id)
    )
    return [(row.kind, row.amount) for row in rows]


def balance(session, card_id) -> int:
    session.expire_all()
    return session.get(LoyaltyCard, card_id).balance


def notes(session, customer_id, kind: NotificationType) -> list[str]:
    session.expire_all()
    rows = session.exec(
        select(CustomerNotification.message)
        .where(CustomerNotification.customer_id == customer_id, CustomerNotification.type == kind)
        .order_by(CustomerNotification.id)
    )
    return list(rows)


def test_points_expire_at_their_deadline_to_the_microsecond_and_once(session, make, shop, clock):
    owner, _business, program, customer = shop
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    card = make.card(customer, program, balance=20)

    clock.freeze(T0 + timedelta(days=30) - US)
    assert sweep(session) == 0
    assert balance(session, card.id) == 20

    clock.freeze(T0 + timedelta(days=30))
    assert sweep(session) == 20
    assert sweep(session) == 0
    assert ledger(session, card.id) == [(TransactionKind.EARN, 20), (TransactionKind.EXPIRE, -20)]
    assert balance(session, card.id) == 0
    assert notes(session, customer.id, NotificationType.POINTS_EXPIRED) == [
        "20 points on your Coffee Club card at Bean There expired."
    ]
    # An expiry is no visit: the card's last activity stays the award's.
    assert as_utc(session.get(LoyaltyCard, card.id).last_activity_at) == T0


def test_points_held_before_expiry_was_switched_on_never_expire(session, make, shop, clock):
    owner, _business, program, customer = shop
    clock.freeze(T0)
    card = make.card(customer, program, balance=20)
    clock.freeze(T0 + US)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 1)

    clock.freeze(T0 + timedelta(days=1000))
    assert sweep(session) == 0
    assert balance(session, card.id) == 20
    held = cards.list_cards(session, customer)
    assert expiry.upcoming_for_cards(session, customer, held) == {card.id: []}


def test_spending_takes_the_oldest_points_first(session, make, shop, clock):
    owner, _business, program, customer = shop
    clock.freeze(T0)
    card = make.card(customer, program, balance=10)  # before the rule: never expire
    clock.freeze(T0 + timedelta(days=1))
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    clock.freeze(T0 + timedelta(days=2))
    awards.award_points(session, owner, card.id, 10, make.key())
    request = deductions.request_deduction(session, owner, card.id, 10, make.key())
    deductions.respond_to_deduction(session, customer, request.id, True)

    clock.freeze(T0 + timedelta(days=32))
    # The deduction took the old points: the later ones are what the rule takes.
    assert sweep(session) == 10
    assert balance(session, card.id) == 0


def test_a_shorter_rule_never_shortens_the_points_already_held(session, make, shop, clock):
    owner, _business, program, customer = shop
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    card = make.card(customer, program, balance=10)
    clock.freeze(T0 + timedelta(days=1))
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 5)
    awards.award_points(session, owner, card.id, 3, make.key())

    clock.freeze(T0 + timedelta(days=6))
    assert sweep(session) == 3  # earned under the five-day rule
    clock.freeze(T0 + timedelta(days=30) - US)
    assert sweep(session) == 0
    clock.freeze(T0 + timedelta(days=30))
    assert sweep(session) == 10


def test_inactivity_counts_from_the_last_visit(session, make, shop, clock):
    owner, _business, program, customer = shop
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_INACTIVITY", 10)
    card = make.card(customer, program, balance=10)
    clock.freeze(T0 + timedelta(days=5))
    awards.award_points(session, owner, card.id, 5, make.key())  # a visit

    clock.freeze(T0 + timedelta(days=15) - US)
    assert sweep(session) == 0
    clock.freeze(T0 + timedelta(days=15))
    assert sweep(session) == 15
    assert balance(session, card.id) == 0


def test_customers_are_warned_once_by_notification_and_mail(session, make, shop, clock):
    owner, _business, program, customer = shop
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    make.card(customer, program, balance=20)

    clock.freeze(T0 + timedelta(days=23) - US)  # a week and a microsecond before
    sweep(session)
    assert notes(session, customer.id, NotificationType.POINTS_EXPIRING) == []

    clock.freeze(T0 + timedelta(days=23))
    sweep(session)
    sweep(session)
    assert notes(session, customer.id, NotificationType.POINTS_EXPIRING) == [
        "20 points on your Coffee Club card at Bean There expire on Mar 31, 2027."
    ]
    mails = session.exec(select(OutboxMail).where(OutboxMail.to_address == customer.email)).all()
    assert [m.subject for m in mails] == ["Your points at Bean There expire soon"]
    assert "http://localhost" in mails[0].text_body and "/cards" in mails[0].text_body


def test_the_warning_is_in_the_customers_language(session, make, shop, clock):
    owner, _business, program, customer = shop
    customer.language = "fr"
    session.add(customer)
    session.commit()
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    make.card(customer, program, balance=20)
    clock.freeze(T0 + timedelta(days=25))
    sweep(session)

    mail = session.exec(select(OutboxMail).where(OutboxMail.to_address == customer.email)).one()
    assert mail.subject == "Vos points chez Bean There expirent bientôt"
    assert "31 mars 2027" in mail.text_body


def test_the_cards_show_what_expires_on_which_day_of_the_business(session, make, shop, clock):
    owner, business, program, customer = shop
    business.time_zone = "Pacific/Kiritimati"  # UTC+14: 10:00 UTC is the next day there
    session.add(business)
    session.commit()
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    card = make.card(customer, program, balance=20)
    clock.freeze(T0 + timedelta(days=2))
    awards.award_points(session, owner, card.id, 1, make.key())

    page = read_cards_page(session, customer)
    assert page.cards[0].expiries == [
        "20 points expire on Apr 1, 2027",
        "1 point expires on Apr 3, 2027",
    ]
    french = read_cards_page(session, customer, language="fr")
    assert "1 avr. 2027" in french.cards[0].expiries[0]


def test_a_stamps_card_says_stamps(session, make, shop, clock):
    owner, business, _program, customer = shop
    stamps = make.program(owner, business, name="Pastry Stamps", kind=ProgramKind.STAMPS)
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, stamps.id, "AFTER_INACTIVITY", 60)
    make.card(customer, stamps, balance=1)

    page = read_cards_page(session, customer)
    assert page.cards[0].expiries == ["1 stamp expires on Apr 30, 2027"]


def test_an_expiry_is_neither_issued_nor_redeemed_and_leaves_the_outstanding(
    session, make, shop, clock
):
    owner, business, program, customer = shop
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 1)
    make.card(customer, program, balance=20)
    clock.freeze(T0 + timedelta(days=1))
    assert sweep(session) == 20

    today = business_day(T0 + timedelta(days=1), business.time_zone)
    board = read_dashboard(session, owner, business.id, preset_period(today, 7))
    assert board.kpi("points_issued").value == 20
    assert board.kpi("points_redeemed").value == 0
    assert board.kpi("points_outstanding").value == 0
    maintained = aggregates(session)
    rebuild_analytics(session)
    session.commit()
    assert aggregates(session) == maintained


@pytest.mark.parametrize(
    ("mode", "days"),
    [
        ("AFTER_EARNED", 0),
        ("AFTER_EARNED", 3651),
        ("AFTER_EARNED", -5),
        ("AFTER_INACTIVITY", "30"),
        ("AFTER_EARNED", True),
        ("AFTER_EARNED", None),
        ("SOMETIMES", 30),
        (None, 30),
        ("AFTER_EARNED\x00", 30),
    ],
)
def test_a_bad_setting_is_refused_and_changes_nothing(session, shop, mode, days):
    owner, _business, program, _customer = shop
    with pytest.raises(ValidationError):
        expiry_rules.set_expiry_rule(session, owner, program.id, mode, days)
    assert session.exec(select(ExpiryRule)).all() == []


def test_the_same_setting_twice_is_one_version_and_off_is_a_version_too(session, shop, clock):
    owner, _business, program, _customer = shop
    clock.freeze(T0)
    assert expiry_rules.set_expiry_rule(session, owner, program.id, "NONE") is None
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 90)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 90)
    expiry_rules.set_expiry_rule(session, owner, program.id, "NONE", 90)
    versions = expiry_rules.rule_versions(session, [program.id])[program.id]
    assert [(v.mode, v.days) for v in versions] == [("AFTER_EARNED", 90), ("NONE", 0)]
    assert expiry_rules.current_rules(session, [program.id])[program.id].mode == "NONE"


def test_an_archived_programs_setting_cannot_change(session, shop):
    owner, _business, program, _customer = shop
    programs.archive_program(session, owner, program.id)
    with pytest.raises(ValidationError):
        expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)


def test_a_customer_who_left_loses_the_points_but_is_not_told(session, make, shop, clock):
    owner, _business, program, customer = shop
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    card = make.card(customer, program, balance=20)
    enrollment.leave_program(session, customer, program.id)

    clock.freeze(T0 + timedelta(days=30))
    assert sweep(session) == 20
    assert balance(session, card.id) == 0
    assert notes(session, customer.id, NotificationType.POINTS_EXPIRED) == []
