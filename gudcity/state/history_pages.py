"""Ledger histories as pages show them: the lines, and the pages read down to a row.

Shared by a business's customer page and a customer's own card page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from gudcity.domain.labels import TRANSACTION_LABELS, signed_amount_message
from gudcity.i18n.catalogue import N_, Translator
from gudcity.i18n.formatting import date_and_time
from gudcity.services.customer_detail import HistoryPage, HistoryRow
from gudcity.services.paging import Cursor

HISTORY_PAGE_SIZE = 25
# A live refresh re-reads what is shown, at most this many pages of it.
MAX_PAGES_KEPT = 20
# Who "did" a ledger row that names no one (none of the app's actions do, but old rows may).
NOBODY = "GudCity"
THE_CUSTOMER = N_("Customer")


@dataclass
class HistoryLine:
    transaction_id: int
    when: str
    kind: str
    # Signed, in the program's unit: "+10 points", "-1 stamp".
    amount: str
    program: str
    # The staff member (or owner) who did it; "Customer" for the customer's own.
    by: str


def history_line(
    row: HistoryRow, tr: Translator, *, customer_says: str = THE_CUSTOMER
) -> HistoryLine:
    """A ledger row in the translator's words; `customer_says` (a msgid) names the
    customer's own rows. Times read in UTC, which the line says."""
    by = tr.gettext(customer_says) if row.by_customer else row.actor_name or NOBODY
    return HistoryLine(
        transaction_id=row.transaction_id,
        when=tr.gettext("{when} UTC", when=date_and_time(row.created_at, tr.language)),
        kind=tr.gettext(TRANSACTION_LABELS.get(row.kind, row.kind.value.title())),
        amount=tr.message(signed_amount_message(row.program_kind, row.amount)),
        program=row.program_name,
        by=by,
    )


def pages_until(
    read_page: Callable[[Cursor | None], HistoryPage], after: Cursor | None, until: Cursor | None
) -> HistoryPage:
    """Pages from `after` on, until one reaches the row at `until` (None: one page)."""
    rows: list[HistoryRow] = []
    for _ in range(MAX_PAGES_KEPT):
        page = read_page(after)
        rows += page.rows
        after = page.next_cursor
        if after is None or until is None or after <= until:
            break
    return HistoryPage(rows, after)
