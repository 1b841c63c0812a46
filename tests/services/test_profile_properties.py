"""Hostile input in /settings: whatever is typed, a name, a password or a business's
details are saved or refused with a ServiceError that writes nothing (the helpers and
the hostile text are test_properties.py's; the rules themselves: tests/domain/test_contact.py)."""

from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.errors import ServiceError
from gudcity.services import profile
from gudcity.services.accounts import MAX_NAME_LENGTH
from tests.domain.test_contact import PHONES, folded, no_control_characters
from tests.services.test_properties import FEWER, SETTINGS, refused_or_done, texts
from tests.support.make import PASSWORD


@SETTINGS
@given(name=st.one_of(texts(), st.integers(), st.none()))
def test_changing_a_name_takes_any_input_or_refuses_it(session, shop, name):
    alice = shop[3]
    result = refused_or_done(session, lambda: profile.change_name(session, alice, name))
    if not isinstance(result, ServiceError):
        stored = profile.account_settings(session, alice).name
        assert folded(stored) and 1 <= len(stored) <= MAX_NAME_LENGTH
        assert no_control_characters(stored)


@FEWER
@given(current=st.one_of(texts(), st.just(PASSWORD)), new=texts())
def test_changing_a_password_takes_any_input_or_refuses_it(session, shop, current, new):
    alice = shop[3]
    result = refused_or_done(
        session, lambda: profile.change_password(session, alice, current, new, "")
    )
    if not isinstance(result, ServiceError):  # back to the known password for what follows
        profile.change_password(session, alice, new, PASSWORD, "")


@FEWER
@given(name=texts(), address=texts(), phone=PHONES, opening_hours=texts())
def test_updating_a_business_takes_any_input_or_refuses_it(
    session, shop, name, address, phone, opening_hours
):
    owner, business = shop[0], shop[1]
    refused_or_done(
        session,
        lambda: profile.update_business_profile(
            session,
            owner,
            business.id,
            name=name,
            address=address,
            phone=phone,
            opening_hours=opening_hours,
            time_zone="UTC",
        ),
    )
