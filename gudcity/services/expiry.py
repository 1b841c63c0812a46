"""Points that expire: the sweep that writes the EXPIRE rows, and what a customer's cards
will lose and when.

A card's held points and their deadlines are read from its ledger alone
(gudcity/domain/expiry.py), so the sweep keeps no state but the ledger's and a hint of
when to look again (services/expiry_candidates.py picks the cards): it survives
restarts, and any number of workers may run it. A card with something due is settled
in a transaction of its own: its program, rules and customer read, then its version
and its ledger as its batch read them (`CardReading`), with no lock; everything due
written as one EXPIRE row, keyed by the card and its number of expiries so far, with
the notices; and last the balance UPDATE,
only while the version read still holds (`ledger_version` where an inactivity rule
counts visits, else `spend_version`, which a new earning leaves: domain/expiry.py,
`moves_due_points`); a card that moved is read again. So an award on the card waits at
most for that UPDATE and the commit; two sweeps that read the same ledger write the
same key, and the second writes nothing.
"""

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from gudcity.domain.analytics import business_day
from gudcity.domain.expiry import (
    Rules,
    RuleVersion,
    counts_visits,
    due_expiries,
    expiring_era_start,
    expiry_key,
    upcoming_expiries,
)
from gudcity.models import (
    Business,
    LoyaltyCard,
    LoyaltyProgram,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services import expiry_notices
from gudcity.services.analytics_log import record_ledger_row
from gudcity.services.atomic import atomic
from gudcity.services.cards import CardView
from gudcity.services.expiry_reads import (
    CardReading,
    ledger_entries,
    visit_times,
    warning_time,
)
from gudcity.services.expiry_rules import rule_versions
from gudcity.services.ledger import CardFacts, card_access, publish_card_change
from gudcity.services.ledger_rows import (
    card_versions,
    insert_unless_key_exists,
    move_balance,
    row_values,
)
from gudcity.services.permissions import require_customer

logger = logging.getLogger(__name__)

_CARDS, _PROGRAMS = LoyaltyCard.__table__, LoyaltyProgram.__table__

# Times a card is read again when its balance moved while it was being settled.
SETTLE_ATTEMPTS = 3


@atomic
def settle_card(session: Session, card_id: int, reading: CardReading | None = None) -> int:
    """Expire what is due on the card now and warn of what comes soon; the points expired.
    A worker's call (no actor); commits once. `reading`: what the sweep's batch read of
    the card, to start from instead of reading it again (its rule versions are read
    afresh: a rule changed meanwhile makes the card read again).

    Nothing is locked while the card's ledger is read and its expiry reckoned: the
    balance moves last, and only if the card's version is still the one read before its
    ledger, so an award waits at most for that UPDATE and the commit. A card whose
    balance moved meanwhile is read again (SETTLE_ATTEMPTS times, then left to the next
    sweep). "Now" is never before its newest row: a spending that came in since the
    sweep began took its points first.
    """
    access = card_access(session, card_id, None)
    card = access.card
    versions = tuple(rule_versions(session, [card.program_id]).get(card.program_id, []))
    if reading is not None and reading.versions != versions:
        reading = None  # the rule changed since the batch read it: read the card again
    start = expiring_era_start(versions)
    if start is None:
        return 0
    customer = session.get(User, card.customer_id)
    told = customer if access.enrolled and customer and customer.deleted_at is None else None
    for _attempt in range(SETTLE_ATTEMPTS):
        reading = reading or _read_card(session, card, versions, start)
        expired = _settle_once(session, card, reading, start, told)
        if expired is not None:
            return expired
        session.rollback()
        reading = None
    logger.info("Card %s kept moving while its expiry was settled: next sweep", card_id)
    return 0


def _read_card(
    session: Session, card: CardFacts, versions: Sequence[RuleVersion], start: datetime
) -> CardReading:
    """The card's versions, then its ledger and visits (in that order: see CardReading)."""
    moves = card_versions(session, card.card_id)
    entries = ledger_entries(session, [card.card_id])[card.card_id]
    visits = _visits(session, card, versions, start)
    return CardReading(card.card_id, moves, entries, visits, tuple(versions))


def _settle_once(
    session: Session, card: CardFacts, reading: CardReading, start: datetime, told: User | None
) -> int | None:
    """The writes of one reading of the card; None if its balance moved since (nothing
    is written then)."""
    entries, versions = reading.entries, reading.versions
    # What the reckoning depends on: any move where visits count, else spendings.
    version = "ledger_version" if counts_visits(versions, start) else "spend_version"
    moment = max([utc_now(), *(entry.at for entry in entries[-1:])])
    rules = Rules(versions, reading.visits)
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
            unmoved=(version, reading.moves[version]),
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
    """The customer's visits since `start`, where a version of the era counts them."""
    if not counts_visits(versions, start):
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
