"""The growth engine's bonuses under random input and random sequences of events.

Hostile input to every call that takes some is refused in words, writing nothing.
Random joins, awards, leaves and rejoins of a referrer's friends keep the promises:
each friend paid at most once and only after a first award, the referrer never
past the limit, both sides of each paid referral paid, the welcome bonus once per
customer and program; the fixtures check balance = ledger after the test.
"""

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from gudcity.domain.referral_codes import referral_code
from gudcity.models import PointTransaction, Referral, ReferralStatus, TransactionKind
from gudcity.services import awards, birthdays, enrollment, program_bonuses, referrals
from gudcity.services.lookups import card_of, is_enrolled
from gudcity.settings import get_settings
from tests.services.growth_support import NO_BONUSES, offer
from tests.services.test_properties import FEWER, SETTINGS, ids, numbers, refused_or_done, texts

FIELDS = tuple(NO_BONUSES)


@SETTINGS
@given(field=st.sampled_from(FIELDS), value=numbers())
def test_setting_bonuses_takes_any_amount_or_refuses_it(session, shop, field, value):
    owner, _, program, _ = shop
    refused_or_done(
        session,
        lambda: program_bonuses.set_program_bonuses(
            session, owner, program.id, **(NO_BONUSES | {field: value})
        ),
    )


@SETTINGS
@given(month=numbers(), day=numbers())
def test_giving_a_birthday_takes_any_day_or_refuses_it(session, shop, month, day):
    customer = shop[3]
    refused_or_done(session, lambda: birthdays.set_birthday(session, customer, month, day))


@FEWER
@given(code=st.one_of(texts(), ids()))
def test_following_any_link_joins_or_refuses(session, make, shop, code):
    owner, _, program, _alice = shop
    offer(session, owner, program, referrer_bonus=5, friend_bonus=5)
    friend = make.customer()
    refused_or_done(session, lambda: referrals.join_through_referral(session, friend, code))


STEPS = st.lists(
    st.tuples(st.sampled_from(["join", "award", "leave", "rejoin"]), st.integers(0, 3)),
    max_size=14,
)


def _kind_rows(session, card_ids, kind):
    return session.exec(
        select(PointTransaction).where(
            PointTransaction.card_id.in_(card_ids), PointTransaction.kind == kind
        )
    ).all()


def _step(session, make, owner, program, code, friend, action) -> None:
    """One event of the friend's; those that cannot happen now (an award before joining)
    are skipped."""
    held = card_of(session, friend.id, program.id)
    enrolled = is_enrolled(session, friend.id, program.id)
    if action == "join":
        referrals.join_through_referral(session, friend, code)
    elif action == "award" and enrolled:
        awards.award_points(session, owner, held.id, 3, make.key())
    elif action == "leave" and enrolled:
        enrollment.leave_program(session, friend, program.id)
    elif action == "rejoin" and held is not None:
        enrollment.join_program(session, friend, program.id)


@FEWER
@given(steps=STEPS, limit=st.integers(0, 2), welcome=st.integers(0, 4))
def test_any_sequence_pays_each_referral_once_and_never_past_the_limit(
    session, make, steps, limit, welcome
):
    owner, business = make.business()
    program = make.program(owner, business)
    offer(
        session,
        owner,
        program,
        referrer_bonus=7,
        friend_bonus=4,
        referral_limit=limit,
        welcome_bonus=welcome,
    )
    alice = make.customer()
    alices = make.card(alice, program)
    code = referral_code(alices.id, get_settings().secret_key)
    friends = [make.customer() for _ in range(4)]
    awarded = set()
    for action, index in steps:
        _step(session, make, owner, program, code, friends[index], action)
        if action == "award" and is_enrolled(session, friends[index].id, program.id):
            awarded.add(friends[index].id)

    session.expire_all()
    found = session.exec(select(Referral).where(Referral.program_id == program.id)).all()
    paid = [r for r in found if r.status == ReferralStatus.PAID]
    assert {r.friend_id for r in paid} <= awarded
    assert limit == 0 or len(paid) <= limit
    assert len({r.friend_id for r in found}) == len(found)
    cards = [alices.id] + [
        c.id for f in friends if (c := card_of(session, f.id, program.id)) is not None
    ]
    bonuses = _kind_rows(session, cards, TransactionKind.REFERRAL_BONUS)
    keys = sorted(row.idempotency_key for row in bonuses)
    assert keys == sorted(
        f"referral:{r.id}:{side}" for r in paid for side in ("friend", "referrer")
    )
    welcomes = _kind_rows(session, cards, TransactionKind.WELCOME_BONUS)
    assert len(welcomes) == (len(cards) if welcome else 0)
