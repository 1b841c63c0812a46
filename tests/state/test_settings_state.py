"""SettingsState (/settings), through the real services: each section saves on its own,
a refusal shows on the page, a new password logs the user's other tabs out live."""

import pytest

from gudcity.realtime.subscriptions import subscriptions
from gudcity.services import login, profile
from gudcity.services.outbox import customer_topic, program_topic
from gudcity.services.permissions import Permission
from gudcity.state.business import BusinessState
from gudcity.state.cards import CardsState
from gudcity.state.settings import BUSINESS, NAME, PASSWORD, SettingsState
from tests.support.events import redirect_target, toasts
from tests.support.make import PASSWORD as CURRENT

pytestmark = pytest.mark.anyio

ROUTE = "/settings"
NEW_PASSWORD = "a password of my own"


def business_form(**changed) -> dict:
    return {
        "business_name": "Bean There",
        "address": "",
        "phone": "",
        "opening_hours": "",
        "time_zone": "UTC",
        **changed,
    }


async def test_a_customer_sees_their_account_and_no_business(make, tab, run):
    alice = make.customer("Alice")
    page = tab(SettingsState, ROUTE, alice)

    events = await run(page.load())

    assert redirect_target(events) is None
    assert not page.loading and not page.load_failed
    assert (page.name, page.email, page.owns_business) == ("Alice", alice.email, False)


async def test_nobody_logged_in_is_sent_to_log_in_and_back(tab, run):
    page = tab(SettingsState, ROUTE)
    assert redirect_target(await run(page.load())) == "/login?next=/settings"


async def test_a_member_with_a_temporary_password_chooses_theirs_first(make, tab, run):
    owner, business = make.business("Bean There")
    member = make.staff(owner, business, Permission.SCAN, first_login=True)
    page = tab(SettingsState, ROUTE, member)
    assert redirect_target(await run(page.load())) == "/new-password?next=/settings"


async def test_a_saved_name_shows_in_the_form_and_the_top_bar(make, tab, run):
    alice = make.customer("Alice")
    page = tab(SettingsState, ROUTE, alice)
    await run(page.load())
    version = page.name_version

    events = await run(page.save_name({"name": "  Alice  Rivera "}))

    assert toasts(events) == [("success", "Your name is saved.")]
    assert (page.name, page.user_name, page.error_at) == ("Alice Rivera", "Alice Rivera", "")
    assert page.name_version == version + 1 and not page.saving


async def test_a_refused_name_shows_its_reason_in_that_section(make, tab, run):
    alice = make.customer("Alice")
    page = tab(SettingsState, ROUTE, alice)
    await run(page.load())
    before = make.counts()

    events = await run(page.save_name({"name": "   "}))

    assert toasts(events) == [("error", "Name is required.")]
    assert (page.error_at, page.error, page.name) == (NAME, "Name is required.", "Alice")
    assert make.counts() == before


async def test_a_wrong_current_password_is_said_on_the_page_and_changes_nothing(
    session, make, tab, run
):
    alice = make.customer("Alice")
    page = tab(SettingsState, ROUTE, alice)
    await run(page.load())

    events = await run(
        page.change_password({"current_password": "not it", "new_password": NEW_PASSWORD})
    )

    assert toasts(events) == [("error", profile.WRONG_CURRENT_PASSWORD)]
    assert page.error_at == PASSWORD
    session.expire_all()
    assert login.authenticate(session, alice.email, CURRENT).id == alice.id


async def test_a_new_password_logs_out_the_other_tabs_live_and_keeps_this_one(
    session, make, tab, run
):
    alice = make.customer("Alice")
    page = tab(SettingsState, ROUTE, alice)
    phone = tab(CardsState, "/cards", alice)  # another device: a session of its own
    other_settings = tab(SettingsState, ROUTE, alice)
    for each in (page, phone, other_settings):
        await run(each.load())

    events = await run(
        page.change_password({"current_password": CURRENT, "new_password": NEW_PASSWORD})
    )

    assert toasts(events) == [("success", "Password changed. You were logged out everywhere else.")]
    for elsewhere in (phone, other_settings):  # what the change feed does for those tabs
        assert elsewhere._subscriber() in subscriptions.subscribers({customer_topic(alice.id)})
        lost = await run(elsewhere._live_refresh())
        assert redirect_target(lost) == "/login"
    assert redirect_target(await run(page.load())) is None
    session.expire_all()  # the test's own session still holds the old row
    assert login.authenticate(session, alice.email, NEW_PASSWORD).id == alice.id


async def test_the_owner_saves_the_business_and_the_customers_cards_follow(make, tab, run):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    make.card(alice, program)
    cards = tab(CardsState, "/cards", alice)
    await run(cards.load())
    page = tab(SettingsState, ROUTE, owner)
    await run(page.load())
    assert page.owns_business and page.business_name == "Bean There"

    events = await run(
        page.save_business(
            business_form(
                business_name="Bean Here",
                address="1 High Street",
                phone="020 7946 0958",
                opening_hours="Mon 9-5",
            )
        )
    )

    assert [level for level, _ in toasts(events)] == ["success"]
    assert (page.address, page.phone, page.opening_hours) == (
        "1 High Street",
        "020 7946 0958",
        "Mon 9-5",
    )
    assert (await page.get_state(BusinessState)).business_name == "Bean Here"  # the top bar
    assert cards._subscriber() in subscriptions.subscribers({program_topic(program.id)})
    await run(cards._live_refresh())
    [card] = cards.cards
    assert (card.business_address, card.business_phone, card.business_hours) == (
        "1 High Street",
        "020 7946 0958",
        "Mon 9-5",
    )


async def test_the_owner_moves_the_business_to_another_time_zone(make, tab, run):
    owner, _ = make.business("Bean There")
    page = tab(SettingsState, ROUTE, owner)
    await run(page.load())
    assert page.time_zone == "UTC"

    events = await run(page.save_business(business_form(time_zone="Asia/Tokyo")))

    assert [level for level, _ in toasts(events)] == ["success"]
    assert page.time_zone == "Asia/Tokyo"
    make.session.rollback()
    make.session.expire_all()  # the handler saved through a session of its own
    assert profile.account_settings(make.session, owner).business.time_zone == "Asia/Tokyo"


async def test_a_zone_not_in_the_list_is_refused_in_the_business_section(make, tab, run):
    owner, _ = make.business("Bean There")
    page = tab(SettingsState, ROUTE, owner)
    await run(page.load())
    before = make.counts()

    await run(page.save_business(business_form(time_zone="Mars/Olympus_Mons")))

    assert page.error_at == BUSINESS and "time zone" in page.error
    assert page.time_zone == "UTC" and make.counts() == before


async def test_a_refused_phone_is_said_in_the_business_section(make, tab, run):
    owner, _ = make.business("Bean There")
    page = tab(SettingsState, ROUTE, owner)
    await run(page.load())
    before = make.counts()

    await run(page.save_business(business_form(phone="call me")))

    assert page.error_at == BUSINESS and "only digits" in page.error
    assert make.counts() == before


async def test_staff_see_no_business_fields_and_a_crafted_save_does_nothing(make, tab, run):
    owner, business = make.business("Bean There")
    member = make.staff(owner, business, *Permission)
    page = tab(SettingsState, ROUTE, member)
    await run(page.load())
    before = make.counts()

    events = await run(page.save_business(business_form(address="Somewhere else")))

    assert not page.owns_business
    assert [level for level, _ in toasts(events)] == ["error"]
    assert make.counts() == before


@pytest.mark.parametrize("handler", ["save_name", "change_password", "save_business"])
@pytest.mark.parametrize("sent", ["not a form", None, 42, ["name"]])
async def test_crafted_forms_are_refused_in_words(make, tab, run, handler, sent):
    owner, _ = make.business("Bean There")
    page = tab(SettingsState, ROUTE, owner)
    await run(page.load())
    before = make.counts()

    events = await run(getattr(page, handler)(sent))

    assert [level for level, _ in toasts(events)] == ["error"]
    assert make.counts() == before and not page.saving


async def test_a_second_submit_while_saving_does_nothing(make, tab, run):
    alice = make.customer("Alice")
    page = tab(SettingsState, ROUTE, alice)
    await run(page.load())
    page.saving = True

    assert await run(page.save_name({"name": "Someone Else"})) == []
    assert page.name == "Alice"
