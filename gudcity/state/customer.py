"""/business/customers/<id>: one customer's balances, visits and ledger, and the counter's actions.

The actions are the scanner's (state/counter_actions.py): the same services, which
hold every rule, on the customer shown here and the program chosen.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from gudcity.domain.errors import NotFoundError, ServiceError
from gudcity.domain.labels import amount_message, count_badge
from gudcity.domain.membership import MEMBERSHIP_LABELS, Membership
from gudcity.i18n.catalogue import N_, Translator
from gudcity.models import User
from gudcity.services import customer_detail
from gudcity.services.customer_detail import CustomerDetail, HistoryPage, Visit
from gudcity.services.paging import Cursor
from gudcity.state import toasts
from gudcity.state.arguments import text
from gudcity.state.business import BusinessState, ProgramChoice
from gudcity.state.counter_actions import CounterActionsMixin, Done
from gudcity.state.customers import PAUSED_PROGRAM
from gudcity.state.history_pages import HISTORY_PAGE_SIZE, HistoryLine, history_line, pages_until
from gudcity.state.timefmt import ago

# What brought a customer in (services/visit_history's kinds), as their page lists it.
VISIT_KINDS = {
    "scan": N_("Scan"),
    "award": N_("Award"),
    "delivery": N_("Delivery"),
    "deduct": N_("Deduct"),
    "enroll": N_("Enroll"),
}


@dataclass
class BalanceLine:
    program: str
    # "30 points", "6 stamps".
    balance: str


@dataclass
class VisitLine:
    kind: str
    when: str


@dataclass
class ChosenProgram:
    """Where the customer stands in a program of the chooser."""

    status: str
    enrolled: bool


def read_history(
    session: Session, user: User, business_id: int, customer_id: int, after, until
) -> HistoryPage:
    """Pages from `after` on, until one reaches the row at `until` (None: one page)."""

    def read_page(cursor):
        return customer_detail.customer_history(
            session, user, business_id, customer_id, after=cursor, limit=HISTORY_PAGE_SIZE
        )

    return pages_until(read_page, after, until)


def customer_in_path(path: str) -> int:
    """The id in /business/customers/<id>; 0 (no one's id) for anything else."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() and len(last) <= 10 else 0


class CustomerState(CounterActionsMixin, BusinessState):
    customer_name: str = ""
    customer_email: str = ""
    card_number: str = ""
    balances: list[BalanceLine] = []
    history: list[HistoryLine] = []
    has_older: bool = False
    loading_older: bool = False
    visit_count: str = "0"
    visits: list[VisitLine] = []
    # Why the customer is not shown ("Customer not found.", a refusal).
    error: str = ""

    # The counter's actions, as on the scanner.
    programs: list[ProgramChoice] = []
    chosen_status: str = ""
    chosen_enrolled: bool = False

    _chosen: dict[str, ChosenProgram] = {}
    # The oldest row shown once "Show older" was used: a live refresh re-reads the
    # history down to it, new rows on top. None: the first page only.
    _until: Cursor | None = None
    _older_cursor: Cursor | None = None

    @rx.event
    async def load(self):
        """Skeletons first: the previous customer shown here must not flash up."""
        self._customer_id = customer_in_path(self.router.url.path)
        self._until = None
        self._forget_customer("")
        self._show_outcome(None)
        self.loading = True
        self.action_key = uuid.uuid4().hex
        yield
        for event in await self._open_business() or []:
            yield event

    async def _reload_page(self, memo: dict | None = None) -> list | None:
        customer_id, until = self._customer_id, self._until
        try:
            if not customer_id:
                raise NotFoundError(customer_detail.NOT_FOUND)
            detail, history = await self._business_call(
                lambda s, u, b: (
                    customer_detail.customer_detail(s, u, b, customer_id),
                    read_history(s, u, b, customer_id, None, until),
                )
            )
        except ServiceError as error:
            self._forget_customer(self._say(error))
            return None
        self._show(detail, history)
        return None

    def _forget_customer(self, message: str) -> None:
        self._chosen = {}
        self._older_cursor = None
        self._set_changed(
            error=message,
            customer_name="",
            customer_email="",
            card_number="",
            balances=[],
            history=[],
            has_older=False,
            visits=[],
            programs=[],
        )

    def _show(self, detail: CustomerDetail, history: HistoryPage) -> None:
        tr = self._tr()
        self._chosen = {
            str(p.program_id): ChosenProgram(
                tr.gettext(MEMBERSHIP_LABELS[p.membership]), p.membership == Membership.ENROLLED
            )
            for p in detail.programs
        }
        if self.program_id not in self._chosen:
            self.program_id = next(iter(self._chosen), "")
        self._older_cursor = history.next_cursor
        self._set_changed(
            error="",
            customer_name=detail.name,
            customer_email=detail.email,
            card_number=detail.card_number,
            balances=[
                BalanceLine(p.program_name, tr.message(amount_message(p.program_kind, p.balance)))
                for p in detail.programs
                if p.membership == Membership.ENROLLED and p.balance is not None
            ],
            history=[history_line(row, tr) for row in history.rows],
            has_older=history.next_cursor is not None,
            visit_count=count_badge(detail.visit_count, customer_detail.VISIT_COUNT_CAP),
            visits=[_visit_line(tr, v) for v in detail.recent_visits],
            programs=[
                ProgramChoice(
                    str(p.program_id),
                    p.program_name
                    if p.program_active
                    else tr.gettext(PAUSED_PROGRAM, program=p.program_name),
                )
                for p in detail.programs
            ],
        )
        self._say_outcome()
        self._show_chosen()

    def _show_chosen(self) -> None:
        chosen = self._chosen.get(self.program_id)
        self._set_changed(
            chosen_status=chosen.status if chosen else "",
            chosen_enrolled=bool(chosen and chosen.enrolled),
        )

    @rx.event
    async def show_older(self):
        cursor, customer_id = self._older_cursor, self._customer_id
        if cursor is None or self.loading_older:
            return None
        self.loading_older = True
        try:
            page = await self._business_call(
                lambda s, u, b: read_history(s, u, b, customer_id, cursor, None)
            )
        except ServiceError as error:
            return toasts.error(self._say(error))
        finally:
            self.loading_older = False
        if page.rows:
            self._until = (page.rows[-1].created_at, page.rows[-1].transaction_id)
        self._older_cursor = page.next_cursor
        tr = self._tr()
        self.history = self.history + [history_line(row, tr) for row in page.rows]
        self.has_older = page.next_cursor is not None
        return None

    @rx.event
    def choose_program(self, program_id: str):
        if text(program_id) not in self._chosen:
            return toasts.error(self._tr().gettext("Choose one of the programs in the list."))
        self.program_id = program_id
        self._show_outcome(None)
        self._show_chosen()
        return None

    async def _run(self, work: Callable[[Session, User], Done]):
        """One action at a time, then the page re-read; its message, or the refusal's."""
        if self.busy:
            return
        if not self._customer_id or self.error:
            yield toasts.error(self.error or self._tr().gettext(customer_detail.NOT_FOUND))
            return
        self.busy = True
        self._show_outcome(None)
        yield
        try:
            done = await self._as_user(work)
            self.action_key = uuid.uuid4().hex
            self._show_outcome(done.message)
        except ServiceError as error:
            yield toasts.error(self._say(error))
        finally:
            self.busy = False
        for update in await self._reload() or []:
            yield update


def _visit_line(tr: Translator, visit: Visit) -> VisitLine:
    kind = VISIT_KINDS.get(visit.kind)
    shown = tr.gettext(kind) if kind else visit.kind.capitalize()
    return VisitLine(shown, ago(tr, visit.created_at))
