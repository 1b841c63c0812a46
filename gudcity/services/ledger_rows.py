"""The ledger's statements: a row inserted unless its idempotency key exists, and the
card's balance moved by one atomic UPDATE that refuses to go below zero.

Leaf helpers of services/ledger.py (the use cases' writes) and services/expiry.py (the
sweep's). Every balance move also bumps the card's `ledger_version`, and one that can
change which points are due (domain/expiry.py: `moves_due_points`) its `spend_version`:
a writer that read the ledger without locking the card moves the balance only while
the version it depends on is the one it read (`unmoved`), so the card's row is locked
only from that UPDATE to the commit.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from gudcity.domain.expiry import moves_due_points
from gudcity.models import LoyaltyCard, PointTransaction, TransactionKind

# Built once: awards run them on every request, and building a statement costs about
# as much as running it.
_LEDGER = PointTransaction.__table__
_CARDS = LoyaltyCard.__table__
_MOVE_BALANCE = (
    update(_CARDS)
    .where(_CARDS.c.id == bindparam("card_id"), _CARDS.c.balance + bindparam("amount") >= 0)
    .values(
        balance=_CARDS.c.balance + bindparam("amount"),
        lifetime_points=_CARDS.c.lifetime_points + bindparam("gain"),
        earned_points=_CARDS.c.earned_points + bindparam("base"),
        # An expiry is no activity of the customer's: it leaves the card's last one.
        last_activity_at=func.coalesce(
            bindparam("active_at", type_=_CARDS.c.last_activity_at.type),
            _CARDS.c.last_activity_at,
        ),
        ledger_version=_CARDS.c.ledger_version + 1,
        spend_version=_CARDS.c.spend_version + bindparam("moves_due"),
    )
    .returning(
        _CARDS.c.balance,
        _CARDS.c.lifetime_points,
        _CARDS.c.earned_points,
        _CARDS.c.last_activity_at,
    )
)
VERSIONS = ("ledger_version", "spend_version")
_MOVE_BALANCE_IF_UNMOVED = {
    name: _MOVE_BALANCE.where(_CARDS.c[name] == bindparam("expected")) for name in VERSIONS
}
_INSERT_UNLESS_KEY_EXISTS = {
    name: dialect_insert(_LEDGER)
    .on_conflict_do_nothing(index_elements=["idempotency_key"])
    .returning(_LEDGER.c.id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_INSERT_KEYS_UNLESS_EXIST = {
    name: dialect_insert(_LEDGER)
    .on_conflict_do_nothing(index_elements=["idempotency_key"])
    .returning(_LEDGER.c.idempotency_key)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def row_values(
    card_id: int, kind: TransactionKind, amount: int, actor_id: int | None, key: str
) -> dict[str, Any]:
    return {
        "card_id": card_id,
        "kind": kind,
        "amount": amount,
        "actor_id": actor_id,
        "idempotency_key": key,
        "reward_id": None,
        "redemption_code": None,
        "note": "",
        "created_at": None,
    }


def insert_unless_key_exists(session: Session, values: dict) -> int | None:
    """Insert a ledger row; return its id, or None if its idempotency key exists.

    One statement (`INSERT ... ON CONFLICT DO NOTHING RETURNING id`) instead of a
    look-up, a savepoint and an insert: a concurrent insert of the same key waits
    for the other transaction and then does nothing.
    """
    statement = _INSERT_UNLESS_KEY_EXISTS[session.get_bind().dialect.name]
    return session.execute(statement, values).scalar_one_or_none()


def insert_keys_unless_exist(session: Session, rows: list[dict]) -> set[str]:
    """One INSERT of several rows (`insertmanyvalues`); the keys that were free."""
    statement = _INSERT_KEYS_UNLESS_EXIST[session.get_bind().dialect.name]
    return set(session.execute(statement, rows).scalars())


def move_balance(
    session: Session,
    card_id: int,
    kind: TransactionKind,
    amount: int,
    *,
    gain: int,
    base: int,
    active_at: datetime | None,
    unmoved: tuple[str, int] | None = None,
) -> Row | None:
    """Add `amount` (of a `kind` row) to the card's balance, `gain` to its lifetime points
    and `base` to its earned points (`active_at`: its new last activity; None leaves it).
    None when the balance would go below zero, or, with `unmoved` (a VERSIONS name and
    its value as read), that version moved; otherwise the card's new figures, also given
    to the session's copy of the card if it holds one (the ORM does not see a Core UPDATE)."""
    values = {"card_id": card_id, "amount": amount, "gain": gain, "base": base}
    values.update(active_at=active_at, moves_due=int(moves_due_points(kind, amount)))
    statement = _MOVE_BALANCE
    if unmoved is not None:
        name, values["expected"] = unmoved
        statement = _MOVE_BALANCE_IF_UNMOVED[name]
    moved = session.execute(statement, values).first()
    if moved is not None:
        _sync_loaded_card(session, card_id, dict(moved._mapping))
    return moved


def card_versions(session: Session, card_id: int) -> dict[str, int]:
    """The card's VERSIONS, read before its ledger (for `move_balance`'s `unmoved`)."""
    columns = [_CARDS.c[name] for name in VERSIONS]
    row = session.execute(
        _CARDS.select().with_only_columns(*columns).where(_CARDS.c.id == card_id)
    ).one()
    return dict(row._mapping)


def _sync_loaded_card(session: Session, card_id: int, values: dict) -> None:
    card = session.identity_map.get(session.identity_key(LoyaltyCard, card_id))
    if card is not None:
        for name, value in values.items():
            set_committed_value(card, name, value)
