"""/business/activity: the owner's log of what each staff member did, newest first."""

from dataclasses import dataclass
from datetime import date

import reflex as rx
from sqlmodel import Session

from gudcity import routes
from gudcity.domain.activity import staff_action_label
from gudcity.domain.errors import ServiceError
from gudcity.domain.labels import amount_message
from gudcity.i18n.catalogue import N_, Translator
from gudcity.i18n.formatting import date_and_time
from gudcity.models import User
from gudcity.services import activity
from gudcity.services.activity import ActivityPage, ActivityRow
from gudcity.services.paging import Cursor
from gudcity.state import toasts
from gudcity.state.arguments import text
from gudcity.state.business import BusinessState
from gudcity.state.timefmt import ago

PAGE_SIZE = 25
# A live refresh re-reads what is shown, at most this many pages of it.
MAX_PAGES_KEPT = 20
# The staff chooser's value for "everyone" (an option needs a value).
EVERYONE = "all"
NO_CUSTOMER = "—"


@dataclass
class StaffChoice:
    value: str
    label: str


@dataclass
class ActivityLine:
    action_id: int
    what: str
    staff: str
    customer: str
    # The customer's page; "" when the action named no customer.
    customer_href: str
    program: str
    # "10 points", "1 stamp"; "" for an action that moves nothing.
    amount: str
    when: str
    ago: str


# The log's times are UTC ("2 Dec 2026, 14:05 UTC").
_IN_UTC = N_("{moment} UTC")


def _line(tr: Translator, row: ActivityRow) -> ActivityLine:
    has_amount = row.amount is not None and row.program_kind is not None
    return ActivityLine(
        action_id=row.action_id,
        what=tr.message(staff_action_label(row.kind, row.detail)),
        staff=row.actor_name,
        customer=row.customer_name or NO_CUSTOMER,
        customer_href=routes.customer_page(row.customer_id) if row.customer_id else "",
        program=row.program_name or "",
        amount=tr.message(amount_message(row.program_kind, row.amount)) if has_amount else "",
        when=tr.gettext(_IN_UTC, moment=date_and_time(row.created_at, tr.language)),
        ago=ago(tr, row.created_at),
    )


@dataclass
class ActivityRead:
    page: ActivityPage
    choices: list[StaffChoice]


def read_activity(
    session: Session,
    user: User,
    business_id: int,
    tr: Translator,
    *,
    staff_id: int | None,
    day: date | None,
    until: Cursor | None,
) -> ActivityRead:
    """The log from the newest action down to `until` (as one page), and the staff choices."""
    choices = [StaffChoice(EVERYONE, tr.gettext("All staff"))] + [
        StaffChoice(
            str(m.user_id), tr.gettext("{name} (owner)", name=m.name) if m.is_owner else m.name
        )
        for m in activity.staff_members(session, user, business_id)
    ]
    return ActivityRead(
        read_pages(session, user, business_id, staff_id=staff_id, day=day, after=None, until=until),
        choices,
    )


def read_pages(
    session: Session, user: User, business_id: int, *, staff_id, day, after, until
) -> ActivityPage:
    """Pages from `after` on, until one reaches the action at `until` (None: one page)."""
    rows: list[ActivityRow] = []
    for _ in range(MAX_PAGES_KEPT):
        page = activity.list_activity(
            session, user, business_id, staff_id=staff_id, day=day, after=after, limit=PAGE_SIZE
        )
        rows += page.rows
        after = page.next_cursor
        if after is None or until is None or after <= until:
            break
    return ActivityPage(rows, after)


def parse_day(value: str) -> date | None:
    """A date input's value ("2026-12-02"); None when cleared. ValueError for anything else."""
    return date.fromisoformat(value) if value else None


class ActivityState(BusinessState):
    rows: list[ActivityLine] = []
    staff_choices: list[StaffChoice] = []
    staff_filter: str = EVERYONE
    # The date input's value: "" for every day.
    day: str = ""
    has_older: bool = False
    loading_older: bool = False
    # The service's refusal (staff are not shown the log), shown instead of it.
    error: str = ""

    # The oldest action shown once "Show older" was used: a live refresh re-reads the log
    # down to it, new actions on top. None: the first page only.
    _until: Cursor | None = None
    _older_cursor: Cursor | None = None

    @rx.event
    async def load(self):
        self._until = None
        return await self._open_business()

    def _filters(self) -> tuple[int | None, date | None]:
        staff_id = None if self.staff_filter == EVERYONE else int(self.staff_filter)
        return staff_id, parse_day(self.day)

    async def _reload_page(self, memo: dict | None = None) -> list | None:
        (staff_id, day), until, tr = self._filters(), self._until, self._tr()
        try:
            read = await self._business_call(
                lambda s, u, b: read_activity(s, u, b, tr, staff_id=staff_id, day=day, until=until)
            )
        except ServiceError as error:
            self._older_cursor = None
            self._set_changed(error=self._say(error), rows=[], has_older=False)
            return None
        self._older_cursor = read.page.next_cursor
        self._set_changed(
            error="",
            rows=[_line(tr, row) for row in read.page.rows],
            staff_choices=read.choices,
            has_older=read.page.next_cursor is not None,
        )
        return None

    async def _restart(self):
        self._until = None
        return await self._reload()

    @rx.event
    async def set_staff_filter(self, value: str):
        if text(value) not in {choice.value for choice in self.staff_choices}:
            return toasts.error(self._tr().gettext("Choose one of the staff members in the list."))
        self.staff_filter = value
        return await self._restart()

    @rx.event
    async def set_day(self, value: str):
        try:
            parse_day(text(value) if text(value) is not None else "not a day")
        except (TypeError, ValueError):
            return toasts.error(self._tr().gettext("Choose a day from the calendar."))
        self.day = value
        return await self._restart()

    @rx.event
    async def show_older(self):
        cursor = self._older_cursor
        if cursor is None or self.loading_older:
            return None
        (staff_id, day), self.loading_older = self._filters(), True
        try:
            page = await self._business_call(
                lambda s, u, b: read_pages(
                    s, u, b, staff_id=staff_id, day=day, after=cursor, until=None
                )
            )
        except ServiceError as error:
            return toasts.error(self._say(error))
        finally:
            self.loading_older = False
        if page.rows:
            self._until = (page.rows[-1].created_at, page.rows[-1].action_id)
        self._older_cursor = page.next_cursor
        tr = self._tr()
        self.rows = self.rows + [_line(tr, row) for row in page.rows]
        self.has_older = page.next_cursor is not None
        return None
