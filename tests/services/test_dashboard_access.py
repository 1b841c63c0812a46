"""Who reads a business's dashboard: its owner, and staff given "Reports"; nobody else."""

from datetime import UTC, datetime

import pytest

from gudcity.domain.analytics import Period, business_day, preset_period
from gudcity.domain.errors import PermissionDeniedError, ValidationError
from gudcity.services import awards
from gudcity.services.dashboard import read_dashboard
from gudcity.services.permissions import Permission


@pytest.fixture
def month():
    return preset_period(business_day(datetime.now(UTC), "UTC"), 30)


@pytest.fixture
def books(make, shop):
    owner, business, program, alice = shop
    awards.award_points(make.session, owner, make.card(alice, program).id, 30, make.key())
    rival_owner, rival = make.business("Rival Roasters")
    make.card(make.customer("Zed"), make.program(rival_owner, rival), balance=7)
    return owner, business, alice, rival_owner, rival


def points_issued(board) -> int:
    return board.kpi("points_issued").value


def test_the_owner_and_staff_with_reports_read_the_same_numbers(make, books, month):
    owner, business, *_ = books
    reporter = make.staff(owner, business, Permission.REPORTS)

    mine = read_dashboard(make.session, owner, business.id, month)

    assert points_issued(mine) == 30
    assert read_dashboard(make.session, reporter, business.id, month) == mine


def test_nobody_else_reads_it(make, books, month):
    owner, business, alice, rival_owner, rival = books
    counter_staff = make.staff(owner, business, *(p for p in Permission if p != Permission.REPORTS))
    rival_reporter = make.staff(rival_owner, rival, Permission.REPORTS)
    for actor in (None, alice, counter_staff, rival_owner, rival_reporter):
        with pytest.raises(PermissionDeniedError):
            read_dashboard(make.session, actor, business.id, month)


def test_another_business_sees_only_its_own_numbers(make, books, month):
    *_, rival_owner, rival = books

    theirs = read_dashboard(make.session, rival_owner, rival.id, month)

    assert points_issued(theirs) == 7
    assert theirs.kpi("customers").value == 1


def test_a_crafted_period_is_refused(make, books, month):
    owner, business, *_ = books
    for period in (
        Period(month.end, month.start),
        Period(month.start.replace(year=2000), month.end),
        "30",
    ):
        with pytest.raises(ValidationError):
            read_dashboard(make.session, owner, business.id, period)
