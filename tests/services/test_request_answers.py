"""answers_to_counter: the scanner learns where the requests it sent stand."""

from datetime import timedelta

from sqlmodel import select

from gudcity.i18n.catalogue import translator
from gudcity.models import ApprovalRequest, ProgramKind, SyncNotification, utc_now
from gudcity.services import deductions, enrollment, request_answers
from gudcity.services.outbox import answer_topic, latest_event_id


def _answers(session, owner, business, *requests):
    found = request_answers.answers_to_counter(
        session, owner, business.id, [r.id for r in requests]
    )
    english = translator("en")
    return [(a.request_id, a.answered, a.good_news, english.message(a.message)) for a in found]


def test_pending_answered_and_expired_requests(session, make):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    stamps = make.program(owner, business, name="Stamp Card", kind=ProgramKind.STAMPS)
    alice, bob = make.customer("Alice"), make.customer("Bob")
    card = make.card(bob, stamps, balance=5)
    waiting = deductions.request_deduction(session, owner, card.id, 1, make.key())
    declined = deductions.request_deduction(session, owner, card.id, 2, make.key())
    deductions.respond_to_deduction(session, bob, declined.id, False)
    invited = enrollment.request_enrollment(session, owner, coffee.id, alice.id, make.key())
    enrollment.respond_to_enrollment(session, alice, invited.id, True)
    late = enrollment.request_enrollment(session, owner, stamps.id, alice.id, make.key())
    late.expires_at = utc_now() - timedelta(minutes=1)
    session.add(late)
    session.commit()

    assert _answers(session, owner, business, waiting, declined, invited, late) == [
        (waiting.id, False, False, "Waiting for Bob to answer."),
        (
            declined.id,
            True,
            False,
            "Bob declined the deduction of 2 stamps: the balance is unchanged.",
        ),
        (invited.id, True, True, "Alice accepted the invitation: enrolled in Coffee Club."),
        (
            late.id,
            True,
            False,
            "Alice did not answer in time: the request to join Stamp Card expired.",
        ),
    ]


def test_another_business_requests_and_junk_ids_are_not_answered(session, make):
    owner, business = make.business()
    program = make.program(owner, business)
    rival, rival_business = make.business()
    rival_program = make.program(rival, rival_business)
    alice = make.customer("Alice")
    theirs = enrollment.request_enrollment(session, rival, rival_program.id, alice.id, make.key())
    ours = enrollment.request_enrollment(session, owner, program.id, alice.id, make.key())

    found = request_answers.answers_to_counter(
        session, owner, business.id, [theirs.id, ours.id, 0, -1, True, "7", 10**30]
    )

    assert [a.request_id for a in found] == [ours.id]
    assert request_answers.answers_to_counter(session, owner, business.id, []) == []


def test_an_answer_is_announced_on_the_business_answer_topic(session, make):
    owner, business = make.business()
    program = make.program(owner, business)
    bob = make.customer("Bob")
    card = make.card(bob, program, balance=10)
    request = deductions.request_deduction(session, owner, card.id, 4, make.key())
    last = latest_event_id(session)

    deductions.respond_to_deduction(session, bob, request.id, True)

    topics = session.exec(select(SyncNotification.topic).where(SyncNotification.id > last)).all()
    assert answer_topic(business.id) in topics
    assert session.get(ApprovalRequest, request.id) is not None
