"""The visit history (visit_steps, customer_visits) kept with each new customer-day equals
a recount, whatever order the days come in, and answers every period like a count."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import Session, select

from gudcity.domain.analytics import Period
from gudcity.models import VisitDay
from gudcity.services import awards
from gudcity.services.visit_history import rebuild_visit_history, steps_inside
from tests.services.test_properties import SETTINGS
from tests.support.clock import Clock

FEWER = SETTINGS.__class__(SETTINGS, max_examples=10)


def history(session: Session) -> dict[str, list[tuple]]:
    """Both tables' rows; a step a later day took back (counts at 0) counts nothing."""
    session.rollback()
    steps = "SELECT * FROM visit_steps WHERE steps <> 0 OR strides <> 0"
    return {
        name: sorted(tuple(row) for row in session.execute(text(query)))
        for name, query in (("steps", steps), ("customers", "SELECT * FROM customer_visits"))
    }


def visit_days(session: Session, business_id: int) -> list[tuple]:
    rows = session.exec(select(VisitDay).where(VisitDay.business_id == business_id))
    return [(row.customer_id, row.day) for row in rows]


# (customer, days ago): the days come in any order, as a visit written just before
# midnight may commit after the next day's.
VISITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 40)), min_size=1, max_size=15)


@FEWER
@given(visits=VISITS, start=st.integers(0, 40), length=st.integers(1, 30))
def test_kept_history_equals_a_recount_and_counts_each_period(
    session, make, monkeypatch, visits, start, length
):
    clock = Clock(monkeypatch)
    owner, business = make.business()
    program = make.program(owner, business)
    cards = [make.card(make.customer(), program) for _ in range(3)]
    for who, days_ago in visits:
        clock.set(datetime.now(UTC) - timedelta(days=days_ago))
        awards.award_points(session, owner, cards[who].id, 1, make.key())
    clock.back_to_now()
    kept = history(session)

    today = datetime.now(UTC).date()
    period = Period(today - timedelta(start), today - timedelta(start) + timedelta(length - 1))
    days = {}
    for customer, day in visit_days(session, business.id):
        if day in period:
            days.setdefault(customer, set()).add(day)
    visits_in = sum(len(d) for d in days.values())
    (steps, strides), _ = steps_inside(session, business.id, period, period)
    assert visits_in - steps == len(days)
    assert steps - strides == sum(len(d) >= 2 for d in days.values())

    rebuild_visit_history(session)
    session.commit()
    assert history(session) == kept
