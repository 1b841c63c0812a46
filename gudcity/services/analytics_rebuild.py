"""Recompute the dashboard's aggregates from what they count: after a restore, an import,
a time zone change, or with ANALYTICS_MAINTAINED off.

Set-based SQL, one statement per table, so a million ledger rows are grouped by
the database, not read into Python. The counting rules are services/analytics_log.py's;
a business's day is its `time_zone`'s date (PostgreSQL's AT TIME ZONE; on SQLite,
which has no zones, a function using zoneinfo, registered on the connection).
A recount is one transaction, with no concurrent writer to spread: each daily_stats
key gets one row, in slot 0.
"""

from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

from gudcity.domain.analytics import business_day
from gudcity.models import BONUS_KINDS, TransactionKind
from gudcity.services.visit_history import rebuild_visit_history

TABLES = ("daily_stats", "daily_visits", "daily_rewards", "visit_days")
_SQLITE_DAY = "gudcity_business_day"


def _day(dialect: str, moment: str) -> str:
    """SQL for the business day of `moment` (a column), the business `b` in scope."""
    if dialect == "postgresql":
        return f"CAST(({moment} AT TIME ZONE b.time_zone) AS DATE)"
    return f"{_SQLITE_DAY}({moment}, b.time_zone)"


def _sqlite_day(stored: str, time_zone: str) -> str:
    return business_day(datetime.fromisoformat(stored), time_zone).isoformat()


# Every statement keeps to one business when :business_id is given (else all).
_ONE = "(CAST(:business_id AS INTEGER) IS NULL OR b.id = CAST(:business_id AS INTEGER))"
_LEDGER_STAFF = (
    "CASE WHEN t.actor_id IS NULL OR t.actor_id = c.customer_id THEN 0 ELSE t.actor_id END"
)

_VISIT_DAYS = """
INSERT INTO visit_days (business_id, day, customer_id)
SELECT DISTINCT b.id, {visit_day}, i.customer_id
FROM customer_interactions i JOIN businesses b ON b.id = i.business_id
WHERE {one}
"""

_DAILY_VISITS = """
INSERT INTO daily_visits (business_id, day, visits, new_customers, customers_joined,
                          customers_left)
SELECT business_id, day, SUM(visits), SUM(new_customers), SUM(joined), SUM(gone)
FROM (
    SELECT v.business_id, v.day, 1 AS visits, 0 AS new_customers, 0 AS joined, 0 AS gone
    FROM visit_days v JOIN businesses b ON b.id = v.business_id WHERE {one}
    UNION ALL
    SELECT v.business_id, MIN(v.day), 0, 1, 0, 0
    FROM visit_days v JOIN businesses b ON b.id = v.business_id WHERE {one}
    GROUP BY v.business_id, v.customer_id
    UNION ALL
    SELECT business_id, day, 0, 0,
           CASE WHEN active AND enrolled = 1 THEN 1 ELSE 0 END,
           CASE WHEN NOT active AND enrolled = 0 THEN 1 ELSE 0 END
    FROM (
        SELECT e.business_id, {change_day} AS day, e.active,
               SUM(CASE WHEN e.active THEN 1 ELSE -1 END) OVER (
                   PARTITION BY e.business_id, e.customer_id ORDER BY e.id
               ) AS enrolled
        FROM enrollment_changes e JOIN businesses b ON b.id = e.business_id WHERE {one}
    ) changes
    WHERE (active AND enrolled = 1) OR (NOT active AND enrolled = 0)
) counted
GROUP BY business_id, day
"""

_DAILY_STATS = """
INSERT INTO daily_stats (business_id, program_id, staff_id, day, slot, points_issued,
                         points_redeemed, points_refunded, awards, enrollments, leaves,
                         rewards_redeemed, rewards_delivered, points_expired)
SELECT business_id, program_id, staff_id, day, 0, SUM(issued), SUM(redeemed), SUM(refunded),
       SUM(awards), SUM(enrollments), SUM(leaves), SUM(codes), SUM(delivered), SUM(expired)
FROM (
    SELECT b.id AS business_id, c.program_id, {staff} AS staff_id, {ledger_day} AS day,
        CASE WHEN t.kind IN ({issuing}) OR (t.kind = 'ADJUST' AND t.amount > 0)
             THEN t.amount ELSE 0 END AS issued,
        CASE WHEN t.kind IN ('DEDUCT', 'REDEEM') OR (t.kind = 'ADJUST' AND t.amount < 0)
             THEN -t.amount ELSE 0 END AS redeemed,
        CASE WHEN t.kind = 'REFUND' THEN t.amount ELSE 0 END AS refunded,
        CASE WHEN t.kind = 'EARN' AND {staff} <> 0 THEN 1 ELSE 0 END AS awards,
        0 AS enrollments, 0 AS leaves, 0 AS codes, 0 AS delivered,
        CASE WHEN t.kind = 'EXPIRE' THEN -t.amount ELSE 0 END AS expired
    FROM point_transactions t
    JOIN loyalty_cards c ON c.id = t.card_id
    JOIN loyalty_programs p ON p.id = c.program_id
    JOIN businesses b ON b.id = p.business_id
    WHERE {one}
    UNION ALL
    SELECT b.id, c.program_id, 0, {card_day}, 0, 0, 0, 0, 1, 0, 0, 0, 0
    FROM loyalty_cards c
    JOIN loyalty_programs p ON p.id = c.program_id
    JOIN businesses b ON b.id = p.business_id
    WHERE {one}
    UNION ALL
    SELECT b.id, e.program_id, 0, {change_day}, 0, 0, 0, 0, 0, 1, 0, 0, 0
    FROM enrollment_changes e JOIN businesses b ON b.id = e.business_id
    WHERE NOT e.active AND {one}
    UNION ALL
    SELECT b.id, c.program_id, 0, {code_day}, 0, 0, 0, 0, 0, 0, 1, 0, 0
    FROM reward_codes r
    JOIN loyalty_cards c ON c.id = r.card_id
    JOIN businesses b ON b.id = r.business_id
    WHERE {one}
    UNION ALL
    SELECT b.id, c.program_id, COALESCE(r.delivered_by, 0), {delivery_day},
           0, 0, 0, 0, 0, 0, 0, 1, 0
    FROM reward_codes r
    JOIN loyalty_cards c ON c.id = r.card_id
    JOIN businesses b ON b.id = r.business_id
    WHERE r.delivered_at IS NOT NULL AND {one}
) counted
GROUP BY business_id, program_id, staff_id, day
"""

_DAILY_REWARDS = """
INSERT INTO daily_rewards (business_id, reward_id, day, redeemed, delivered)
SELECT business_id, reward_id, day, SUM(redeemed), SUM(delivered)
FROM (
    SELECT b.id AS business_id, r.reward_id, {code_day} AS day, 1 AS redeemed, 0 AS delivered
    FROM reward_codes r JOIN businesses b ON b.id = r.business_id WHERE {one}
    UNION ALL
    SELECT b.id, r.reward_id, {delivery_day}, 0, 1
    FROM reward_codes r JOIN businesses b ON b.id = r.business_id
    WHERE r.delivered_at IS NOT NULL AND {one}
) counted
GROUP BY business_id, reward_id, day
"""


def _statements(dialect: str) -> list[str]:
    days = {
        name: _day(dialect, column)
        for name, column in (
            ("visit_day", "i.created_at"),
            ("change_day", "e.created_at"),
            ("ledger_day", "t.created_at"),
            ("card_day", "c.created_at"),
            ("code_day", "r.created_at"),
            ("delivery_day", "r.delivered_at"),
        )
    }
    # Kind names are the enum's own constants, never user input.
    issuing = ", ".join(f"'{kind.value}'" for kind in sorted({TransactionKind.EARN, *BONUS_KINDS}))
    parts = {"one": _ONE, "staff": _LEDGER_STAFF, "issuing": issuing, **days}
    return [
        statement.format(**parts)
        for statement in (_VISIT_DAYS, _DAILY_VISITS, _DAILY_STATS, _DAILY_REWARDS)
    ]


def rebuild_analytics(session: Session, business_id: int | None = None) -> None:
    """Replace the aggregates of one business (or of all) by a recount; the caller commits.

    On PostgreSQL the businesses' rows are locked first (FOR UPDATE): every change
    at a business writes a row referring to it (a visit, a code, a new aggregate
    row), whose key-share lock waits, so no change lands between delete and recount.
    SQLite has one writer at a time anyway.
    """
    dialect = session.get_bind().dialect.name
    values = {"business_id": business_id}
    if dialect == "sqlite":
        raw = session.connection().connection.dbapi_connection
        raw.create_function(_SQLITE_DAY, 2, _sqlite_day, deterministic=True)
    else:
        session.execute(text(f"SELECT b.id FROM businesses b WHERE {_ONE} FOR UPDATE"), values)
    for table in TABLES:
        session.execute(
            text(
                f"DELETE FROM {table} WHERE CAST(:business_id AS INTEGER) IS NULL "
                "OR business_id = CAST(:business_id AS INTEGER)"
            ),
            values,
        )
    for statement in _statements(dialect):
        session.execute(text(statement), values)
    rebuild_visit_history(session, business_id)
