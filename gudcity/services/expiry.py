"""Points that expire: the sweep that writes the EXPIRE rows, and what a customer's cards
will lose and when.

A card's held points and their deadlines are read from its ledger alone
(gudcity/domain/expiry.py), so the sweep keeps no state of its own: it survives
restarts, and any number of workers may run it. It reads only the cards of running
programs whose rule makes points expire, and of those only cards holding points and
with an inflow old enough to be due (or warned of) now, a batch at a time, each
batch's ledgers in one indexed read. A card with something due is then settled in a
transaction of its own: its program, rules and customer read, then its ledger_version
and its ledger, with no lock; everything due written as one EXPIRE row, keyed by the
card and its number of expiries so far, with the notices; and last the balance UPDATE,
only while the card's ledger_version is the one read (an award or spending meanwhile
bumped it: the card is read again). So an award on the card waits at most for that
UPDATE and the commit; two sweeps that read the same ledger write the same key, and
the second writes nothing.
"""

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlmodel import Session

from gudcity.domain.analytics import business_day
from gudcity.domain.expiry import (
    Entry,
    Rules,
    RuleVersion,
    due_expiries,
    earliest_possible,
    expiring_era_start,
    expiry_key,
    held_points,
    upcoming_expiries,
)
from gudcity.models import (
    Business,
    CustomerInteraction,
    ExpiryMode,
    ExpiryRule,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    RewardCode,
    TransactionKind,
    User,
    as_utc,
    utc_now,
)
from gudcity.services import expiry_notices
from gudcity.services.analytics_log import record_ledger_row
from gudcity.services.atomic import atomic
from gudcity.services.cards import CardView
from gudcity.services.expiry_rules import rule_versions
from gudcity.services.ledger import CardFacts, card_access, publish_card_change
from gudcity.services.ledger_rows import (
    card_versions,
    insert_unless_key_exists,
    move_balance,
    row_values,
)
from gudcity.services.permissions import require_customer
from gudcity.settings import get_settings

logger = logging.getLogger(__name__)

# Cards whose ledgers one read takes.
CARD_BATCH = 500

_LEDGER, _CARDS = PointTransaction.__table__, LoyaltyCard.__table__
_VISITS, _PROGRAMS = CustomerInteraction.__table__, LoyaltyProgram.__table__
_CODES = RewardCode.__table__


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
        return any(v.mode == ExpiryMode.AFTER_INACTIVITY for v in self.era_versions)

    def latest_earning(self, moment: datetime) -> datetime:
        """Points earned after this cannot be due (or warned of) at `moment`."""
        days = [v.days for v in self.era_versions]
        return moment + warning_time() - earliest_possible(days)


def warning_time() -> timedelta:
    return timedelta(days=get_settings().expiry_warning_days)


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


def ledger_entries(session: Session, card_ids: Sequence[int]) -> dict[int, list[Entry]]:
    """Each card's ledger in order, read by the (card_id, created_at) index; each REFUND
    names the REDEEM row it gives back (its reward code's, read by the codes' card_id)."""
    entries: defaultdict[int, list[Entry]] = defaultdict(list)
    if not card_ids:
        return entries
    ids = sorted(set(card_ids))
    refunded = dict(
        session.execute(
            select(_CODES.c.refund_transaction_id, _CODES.c.redeem_transaction_id).where(
                _CODES.c.card_id.in_(ids), _CODES.c.refund_transaction_id.isnot(None)
            )
        ).all()
    )
    rows = session.execute(
        select(
            _LEDGER.c.id, _LEDGER.c.card_id, _LEDGER.c.kind, _LEDGER.c.amount, _LEDGER.c.created_at
        )
        .where(_LEDGER.c.card_id.in_(ids))
        .order_by(_LEDGER.c.card_id, _LEDGER.c.created_at, _LEDGER.c.id)
    )
    for row_id, card_id, kind, amount, created_at in rows:
        entry = Entry(
            TransactionKind(kind), amount, as_utc(created_at), row_id, refunded.get(row_id)
        )
        entries[card_id].append(entry)
    return entries


def visit_times(
    session: Session, business_id: int, customer_ids: Sequence[int], since: datetime
) -> dict[int, list[datetime]]:
    """Each customer's visits to the business since `since`, oldest first."""
    visits: defaultdict[int, list[datetime]] = defaultdict(list)
    if not customer_ids:
        return visits
    rows = session.execute(
        select(_VISITS.c.customer_id, _VISITS.c.created_at)
        .where(
            _VISITS.c.business_id == business_id,
            _VISITS.c.customer_id.in_(sorted(set(customer_ids))),
            _VISITS.c.created_at >= since,
        )
        .order_by(_VISITS.c.customer_id, _VISITS.c.created_at)
    )
    for customer_id, created_at in rows:
        visits[customer_id].append(as_utc(created_at))
    return visits


def cards_to_settle(
    session: Session, program: ExpiringProgram, moment: datetime, after_id: int = 0
) -> tuple[list[int], int | None]:
    """Of the program's next batch of cards (ids above `after_id`), those with points
    due or to warn of at `moment`; and the id to continue after (None: the last batch)."""
    old_inflow = exists().where(
        _LEDGER.c.card_id == _CARDS.c.id,
        _LEDGER.c.amount > 0,
        _LEDGER.c.created_at >= program.era_start,
        _LEDGER.c.created_at <= program.latest_earning(moment),
    )
    batch = session.execute(
        select(_CARDS.c.id, _CARDS.c.customer_id)
        .where(
            and_(_CARDS.c.program_id == program.program_id, _CARDS.c.id > after_id),
            _CARDS.c.balance > 0,
            old_inflow,
        )
        .order_by(_CARDS.c.id)
        .limit(CARD_BATCH)
    ).all()
    if not batch:
        return [], None
    entries = ledger_entries(session, [card_id for card_id, _ in batch])
    visits = (
        visit_times(session, program.business_id, [c for _, c in batch], program.era_start)
        if program.counts_visits
        else {}
    )
    covered = expiry_notices.covered_until(session, [card_id for card_id, _ in batch])
    chosen = [
        card_id
        for card_id, customer_id in batch
        if _has_work(
            entries[card_id],
            Rules(program.versions, visits.get(customer_id, ())),
            moment,
            covered.get(card_id),
        )
    ]
    return chosen, batch[-1][0] if len(batch) == CARD_BATCH else None


def _has_work(
    entries: list[Entry], rules: Rules, moment: datetime, covered: datetime | None
) -> bool:
    """Points due, or coming soon and not yet warned of (one reading of the ledger)."""
    end = moment + warning_time()
    return any(
        deadline is not None
        and deadline <= end
        and (deadline <= moment or covered is None or deadline > covered)
        for deadline, _points in held_points(entries, rules, moment)
    )


# Times a card is read again when its balance moved while it was being settled.
SETTLE_ATTEMPTS = 3


@atomic
def settle_card(session: Session, card_id: int) -> int:
    """Expire what is due on the card now and warn of what comes soon; the points expired.
    A worker's call (no actor); commits once.

    Nothing is locked while the card's ledger is read and its expiry reckoned: the
    balance moves last, and only if the card's ledger_version is still the one read
    before its ledger, so an award waits at most for that UPDATE and the commit. A card
    whose balance moved meanwhile is read again (SETTLE_ATTEMPTS times, then left to
    the next sweep). "Now" is never before its newest row: a spending that came in since
    the sweep began took its points first.
    """
    access = card_access(session, card_id, None)
    card = access.card
    versions = rule_versions(session, [card.program_id]).get(card.program_id, [])
    start = expiring_era_start(versions)
    if start is None:
        return 0
    customer = session.get(User, card.customer_id)
    told = customer if access.enrolled and customer and customer.deleted_at is None else None
    for _attempt in range(SETTLE_ATTEMPTS):
        expired = _settle_once(session, card, versions, start, told)
        if expired is not None:
            return expired
        session.rollback()
    logger.info("Card %s kept moving while its expiry was settled: next sweep", card_id)
    return 0


def _settle_once(
    session: Session,
    card: CardFacts,
    versions: Sequence[RuleVersion],
    start: datetime,
    told: User | None,
) -> int | None:
    """One reading of the card and its writes; None if its balance moved since (nothing
    is written then)."""
    # What the reckoning depends on: any move where visits count, else spendings.
    counts_visits = any(v.mode == ExpiryMode.AFTER_INACTIVITY for v in versions)
    version = "ledger_version" if counts_visits else "spend_version"
    read_as = card_versions(session, card.card_id)[version]
    entries = ledger_entries(session, [card.card_id])[card.card_id]
    moment = max([utc_now(), *(entry.at for entry in entries[-1:])])
    rules = Rules(versions, _visits(session, card, versions, start))
    expired = sum(expiry.amount for expiry in due_expiries(entries, rules, moment))
    if expired and not _write_expire_row(session, card, expired, expiry_key(card.card_id, entries)):
        session.rollback()  # another sweep wrote this very expiry
        return 0
    if expired and told is not None:
        expiry_notices.tell_expired(session, card, expired)
    if expired:
        publish_card_change(session, card, "points.expired")
    soon = upcoming_expiries(entries, rules, moment, warning_time())
    if told is not None and soon:
        expiry_notices.warn(session, card, told, soon)
    if expired:
        moved = move_balance(
            session,
            card.card_id,
            TransactionKind.EXPIRE,
            -expired,
            gain=0,
            base=0,
            active_at=None,
            unmoved=(version, read_as),
        )
        if moved is None:
            return None
    session.commit()
    return expired


def _write_expire_row(session: Session, card: CardFacts, points: int, key: str) -> bool:
    """The EXPIRE row (its balance moves last, in `_settle_once`); False if its key was used."""
    now = utc_now()
    values = row_values(card.card_id, TransactionKind.EXPIRE, -points, None, key)
    if insert_unless_key_exists(session, {**values, "created_at": now}) is None:
        return False
    record_ledger_row(session, card, TransactionKind.EXPIRE, -points, None, now)
    return True


def _visits(
    session: Session, card: CardFacts, versions: Sequence[RuleVersion], start: datetime
) -> list[datetime]:
    """The customer's visits since `start`, where a version counts them."""
    if not any(v.mode == ExpiryMode.AFTER_INACTIVITY for v in versions):
        return []
    return visit_times(session, card.business_id, [card.customer_id], start)[card.customer_id]


@dataclass(frozen=True)
class DayExpiry:
    """Points of a card that expire on one day of its business."""

    day: date
    points: int


def upcoming_for_cards(
    session: Session, actor: User, cards: Sequence[CardView]
) -> dict[int, list[DayExpiry]]:
    """What each of the customer's cards will lose, by day of its business, as the rules
    stand now (cards of programs whose points never expire, or archived: no entry)."""
    customer = require_customer(actor)
    versions = rule_versions(session, [card.program_id for card in cards])
    starts = {p: expiring_era_start(v) for p, v in versions.items()}
    candidates = [
        card
        for card in cards
        if starts.get(card.program_id) is not None and not card.program_archived
    ]
    zones = _owned_with_zones(session, customer, [card.card_id for card in candidates])
    expiring = [card for card in candidates if card.card_id in zones]
    entries = ledger_entries(session, [card.card_id for card in expiring])
    moment = utc_now()
    upcoming: dict[int, list[DayExpiry]] = {}
    for card in expiring:
        start = starts[card.program_id]
        visits = visit_times(session, card.business_id, [customer.id], start)[customer.id]
        rules = Rules(versions[card.program_id], visits)
        by_day: defaultdict[date, int] = defaultdict(int)
        for expiry in upcoming_expiries(entries[card.card_id], rules, moment):
            by_day[business_day(expiry.deadline, zones[card.card_id])] += expiry.amount
        upcoming[card.card_id] = [DayExpiry(day, points) for day, points in sorted(by_day.items())]
    return upcoming


def _owned_with_zones(session: Session, customer: User, card_ids: list[int]) -> dict[int, str]:
    """The customer's own cards among `card_ids`, with their business's time zone."""
    if not card_ids:
        return {}
    businesses = Business.__table__
    rows = session.execute(
        select(_CARDS.c.id, businesses.c.time_zone)
        .join(_PROGRAMS, _PROGRAMS.c.id == _CARDS.c.program_id)
        .join(businesses, businesses.c.id == _PROGRAMS.c.business_id)
        .where(_CARDS.c.id.in_(card_ids), _CARDS.c.customer_id == customer.id)
    )
    return dict(rows.all())
