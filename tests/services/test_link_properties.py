"""Hostile input to the calls behind links by mail: any email, token or password is
taken or refused with a ServiceError that wrote nothing (tests/services/test_properties.py)."""

from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.errors import ExpiredError, ValidationError
from gudcity.services import email_change, password_reset
from tests.services.test_properties import (
    EMAILS,
    FEWER,
    HOSTILE_TEXT,
    SETTINGS,
    refused_or_done,
    texts,
)
from tests.support.make import PASSWORD

ANYTHING = st.one_of(texts(), st.none(), st.integers(), st.booleans(), st.lists(st.text()))
TOKENS = st.one_of(
    ANYTHING, st.sampled_from(HOSTILE_TEXT), st.text(alphabet="-_aZ09", min_size=43, max_size=43)
)


@SETTINGS
@given(email=st.one_of(EMAILS, ANYTHING), address=st.one_of(texts(), st.none()))
def test_asking_for_a_reset_answers_nothing_for_any_email(session, shop, email, address):
    assert password_reset.request_password_reset(session, email, address) is None


@SETTINGS
@given(token=TOKENS, password=st.one_of(ANYTHING, st.just(PASSWORD)))
def test_a_reset_with_any_token_is_refused(session, shop, token, password):
    result = refused_or_done(
        session, lambda: password_reset.reset_password(session, token, password)
    )
    assert isinstance(result, ExpiredError | ValidationError)


@FEWER
@given(email=st.one_of(EMAILS, ANYTHING), password=st.one_of(ANYTHING, st.just(PASSWORD)))
def test_asking_to_change_the_email_takes_any_input_or_refuses_it(session, make, email, password):
    customer = make.customer()
    refused_or_done(
        session,
        lambda: email_change.request_email_change(session, customer, email, password),
        logged="login_failures",  # a wrong password counts as a failed log-in
    )


@SETTINGS
@given(token=TOKENS)
def test_confirming_an_email_with_any_token_is_refused(session, shop, token):
    result = refused_or_done(session, lambda: email_change.confirm_email_change(session, token))
    assert isinstance(result, ExpiredError)
