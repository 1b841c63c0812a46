"""Hostile input to promotions and promo codes: nothing but the services' own errors comes
out, a refusal writes nothing, and whatever goes through keeps balance = ledger."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from gudcity.domain.redemption_codes import REDEMPTION_ALPHABET
from gudcity.models import PointTransaction, TransactionKind
from gudcity.services import awards as awards_service
from gudcity.services import lookups, promo_codes, promotions
from gudcity.services.promotions import PromotionInput
from tests.services.test_properties import FEWER, SETTINGS, numbers, refused_or_done, texts

TIMES = st.one_of(texts(), st.sampled_from(["00:00", "09:00", "23:59", "24:00", "9.30", "25:61"]))
DAYS = st.one_of(st.none(), st.dates(), texts(), numbers())
WEEKDAYS = st.one_of(
    st.lists(st.integers(-3, 9), max_size=9),
    st.lists(st.one_of(st.booleans(), texts(), st.none()), max_size=3),
    st.none(),
    numbers(),
)


@SETTINGS
@given(
    name=texts(),
    kind=st.one_of(st.sampled_from(["MULTIPLIER", "BONUS"]), texts()),
    value=numbers(),
    weekdays=WEEKDAYS,
    start=TIMES,
    end=TIMES,
    starts_on=DAYS,
    ends_on=DAYS,
    once=st.one_of(st.booleans(), texts()),
)
def test_creating_a_promotion_takes_any_input_or_refuses_it(
    session, shop, name, kind, value, weekdays, start, end, starts_on, ends_on, once
):
    owner, _, program, _ = shop
    typed = PromotionInput(name, kind, value, weekdays, start, end, starts_on, ends_on, once)
    refused_or_done(session, lambda: promotions.create_promotion(session, owner, program.id, typed))


@FEWER
@given(points=numbers(), limit=st.one_of(st.none(), numbers()), expires_on=DAYS)
def test_creating_a_promo_code_takes_any_input_or_refuses_it(
    session, shop, points, limit, expires_on
):
    owner, _, program, _ = shop
    refused_or_done(
        session,
        lambda: promo_codes.create_promo_code(
            session, owner, program.id, points=points, usage_limit=limit, expires_on=expires_on
        ),
    )


@SETTINGS
@given(typed=st.one_of(texts(), st.text(alphabet=REDEMPTION_ALPHABET + " -.", max_size=20)))
def test_applying_any_typed_promo_code_finds_it_or_is_refused(session, make, shop, typed):
    _, _, _, customer = shop
    refused_or_done(session, lambda: promo_codes.apply_promo_code(session, customer, typed))


# One Sunday in Berlin: 06:00 UTC is 8:00 local, the window 9:00-11:00 opens at 07:00 UTC.
SUNDAY_SIX_UTC = datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


@FEWER
@given(
    awards=st.lists(
        st.tuples(st.integers(0, 6 * 60), st.integers(1, 50), st.integers(0, 4)),
        min_size=1,
        max_size=8,
    ),
    once_per_day=st.booleans(),
)
def test_random_awards_earn_each_bonus_once_and_only_inside_the_window(
    session, make, shop, clock, awards, once_per_day
):
    """Awards at random minutes, some sent again with the same key: the bonus rows are
    exactly those of the distinct awards made inside 9:00-11:00 local (the first of them
    only, once per day), each computed from its own base points."""
    owner, business, program, customer = shop
    business.time_zone = "Europe/Berlin"
    session.add(business)
    session.commit()
    card = lookups.card_of(session, customer.id, program.id) or make.card(customer, program)
    promotion = promotions.create_promotion(
        session,
        owner,
        program.id,
        PromotionInput("Sunday mornings", "MULTIPLIER", 150, [6], "09:00", "11:00", "2026-03-01",
                       once_per_day=once_per_day),
    )  # fmt: skip
    keys = [make.key() for _ in range(5)]
    expected, first_points = {}, {}
    for minute, points, key_index in awards:
        clock.freeze(SUNDAY_SIX_UTC + timedelta(minutes=minute))
        key = f"{promotion.id}-{keys[key_index]}"
        awarded = awards_service.award_points(session, owner, card.id, points, key)
        first_points.setdefault(key, (minute, awarded.amount))
    for key, (minute, points) in first_points.items():
        bonus = points * 50 // 100  # nothing is granted for 0, so the day stays open
        if 60 <= minute < 180 and bonus > 0 and not (once_per_day and expected):
            expected[key] = bonus
    session.expire_all()
    granted = session.exec(
        select(PointTransaction.amount).where(
            PointTransaction.kind == TransactionKind.PROMOTION_BONUS,
            PointTransaction.idempotency_key.startswith(f"promo:{promotion.id}:"),
        )
    ).all()
    assert sorted(granted) == sorted(expected.values())
    clock.back_to_now()
    promotions.end_promotion(session, owner, promotion.id)
