"""Which cards the expiry sweep settles: of the running programs whose rule makes points
expire, the cards holding points with an inflow old enough to be due (or warned of) now,
a batch at a time, each batch's ledgers in one indexed read.

A card read with nothing to do gets an `expiry_checks` row: when the sweep must look
at it again (`domain/expiry.py`: `next_look`), as reckoned at its ledger_version.
Until then, and while that version holds, the sweep skips it: a move of the card
(an earning, whose lot may have a shorter rule's nearer deadline; a refund, which gives
back old lots) bumps the version, a change of rule never brings a held point's deadline
closer, and a change of EXPIRY_WARNING_DAYS is in the row too. So a day's sweep reads
the cards that are due, warned of, or moved, not every card holding points.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from gudcity.domain.expiry import (
    Rules,
    RuleVersion,
    counts_visits,
    earliest_possible,
    expiring_era_start,
    held_points,
    next_look,
)
from gudcity.models import (
    ExpiryCheck,
    ExpiryRule,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
)
from gudcity.services import expiry_notices
from gudcity.services.expiry_reads import (
    CardReading,
    ledger_entries,
    visit_times,
    warning_time,
)
from gudcity.services.expiry_rules import rule_versions
from gudcity.services.ledger_rows import VERSIONS
from gudcity.settings import get_settings

# Cards whose ledgers one read takes.
CARD_BATCH = 500

_LEDGER, _CARDS = PointTransaction.__table__, LoyaltyCard.__table__
_PROGRAMS, _CHECKS = LoyaltyProgram.__table__, ExpiryCheck.__table__
_SET_CHECK = {
    name: dialect_insert(_CHECKS).on_conflict_do_update(
        index_elements=["card_id"],
        set_={
            column: dialect_insert(_CHECKS).excluded[column]
            for column in ("look_at", "ledger_version", "warning_days")
        },
    )
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


@dataclass(frozen=True)
class ExpiringProgram:
    """A running program whose rule makes points expire, as a sweep reads it."""

    program_id: int
    business_id: int
    versions: tuple[RuleVersion, ...]
    # Only points earned since can expire (domain/expiry.py: expiring_era_start).
    era_start: datetime

    @property
    def era_versions(self) -> tuple[RuleVersion, ...]:
        """The versions that rule the points that can expire (the era's)."""
        return tuple(v for v in self.versions if v.starts_at >= self.era_start)

    @property
    def counts_visits(self) -> bool:
        return counts_visits(self.versions, self.era_start)

    def latest_earning(self, moment: datetime) -> datetime:
        """Points earned after this cannot be due (or warned of) at `moment`."""
        days = [v.days for v in self.era_versions]
        return moment + warning_time() - earliest_possible(days)


def expiring_programs(session: Session) -> list[ExpiringProgram]:
    """The running programs whose rule in force makes points expire."""
    ids = session.execute(
        select(_PROGRAMS.c.id, _PROGRAMS.c.business_id)
        .where(
            _PROGRAMS.c.is_active,
            _PROGRAMS.c.archived_at.is_(None),
            exists().where(ExpiryRule.program_id == _PROGRAMS.c.id),
        )
        .order_by(_PROGRAMS.c.id)
    ).all()
    versions = rule_versions(session, [program_id for program_id, _ in ids])
    found = []
    for program_id, business_id in ids:
        start = expiring_era_start(versions[program_id])
        if start is not None:
            found.append(
                ExpiringProgram(program_id, business_id, tuple(versions[program_id]), start)
            )
    return found


def cards_to_settle(
    session: Session, program: ExpiringProgram, moment: datetime, after_id: int = 0
) -> tuple[list[CardReading], int | None]:
    """Of the program's next batch of cards (ids above `after_id`) to read, those with
    points due or to warn of at `moment`, as read; and the id to continue after (None:
    the last batch). The others' next look is written (committed)."""
    batch = session.execute(_batch_query(program, moment, after_id)).all()
    if not batch:
        return [], None
    entries = ledger_entries(session, [row.id for row in batch])
    visits = (
        visit_times(session, program.business_id, [r.customer_id for r in batch], program.era_start)
        if program.counts_visits
        else {}
    )
    covered = expiry_notices.covered_until(session, [row.id for row in batch])
    chosen, checks = [], []
    for row in batch:
        seen = visits.get(row.customer_id, [])
        held = held_points(entries[row.id], Rules(program.versions, seen), moment)
        look = next_look(held, covered.get(row.id), warning_time())
        if look is not None and look <= moment:
            moves = {name: row._mapping[name] for name in VERSIONS}
            chosen.append(CardReading(row.id, moves, entries[row.id], seen, program.versions))
        else:
            checks.append(
                {"card_id": row.id, "look_at": look, "ledger_version": row.ledger_version}
            )
    _write_checks(session, checks)
    return chosen, batch[-1].id if len(batch) == CARD_BATCH else None


def _batch_query(program: ExpiringProgram, moment: datetime, after_id: int):
    """The program's next cards holding points with an old enough inflow, but those whose
    check says not yet: (id, customer_id, and its VERSIONS), by id."""
    old_inflow = exists().where(
        _LEDGER.c.card_id == _CARDS.c.id,
        _LEDGER.c.amount > 0,
        _LEDGER.c.created_at >= program.era_start,
        _LEDGER.c.created_at <= program.latest_earning(moment),
    )
    look_again = or_(
        _CHECKS.c.card_id.is_(None),
        _CHECKS.c.ledger_version != _CARDS.c.ledger_version,
        _CHECKS.c.warning_days != get_settings().expiry_warning_days,
        _CHECKS.c.look_at <= moment,
    )
    return (
        select(_CARDS.c.id, _CARDS.c.customer_id, *(_CARDS.c[name] for name in VERSIONS))
        .outerjoin(_CHECKS, _CHECKS.c.card_id == _CARDS.c.id)
        .where(
            and_(_CARDS.c.program_id == program.program_id, _CARDS.c.id > after_id),
            _CARDS.c.balance > 0,
            look_again,
            old_inflow,
        )
        .order_by(_CARDS.c.id)
        .limit(CARD_BATCH)
    )


def _write_checks(session: Session, checks: list[dict]) -> None:
    """One upsert of the batch's checks (insertmanyvalues), committed."""
    if checks:
        days = get_settings().expiry_warning_days
        statement = _SET_CHECK[session.get_bind().dialect.name]
        session.execute(statement, [{**check, "warning_days": days} for check in checks])
    session.commit()
