"""Any client can send any public handler any arguments: each gets words, never a crash.

Every case below is an event the pages never send (the wrong types, unknown ids, a
form that is not a form), sent by a logged-in user of the right kind. Each must
end without an exception, answer with a clear message and change nothing.
"""

import pytest

from gudcity.domain.errors import AuthenticationError, NotFoundError
from gudcity.state.activity import ActivityState
from gudcity.state.arguments import NOT_UNDERSTOOD
from gudcity.state.birthday import BirthdayState
from gudcity.state.cards import CardsState
from gudcity.state.counter import CounterState
from gudcity.state.customer import CustomerState
from gudcity.state.customers import CustomersState
from gudcity.state.dashboard import DashboardState
from gudcity.state.failures import show_failure
from gudcity.state.my_data import MyDataState
from gudcity.state.program_bonuses import ProgramBonusesState
from gudcity.state.programs import ProgramsState
from gudcity.state.promotions import PromotionsState
from gudcity.state.scanner import ScannerState
from gudcity.state.session import UNEXPECTED_FAILURE
from gudcity.state.staff import StaffState
from tests.support.databases import table_counts
from tests.support.events import redirect_target, toasts

pytestmark = pytest.mark.anyio

# A form as the page sends it (see ProgramsState._save), so the crafted values reach the checks.
FRESH = {"form_version": "0"}

BUSINESS_CASES = [
    (CustomersState, "/business/customers", "set_program_filter", ("abc",)),
    (CustomersState, "/business/customers", "set_program_filter", ({"x": 1},)),
    (CustomersState, "/business/customers", "set_search", (42,)),
    (CustomerState, "/business/customers/1", "choose_program", ("abc",)),
    (CustomerState, "/business/customers/1", "choose_program", ([1],)),
    (CustomerState, "/business/customers/1", "award", (42,)),
    (CustomerState, "/business/customers/1", "deduct", ({"key": 1},)),
    (CustomerState, "/business/customers/abc", "enroll", (None,)),
    (DashboardState, "/business/dashboard", "set_period", ("365",)),
    (DashboardState, "/business/dashboard", "set_period", ({"days": 7},)),
    (DashboardState, "/business/dashboard", "show_range", ("not a form",)),
    (ActivityState, "/business/activity", "set_staff_filter", ("abc",)),
    (ActivityState, "/business/activity", "set_staff_filter", (None,)),
    (ActivityState, "/business/activity", "set_day", (7,)),
    (ActivityState, "/business/activity", "set_day", ("yesterday",)),
    (ProgramsState, "/business/programs", "create_program", ("not a form",)),
    (ProgramsState, "/business/programs", "create_program", ({"program_name": 7, **FRESH},)),
    (ProgramsState, "/business/programs", "add_reward", ({"program_id": "abc", **FRESH},)),
    (ProgramsState, "/business/programs", "add_reward", ({"program_id": "9" * 12, **FRESH},)),
    (ProgramsState, "/business/programs", "set_active", ("abc", "yes")),
    (ProgramsState, "/business/programs", "set_active", (10**30, False)),
    (ProgramsState, "/business/programs", "hide_reward", ("abc",)),
    (ProgramsState, "/business/programs", "update_program", ([1, 2],)),
    (ProgramsState, "/business/programs", "update_program", ({"cooldown_minutes": 5, **FRESH},)),
    (ProgramsState, "/business/programs", "show_reward", ("abc",)),
    (ProgramsState, "/business/programs", "show_reward", (10**30,)),
    (ProgramsState, "/business/programs", "update_reward", ("not a form",)),
    (ProgramsState, "/business/programs", "update_reward", ({"cost": [5], **FRESH},)),
    (ProgramsState, "/business/programs", "archive_program", ("abc",)),
    (ProgramsState, "/business/programs", "archive_program", (None,)),
    (PromotionsState, "/business/promotions", "create_promotion", ("not a form",)),
    (PromotionsState, "/business/promotions", "create_promotion", ({"program_id": "x", **FRESH},)),
    (PromotionsState, "/business/promotions", "create_promotion", ({"value": [2], **FRESH},)),
    (PromotionsState, "/business/promotions", "update_promotion", ([1, 2],)),
    (PromotionsState, "/business/promotions", "update_promotion", ({"kind": 1, **FRESH},)),
    (PromotionsState, "/business/promotions", "end_promotion", ("abc",)),
    (PromotionsState, "/business/promotions", "end_promotion", (10**30,)),
    (PromotionsState, "/business/promotions", "create_code", ("not a form",)),
    (PromotionsState, "/business/promotions", "create_code", ({"points": ["5"], **FRESH},)),
    (PromotionsState, "/business/promotions", "withdraw_code", (None,)),
    (ProgramBonusesState, "/business/programs", "open_bonuses", ("abc",)),
    (ProgramBonusesState, "/business/programs", "open_bonuses", (10**30,)),
    (ProgramsState, "/business/programs", "save_expiry", ("not a form",)),
    (ProgramsState, "/business/programs", "save_expiry", ({"expiry_mode": ["x"], **FRESH},)),
    (ScannerState, "/business/scanner", "look_up", ("not a form",)),
    (ScannerState, "/business/scanner", "look_up", ({"card_number": ["1"]},)),
    (ScannerState, "/business/scanner", "choose_program", ("abc",)),
    (StaffState, "/business/staff", "add_member", ("not a form",)),
    (StaffState, "/business/staff", "add_member", ({"name": ["x"], "email": 1, **FRESH},)),
    (StaffState, "/business/staff", "open_editor", ("abc",)),
    (StaffState, "/business/staff", "ask_to_remove", (10**30,)),
    (StaffState, "/business/staff", "save_permissions", ([1, 2],)),
    (StaffState, "/business/staff", "confirm_removal", ()),
]
CUSTOMER_CASES = [
    (CardsState, "/cards", "answer", ("abc", "yes")),
    (CardsState, "/cards", "answer", (1, "yes")),
    (CardsState, "/cards", "mark_read", ("abc",)),
    (CardsState, "/cards", "mark_read", (-1,)),
    (CardsState, "/cards", "redeem", ("abc", None)),
    (CardsState, "/cards", "leave", ({"program": 1},)),
    (CardsState, "/cards", "cancel_code", ("abc",)),
    (CardsState, "/cards", "cancel_code", (-1,)),
    (CardsState, "/cards", "apply_code", ("not a form",)),
    (CardsState, "/cards", "apply_code", ({"promo_code": ["ABCD2345"]},)),
    (CardsState, "/cards", "apply_code", ({"promo_code": "Z" * 10_000},)),
    (BirthdayState, "/settings", "save_birthday", ("not a form",)),
    (BirthdayState, "/settings", "save_birthday", ({"birth_month": ["3"], "birth_day": 10},)),
    (BirthdayState, "/settings", "save_birthday", ({"birth_month": "99", "birth_day": "1"},)),
    (MyDataState, "/settings", "delete_account", ("not a form",)),
    (MyDataState, "/settings", "delete_account", ({"delete_password": ["x"]},)),
    (MyDataState, "/settings", "delete_account", ({"delete_password": "x" * 100_000},)),
]
# The counter (state/counter.py) lives on the scanner page, which its on_load opens.
COUNTER_CASES = [
    ("check_code", ("not a form",)),
    ("check_code", ({"reward_code": ["ABCD2345"]},)),
    ("check_code", ({"reward_code": "AB\x00CD"},)),
    ("check_code", ({"reward_code": "Z" * 10_000},)),
    ("deliver", ()),
]


def _call(state, handler: str, args: tuple):
    return getattr(type(state), handler).fn(state, *args)


async def _assert_refused_in_words(session, state, handler, args, run):
    before = table_counts(session)
    events = await run(_call(state, handler, args))
    messages = [message for level, message in toasts(events) if level == "error"]
    assert messages, f"{handler}{args} said nothing"
    assert all(message and "An error occurred" not in message for message in messages)
    assert table_counts(session) == before


@pytest.mark.parametrize(("state_cls", "path", "handler", "args"), BUSINESS_CASES)
async def test_crafted_business_events_are_refused_in_words(
    session, make, tab, run, state_cls, path, handler, args
):
    owner, business = make.business("Bean There")
    make.program(owner, business, name="Coffee Club")
    state = tab(state_cls, path, owner)
    await run(state.load())
    await _assert_refused_in_words(session, state, handler, args, run)


@pytest.mark.parametrize(("state_cls", "path", "handler", "args"), CUSTOMER_CASES)
async def test_crafted_customer_events_are_refused_in_words(
    session, make, tab, run, state_cls, path, handler, args
):
    customer = make.customer("Alice")
    state = tab(state_cls, path, customer)
    await run(state.load())
    await _assert_refused_in_words(session, state, handler, args, run)


@pytest.mark.parametrize(("handler", "args"), COUNTER_CASES)
async def test_crafted_counter_events_are_refused_in_words(session, make, tab, run, handler, args):
    owner, business = make.business("Bean There")
    make.program(owner, business, name="Coffee Club")
    scanner = tab(ScannerState, "/business/scanner", owner)
    await run(scanner.load())
    state = await scanner.get_state(CounterState)
    await _assert_refused_in_words(session, state, handler, args, run)


async def _shown(failure_events, state, run) -> list[tuple[str, str]]:
    """The toasts of the tab event a failure handler asked for, run in `state`'s tab."""
    (told,) = [event for event in failure_events if event.handler.fn.__name__ == "tell_failure"]
    args = [value._var_value for _, value in told.args]
    return toasts(await run(state.tell_failure(*args)))


@pytest.mark.parametrize(
    ("language", "card_not_found", "unexpected"),
    [
        (
            "en",
            "Card not found.",
            "Something went wrong on our side. Reload the page and try again.",
        ),
        (
            "fr",
            "Carte introuvable.",
            "Un problème est survenu de notre côté. Rechargez la page et réessayez.",
        ),
    ],
)
async def test_what_escapes_a_handler_is_still_shown_in_words(
    tab, run, make, language, card_not_found, unexpected
):
    owner, _business = make.business("Bean There")
    state = tab(ScannerState, "/business/scanner", owner)
    await run(state.load())
    state.language = language

    assert await _shown(show_failure(NotFoundError("Card not found.")), state, run) == [
        ("error", card_not_found)
    ]
    ended = show_failure(AuthenticationError("Please log in."))
    assert redirect_target(ended) == "/login"
    assert (await _shown(ended, state, run))[0][0] == "info"
    assert await _shown(show_failure(ZeroDivisionError("boom")), state, run) == [
        ("error", unexpected)
    ]
    assert NOT_UNDERSTOOD != UNEXPECTED_FAILURE


@pytest.mark.parametrize("crafted", [None, 42, "text", {"id": 7}, {"id": "{x}", "args": []}])
async def test_a_crafted_failure_event_shows_words_and_changes_nothing(
    session, tab, run, make, crafted
):
    owner, _business = make.business("Bean There")
    state = tab(ScannerState, "/business/scanner", owner)
    await run(state.load())
    before = table_counts(session)
    shown = toasts(await run(state.tell_failure(crafted, crafted)))
    assert len(shown) == 1 and shown[0][1]
    assert table_counts(session) == before
