"""DashboardState: /business/dashboard, read through the real services."""

from datetime import date, timedelta

import pytest

from gudcity.services import awards
from gudcity.services.permissions import Permission
from gudcity.state.dashboard import DashboardState
from tests.support.events import redirect_target, toasts

pytestmark = pytest.mark.anyio

ROUTE = "/business/dashboard"


def figures(state: DashboardState) -> dict[str, str]:
    return {tile.test_id: tile.value for tile in state.kpis}


def shown(state: DashboardState) -> tuple:
    """Everything a refused choice must leave as it was."""
    return (
        state.period_choice,
        state.period_label,
        state.range_from,
        state.range_to,
        figures(state),
        state.ledger_export_url,
        len(state.visit_days),
    )


@pytest.fixture
def shop(make):
    """Bean There, Alice's card with 50 points from the owner, and a barista who awards."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    card = make.card(alice, program, balance=50)
    barista = make.staff(owner, business, Permission.SCAN, Permission.AWARD)
    return owner, business, barista, card


async def test_the_owner_sees_the_last_30_days(tab, shop, run):
    owner, *_ = shop
    state = tab(DashboardState, ROUTE, owner)

    await run(state.load())

    assert not state.loading and state.error == ""
    assert state.period_choice == "30" and len(state.visit_days) == 30
    assert figures(state)["kpi-customers"] == "1"
    assert figures(state)["kpi-points-issued"] == "50"
    assert {"kpi-active-customers", "kpi-points-redeemed", "kpi-points-outstanding"} <= set(
        figures(state)
    )
    today = date.fromisoformat(state.today)
    since, until = today - timedelta(days=29), today + timedelta(days=1)
    assert state.ledger_export_url == f"/export/ledger.csv?since={since}&until={until}"
    assert state.customers_export_url.startswith("/export/customers.csv?since=")
    assert (state.range_from, state.range_to) == (since.isoformat(), today.isoformat())


async def test_the_period_chooser_reads_the_chosen_days(tab, shop, run):
    owner, *_ = shop
    state = tab(DashboardState, ROUTE, owner)
    await run(state.load())

    await run(state.set_period("7"))

    assert state.period_choice == "7" and len(state.visit_days) == 7
    today = date.fromisoformat(state.today)
    assert state.range_from == (today - timedelta(days=6)).isoformat()
    assert f"since={today - timedelta(days=6)}" in state.ledger_export_url

    await run(state.set_period("90"))
    assert len(state.visit_days) == 90


async def test_custom_shows_the_range_form_and_changes_nothing_until_applied(tab, shop, run):
    owner, *_ = shop
    state = tab(DashboardState, ROUTE, owner)
    await run(state.load())
    before = shown(state)

    await run(state.set_period("custom"))

    assert state.period_choice == "custom"
    assert shown(state)[1:] == before[1:]


async def test_a_custom_range_is_applied(tab, shop, run):
    owner, *_ = shop
    state = tab(DashboardState, ROUTE, owner)
    await run(state.load())
    today = date.fromisoformat(state.today)
    start = today - timedelta(days=9)

    await run(state.show_range({"range_from": start.isoformat(), "range_to": today.isoformat()}))

    assert state.range_error == ""
    assert state.period_choice == "custom" and len(state.visit_days) == 10
    assert f"since={start}" in state.ledger_export_url
    # A live refresh keeps the chosen range.
    await run(state._live_refresh())
    assert len(state.visit_days) == 10


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-03-10", "2026-03-01", '"From" must be on or before "To".'),
        ("2025-01-01", "2026-01-02", "A period can be at most 366 days long."),
        ("yesterday", "2026-03-01", "Choose both days from the calendar."),
        ("2026-02-30", "2026-03-01", "Choose both days from the calendar."),
        (["2026-03-01"], "2026-03-02", "Choose both days from the calendar."),
        ("", "", "Choose both days from the calendar."),
    ],
)
async def test_a_bad_range_is_refused_and_changes_nothing(tab, shop, run, start, end, message):
    owner, *_ = shop
    state = tab(DashboardState, ROUTE, owner)
    await run(state.load())
    before = shown(state)

    await run(state.show_range({"range_from": start, "range_to": end}))

    assert state.range_error == message
    assert shown(state) == before


async def test_a_range_ending_after_today_is_refused(tab, shop, run):
    owner, *_ = shop
    state = tab(DashboardState, ROUTE, owner)
    await run(state.load())
    before = shown(state)
    tomorrow = date.fromisoformat(state.today) + timedelta(days=1)

    await run(state.show_range({"range_from": state.today, "range_to": tomorrow.isoformat()}))

    assert state.range_error == '"To" cannot be after today.'
    assert shown(state) == before


@pytest.mark.parametrize("value", ["12", "", None, {"days": 7}, ["7"], 7])
async def test_a_crafted_period_is_refused(tab, shop, run, value):
    owner, *_ = shop
    state = tab(DashboardState, ROUTE, owner)
    await run(state.load())
    before = shown(state)

    events = await run(state.set_period(value))

    assert toasts(events) == [("error", "Choose one of the periods in the list.")]
    assert shown(state) == before


async def test_a_crafted_range_form_is_refused(tab, shop, run):
    owner, *_ = shop
    state = tab(DashboardState, ROUTE, owner)
    await run(state.load())
    before = shown(state)

    events = await run(state.show_range("not a form"))

    assert toasts(events) == [
        ("error", "That request was not understood. Reload the page and try again.")
    ]
    assert shown(state) == before


async def test_staff_without_reports_are_sent_to_the_scanner(tab, shop, run):
    _, _, barista, _ = shop
    state = tab(DashboardState, ROUTE, barista)

    events = await run(state.load())

    assert redirect_target(events) == "/business/scanner"
    assert toasts(events)[0][0] == "error"
    assert state.kpis == [] and not state.can_view_reports


async def test_staff_given_reports_see_the_dashboard(tab, make, shop, run):
    owner, business, _, _ = shop
    reporter = make.staff(owner, business, Permission.REPORTS)
    state = tab(DashboardState, ROUTE, reporter)

    events = await run(state.load())

    assert redirect_target(events) is None
    assert state.can_view_reports and figures(state)["kpi-customers"] == "1"


async def test_a_new_business_shows_no_activity_and_no_invented_numbers(tab, make, run):
    owner, _ = make.business("Fresh Start")
    state = tab(DashboardState, ROUTE, owner)

    await run(state.load())

    assert state.error == "" and not state.has_activity
    assert figures(state)["kpi-customers"] == "0"
    assert figures(state)["kpi-visits"] == "0"
    assert state.top_customers == [] and state.win_back == []


async def test_an_award_elsewhere_moves_points_issued_on_a_live_refresh(
    tab, make, shop, run, session
):
    owner, _, barista, card = shop
    state = tab(DashboardState, ROUTE, owner)
    await run(state.load())
    assert figures(state)["kpi-points-issued"] == "50"

    awards.award_points(session, barista, card.id, 15, make.key())
    await run(state._live_refresh())

    assert figures(state)["kpi-points-issued"] == "65"
