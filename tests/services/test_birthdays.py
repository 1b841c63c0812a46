"""Birthdays: given on /settings, rewarded once a year on the day in the business's zone."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from gudcity.domain.errors import PermissionDeniedError, ValidationError
from gudcity.models import CustomerNotification, NotificationType, TransactionKind, User
from gudcity.services import birthdays, enrollment, programs
from gudcity.services.birthdays import grant_birthday_rewards
from tests.services.growth_support import balance, offer, rows
from tests.support.races import race


def at(*moment) -> datetime:
    return datetime(*moment, tzinfo=UTC)


@pytest.fixture
def party(session, make, shop, clock):
    """Alice's card in Coffee Club, whose birthday reward is 50; her birthday, 10 March, set
    on 1 January 2027 (long enough before)."""
    owner, business, program, customer = shop
    offer(session, owner, program, birthday_bonus=50)
    card = make.card(customer, program)
    clock.freeze(at(2027, 1, 1, 12))
    birthdays.set_birthday(session, customer, 3, 10)
    return owner, business, program, customer, card


def _in_zone(session, business, zone: str) -> None:
    business.time_zone = zone
    session.add(business)
    session.commit()


def _birthday_rows(session, card_id):
    return rows(session, card_id, TransactionKind.BIRTHDAY_BONUS)


def test_the_reward_comes_on_the_day_in_the_businesss_zone_and_once(session, clock, party):
    _owner, business, _program, customer, card = party
    _in_zone(session, business, "Pacific/Auckland")  # UTC+13 in March

    clock.freeze(at(2027, 3, 9, 10, 59))  # 9 March, 23:59 in Auckland
    assert grant_birthday_rewards(session) == 0
    clock.freeze(at(2027, 3, 9, 11, 0))  # 10 March, 00:00 in Auckland
    assert grant_birthday_rewards(session) == 1
    assert grant_birthday_rewards(session) == 0
    clock.advance(hours=20)
    assert grant_birthday_rewards(session) == 0

    [row] = _birthday_rows(session, card.id)
    assert row.amount == 50 and row.idempotency_key == f"birthday:{card.id}:2027"
    assert balance(session, card.id) == 50
    notes = session.exec(
        select(CustomerNotification).where(
            CustomerNotification.customer_id == customer.id,
            CustomerNotification.type == NotificationType.BONUS_GRANTED,
        )
    ).all()
    assert len(notes) == 1


def test_a_business_in_utc_gives_it_on_its_own_day(session, clock, party):
    _owner, _business, _program, _customer, card = party
    clock.freeze(at(2027, 3, 9, 23, 59))
    assert grant_birthday_rewards(session) == 0
    clock.freeze(at(2027, 3, 10, 0, 0))
    assert grant_birthday_rewards(session) == 1
    clock.freeze(at(2027, 3, 11, 0, 0))
    assert grant_birthday_rewards(session) == 0
    assert len(_birthday_rows(session, card.id)) == 1


def test_it_comes_again_the_next_year(session, clock, party):
    _owner, _business, _program, _customer, card = party
    for year in (2027, 2028):
        clock.freeze(at(year, 3, 10, 9))
        assert grant_birthday_rewards(session) == 1
    keys = [r.idempotency_key for r in _birthday_rows(session, card.id)]
    assert keys == [f"birthday:{card.id}:2027", f"birthday:{card.id}:2028"]


def test_the_window_gives_it_later_but_no_later_than_the_window(session, clock, party):
    owner, _business, program, _customer, card = party
    offer(session, owner, program, birthday_bonus=50, birthday_window_days=3)
    clock.freeze(at(2027, 3, 14, 9))
    assert grant_birthday_rewards(session) == 0
    clock.freeze(at(2027, 3, 13, 9))
    assert grant_birthday_rewards(session) == 1
    [row] = _birthday_rows(session, card.id)
    assert row.idempotency_key.endswith(":2027")


def test_a_window_across_the_new_year_counts_for_the_old_year(session, clock, party):
    owner, _business, program, customer, card = party
    offer(session, owner, program, birthday_bonus=50, birthday_window_days=7)
    clock.freeze(at(2026, 6, 1))
    birthdays.set_birthday(session, customer, 12, 30)
    clock.freeze(at(2027, 1, 2, 9))
    assert grant_birthday_rewards(session) == 1
    assert _birthday_rows(session, card.id)[0].idempotency_key == f"birthday:{card.id}:2026"
    clock.freeze(at(2027, 12, 30, 9))
    assert grant_birthday_rewards(session) == 1


def test_a_birthday_given_less_than_30_days_before_is_rewarded_from_next_year(
    session, clock, party
):
    _owner, _business, _program, customer, _card = party
    clock.freeze(at(2027, 2, 8, 12))  # 30 days before 10 March: too late
    birthdays.set_birthday(session, customer, 3, 11)
    birthdays.set_birthday(session, customer, 3, 10)
    clock.freeze(at(2027, 3, 10, 9))
    assert grant_birthday_rewards(session) == 0
    clock.freeze(at(2028, 3, 10, 9))
    assert grant_birthday_rewards(session) == 1


def test_a_birthday_given_31_days_before_is_rewarded(session, clock, party):
    _owner, _business, _program, customer, _card = party
    clock.freeze(at(2027, 2, 7, 12))
    birthdays.set_birthday(session, customer, 3, 11)
    birthdays.set_birthday(session, customer, 3, 10)  # changed the same day: set 31 days before
    clock.freeze(at(2027, 3, 10, 9))
    assert grant_birthday_rewards(session) == 1


def test_moving_the_birthday_after_its_reward_gives_no_second_one_that_year(session, clock, party):
    _owner, _business, _program, customer, card = party
    clock.freeze(at(2027, 3, 10, 9))
    assert grant_birthday_rewards(session) == 1
    birthdays.set_birthday(session, customer, 6, 1)
    clock.freeze(at(2027, 6, 1, 9))
    assert grant_birthday_rewards(session) == 0
    clock.freeze(at(2028, 6, 1, 9))
    assert grant_birthday_rewards(session) == 1
    assert len(_birthday_rows(session, card.id)) == 2


def test_29_february_is_celebrated_on_the_28th_in_other_years(session, clock, party):
    _owner, _business, _program, customer, card = party
    birthdays.set_birthday(session, customer, 2, 29)  # on 1 January 2027
    clock.freeze(at(2027, 2, 28, 9))
    assert grant_birthday_rewards(session) == 1
    clock.freeze(at(2027, 3, 1, 9))
    assert grant_birthday_rewards(session) == 0
    clock.freeze(at(2028, 2, 28, 9))
    assert grant_birthday_rewards(session) == 0
    clock.freeze(at(2028, 2, 29, 9))
    assert grant_birthday_rewards(session) == 1
    keys = [r.idempotency_key for r in _birthday_rows(session, card.id)]
    assert keys == [f"birthday:{card.id}:2027", f"birthday:{card.id}:2028"]


def test_nobody_left_paused_or_without_a_birthday_gets_one(session, make, clock, party):
    owner, _business, program, customer, _card = party
    other = make.customer("Bob")
    other_card = make.card(other, program)
    birthdays.set_birthday(session, other, 3, 10)
    birthdays.remove_birthday(session, other)
    enrollment.leave_program(session, customer, program.id)
    clock.freeze(at(2027, 3, 10, 9))
    assert grant_birthday_rewards(session) == 0

    enrollment.join_program(session, customer, program.id)
    programs.update_program(session, owner, program.id, is_active=False)
    assert grant_birthday_rewards(session) == 0
    programs.update_program(session, owner, program.id, is_active=True)
    assert grant_birthday_rewards(session) == 1
    assert _birthday_rows(session, other_card.id) == []


def test_a_program_without_a_birthday_reward_gives_none(session, clock, party):
    owner, _business, program, _customer, _card = party
    offer(session, owner, program)
    clock.freeze(at(2027, 3, 10, 9))
    assert grant_birthday_rewards(session) == 0


def test_two_workers_sweeping_at_once_grant_it_once(session, engine, clock, party):
    _owner, _business, _program, _customer, card = party
    clock.freeze(at(2027, 3, 10, 9))
    outcomes = race(engine, [grant_birthday_rewards] * 3)
    assert sorted(outcomes) == [0, 0, 1]
    assert len(_birthday_rows(session, card.id)) == 1


# --- giving one's birthday ---------------------------------------------------------------


def test_setting_the_same_birthday_again_keeps_when_it_was_set(session, clock, party):
    _owner, _business, _program, customer, _card = party
    clock.freeze(at(2027, 2, 25))
    assert birthdays.set_birthday(session, customer, 3, 10) == birthdays.Birthday(3, 10)
    session.expire_all()
    assert session.get(User, customer.id).birthday_set_at == at(2027, 1, 1, 12)
    assert birthdays.birthday_of(session, customer) == birthdays.Birthday(3, 10)


def test_removing_it_forgets_it(session, party):
    _owner, _business, _program, customer, _card = party
    birthdays.remove_birthday(session, customer)
    session.expire_all()
    user = session.get(User, customer.id)
    assert (user.birth_month, user.birth_day, user.birthday_set_at) == (None, None, None)
    assert birthdays.birthday_of(session, customer) is None
    birthdays.remove_birthday(session, customer)


@pytest.mark.parametrize(
    ("month", "day"), [(2, 30), (4, 31), (13, 1), (0, 5), (3, 0), ("3", 10), (3, None), (True, 1)]
)
def test_a_day_that_is_not_in_the_calendar_is_refused_and_changes_nothing(
    session, make, party, month, day
):
    _owner, _business, _program, customer, _card = party
    before = make.counts()
    with pytest.raises(ValidationError, match="month and a day"):
        birthdays.set_birthday(session, customer, month, day)
    assert make.counts() == before
    assert birthdays.birthday_of(session, customer) == birthdays.Birthday(3, 10)


def test_only_customers_have_birthdays(session, party):
    owner, *_ = party
    with pytest.raises(PermissionDeniedError):
        birthdays.set_birthday(session, owner, 3, 10)
