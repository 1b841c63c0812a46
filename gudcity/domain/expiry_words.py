"""The words of expiring points, in the program's unit: the card's line, the warning
and the notice that points expired (Messages: read later in the reader's language)."""

from datetime import date

from gudcity.i18n.catalogue import N_, NP_, Message
from gudcity.models.enums import ProgramKind

_EXPIRE_ON = {
    ProgramKind.POINTS: NP_("{count} point expires on {date}", "{count} points expire on {date}"),
    ProgramKind.STAMPS: NP_("{count} stamp expires on {date}", "{count} stamps expire on {date}"),
}
_EXPIRED_TITLE = {
    ProgramKind.POINTS: NP_("Point expired", "Points expired"),
    ProgramKind.STAMPS: NP_("Stamp expired", "Stamps expired"),
}
_EXPIRED = {
    ProgramKind.POINTS: NP_(
        "{count} point on your {program} card at {business} expired.",
        "{count} points on your {program} card at {business} expired.",
    ),
    ProgramKind.STAMPS: NP_(
        "{count} stamp on your {program} card at {business} expired.",
        "{count} stamps on your {program} card at {business} expired.",
    ),
}
_EXPIRING_TITLE = {
    ProgramKind.POINTS: NP_("Point expiring soon", "Points expiring soon"),
    ProgramKind.STAMPS: NP_("Stamp expiring soon", "Stamps expiring soon"),
}
_EXPIRING = {
    ProgramKind.POINTS: NP_(
        "{count} point on your {program} card at {business} expires on {date}.",
        "{count} points on your {program} card at {business} expire on {date}.",
    ),
    ProgramKind.STAMPS: NP_(
        "{count} stamp on your {program} card at {business} expires on {date}.",
        "{count} stamps on your {program} card at {business} expire on {date}.",
    ),
}
_EXPIRING_SUBJECT = {
    ProgramKind.POINTS: N_("Your points at {business} expire soon"),
    ProgramKind.STAMPS: N_("Your stamps at {business} expire soon"),
}


def expire_on_message(kind: ProgramKind, points: int, day: date) -> Message:
    """`20 points expire on 12 Jan 2027`: a card's coming expiry."""
    return Message.plural_of(_EXPIRE_ON[kind], points, date=day)


def expired_messages(
    kind: ProgramKind, points: int, program: str, business: str
) -> tuple[Message, Message]:
    """The title and words of the notice that points expired."""
    return (
        Message.plural_of(_EXPIRED_TITLE[kind], points),
        Message.plural_of(_EXPIRED[kind], points, program=program, business=business),
    )


def expiring_messages(
    kind: ProgramKind, points: int, program: str, business: str, day: date
) -> tuple[Message, Message]:
    """The title and words of the warning that points expire soon."""
    return (
        Message.plural_of(_EXPIRING_TITLE[kind], points),
        Message.plural_of(_EXPIRING[kind], points, program=program, business=business, date=day),
    )


def expiring_subject(kind: ProgramKind, business: str) -> Message:
    return Message(_EXPIRING_SUBJECT[kind], {"business": business})
