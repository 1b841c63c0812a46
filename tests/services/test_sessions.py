"""Sessions and log-in tickets: only hashes stored, tickets used once and soon."""

import hashlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import text, update
from sqlmodel import Session

from gudcity.domain.errors import AuthenticationError
from gudcity.models import LoginTicket, UserSession, utc_now
from gudcity.services import accounts, sessions
from tests.support.make import PASSWORD


def register(session, email="ann@example.com", name="Ann", password=PASSWORD):
    return accounts.register_customer(session, name=name, email=email, password=password)


# --- sessions -------------------------------------------------------------------------------


def test_a_session_token_resolves_to_its_user(session):
    customer = register(session)

    token = sessions.start_session(session, customer)

    assert sessions.user_for_token(session, token).id == customer.id


def test_only_the_sha256_of_the_token_is_stored(session):
    token = sessions.start_session(session, register(session))

    rows = session.exec(text("SELECT * FROM user_sessions")).all()
    assert len(rows) == 1
    assert rows[0]._mapping["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in rows[0]._mapping.values())


def test_expired_session_is_refused(session, engine):
    token = sessions.start_session(session, register(session))
    with Session(engine) as other:
        other.exec(update(UserSession).values(expires_at=utc_now() - timedelta(minutes=1)))
        other.commit()
    session.expire_all()

    with pytest.raises(AuthenticationError, match="session has ended"):
        sessions.user_for_token(session, token)


def test_logged_out_token_is_refused_but_other_sessions_live_on(session):
    customer = register(session)
    first = sessions.start_session(session, customer)
    second = sessions.start_session(session, customer)

    sessions.log_out(session, first)

    with pytest.raises(AuthenticationError, match="session has ended"):
        sessions.user_for_token(session, first)
    assert sessions.user_for_token(session, second).id == customer.id


@pytest.mark.parametrize("token", [None, ""])
def test_missing_token_is_refused(session, token):
    with pytest.raises(AuthenticationError, match="Please log in"):
        sessions.user_for_token(session, token)


def test_unknown_token_is_refused(session):
    sessions.start_session(session, register(session))

    with pytest.raises(AuthenticationError, match="session has ended"):
        sessions.user_for_token(session, "made-up-token")


# --- log-in tickets -------------------------------------------------------------------------


def test_a_ticket_becomes_a_session_once(session):
    ann = register(session)
    ticket = sessions.issue_ticket(session, ann, "/cards")

    user, token, next_page = sessions.redeem_ticket(session, ticket)

    assert (user.id, next_page) == (ann.id, "/cards")
    assert sessions.user_for_token(session, token).id == ann.id
    with pytest.raises(AuthenticationError, match="has expired"):
        sessions.redeem_ticket(session, ticket)


def test_only_the_tickets_hash_is_stored(session):
    ticket = sessions.issue_ticket(session, register(session), "/cards")

    [row] = session.exec(text("SELECT * FROM login_tickets")).all()
    assert row._mapping["token_hash"] == hashlib.sha256(ticket.encode()).hexdigest()
    assert all(ticket not in str(value) for value in row._mapping.values())


def test_an_expired_ticket_is_refused(session, engine):
    ticket = sessions.issue_ticket(session, register(session), "/cards")
    with Session(engine) as other:
        other.exec(update(LoginTicket).values(expires_at=utc_now() - timedelta(seconds=1)))
        other.commit()
    session.expire_all()

    with pytest.raises(AuthenticationError, match="has expired"):
        sessions.redeem_ticket(session, ticket)


@pytest.mark.parametrize("ticket", [None, "", "made-up", "\x00"])
def test_a_missing_or_unknown_ticket_is_refused(session, ticket):
    sessions.issue_ticket(session, register(session), "/cards")

    with pytest.raises(AuthenticationError, match="has expired"):
        sessions.redeem_ticket(session, ticket)


def test_one_ticket_redeemed_twice_at_once_makes_one_session(session, engine):
    ticket = sessions.issue_ticket(session, register(session), "/cards")
    session.commit()
    barrier = threading.Barrier(2)
    outcomes = []

    def redeem():
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            try:
                outcomes.append(sessions.redeem_ticket(own, ticket))
            except AuthenticationError as error:
                outcomes.append(error)

    threads = [threading.Thread(target=redeem) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(type(o).__name__ for o in outcomes) == ["AuthenticationError", "tuple"]
    session.expire_all()
    assert len(session.exec(text("SELECT * FROM user_sessions")).all()) == 1
