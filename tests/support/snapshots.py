"""Every row of every table, to prove that a refused call wrote nothing at all."""

from collections import Counter

from sqlalchemy import text
from sqlmodel import Session, SQLModel

Snapshot = dict[str, Counter]


def snapshot(session: Session) -> Snapshot:
    """Each table's rows (as a multiset): unlike `table_counts`, it also sees a value
    that changed. Rolls the session back first, like `table_counts`."""
    session.rollback()
    return {
        table.name: Counter(
            repr(tuple(row)) for row in session.execute(text(f"SELECT * FROM {table.name}"))
        )
        for table in SQLModel.metadata.sorted_tables
    }


def changes(before: Snapshot, after: Snapshot) -> dict[str, tuple[int, int]]:
    """table -> (rows gone or changed, rows new or changed), for the tables that differ."""
    return {
        name: (
            sum((before[name] - after[name]).values()),
            sum((after[name] - before[name]).values()),
        )
        for name in before
        if before[name] != after[name]
    }
