"""Folding the daily_stats slots of days that are over into one row per key.

Live writers spread a key's counts over STATS_SLOTS rows (services/analytics_log.py
says why), which matters only while a day is being written. Once a day is over in
every time zone, a fold moves its slots into slot 0, so the dashboard, which sums
all the history before a period, reads one row per key for all but the last days.

A fold deletes the rows it moves (DELETE ... RETURNING) and adds their sums to slot
0, in one transaction: two folds at once (two workers) move disjoint rows, as
PostgreSQL makes the second wait on the first's deleted rows and then skip them.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import delete, select, tuple_
from sqlmodel import Session

from gudcity.models import DailyStats
from gudcity.services.analytics_log import add_daily_stats

# Rows moved per transaction.
FOLD_BATCH = 5000
# A business's day is over everywhere once the UTC date is this many days later
# (time zones run from UTC-12 to UTC+14).
FOLD_AFTER_DAYS = 2

_TABLE = DailyStats.__table__
_KEY = ("business_id", "program_id", "staff_id", "day")
_COUNTS = tuple(c.name for c in _TABLE.columns if c.name not in (*_KEY, "slot"))
_KEY_AND_SLOT = tuple_(*(_TABLE.c[name] for name in (*_KEY, "slot")))


def fold_cut(today_utc: date) -> date:
    """The first day whose slots stay as they are."""
    return today_utc - timedelta(days=FOLD_AFTER_DAYS)


def fold_past_slots(session: Session, today_utc: date, limit: int = FOLD_BATCH) -> int:
    """Move up to `limit` rows of slots above 0 of days before the cut into slot 0;
    how many moved. The caller commits."""
    chosen = (
        select(*(_TABLE.c[name] for name in (*_KEY, "slot")))
        .where(_TABLE.c.slot > 0, _TABLE.c.day < fold_cut(today_utc))
        .limit(limit)
    )
    moved = session.execute(
        delete(_TABLE)
        .where(_KEY_AND_SLOT.in_(chosen))
        .returning(*(_TABLE.c[name] for name in (*_KEY, *_COUNTS)))
    ).all()
    sums: defaultdict[tuple, Counter] = defaultdict(Counter)
    for row in moved:
        key = tuple(getattr(row, name) for name in _KEY)
        sums[(*key, 0)].update({name: getattr(row, name) for name in _COUNTS})
    add_daily_stats(session, sums)
    return len(moved)
