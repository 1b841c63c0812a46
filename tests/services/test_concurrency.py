"""Races: the same answer or the same key sent at the same moment from two places."""

import threading

from sqlmodel import Session, select

from gudcity.models import LoyaltyCard, NotificationType, PointTransaction, User
from gudcity.services import enrollment, notifications, points, programs
from gudcity.services.errors import ServiceError


def _race(engine, actions) -> list:
    """Run each action(session) in its own thread and session, released together."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            try:
                outcomes[index] = action(own)
            except ServiceError as error:
                outcomes[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_accept_pressed_in_two_tabs_at_once_makes_one_card(session, engine, make, shop):
    owner, _, program, customer = shop
    request_id = enrollment.request_enrollment(
        session, owner, program.id, customer.id, make.key()
    ).id
    customer_id = customer.id
    session.rollback()

    def accept(own):
        return enrollment.respond_to_enrollment(
            own, own.get(User, customer_id), request_id, accept=True
        )

    outcomes = _race(engine, [accept, accept])

    assert sum(not isinstance(o, ServiceError) for o in outcomes) == 1
    session.expire_all()
    assert len(session.exec(select(LoyaltyCard)).all()) == 1
    types = [n.type for n in notifications.list_customer_notifications(session, customer)]
    assert types.count(NotificationType.CARD_CREATED) == 1


def test_the_same_award_sent_twice_at_once_is_written_once(session, engine, make, shop):
    owner, _, program, customer = shop
    card_id, owner_id, key = make.card(customer, program).id, owner.id, make.key()
    session.rollback()

    def award(own):
        return points.award_points(own, own.get(User, owner_id), card_id, 7, key).id

    outcomes = _race(engine, [award, award, award])

    assert len(set(outcomes)) == 1, outcomes
    session.expire_all()
    assert session.get(LoyaltyCard, card_id).balance == 7
    ledger = session.exec(select(PointTransaction).where(PointTransaction.card_id == card_id))
    assert len(ledger.all()) == 1


def test_racing_redemptions_never_overdraw(session, engine, make, shop):
    owner, _, program, customer = shop
    reward_id = programs.add_reward(session, owner, program.id, name="Latte", cost=30).id
    card_id, customer_id = make.card(customer, program, balance=50).id, customer.id
    keys = [make.key() for _ in range(3)]
    session.rollback()

    def redeemer(key):
        return lambda own: points.redeem_reward(
            own, own.get(User, customer_id), card_id, reward_id, key
        )

    outcomes = _race(engine, [redeemer(key) for key in keys])

    assert sum(not isinstance(o, ServiceError) for o in outcomes) == 1
    session.expire_all()
    assert session.get(LoyaltyCard, card_id).balance == 20
