"""The growth engine's page states: a program's bonuses dialog, the birthday section of
/settings, a referral link's /join/<code>, and signing up through one."""

import pytest
from sqlmodel import select

from gudcity.domain.referral_codes import referral_code
from gudcity.models import LoyaltyCard, Referral, ReferralStatus, User
from gudcity.services import program_bonuses
from gudcity.settings import get_settings
from gudcity.state.birthday import BirthdayState
from gudcity.state.join import CUSTOMER, VISITOR, JoinState
from gudcity.state.program_bonuses import BONUSES, ProgramBonusesState
from gudcity.state.session import SessionState
from tests.services.growth_support import offer
from tests.state.test_session_state import customer_form, redeemed
from tests.support.events import redirect_target, toasts
from tests.support.make import PASSWORD

pytestmark = pytest.mark.anyio


@pytest.fixture
def coffee(make):
    owner, business = make.business("Bean There")
    return owner, make.program(owner, business, name="Coffee Club")


def _form(state, **values) -> dict:
    filled = {
        "welcome_bonus": "",
        "birthday_bonus": "",
        "birthday_window_days": "",
        "referrer_bonus": "",
        "friend_bonus": "",
        "referral_limit": "",
    }
    return filled | values | {"form_version": str(state.form_version)}


async def test_the_bonuses_dialog_shows_and_saves_a_programs_bonuses(session, tab, run, coffee):
    owner, program = coffee
    offer(session, owner, program, welcome_bonus=15)
    state = tab(ProgramBonusesState, "/business/programs", owner)
    await run(state.load())
    await run(state.open_bonuses(program.id))
    assert state.bonuses_id == program.id and state.bonuses_name == "Coffee Club"
    assert state.bonus_values["welcome_bonus"] == "15"

    events = await run(state.save_bonuses(_form(state, birthday_bonus="40", friend_bonus="5")))
    assert ("success", "Bonuses saved.") in toasts(events)
    assert state.bonuses_id == 0
    session.expire_all()
    saved = program_bonuses.program_bonuses(session, owner, program.id)
    assert (saved.welcome_bonus, saved.birthday_bonus, saved.friend_bonus) == (0, 40, 5)


async def test_a_refused_amount_stays_in_the_dialog_and_changes_nothing(session, tab, run, coffee):
    owner, program = coffee
    offer(session, owner, program, welcome_bonus=15)
    state = tab(ProgramBonusesState, "/business/programs", owner)
    await run(state.load())
    await run(state.open_bonuses(program.id))
    await run(state.save_bonuses(_form(state, welcome_bonus="-5", referral_limit="lots")))
    assert state.error_at == f"{BONUSES}{program.id}" and "Welcome bonus" in state.error
    assert state.bonuses_id == program.id
    session.expire_all()
    assert program_bonuses.program_bonuses(session, owner, program.id).welcome_bonus == 15


async def test_a_customer_gives_and_removes_their_birthday(session, tab, run, make):
    alice = make.customer("Alice")
    state = tab(BirthdayState, "/settings", alice)
    await run(state.load())
    assert not state.has_birthday and len(state.months) == 12

    await run(state.save_birthday({"birth_month": "3", "birth_day": "10"}))
    assert (state.has_birthday, state.month, state.day) == (True, "3", "10")
    await run(state.save_birthday({"birth_month": "2", "birth_day": "30"}))
    assert state.error == "Choose a month and a day of that month."
    session.expire_all()
    assert session.get(User, alice.id).birth_day == 10

    await run(state.remove_birthday())
    assert not state.has_birthday and state.month == ""
    session.expire_all()
    assert session.get(User, alice.id).birth_month is None


def _link(make, owner, program) -> str:
    offer(make.session, owner, program, referrer_bonus=30, friend_bonus=20)
    card = make.card(make.customer("Alice"), program)
    return referral_code(card.id, get_settings().secret_key)


async def test_a_visitor_sees_the_offer_and_a_customer_joins(session, tab, run, make, coffee):
    owner, program = coffee
    code = _link(make, owner, program)
    visitor = tab(JoinState, f"/join/{code}")
    await run(visitor.load())
    assert (visitor.visitor, visitor.program_name, visitor.error) == (VISITOR, "Coffee Club", "")
    assert visitor.offer == ["Your first visit earns you 20 points."]
    assert visitor.register_href == f"/register?ref={code}"
    assert visitor.login_href == f"/login?next=/join/{code}"

    bob = make.customer("Bob")
    page = tab(JoinState, f"/join/{code}", bob)
    await run(page.load())
    assert page.visitor == CUSTOMER
    events = await run(page.join())
    assert redirect_target(events) == "/cards"
    session.expire_all()
    referral = session.exec(select(Referral).where(Referral.friend_id == bob.id)).one()
    assert referral.status == ReferralStatus.PENDING


async def test_a_link_that_does_not_work_says_so(tab, run):
    page = tab(JoinState, "/join/12-aaaaaaaaaaaaa")
    await run(page.load())
    assert page.checked and page.error == "This referral link does not work (any more)."


async def test_signing_up_through_a_link_joins_its_program(session, tab, run, make, coffee):
    owner, program = coffee
    code = _link(make, owner, program)
    state = tab(SessionState, f"/register?ref={code}")
    events = await run(state.register(customer_form(email=f"{make.prefix}ben@example.com")))
    ben, lands_on = redeemed(session, events)
    assert lands_on == "/cards?welcome=1"
    card = session.exec(select(LoyaltyCard).where(LoyaltyCard.customer_id == ben.id)).one()
    assert card.program_id == program.id


async def test_signing_up_through_a_dead_link_lands_on_it(session, tab, run, make):
    state = tab(SessionState, "/register?ref=12-aaaaaaaaaaaaa")
    events = await run(state.register(customer_form(email=f"{make.prefix}cy@example.com")))
    _user, lands_on = redeemed(session, events)
    assert lands_on == "/join/12-aaaaaaaaaaaaa"


async def test_logging_in_from_a_link_comes_back_to_it(session, tab, run, make, coffee):
    owner, program = coffee
    code = _link(make, owner, program)
    bob = make.customer("Bob")
    state = tab(SessionState, f"/login?next=/join/{code}")
    events = await run(state.log_in({"email": bob.email, "password": PASSWORD}))
    user, lands_on = redeemed(session, events)
    assert (user.id, lands_on) == (bob.id, f"/join/{code}")
    far = tab(SessionState, "/login?next=/join/" + "x" * 60)
    events = await run(far.log_in({"email": bob.email, "password": PASSWORD}))
    assert redeemed(session, events)[1] == "/cards"
