"""Referrals: a card's link, a friend joining through it, both paid on the first visit."""

import pytest
from sqlmodel import select

from gudcity.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from gudcity.domain.referral_codes import referral_code
from gudcity.models import Referral, ReferralStatus, TransactionKind, User
from gudcity.services import awards, enrollment, programs, referrals, scanning
from gudcity.services.referral_payment import ALREADY_MEMBER, LIMIT_REACHED, SELF_REFERRAL
from gudcity.settings import get_settings
from tests.services.growth_support import balance, offer, rows
from tests.support.races import race


def code_of(card) -> str:
    return referral_code(card.id, get_settings().secret_key)


@pytest.fixture
def club(session, make, shop):
    """Coffee Club pays 30 to the referrer and 20 to the friend; Alice holds a card."""
    owner, _business, program, alice = shop
    offer(session, owner, program, referrer_bonus=30, friend_bonus=20)
    return owner, program, alice, make.card(alice, program)


def _referral(session, friend) -> Referral | None:
    session.expire_all()
    return session.exec(select(Referral).where(Referral.friend_id == friend.id)).first()


def _award(session, make, owner, card, points: int = 5) -> None:
    awards.award_points(session, owner, card.id, points, make.key())


def _referral_rows(session, card):
    return rows(session, card.id, TransactionKind.REFERRAL_BONUS)


def test_each_card_of_a_program_with_referrals_has_its_own_link(session, make, club):
    owner, program, alice, card = club
    [link] = referrals.referral_links(session, alice).values()
    assert link.card_id == card.id
    assert link.url == f"{get_settings().public_url}/join/{code_of(card)}"
    assert link.offer.args["mine"].args["count"] == 30
    assert referrals.referral_links(session, make.customer("Bob")) == {}
    offer(session, owner, program)
    assert referrals.referral_links(session, alice) == {}


def test_the_link_tells_a_visitor_what_they_get(session, club):
    owner, program, _alice, card = club
    offer(session, owner, program, referrer_bonus=30, friend_bonus=20, welcome_bonus=5)
    seen = referrals.join_offer(session, code_of(card))
    assert (seen.program_name, seen.business_name) == ("Coffee Club", "Bean There")
    words = referrals.join_offer_words(seen)
    assert [w.args["amount"].args["count"] for w in words] == [5, 20]


def test_a_friend_who_joins_is_pending_and_earns_nothing_on_sign_up(session, make, club):
    _owner, program, alice, card = club
    bob = make.customer("Bob")
    joined = referrals.join_through_referral(session, bob, code_of(card))
    assert joined.outcome == referrals.JOINED and joined.card.program_id == program.id
    referral = _referral(session, bob)
    assert referral.status == ReferralStatus.PENDING
    assert (referral.referrer_id, referral.referrer_card_id) == (alice.id, card.id)
    assert _referral_rows(session, joined.card) == _referral_rows(session, card) == []
    assert balance(session, card.id) == 0


def test_the_friends_first_visit_pays_both_once(session, make, club):
    owner, _program, _alice, card = club
    bob = make.customer("Bob")
    bobs = referrals.join_through_referral(session, bob, code_of(card)).card
    _award(session, make, owner, bobs, 5)
    _award(session, make, owner, bobs, 5)

    referral = _referral(session, bob)
    assert referral.status == ReferralStatus.PAID and referral.paid_at is not None
    [friends] = _referral_rows(session, bobs)
    [referrers] = _referral_rows(session, card)
    assert (friends.amount, friends.idempotency_key) == (20, f"referral:{referral.id}:friend")
    assert (referrers.amount, referrers.idempotency_key) == (30, f"referral:{referral.id}:referrer")
    assert balance(session, bobs.id) == 30 and balance(session, card.id) == 30


def test_a_scan_is_a_first_visit_too(session, make, club):
    owner, program, _alice, card = club
    bob = make.customer("Bob")
    bobs = referrals.join_through_referral(session, bob, code_of(card)).card
    scanning.scan_customer(session, owner, program.id, bob.id, make.key())
    assert [r.amount for r in _referral_rows(session, bobs)] == [20]
    assert [r.amount for r in _referral_rows(session, card)] == [30]


def test_ones_own_link_is_refused(session, make, club):
    _owner, _program, alice, card = club
    before = balance(session, card.id)
    joined = referrals.join_through_referral(session, alice, code_of(card))
    assert joined.outcome == SELF_REFERRAL and joined.card is None
    referral = _referral(session, alice)
    assert (referral.status, referral.refused_reason) == (ReferralStatus.REFUSED, SELF_REFERRAL)
    assert balance(session, card.id) == before


def test_a_member_already_enrolled_or_who_left_is_refused_and_never_paid(session, make, club):
    owner, program, _alice, card = club
    carol = make.customer("Carol")
    carols = make.card(carol, program)
    enrollment.leave_program(session, carol, program.id)
    joined = referrals.join_through_referral(session, carol, code_of(card))
    assert joined.outcome == ALREADY_MEMBER and joined.card.id == carols.id
    assert _referral(session, carol).refused_reason == ALREADY_MEMBER
    _award(session, make, owner, carols)
    assert _referral_rows(session, carols) == _referral_rows(session, card) == []
    again = referrals.join_through_referral(session, carol, code_of(card))
    assert again.outcome == ALREADY_MEMBER


def test_one_referral_per_friend_the_first_link_stays(session, make, club):
    owner, program, alice, card = club
    dave = make.customer("Dave")
    daves = make.card(dave, program)
    bob = make.customer("Bob")
    bobs = referrals.join_through_referral(session, bob, code_of(card)).card
    assert referrals.join_through_referral(session, bob, code_of(daves)).outcome == ALREADY_MEMBER
    assert _referral(session, bob).referrer_id == alice.id
    _award(session, make, owner, bobs)
    assert _referral_rows(session, daves) == []
    assert len(_referral_rows(session, card)) == 1


def test_the_referrers_limit_counts_paid_referrals(session, make, club):
    owner, program, _alice, card = club
    offer(session, owner, program, referrer_bonus=30, friend_bonus=20, referral_limit=1)
    bob, carol, dan = make.customer("Bob"), make.customer("Carol"), make.customer("Dan")
    bobs = referrals.join_through_referral(session, bob, code_of(card)).card
    carols = referrals.join_through_referral(session, carol, code_of(card)).card
    _award(session, make, owner, bobs)
    _award(session, make, owner, carols)

    assert _referral(session, bob).status == ReferralStatus.PAID
    refused = _referral(session, carol)
    assert (refused.status, refused.refused_reason) == (ReferralStatus.REFUSED, LIMIT_REACHED)
    assert _referral_rows(session, carols) == []
    assert len(_referral_rows(session, card)) == 1
    assert referrals.join_through_referral(session, dan, code_of(card)).outcome == LIMIT_REACHED
    [link] = referrals.referral_links(session, club[2]).values()
    assert "every referral reward" in link.offer.id


def test_first_visits_at_once_never_pay_past_the_limit(session, engine, make, club):
    owner, program, _alice, card = club
    offer(session, owner, program, referrer_bonus=30, friend_bonus=20, referral_limit=2)
    friends = [make.customer(f"Friend {n}") for n in range(4)]
    cards = [referrals.join_through_referral(session, f, code_of(card)).card for f in friends]
    session.commit()

    def first_visit(card_id):
        return lambda own: awards.award_points(own, own.get(User, owner.id), card_id, 5, make.key())

    outcomes = race(engine, [first_visit(c.id) for c in cards])
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    statuses = [_referral(session, f).status for f in friends]
    assert statuses.count(ReferralStatus.PAID) == 2
    assert statuses.count(ReferralStatus.REFUSED) == 2
    assert [r.amount for r in _referral_rows(session, card)] == [30, 30]
    assert sum(len(_referral_rows(session, c)) for c in cards) == 2


def test_a_referrer_who_left_gets_nothing_the_friend_still_does(session, make, club):
    owner, program, alice, card = club
    bob = make.customer("Bob")
    bobs = referrals.join_through_referral(session, bob, code_of(card)).card
    enrollment.leave_program(session, alice, program.id)
    _award(session, make, owner, bobs)
    assert [r.amount for r in _referral_rows(session, bobs)] == [20]
    assert _referral_rows(session, card) == []


@pytest.mark.parametrize("code", ["", "nonsense", "1-aaaaaaaaaaaaa", None, 42, "9" * 60])
def test_a_link_that_is_not_one_is_refused_and_changes_nothing(session, make, club, code):
    bob = make.customer("Bob")
    before = make.counts()
    with pytest.raises(NotFoundError):
        referrals.join_through_referral(session, bob, code)
    with pytest.raises(NotFoundError):
        referrals.join_offer(session, code)
    assert make.counts() == before


def test_a_link_stops_working_with_its_program(session, make, club):
    owner, program, _alice, card = club
    bob = make.customer("Bob")
    programs.update_program(session, owner, program.id, is_active=False)
    before = make.counts()
    with pytest.raises(ValidationError, match="paused"):
        referrals.join_through_referral(session, bob, code_of(card))
    offer(session, owner, program)
    programs.update_program(session, owner, program.id, is_active=True)
    with pytest.raises(NotFoundError):
        referrals.join_through_referral(session, bob, code_of(card))
    assert make.counts()["referrals"] == before["referrals"] == 0


def test_only_customers_join(session, club):
    owner, _program, _alice, card = club
    with pytest.raises(PermissionDeniedError):
        referrals.join_through_referral(session, owner, code_of(card))
