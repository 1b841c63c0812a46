"""Reads the expiry sweep and a customer's cards share: a batch of cards' ledgers in order,
their customers' visits, and how long before a deadline customers are warned."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from gudcity.domain.expiry import Entry, RuleVersion
from gudcity.models import (
    CustomerInteraction,
    PointTransaction,
    RewardCode,
    TransactionKind,
    as_utc,
)
from gudcity.settings import get_settings

_LEDGER, _VISITS = PointTransaction.__table__, CustomerInteraction.__table__
_CODES = RewardCode.__table__


@dataclass(frozen=True)
class CardReading:
    """What the sweep read of a card, in this order: its balance-move versions
    (services/ledger_rows.py VERSIONS), then its ledger and its customer's visits; with
    its program's rule versions. Settling it may start from this (services/expiry.py):
    if the card moved since, its version says so and it is read again."""

    card_id: int
    moves: dict[str, int]
    entries: list[Entry]
    visits: list[datetime]
    versions: tuple[RuleVersion, ...]


def warning_time() -> timedelta:
    return timedelta(days=get_settings().expiry_warning_days)


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
