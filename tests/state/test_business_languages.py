"""The business pages' words in the tab's language: a scan's result, the customer's status,
the dashboard's tiles, made on the server, follow a language switch without a reload."""

import pytest

from gudcity.state.dashboard import DashboardState
from gudcity.state.locale import LocaleState
from gudcity.state.scanner import ScannerState
from tests.support.events import toasts

pytestmark = pytest.mark.anyio


@pytest.fixture
def shop(make):
    """Bean There's Coffee Club (10 points a scan), Bob enrolled with 5 points."""
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    bob = make.customer("Bob")
    make.card(bob, coffee, balance=5)
    return owner, bob


async def switch(state, language: str, run) -> None:
    await run((await state.get_state(LocaleState)).choose_language(language))


async def test_a_scan_result_is_said_again_in_the_new_language(tab, shop, run):
    owner, bob = shop
    scanner = tab(ScannerState, "/business/scanner", owner)
    await run(scanner.load())
    await run(scanner.look_up({"card_number": bob.card_number}))
    await run(scanner.set_points_text("7"))
    await run(scanner.award(scanner.action_key))
    assert (scanner.customer_status, scanner.outcome) == ("Enrolled", "+7 points awarded.")

    await switch(scanner, "fr", run)
    assert (scanner.customer_status, scanner.outcome) == ("Inscrit", "Attribué : +7 points.")
    assert scanner.customer_balance == "12"

    await switch(scanner, "ar", run)
    assert (scanner.customer_status, scanner.outcome) == ("مسجَّل", "تم منح +7 نقاط.")


async def test_a_refusal_comes_in_the_tabs_language(tab, shop, run):
    owner, _ = shop
    scanner = tab(ScannerState, "/business/scanner", owner)
    await run(scanner.load())
    await switch(scanner, "fr", run)

    events = await run(scanner.choose_program("not a program"))

    assert toasts(events) == [("error", "Choisissez l'un de vos programmes actifs.")]


async def test_the_dashboard_speaks_the_tabs_language(tab, shop, run):
    owner, _ = shop
    dashboard = tab(DashboardState, "/business/dashboard", owner)
    await run(dashboard.load())
    titles = {tile.test_id: tile.title for tile in dashboard.kpis}
    assert titles["kpi-visits"] == "Visits"
    assert [o.label for o in dashboard.period_options][:2] == ["7 days", "30 days"]

    await switch(dashboard, "ar", run)

    titles = {tile.test_id: tile.title for tile in dashboard.kpis}
    assert titles["kpi-visits"] == "الزيارات"
    assert [o.label for o in dashboard.period_options][:3] == ["7 أيام", "30 يومًا", "90 يومًا"]
