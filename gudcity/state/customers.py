"""/business/customers: the business's enrolled customers, a page at a time."""

from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from gudcity import routes
from gudcity.domain.errors import ServiceError
from gudcity.domain.labels import amount_message
from gudcity.domain.tiers import best_tier
from gudcity.i18n.catalogue import N_, Translator
from gudcity.models import User
from gudcity.services import customers, programs
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, text
from gudcity.state.business import BusinessState, ProgramChoice
from gudcity.state.timefmt import ago

PAGE_SIZE = 25
# The program filter's value for "every program" (a select item needs a non-empty value).
ALL_PROGRAMS = "all"

Cursor = tuple[str, int]


@dataclass
class CustomerLine:
    customer_id: int
    name: str
    email: str
    # The customer's page: /business/customers/<id>.
    href: str
    # One per program, in its own unit: "Coffee Club: 30 points", "Pastry Stamps: 6 stamps".
    balances: list[str]
    # The highest tier among their cards here, as its program names it ("": no tiers).
    tier: str
    last_visit: str


@dataclass
class CustomersPage:
    rows: list[CustomerLine]
    next_cursor: Cursor | None
    total: int
    choices: list[ProgramChoice]


_BALANCE = N_("{program}: {amount}")
_ARCHIVED_BALANCE = N_("{program} (archived): {amount}")
PAUSED_PROGRAM = N_("{program} (paused)")


def balance_line(tr: Translator, balance: customers.ProgramBalance) -> str:
    """A program's balance in its own unit: "Coffee Club: 30 points", and an archived
    program's so marked: "Old Club (archived): 5 points"."""
    return tr.gettext(
        _ARCHIVED_BALANCE if balance.program_archived else _BALANCE,
        program=balance.program_name,
        amount=amount_message(balance.program_kind, balance.balance),
    )


def _line(tr: Translator, row: customers.CustomerRow) -> CustomerLine:
    return CustomerLine(
        customer_id=row.customer_id,
        name=row.customer_name,
        email=row.customer_email,
        href=routes.customer_page(row.customer_id),
        balances=[balance_line(tr, p) for p in row.programs],
        tier=best_tier((p.tier_level, p.tier) for p in row.programs),
        last_visit=ago(tr, row.last_visit_at),
    )


def read_customers_page(
    session: Session,
    user: User,
    business_id: int,
    tr: Translator,
    *,
    search: str,
    program_id: int | None,
    after: Cursor | None,
) -> CustomersPage:
    """One page of customers, the total and the program filter's choices."""
    page = customers.list_customers(
        session,
        user,
        business_id,
        search=search,
        program_id=program_id,
        after=after,
        limit=PAGE_SIZE,
    )
    choices = [ProgramChoice(ALL_PROGRAMS, tr.gettext("All programs"))] + [
        ProgramChoice(
            str(p.id), p.name if p.is_active else tr.gettext(PAUSED_PROGRAM, program=p.name)
        )
        for p in programs.list_programs(session, user, business_id)
    ]
    return CustomersPage(
        rows=[_line(tr, row) for row in page.rows],
        next_cursor=page.next_cursor,
        total=customers.count_customers(session, user, business_id),
        choices=choices,
    )


class CustomersState(BusinessState):
    rows: list[CustomerLine] = []
    total_customers: int = 0
    # What follows the total: "customer enrolled", "customers enrolled".
    total_words: str = ""
    search: str = ""
    program_filter: str = ALL_PROGRAMS
    program_choices: list[ProgramChoice] = []
    has_next: bool = False
    has_previous: bool = False
    # The service's refusal, shown instead of the list.
    error: str = ""

    # The `after` cursor of every page from the first to the one shown: "Next"
    # pushes, "Previous" pops, and a live refresh re-reads the last one.
    _page_starts: list[Cursor | None] = [None]
    _next_cursor: Cursor | None = None

    @rx.event
    async def load(self):
        return await self._open_business()

    async def _reload_page(self, memo: dict | None = None) -> list | None:
        while True:
            try:
                page = await self._read(self._page_starts[-1])
            except ServiceError as error:
                self.error = self._say(error)
                self.rows = []
                return [toasts.error(self.error)]
            # Customers can leave while a later page is shown: step back to one with rows.
            if page.rows or len(self._page_starts) == 1:
                break
            self._page_starts = self._page_starts[:-1]
        self._next_cursor = page.next_cursor
        self._set_changed(
            error="",
            rows=page.rows,
            total_customers=page.total,
            total_words=self._tr().ngettext("customer enrolled", "customers enrolled", page.total),
            program_choices=page.choices,
            has_next=page.next_cursor is not None,
            has_previous=len(self._page_starts) > 1,
        )
        return None

    async def _read(self, after: Cursor | None) -> CustomersPage:
        search, tr = self.search, self._tr()
        program_id = None if self.program_filter == ALL_PROGRAMS else int(self.program_filter)
        return await self._business_call(
            lambda s, u, business_id: read_customers_page(
                s, u, business_id, tr, search=search, program_id=program_id, after=after
            )
        )

    async def _restart(self) -> list | None:
        self._page_starts = [None]
        return await self._reload()

    @rx.event
    async def set_search(self, search: str):
        if text(search) is None:
            return toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
        self.search = search
        return await self._restart()

    @rx.event
    async def set_program_filter(self, value: str):
        if text(value) not in {choice.program_id for choice in self.program_choices}:
            return toasts.error(self._tr().gettext("Choose one of the programs in the list."))
        self.program_filter = value
        return await self._restart()

    @rx.event
    async def next_page(self):
        if self._next_cursor is None:
            return None
        self._page_starts = [*self._page_starts, self._next_cursor]
        return await self._reload()

    @rx.event
    async def previous_page(self):
        if len(self._page_starts) == 1:
            return None
        self._page_starts = self._page_starts[:-1]
        return await self._reload()
