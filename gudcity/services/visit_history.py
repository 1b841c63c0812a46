"""Each customer's visit days at a business as the dashboard reads them (models/visit_history.py).

`record_visit_day` runs for every new customer-day, in its transaction (from
services/analytics_log.py); `rebuild_visit_history` recomputes both tables from
`visit_days`; `steps_inside` sums a period's steps.
"""

from datetime import date

from sqlalchemy import bindparam, case, delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from gudcity.domain.analytics import Period, visit_step_changes
from gudcity.models import CustomerVisits, VisitDay, VisitStep

_DAYS, _STEPS, _SUMMARY = VisitDay.__table__, VisitStep.__table__, CustomerVisits.__table__


def _summary_upserts() -> dict:
    """Per dialect: one more visit day in the customer's summary (the row stays locked)."""
    statements = {}
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert)):
        statement = dialect_insert(_SUMMARY)
        new = statement.excluded
        statements[name] = statement.on_conflict_do_update(
            index_elements=["business_id", "customer_id"],
            set_={
                "visits": _SUMMARY.c.visits + 1,
                "first_day": case(
                    (new.first_day < _SUMMARY.c.first_day, new.first_day),
                    else_=_SUMMARY.c.first_day,
                ),
                "last_day": case(
                    (new.last_day > _SUMMARY.c.last_day, new.last_day),
                    else_=_SUMMARY.c.last_day,
                ),
            },
        )
    return statements


def _step_upserts() -> dict:
    statements = {}
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert)):
        statement = dialect_insert(_STEPS)
        statements[name] = statement.on_conflict_do_update(
            index_elements=["business_id", "end_day", "start_day"],
            set_={
                "steps": _STEPS.c.steps + statement.excluded.steps,
                "strides": _STEPS.c.strides + statement.excluded.strides,
            },
        )
    return statements


_SUMMARY_UPSERT, _STEP_UPSERT = _summary_upserts(), _step_upserts()
_OF_CUSTOMER = (
    _DAYS.c.business_id == bindparam("business_id"),
    _DAYS.c.customer_id == bindparam("customer_id"),
)
_BEFORE = (
    select(_DAYS.c.day)
    .where(*_OF_CUSTOMER, _DAYS.c.day < bindparam("day"))
    .order_by(_DAYS.c.day.desc())
    .limit(2)
)
_AFTER = (
    select(_DAYS.c.day)
    .where(*_OF_CUSTOMER, _DAYS.c.day > bindparam("day"))
    .order_by(_DAYS.c.day)
    .limit(2)
)


def record_visit_day(session: Session, business_id: int, customer_id: int, day: date) -> None:
    """The customer's new visit day (just written to visit_days): their summary and steps.

    The summary's upsert comes first: it locks the customer's row, so a concurrent
    new day of the same customer (around midnight) waits, and then the neighbours'
    read (a statement of its own) sees that day.
    """
    dialect = session.get_bind().dialect.name
    values = {"business_id": business_id, "customer_id": customer_id, "day": day}
    session.execute(
        _SUMMARY_UPSERT[dialect],
        {"business_id": business_id, "customer_id": customer_id, "visits": 1}
        | {"first_day": day, "last_day": day},
    )
    before = list(session.execute(_BEFORE, values).scalars())
    after = list(session.execute(_AFTER, values).scalars())
    changes = visit_step_changes(day, before, after)
    if changes:
        rows = [
            {"business_id": business_id, "end_day": end, "start_day": start}
            | {"steps": steps, "strides": strides}
            for (end, start), (steps, strides) in sorted(changes.items())
        ]
        session.execute(_STEP_UPSERT[dialect], rows)


def _where_business(table, business_id: int | None) -> str:
    return "" if business_id is None else f"WHERE {table}.business_id = :business_id"


def rebuild_visit_history(session: Session, business_id: int | None = None) -> None:
    """Recompute the summaries and the steps of one business (or all) from visit_days.

    The caller commits. Window functions (LAG) walk each customer's days in order.
    """
    for table in (_SUMMARY, _STEPS):
        statement = delete(table)
        if business_id is not None:
            statement = statement.where(table.c.business_id == business_id)
        session.execute(statement)
    parameters = {"business_id": business_id}
    where = _where_business("visit_days", business_id)
    session.execute(
        text(
            "INSERT INTO customer_visits (business_id, customer_id, visits, first_day, last_day) "
            "SELECT business_id, customer_id, count(*), min(day), max(day) FROM visit_days "
            f"{where} GROUP BY business_id, customer_id"
        ),
        parameters,
    )
    session.execute(
        text(
            "WITH walked AS (SELECT business_id, day, LAG(day, 1) OVER w AS one_before, "
            f"LAG(day, 2) OVER w AS two_before FROM visit_days {where} "
            "WINDOW w AS (PARTITION BY business_id, customer_id ORDER BY day)) "
            "INSERT INTO visit_steps (business_id, end_day, start_day, steps, strides) "
            "SELECT business_id, day, start_day, sum(step), sum(stride) FROM ("
            "SELECT business_id, day, one_before AS start_day, 1 AS step, 0 AS stride "
            "FROM walked WHERE one_before IS NOT NULL UNION ALL "
            "SELECT business_id, day, two_before, 0, 1 FROM walked WHERE two_before IS NOT NULL"
            ") AS found GROUP BY business_id, day, start_day"
        ),
        parameters,
    )


def _steps_of_two_periods():
    """Both periods' (steps, strides) in one read (`s1`..`e1` and `s2`..`e2`, s2 <= s1)."""
    sums = []
    for n in (1, 2):
        inside = (_STEPS.c.start_day >= bindparam(f"s{n}")) & (
            _STEPS.c.end_day <= bindparam(f"e{n}")
        )
        sums += [
            func.coalesce(func.sum(case((inside, _STEPS.c[column]), else_=0)), 0)
            for column in ("steps", "strides")
        ]
    return select(*sums).where(
        _STEPS.c.business_id == bindparam("business_id"),
        _STEPS.c.end_day.between(bindparam("s2"), bindparam("e1")),
        _STEPS.c.start_day >= bindparam("s2"),
    )


_STEPS_OF_TWO = _steps_of_two_periods()


def steps_inside(
    session: Session, business_id: int, period: Period, before: Period
) -> tuple[tuple[int, int], tuple[int, int]]:
    """(steps, strides) inside `period` and inside `before` (which starts earlier).

    With a period's visits they give its active customers (visits - steps) and its
    customers with visits on >= 2 days (steps - strides).
    """
    values = {"business_id": business_id, "s1": period.start, "e1": period.end}
    values |= {"s2": before.start, "e2": before.end}
    steps, strides, steps_before, strides_before = session.execute(_STEPS_OF_TWO, values).one()
    return (steps, strides), (steps_before, strides_before)
