"""Notifications are kept as messages: written once, read in each reader's language;
rows written before keep showing their English; deleting an account unnames it there too."""

from sqlmodel import select

from gudcity.domain.stored_messages import as_written, loaded, stored
from gudcity.i18n.catalogue import Message, translator
from gudcity.models import BusinessNotification, CustomerNotification, NotificationType
from gudcity.services import account_deletion, awards, enrollment, notifications, notify
from tests.support.make import PASSWORD

FRENCH, ARABIC, ENGLISH = translator("fr"), translator("ar"), translator("en")


def _shown(words, session, customer) -> list[tuple[str, str]]:
    entries = notifications.notification_entries(session, customer).entries
    return [(words.message(e.title), words.message(e.message)) for e in entries]


def _business_shown(words, session, owner, business) -> list[str]:
    notes = notifications.list_business_notifications(session, owner, business.id)
    return [words.message(notifications.message_of(note)) for note in reversed(notes)]


def test_an_award_written_in_english_is_read_in_french_and_arabic(session, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    card = make.card(alice, program)
    awards.award_points(session, owner, card.id, 5, make.key())

    note = notifications.list_customer_notifications(session, alice)[0]
    assert (note.title, note.message) == ("Points added", "You earned 5 points from Bean There!")
    assert _shown(FRENCH, session, alice)[0] == (
        "Points ajoutés",
        "Vous avez gagné 5 points chez Bean There !",
    )
    assert _shown(ARABIC, session, alice)[0][1] == "ربحت 5 نقاط من Bean There!"


def test_a_row_written_before_the_messages_shows_its_english_as_it_is(session, make):
    alice = make.customer("Alice")
    notify.notify_customer(session, alice.id, NotificationType.CARD_CREATED, "x", "y")
    session.commit()
    row = session.exec(select(CustomerNotification)).one()
    row.title, row.message = "Old {title}", "Your {program} card: 100% {ready"
    row.title_i18n = row.message_i18n = None
    session.add(row)
    session.commit()

    assert _shown(FRENCH, session, alice) == [("Old {title}", "Your {program} card: 100% {ready")]
    assert _shown(ARABIC, session, alice) == [("Old {title}", "Your {program} card: 100% {ready")]


def test_stored_messages_come_back_with_their_nested_messages():
    inner = Message.plural_of(("{count} point", "{count} points"), 3)
    message = Message("You earned {amount} from {business}!", {"amount": inner, "business": "B"})
    assert loaded(stored(message), "ignored") == message
    assert FRENCH.message(loaded(None, "")) == ""
    assert FRENCH.message(as_written("{not a placeholder}")) == "{not a placeholder}"


def test_the_business_reads_its_notifications_in_its_language_and_deletion_unnames_them(
    session, make
):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    al = make.customer("Al")
    enrollment.join_program(session, al, program.id)
    assert _business_shown(FRENCH, session, owner, business) == ["Al a rejoint Coffee Club."]
    assert _business_shown(ENGLISH, session, owner, business) == ["Al joined Coffee Club."]

    account_deletion.delete_account(session, al, PASSWORD)

    session.expire_all()
    assert _business_shown(FRENCH, session, owner, business) == [
        "Client supprimé a rejoint Coffee Club."
    ]
    assert _business_shown(ENGLISH, session, owner, business) == [
        "Deleted customer joined Coffee Club."
    ]
    stored_args = session.exec(select(BusinessNotification.message_i18n)).one()["args"]
    assert "Al" not in str(stored_args)
