"""Folding the daily_stats slots of days that are over: one row per key, the same sums,
today's slots left alone, twice is once, and two folds at once count nothing twice."""

import threading
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from gudcity.models import DailyStats
from gudcity.services.analytics_fold import fold_cut, fold_past_slots
from gudcity.services.analytics_log import add_daily_stats

TODAY = date(2026, 12, 2)
OVER = TODAY - timedelta(days=5)


@pytest.fixture
def spread(session, make):
    """A staff member's counts over three slots on a day that is over, two slots today."""
    owner, business = make.business()
    program = make.program(owner, business)
    key = (business.id, program.id, owner.id)
    add_daily_stats(
        session,
        {
            (*key, OVER, 0): Counter(points_issued=10, awards=1),
            (*key, OVER, 3): Counter(points_issued=5, awards=1),
            (*key, OVER, 7): Counter(points_issued=2, awards=1, rewards_delivered=1),
            (*key, TODAY, 1): Counter(points_issued=4, awards=1),
            (*key, TODAY, 6): Counter(points_issued=6, awards=1),
        },
    )
    session.commit()
    return key


def rows(session: Session) -> list[tuple]:
    table = DailyStats.__table__
    found = session.execute(
        select(table.c.day, table.c.slot, table.c.points_issued, table.c.awards,
               table.c.rewards_delivered).order_by(table.c.day, table.c.slot)
    )  # fmt: skip
    return [tuple(row) for row in found]


def test_a_day_that_is_over_keeps_one_row_per_key_with_the_same_sums(session, spread):
    assert fold_past_slots(session, TODAY) == 2
    session.commit()
    assert rows(session) == [(OVER, 0, 17, 3, 1), (TODAY, 1, 4, 1, 0), (TODAY, 6, 6, 1, 0)]


def test_folding_again_moves_nothing(session, spread):
    fold_past_slots(session, TODAY)
    session.commit()
    folded = rows(session)
    assert fold_past_slots(session, TODAY) == 0
    session.commit()
    assert rows(session) == folded


def test_the_last_days_keep_their_slots_while_a_zone_may_still_write_them(session, spread):
    assert fold_cut(TODAY) == TODAY - timedelta(days=2)
    assert fold_past_slots(session, OVER + timedelta(days=2)) == 0


def test_a_batch_moves_at_most_its_limit(session, spread):
    assert fold_past_slots(session, TODAY, limit=1) == 1
    assert fold_past_slots(session, TODAY, limit=1) == 1
    assert fold_past_slots(session, TODAY, limit=1) == 0
    session.commit()
    assert rows(session)[0] == (OVER, 0, 17, 3, 1)


def test_two_folds_at_once_count_nothing_twice(engine, session, spread, backend):
    if backend != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    first = Session(engine)
    assert fold_past_slots(first, TODAY) == 2  # its deleted rows stay locked until it commits
    moved_by_second = []

    def second_fold():
        with Session(engine) as second:
            moved_by_second.append(fold_past_slots(second, TODAY))
            second.commit()

    worker = threading.Thread(target=second_fold)
    worker.start()
    time.sleep(0.3)  # the second fold now waits on the first's rows
    first.commit()
    first.close()
    worker.join(timeout=10)
    assert moved_by_second == [0]
    session.expire_all()
    assert rows(session)[0] == (OVER, 0, 17, 3, 1)
