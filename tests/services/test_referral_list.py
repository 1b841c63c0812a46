"""The business's referrals as its managers see them: counts per program, the latest."""

import pytest
from sqlmodel import select

from gudcity.domain.errors import PermissionDeniedError
from gudcity.i18n.catalogue import Message
from gudcity.models import ReferralStatus, SyncNotification
from gudcity.services import account_deletion, awards, referral_list, referrals
from gudcity.services.outbox import business_topic
from gudcity.services.permissions import Permission
from tests.services.growth_support import offer
from tests.services.test_referrals import code_of
from tests.support.make import PASSWORD


@pytest.fixture
def club(session, make, shop):
    """Coffee Club pays referrals; Alice's link brought Bob (paid) and Carol (waiting),
    and Alice followed her own link (refused), in that order."""
    owner, business, program, alice = shop
    offer(session, owner, program, referrer_bonus=30, friend_bonus=20)
    code = code_of(make.card(alice, program))
    bob, carol = make.customer("Bob"), make.customer("Carol")
    bobs = referrals.join_through_referral(session, bob, code).card
    referrals.join_through_referral(session, carol, code)
    referrals.join_through_referral(session, alice, code)
    awards.award_points(session, owner, bobs.id, 5, make.key())
    return owner, business, program, carol


def _said(message: Message) -> tuple:
    return (message.id, dict(message.args))


def test_the_latest_come_first_with_their_states_and_counts(session, club):
    owner, business, program, _carol = club
    seen = referral_list.list_referrals(session, owner, business.id)
    assert seen.counts == [referral_list.ReferralCounts(program.id, "Coffee Club", 1, 1, 1)]
    assert [(e.friend.args["text"], e.referrer.args["text"]) for e in seen.latest] == [
        ("Alice", "Alice"),
        ("Carol", "Alice"),
        ("Bob", "Alice"),
    ]
    refused, waiting, paid = (e.state for e in seen.latest)
    assert _said(refused) == (referral_list.REFUSED["SELF"], {})
    assert _said(waiting) == (referral_list.WAITING, {})
    assert paid.id == referral_list.PAID_ON and paid.args["day"] == seen.latest[2].joined_on
    assert {e.program_name for e in seen.latest} == {"Coffee Club"}


def test_a_deleted_friend_is_named_as_everywhere_else(session, club):
    owner, business, _program, carol = club
    account_deletion.delete_account(session, carol, PASSWORD)
    session.expire_all()
    [carols] = [
        e.friend
        for e in referral_list.list_referrals(session, owner, business.id).latest
        if e.state.id == referral_list.WAITING
    ]
    assert carols == Message(account_deletion.DELETED_CUSTOMER)


def test_a_program_paying_referrals_shows_its_counts_before_any(session, make, shop):
    owner, business, program, _alice = shop
    make.program(owner, business, name="Pastry Stamps")
    assert referral_list.list_referrals(session, owner, business.id).counts == []
    offer(session, owner, program, referrer_bonus=10)
    seen = referral_list.list_referrals(session, owner, business.id)
    assert seen.counts == [referral_list.ReferralCounts(program.id, "Coffee Club")]
    assert seen.latest == []


def test_another_business_never_sees_them(session, make, club):
    other_owner, other_business = make.business("Elsewhere")
    seen = referral_list.list_referrals(session, other_owner, other_business.id)
    assert (seen.counts, seen.latest) == ([], [])
    _owner, business, _program, _carol = club
    with pytest.raises(PermissionDeniedError):
        referral_list.list_referrals(session, other_owner, business.id)


def test_only_those_who_manage_programs_see_them(session, make, club):
    owner, business, _program, carol = club
    counter = make.staff(owner, business, Permission.SCAN, Permission.AWARD, Permission.REPORTS)
    manager = make.staff(owner, business, Permission.MANAGE_PROGRAMS)
    assert len(referral_list.list_referrals(session, manager, business.id).latest) == 3
    for refused in (counter, carol):
        with pytest.raises(PermissionDeniedError):
            referral_list.list_referrals(session, refused, business.id)


def test_each_state_has_its_words():
    paid = referral_list.state_message(ReferralStatus.PAID, None, None)
    assert paid.id == referral_list.PAID_ON
    for reason, words in referral_list.REFUSED.items():
        refused = referral_list.state_message(ReferralStatus.REFUSED, reason, None)
        assert refused.id == words


def _business_events(session, business) -> list[str]:
    session.expire_all()
    topic = business_topic(business.id)
    return list(session.exec(select(SyncNotification.kind).where(SyncNotification.topic == topic)))


def test_a_referral_made_refused_or_paid_tells_the_business(session, make, shop):
    owner, business, program, alice = shop
    offer(session, owner, program, referrer_bonus=30, friend_bonus=20)
    code = code_of(make.card(alice, program))
    before = len(_business_events(session, business))
    referrals.join_through_referral(session, alice, code)
    assert _business_events(session, business)[before:] == ["referral.refused"]
    bobs = referrals.join_through_referral(session, make.customer("Bob"), code).card
    assert len(_business_events(session, business)) == before + 2
    awards.award_points(session, owner, bobs.id, 5, make.key())
    assert len(_business_events(session, business)) == before + 3
