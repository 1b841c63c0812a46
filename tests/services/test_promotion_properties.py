"""Hostile input to promotions and promo codes: nothing but the services' own errors comes
out, a refusal writes nothing, and whatever goes through keeps balance = ledger."""

from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.redemption_codes import REDEMPTION_ALPHABET
from gudcity.services import promo_codes, promotions
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
