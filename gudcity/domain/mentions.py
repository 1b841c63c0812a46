"""Where a business's notification names its customer, so that the name alone can go.

A business's notification is written with the customer's name at one known place
(`Mention`): its span is kept in the row's `data` (NAME_SPAN). Deleting the account
rewrites that span only, so a short name ("Al") inside other words ("Almond Club")
or a staff member's name that begins the same way is left alone, and a name the
customer changed since is found where it was written. Rows written before spans
were kept are read by their template (`written_span`).

The notification's Message names the customer in its CUSTOMER argument
(`mention_in` finds where its English puts it), which deletion rewrites too
(`unnamed`).
"""

from dataclasses import dataclass

from gudcity.i18n.catalogue import Message, translator
from gudcity.i18n.languages import DEFAULT_LANGUAGE
from gudcity.models.enums import NotificationType

# The key, in a business notification's `data`, of [start, end) of the customer's name.
NAME_SPAN = "customer_name_span"
# The argument of a business notification's Message that holds the customer's name.
CUSTOMER = "customer"
# Stands for the name while the English is written, to find where the name goes.
_MARK = "\x00"


@dataclass(frozen=True)
class Mention:
    """A message that names the customer once: `before`, the name, `after`."""

    before: str
    name: str
    after: str = ""

    @property
    def text(self) -> str:
        return f"{self.before}{self.name}{self.after}"

    @property
    def span(self) -> list[int]:
        return [len(self.before), len(self.before) + len(self.name)]


def name_span(data: dict | None, message: str) -> tuple[int, int] | None:
    """The span a row's `data` names, if it is a well-formed one inside `message`."""
    span = (data or {}).get(NAME_SPAN)
    if not isinstance(span, list) or len(span) != 2:
        return None
    start, end = span
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in span):
        return None
    return (start, end) if 0 <= start <= end <= len(message) else None


def renamed(message: str, span: tuple[int, int], name: str) -> Mention:
    """The message with the name at `span` replaced by `name`."""
    start, end = span
    return Mention(message[:start], name, message[end:])


def written_span(kind: NotificationType, message: str, name: str) -> tuple[int, int] | None:
    """Where a row written before spans were kept names the customer: its template's place.

    Every such message begins with the name ("Al joined ...", "Al's code ..."), but a
    delivery's, which names the staff member first and the customer after " to ".
    """
    if kind == NotificationType.REWARD_DELIVERED:
        at = message.rfind(f" to {name} (code ")
        return (at + 4, at + 4 + len(name)) if at >= 0 else None
    if name and (message.startswith(f"{name} ") or message.startswith(f"{name}'s ")):
        return (0, len(name))
    return None


def mention_in(message: Message) -> Mention:
    """The English of a Message naming the customer in its CUSTOMER argument."""
    marked = Message(message.id, {**message.args, CUSTOMER: _MARK}, message.plural, message.count)
    before, after = translator(DEFAULT_LANGUAGE).message(marked).split(_MARK, 1)
    return Mention(before, message.args[CUSTOMER], after)


def unnamed(message: Message, stand_in: Message) -> Message:
    """The Message with `stand_in` where it named the customer (unchanged if it did not)."""
    if CUSTOMER not in message.args:
        return message
    args = {**message.args, CUSTOMER: stand_in}
    return Message(message.id, args, message.plural, message.count)
