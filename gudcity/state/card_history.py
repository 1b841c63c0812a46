"""/cards/<id>: one of the customer's cards, its whole history and its reward codes.

The service answers only the card's holder; any other id reads "Card not found."
"""

from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from gudcity.domain.errors import NotFoundError, ServiceError
from gudcity.domain.labels import amount_message
from gudcity.i18n.catalogue import N_, Translator
from gudcity.models import User, UserRole
from gudcity.services import card_history
from gudcity.services.customer_detail import HistoryPage
from gudcity.services.outbox import customer_topic
from gudcity.services.paging import Cursor
from gudcity.state import toasts
from gudcity.state.customer import customer_in_path
from gudcity.state.history_pages import HISTORY_PAGE_SIZE, HistoryLine, history_line, pages_until
from gudcity.state.live import LiveState
from gudcity.state.reward_items import RewardCodeItem, reward_code_item

# The customer's own ledger rows (a redemption) name them as "You".
YOU = N_("You")


@dataclass
class CardPage:
    customer_id: int
    summary: card_history.CardSummary
    history: HistoryPage
    codes: list[RewardCodeItem]


def read_history(session: Session, user: User, card_id: int, after, until) -> HistoryPage:
    """The card's history pages from `after` on, down to the row at `until`."""

    def read_page(cursor):
        return card_history.card_history(
            session, user, card_id, after=cursor, limit=HISTORY_PAGE_SIZE
        )

    return pages_until(read_page, after, until)


def read_card_page(session: Session, user: User, card_id: int, until, tr: Translator) -> CardPage:
    codes = card_history.card_reward_codes(session, user, card_id)
    return CardPage(
        customer_id=user.id,
        summary=card_history.card_summary(session, user, card_id),
        history=read_history(session, user, card_id, None, until),
        codes=[reward_code_item(code, tr) for code in codes],
    )


class CardHistoryState(LiveState):
    program_name: str = ""
    business_name: str = ""
    balance: str = ""
    # False once the customer left the program: the page says the card is kept.
    enrolled: bool = True
    history: list[HistoryLine] = []
    has_older: bool = False
    loading_older: bool = False
    codes: list[RewardCodeItem] = []
    # "Card not found." for an id that is not the customer's card.
    error: str = ""

    _card_id: int = 0
    _customer_id: int = 0
    # The oldest row shown once "Show older" was used: a refresh re-reads down to it.
    _until: Cursor | None = None
    _older_cursor: Cursor | None = None

    @rx.event
    async def load(self):
        redirect = await self._guard(UserRole.CUSTOMER)
        if redirect:
            return redirect
        self._card_id = customer_in_path(self.router.url.path)
        self._until = None
        self._set_changed(error="", history=[], codes=[], program_name="")
        return await self._open()

    async def _reload(self, memo: dict | None = None) -> list | None:
        card_id, until = self._card_id, self._until
        try:
            if not card_id:
                raise NotFoundError(card_history.NOT_FOUND)
            tr = self._tr()
            page = await self._as_user(lambda s, u: read_card_page(s, u, card_id, until, tr))
        except ServiceError as error:
            self._older_cursor = None
            self._set_changed(error=self._say(error), history=[], codes=[], has_older=False)
            return None
        summary = page.summary
        self._customer_id = page.customer_id
        self._older_cursor = page.history.next_cursor
        self._set_changed(
            error="",
            program_name=summary.program_name,
            business_name=summary.business_name,
            balance=tr.message(amount_message(summary.program_kind, summary.balance)),
            enrolled=summary.enrolled,
            history=[history_line(row, tr, customer_says=YOU) for row in page.history.rows],
            has_older=page.history.next_cursor is not None,
            codes=page.codes,
        )
        return None

    def _topics(self) -> set[str]:
        return {customer_topic(self._customer_id)} if self._customer_id else set()

    @rx.event
    async def show_older(self):
        cursor, card_id = self._older_cursor, self._card_id
        if cursor is None or self.loading_older:
            return None
        self.loading_older = True
        try:
            page = await self._as_user(lambda s, u: read_history(s, u, card_id, cursor, None))
        except ServiceError as error:
            return toasts.error(self._say(error))
        finally:
            self.loading_older = False
        if page.rows:
            self._until = (page.rows[-1].created_at, page.rows[-1].transaction_id)
        self._older_cursor = page.next_cursor
        tr = self._tr()
        self.history = self.history + [
            history_line(row, tr, customer_says=YOU) for row in page.rows
        ]
        self.has_older = page.next_cursor is not None
        return None
