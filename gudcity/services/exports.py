"""A business's customers and ledger as CSV files for its owner (and staff with Reports), streamed.

Each export checks its actor first, then hands back the file's header and an
iterator over its rows, read from the database as they are written out
(`yield_per`: a server-side cursor on PostgreSQL), so a million rows never sit in
memory. The caller keeps the session open until the iterator is done
(gudcity/web/exports.py). `since` and `until` narrow an export to a period
(`since <= date < until`, either may be left out): what the dashboard's "Period"
asks for. The header and the unit words are in the exporter's language.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlmodel import Session

from gudcity.domain.labels import unit_message
from gudcity.i18n.catalogue import N_, Translator, translator
from gudcity.i18n.languages import DEFAULT_LANGUAGE
from gudcity.models import (
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramEnrollment,
    Reward,
    User,
)
from gudcity.services.permissions import Permission, require_business_permission
from gudcity.services.tiers import TIER_NAME, card_tier_join

# The unit column names the unit in the plural: 3 gives each language's general one
# (2 would be Arabic's dual).
UNIT_COUNT = 3
# Rows fetched from the database at a time.
BATCH_ROWS = 2000

# msgids: a file's header is in its exporter's language (these words in English).
CUSTOMER_COLUMNS = (
    N_("customer"),
    N_("email"),
    N_("card_number"),
    N_("program"),
    N_("unit"),
    N_("balance"),
    N_("lifetime"),
    N_("tier"),
    N_("joined_at"),
    N_("last_activity_at"),
)
LEDGER_COLUMNS = (
    N_("date"),
    N_("customer"),
    N_("card_number"),
    N_("program"),
    N_("kind"),
    N_("amount"),
    N_("unit"),
    # Who made the change: the staff member (or owner), or the customer for a redemption.
    N_("by"),
    N_("reward"),
    N_("redemption_code"),
    N_("note"),
)


@dataclass(frozen=True)
class CsvExport:
    filename: str
    header: tuple[str, ...]
    rows: Iterator[tuple]


_USERS, _CARDS, _PROGRAMS = User.__table__, LoyaltyCard.__table__, LoyaltyProgram.__table__
_ENROLLMENTS, _LEDGER = ProgramEnrollment.__table__, PointTransaction.__table__
_ACTORS, _REWARDS = User.__table__.alias("actors"), Reward.__table__


def _in_period(column, since: datetime | None, until: datetime | None) -> list:
    period = []
    if since is not None:
        period.append(column >= since)
    if until is not None:
        period.append(column < until)
    return period


def _customers_query(business_id: int, since, until) -> Select:
    """One row per enrolled customer and program, by name."""
    return (
        select(
            _USERS.c.name,
            _USERS.c.email,
            _USERS.c.card_number,
            _PROGRAMS.c.name.label("program"),
            _PROGRAMS.c.kind,
            _CARDS.c.balance,
            _CARDS.c.lifetime_points,
            TIER_NAME,
            _ENROLLMENTS.c.created_at,
            _CARDS.c.last_activity_at,
        )
        .join(_ENROLLMENTS, _ENROLLMENTS.c.customer_id == _USERS.c.id)
        .join(_PROGRAMS, _PROGRAMS.c.id == _ENROLLMENTS.c.program_id)
        .join(
            _CARDS,
            (_CARDS.c.customer_id == _USERS.c.id) & (_CARDS.c.program_id == _PROGRAMS.c.id),
        )
        .outerjoin(*card_tier_join(_CARDS))
        .where(
            _PROGRAMS.c.business_id == business_id,
            _ENROLLMENTS.c.status == EnrollmentStatus.ACTIVE,
            *_in_period(_ENROLLMENTS.c.created_at, since, until),
        )
        .order_by(_USERS.c.name, _USERS.c.id, _PROGRAMS.c.id)
    )


def _ledger_query(business_id: int, since, until) -> Select:
    """Every ledger row of the business's cards, oldest first."""
    return (
        select(
            _LEDGER.c.created_at,
            _USERS.c.name,
            _USERS.c.card_number,
            _PROGRAMS.c.name.label("program"),
            _LEDGER.c.kind,
            _LEDGER.c.amount,
            _PROGRAMS.c.kind.label("program_kind"),
            _ACTORS.c.name.label("by"),
            _REWARDS.c.name.label("reward"),
            _LEDGER.c.redemption_code,
            _LEDGER.c.note,
        )
        .join(_CARDS, _CARDS.c.id == _LEDGER.c.card_id)
        .join(_PROGRAMS, _PROGRAMS.c.id == _CARDS.c.program_id)
        .join(_USERS, _USERS.c.id == _CARDS.c.customer_id)
        .outerjoin(_ACTORS, _ACTORS.c.id == _LEDGER.c.actor_id)
        .outerjoin(_REWARDS, _REWARDS.c.id == _LEDGER.c.reward_id)
        .where(
            _PROGRAMS.c.business_id == business_id,
            *_in_period(_LEDGER.c.created_at, since, until),
        )
        .order_by(_LEDGER.c.created_at, _LEDGER.c.id)
    )


def _stream(session: Session, statement: Select) -> Iterator:
    yield from session.execute(statement.execution_options(yield_per=BATCH_ROWS))


def _customer_rows(session: Session, statement: Select, words: Translator) -> Iterator[tuple]:
    for row in _stream(session, statement):
        name, email, number, program, kind, *card, joined, last = row
        unit = words.message(unit_message(kind, UNIT_COUNT))
        yield (name, email, number, program, unit, *card, joined, last)


def _ledger_rows(session: Session, statement: Select, words: Translator) -> Iterator[tuple]:
    for row in _stream(session, statement):
        date, name, number, program, kind, amount, program_kind, *rest = row
        unit = words.message(unit_message(program_kind, UNIT_COUNT))
        yield (date, name, number, program, kind.value, amount, unit, *rest)


def _header(columns: tuple[str, ...], words: Translator) -> tuple[str, ...]:
    return tuple(words.gettext(column) for column in columns)


def customers_csv(
    session: Session,
    actor: User,
    business_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
    language: str | None = None,
) -> CsvExport:
    """The business's enrolled customers, one row per program (joined in the period)."""
    business = require_business_permission(session, actor, business_id, Permission.REPORTS)
    statement = _customers_query(business.id, since, until)
    words = translator(language or DEFAULT_LANGUAGE)
    rows = _customer_rows(session, statement, words)
    return CsvExport("customers.csv", _header(CUSTOMER_COLUMNS, words), rows)


def ledger_csv(
    session: Session,
    actor: User,
    business_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
    language: str | None = None,
) -> CsvExport:
    """Every ledger row of the business's programs (written in the period), oldest first."""
    business = require_business_permission(session, actor, business_id, Permission.REPORTS)
    statement = _ledger_query(business.id, since, until)
    words = translator(language or DEFAULT_LANGUAGE)
    return CsvExport(
        "ledger.csv", _header(LEDGER_COLUMNS, words), _ledger_rows(session, statement, words)
    )
