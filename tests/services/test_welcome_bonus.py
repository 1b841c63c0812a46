"""The welcome bonus: granted when a card is first issued, once per customer and program."""

from sqlmodel import select

from gudcity.models import ApprovalRequest, CustomerNotification, NotificationType, TransactionKind
from gudcity.services import enrollment, scanning
from tests.services.growth_support import balance, offer, rows


def _bonus_notes(session, customer_id):
    return session.exec(
        select(CustomerNotification).where(
            CustomerNotification.customer_id == customer_id,
            CustomerNotification.type == NotificationType.BONUS_GRANTED,
        )
    ).all()


def test_joining_grants_the_welcome_bonus_once_even_after_leaving_and_rejoining(
    session, make, shop
):
    owner, _business, program, customer = shop
    offer(session, owner, program, welcome_bonus=25)

    card = enrollment.join_program(session, customer, program.id).card
    assert balance(session, card.id) == 25
    [row] = rows(session, card.id, TransactionKind.WELCOME_BONUS)
    assert row.amount == 25 and row.idempotency_key == f"welcome:{program.id}:{customer.id}"
    assert len(_bonus_notes(session, customer.id)) == 1

    enrollment.leave_program(session, customer, program.id)
    rejoined = enrollment.join_program(session, customer, program.id).card
    assert rejoined.id == card.id
    assert len(rows(session, card.id, TransactionKind.WELCOME_BONUS)) == 1
    assert balance(session, card.id) == 25
    assert len(_bonus_notes(session, customer.id)) == 1


def test_an_accepted_invitation_grants_it_beside_the_scans_points(session, make, shop):
    owner, _business, program, customer = shop
    offer(session, owner, program, welcome_bonus=5)
    scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    request = session.exec(
        select(ApprovalRequest).where(ApprovalRequest.customer_id == customer.id)
    ).one()

    card = enrollment.respond_to_enrollment(session, customer, request.id, True).card
    assert [r.amount for r in rows(session, card.id, TransactionKind.WELCOME_BONUS)] == [5]
    assert [r.amount for r in rows(session, card.id, TransactionKind.EARN)] == [10]
    assert balance(session, card.id) == 15


def test_a_program_without_one_grants_nothing(session, make, shop):
    _owner, _business, program, customer = shop
    card = enrollment.join_program(session, customer, program.id).card
    assert rows(session, card.id, TransactionKind.WELCOME_BONUS) == []
    assert balance(session, card.id) == 0
    assert _bonus_notes(session, customer.id) == []


def test_a_bonus_given_after_joining_is_not_granted_to_those_already_in(session, make, shop):
    owner, _business, program, customer = shop
    card = make.card(customer, program)
    offer(session, owner, program, welcome_bonus=50)
    enrollment.join_program(session, customer, program.id)
    assert rows(session, card.id, TransactionKind.WELCOME_BONUS) == []
