import json

import psycopg
import pytest
from sqlmodel import select

from gudcity.domain.errors import ValidationError
from gudcity.models import SyncNotification
from gudcity.services import answers, awards, enrollment, notifications, outbox, scanning


def _outbox(session) -> list[SyncNotification]:
    session.expire_all()
    return list(session.exec(select(SyncNotification).order_by(SyncNotification.id)))


def test_an_award_publishes_to_both_parties_in_its_transaction(session, make, shop):
    owner, business, program, customer = shop
    card = make.card(customer, program)
    start = outbox.latest_event_id(session)

    awards.award_points(session, owner, card.id, 5, make.key())

    new = outbox.events_after(session, start)
    assert sorted((e.topic, e.kind) for e in new) == [
        (f"business:{business.id}", "points.awarded"),
        (f"customer:{customer.id}", "points.awarded"),
    ]
    assert new[0].payload == {"card_id": card.id, "program_id": program.id}


def test_a_refused_call_publishes_nothing(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    start = outbox.latest_event_id(session)
    with pytest.raises(ValidationError):
        awards.award_points(session, owner, card.id, -1, make.key())
    assert outbox.events_after(session, start) == []


def test_every_step_of_the_scan_flow_reaches_the_customer(session, make, shop):
    owner, _, program, customer = shop
    topic = f"customer:{customer.id}"
    steps = [
        lambda: scanning.scan_customer(session, owner, program.id, customer.id, make.key()),
        lambda: answers.act_on_notification(
            session,
            customer,
            notifications.list_customer_notifications(session, customer)[0].id,
            accept=True,
        ),
        lambda: scanning.scan_customer(session, owner, program.id, customer.id, make.key()),
        lambda: notifications.mark_all_read(session, customer),
        lambda: enrollment.leave_program(session, customer, program.id),
    ]
    for step in steps:
        start = outbox.latest_event_id(session)
        step()
        assert [e.topic for e in outbox.events_after(session, start)].count(topic) == 1


def test_events_after_pages_through_the_outbox_in_order(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    for _ in range(3):
        awards.award_points(session, owner, card.id, 1, make.key())
    everything = _outbox(session)
    page = outbox.events_after(session, everything[1].id, limit=2)
    assert [e.id for e in page] == [e.id for e in everything[2:4]]
    assert outbox.latest_event_id(session) == everything[-1].id


def test_postgres_wakes_listeners_with_id_and_topic_after_commit(session, make, shop, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    owner, _business, program, customer = shop
    card = make.card(customer, program)
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute(f"LISTEN {outbox.CHANNEL}")
        start = outbox.latest_event_id(session)

        awards.award_points(session, owner, card.id, 5, make.key())

        received = [json.loads(n.payload) for n in listener.notifies(timeout=5, stop_after=2)]
    expected = [{"id": e.id, "topic": e.topic} for e in outbox.events_after(session, start)]
    assert sorted(received, key=lambda p: p["id"]) == expected


def test_postgres_sends_nothing_for_a_rolled_back_change(session, make, shop, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    _, _, _, customer = shop
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute(f"LISTEN {outbox.CHANNEL}")
        outbox.publish(session, [f"customer:{customer.id}"], "test.rolled_back")
        session.flush()
        session.rollback()
        assert list(listener.notifies(timeout=0.5)) == []
