"""The counter's actions on the customer shown: Enroll, Award points, Deduct points.

A mixin of the two pages that offer them, the scanner and a customer's page
(/business/customers/<id>). The services hold every rule; this says only which
customer, program and card they act on. Each page has its own `_run(work)`, an
async generator that runs `work(session, user) -> Done` and shows what came of it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from gudcity.domain.errors import ValidationError
from gudcity.domain.labels import amount_message
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import User
from gudcity.services import awards, deductions, enrollment, lookups
from gudcity.state.arguments import text, whole_number

INVITATION_SENT = N_("Invitation sent: the customer can accept it on their phone.")
AWARDED = N_("+{amount} awarded.")
ASKED_TO_APPROVE = N_("Asked the customer to approve taking {amount} off their card.")
NOT_ENROLLED = N_("This customer is not enrolled in the chosen program.")


@dataclass(frozen=True)
class Done:
    """What an action came to: its message (None: nothing to say), the customer it found,
    the request it sent."""

    message: Message | None
    customer_id: int | None = None
    request_id: int | None = None


# `act(session, user, card_id, amount, key)`: the amount acted on (for a repeated key,
# the first request's) and the request it sent the customer, if any.
CardAct = Callable[[Session, User, int, int, str], tuple[int, int | None]]


class CounterActionsMixin(rx.State, mixin=True):
    program_id: str = ""
    points_text: str = "10"
    busy: bool = False
    # Sent back with each click: a double click repeats the key, and the service
    # does the work once. A new key is drawn after every action that went through.
    action_key: str = ""
    # What the last action came to, in the tab's language ("" for nothing).
    outcome: str = ""

    _customer_id: int = 0
    # What `outcome` says, kept to say it again in another language; None: nothing.
    _outcome: Message | None = None

    def _show_outcome(self, message: Message | None) -> None:
        self._outcome = message
        self._say_outcome()

    def _say_outcome(self) -> None:
        """`outcome` in the tab's language: after an action, and on each re-read (the tab
        may have switched language)."""
        self._set_changed(outcome=self._tr().message(self._outcome) if self._outcome else "")

    @rx.event
    def set_points_text(self, value: str):
        self.points_text = text(value) or ""

    @rx.event
    async def enroll(self, key: str):
        if self.busy:
            return
        program_id, customer_id = int(self.program_id or 0), self._customer_id

        def work(session: Session, user: User) -> Done:
            request = enrollment.request_enrollment(session, user, program_id, customer_id, key)
            return Done(Message(INVITATION_SENT), None, request.id)

        async for update in self._run(work):
            yield update

    @rx.event
    async def award(self, key: str):
        async for update in self._on_card(key, _award, AWARDED):
            yield update

    @rx.event
    async def deduct(self, key: str):
        async for update in self._on_card(key, _request_deduction, ASKED_TO_APPROVE):
            yield update

    async def _on_card(self, key: str, act: CardAct, message: str):
        """`act` on the shown customer's card in the chosen program.

        The card is looked up from the program and the customer, so the service's
        permission check is about that very program.
        """
        if self.busy:
            return
        program_id, customer_id = int(self.program_id or 0), self._customer_id
        amount_typed = self.points_text

        def work(session: Session, user: User) -> Done:
            card = lookups.card_of(session, customer_id, program_id)
            if card is None:
                raise ValidationError(NOT_ENROLLED)
            amount, request_id = act(session, user, card.id, whole_number(amount_typed), key)
            kind = lookups.get_program(session, program_id).kind
            said = Message(message, {"amount": amount_message(kind, amount)})
            return Done(said, None, request_id)

        async for update in self._run(work):
            yield update


def _award(session: Session, user: User, card_id: int, points: int, key: str):
    return awards.award_points(session, user, card_id, points, key).amount, None


def _request_deduction(session: Session, user: User, card_id: int, points: int, key: str):
    request = deductions.request_deduction(session, user, card_id, points, key)
    return request.points, request.id
