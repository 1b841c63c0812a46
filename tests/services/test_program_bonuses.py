"""A program's bonus settings: set together, checked, and refused without a trace."""

import pytest

from gudcity.domain.errors import ValidationError
from gudcity.services import program_bonuses, programs
from tests.services.growth_support import NO_BONUSES, offer


def test_the_bonuses_are_set_together_and_read_back(session, make, shop):
    owner, _business, program, _customer = shop
    offer(
        session,
        owner,
        program,
        welcome_bonus=20,
        birthday_bonus=50,
        birthday_window_days=7,
        referrer_bonus=30,
        friend_bonus=10,
        referral_limit=5,
    )
    read = program_bonuses.program_bonuses(session, owner, program.id)
    assert (read.welcome_bonus, read.birthday_bonus, read.birthday_window_days) == (20, 50, 7)
    assert (read.referrer_bonus, read.friend_bonus, read.referral_limit) == (30, 10, 5)
    assert read.offers_referrals
    offer(session, owner, program)
    assert not program_bonuses.program_bonuses(session, owner, program.id).offers_referrals


BAD = [
    ("welcome_bonus", -1, "Welcome bonus must be between 0"),
    ("birthday_bonus", 10**9, "Birthday reward must be between 0"),
    ("referrer_bonus", "10", "whole number"),
    ("friend_bonus", True, "whole number"),
    ("birthday_window_days", 32, "Days after the birthday"),
    ("birthday_window_days", -1, "Days after the birthday"),
    ("referral_limit", -3, "referral limit"),
    ("referral_limit", 1.5, "referral limit"),
]


@pytest.mark.parametrize(("name", "value", "says"), BAD)
def test_bad_input_is_refused_and_changes_nothing(session, make, shop, name, value, says):
    owner, _business, program, _customer = shop
    offer(session, owner, program, welcome_bonus=20, friend_bonus=5)
    before = make.counts()
    with pytest.raises(ValidationError, match=says):
        program_bonuses.set_program_bonuses(
            session, owner, program.id, **(NO_BONUSES | {"welcome_bonus": 99, name: value})
        )
    assert make.counts() == before
    session.expire_all()
    read = program_bonuses.program_bonuses(session, owner, program.id)
    assert (read.welcome_bonus, read.friend_bonus) == (20, 5)


def test_an_archived_program_keeps_its_bonuses(session, make, shop):
    owner, _business, program, _customer = shop
    programs.archive_program(session, owner, program.id)
    with pytest.raises(ValidationError, match="archived"):
        offer(session, owner, program, welcome_bonus=5)
