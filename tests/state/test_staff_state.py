"""StaffState (/business/staff) and NewPasswordState (/new-password), through the real services;
and what a member's open pages do when the owner changes or removes them."""

import pytest
from sqlmodel import select

from gudcity.domain.errors import DatabaseUnavailableError
from gudcity.models import StaffPermission, User
from gudcity.services import permissions, sessions, staff
from gudcity.services.permissions import Permission
from gudcity.state.new_password import NewPasswordState
from gudcity.state.programs import ProgramsState
from gudcity.state.scanner import ScannerState
from gudcity.state.session import SessionState
from gudcity.state.staff import ADD, EDIT, StaffState
from tests.support.events import redirect_target, ticket_in, toasts
from tests.support.make import PASSWORD, TEMPORARY_PASSWORD

pytestmark = pytest.mark.anyio

ROUTE = "/business/staff"
SCAN, AWARD, DEDUCT = Permission.SCAN, Permission.AWARD, Permission.DEDUCT


def new_member(state, name="Dev Patel", email="dev@example.com", **ticked) -> dict:
    """What the add form submits: a ticked checkbox sends "on", an unticked one nothing."""
    return {
        "name": name,
        "email": email,
        "temporary_password": TEMPORARY_PASSWORD,
        "form_version": str(state.form_version),
        **{field: "on" for field, on in ticked.items() if on},
    }


def fresh(session) -> None:
    session.rollback()
    session.expire_all()


@pytest.fixture
def owner_page(make, tab):
    owner, business = make.business("Bean There")
    return owner, business, tab(StaffState, ROUTE, owner)


async def test_the_owner_sees_themselves_first_then_their_staff(make, owner_page, run):
    owner, business, state = owner_page
    make.staff(owner, business, SCAN, AWARD)

    events = await run(state.load())

    assert redirect_target(events) is None
    assert not state.loading and not state.load_failed
    assert [(m.name, m.is_owner) for m in state.members] == [(owner.name, True), ("Staff 2", False)]
    member = state.members[1]
    assert (member.can_scan, member.can_award, member.can_deduct, member.can_manage_programs) == (
        True,
        True,
        False,
        False,
    )


async def test_without_staff_only_the_owner_is_listed(owner_page, run):
    owner, _, state = owner_page
    await run(state.load())
    assert [m.user_id for m in state.members] == [owner.id]


async def test_adding_a_member_with_two_permissions(session, owner_page, run):
    owner, _, state = owner_page
    await run(state.load())

    events = await run(state.add_member(new_member(state, can_scan=True, can_award=True)))

    fresh(session)
    member = session.exec(select(User).where(User.email == "dev@example.com")).one()
    assert member.must_change_password
    row = session.exec(select(StaffPermission).where(StaffPermission.user_id == member.id)).one()
    assert (row.can_scan, row.can_award, row.can_deduct, row.can_manage_programs) == (
        True,
        True,
        False,
        False,
    )
    assert [m.name for m in state.members] == [owner.name, "Dev Patel"]
    assert state.form_version == 1
    assert toasts(events) == [("success", "Dev Patel can now log in with the temporary password.")]
    assert (state.saving, state.busy, state.error_at) == (False, "", "")


async def test_the_reports_checkbox_grants_the_dashboard_and_the_exports(session, owner_page, run):
    _, _, state = owner_page
    await run(state.load())

    await run(state.add_member(new_member(state, can_view_reports=True)))

    fresh(session)
    member = session.exec(select(User).where(User.email == "dev@example.com")).one()
    row = session.exec(select(StaffPermission).where(StaffPermission.user_id == member.id)).one()
    assert (row.can_view_reports, row.can_scan, row.can_award) == (True, False, False)
    assert state.members[1].can_view_reports


async def test_a_second_submit_of_the_same_form_adds_nobody_twice(make, owner_page, run):
    _, _, state = owner_page
    await run(state.load())
    form = new_member(state, can_scan=True)
    await run(state.add_member(form))
    before = make.counts()

    assert await run(state.add_member(form)) == []
    assert make.counts() == before


async def test_a_refused_addition_shows_why_and_adds_nobody(make, owner_page, run):
    _, _, state = owner_page
    taken = make.customer()
    await run(state.load())
    before = make.counts()

    events = await run(state.add_member(new_member(state, email=taken.email)))

    assert toasts(events) == [("error", "An account with this email already exists.")]
    assert (state.error_at, state.error) == (ADD, "An account with this email already exists.")
    assert make.counts() == before and state.form_version == 0


async def test_staff_are_sent_to_the_scanner(make, tab, run):
    owner, business = make.business()
    barista = make.staff(owner, business, *permissions.GRANTABLE)
    state = tab(StaffState, ROUTE, barista)

    events = await run(state.load())

    assert redirect_target(events) == "/business/scanner"
    assert toasts(events) == [("error", "Only the owner of this business can do this.")]
    assert state.members == []


async def test_a_failed_first_read_shows_the_error_state(owner_page, run, monkeypatch):
    _, _, state = owner_page

    def unreachable(_session, _user):
        raise DatabaseUnavailableError()

    monkeypatch.setattr(permissions, "seat_of", unreachable)
    events = await run(state.load())

    assert state.load_failed
    assert toasts(events) == [("error", DatabaseUnavailableError().message)]


async def test_editing_a_members_permissions(session, make, owner_page, run):
    owner, business, state = owner_page
    barista = make.staff(owner, business, SCAN, AWARD)
    await run(state.load())

    await run(state.open_editor(barista.id))
    assert state.editing.user_id == barista.id and state.editing.can_award
    events = await run(state.save_permissions({"can_scan": "on", "can_deduct": "on"}))

    fresh(session)
    assert permissions.seat_of(session, barista).permissions == {
        SCAN,
        DEDUCT,
        Permission.VIEW_CUSTOMERS,
    }
    assert toasts(events) == [("success", f"Permissions of {barista.name} saved.")]
    assert state.editing.user_id == 0  # the dialog closed
    assert (state.members[1].can_award, state.members[1].can_deduct) == (False, True)


async def test_the_owners_own_row_cannot_be_edited_or_removed(make, owner_page, run):
    owner, _, state = owner_page
    await run(state.load())
    before = make.counts()

    await run(state.open_editor(owner.id))
    edited = await run(state.save_permissions({}))
    await run(state.ask_to_remove(owner.id))
    removed = await run(state.confirm_removal())

    for events in (edited, removed):
        assert [level for level, _ in toasts(events)] == ["error"]
        assert "own access" in toasts(events)[0][1]
    assert state.error_at != "" and make.counts() == before


async def test_removing_a_member_sends_their_open_pages_to_log_in(
    session, make, owner_page, tab, run
):
    owner, business, state = owner_page
    make.program(owner, business, name="Coffee Club")
    barista = make.staff(owner, business, SCAN, AWARD)
    counter = tab(ScannerState, "/business/scanner", barista)
    await run(counter.load())
    await run(state.load())

    await run(state.ask_to_remove(barista.id))
    events = await run(state.confirm_removal())

    assert toasts(events) == [("success", f"{barista.name} was removed and logged out.")]
    assert [m.user_id for m in state.members] == [owner.id]
    assert state.removing.user_id == 0
    # What the change feed does on the business's topic, for the member's tab:
    lost = await run(counter._live_refresh())
    assert redirect_target(lost) == "/login"
    assert toasts(lost) == [("info", "Your session has ended. Please log in again.")]


async def test_a_members_open_pages_follow_a_change_of_permissions(session, make, tab, run):
    owner, business = make.business("Bean There")
    make.program(owner, business, name="Coffee Club")
    barista = make.staff(owner, business, SCAN, AWARD)
    counter = tab(ScannerState, "/business/scanner", barista)
    shelf = tab(ProgramsState, "/business/programs", barista)
    for page in (counter, shelf):
        await run(page.load())
    assert (counter.can_award, counter.can_deduct, shelf.can_manage_programs) == (
        True,
        False,
        False,
    )

    staff.change_staff_permissions(
        session, owner, business.id, barista.id, {SCAN, DEDUCT, Permission.MANAGE_PROGRAMS}
    )
    for page in (counter, shelf):
        assert redirect_target(await run(page._live_refresh())) is None

    assert (counter.can_scan, counter.can_award, counter.can_deduct) == (True, False, True)
    assert shelf.can_manage_programs


async def test_crafted_rows_and_forms_are_refused_in_words(make, owner_page, run):
    _, _, state = owner_page
    await run(state.load())
    before = make.counts()

    for call in (
        state.open_editor("abc"),
        state.open_editor(10**30),
        state.ask_to_remove({"id": 1}),
        state.save_permissions({"can_scan": "on"}),
        state.confirm_removal(),
        state.add_member("not a form"),
        state.add_member({"name": 7, "email": [], "form_version": "0"}),
    ):
        assert [level for level, _ in toasts(await run(call))] == ["error"]
    assert state.error_at in ("", ADD, EDIT) and make.counts() == before


# --- the first log-in ----------------------------------------------------------------------


async def test_a_first_log_in_goes_to_choose_a_password_then_to_the_scanner(
    session, make, tab, run, sockets
):
    owner, business = make.business()
    member = make.staff(owner, business, SCAN, first_login=True)
    login_page = tab(SessionState, "/login")

    events = await run(login_page.log_in({"email": member.email, "password": TEMPORARY_PASSWORD}))

    fresh(session)
    user, _, lands_on = sessions.redeem_ticket(session, ticket_in(events))
    assert lands_on == "/new-password?next=/business/scanner"
    # Every business page sends them back there until they chose one.
    scanner = tab(ScannerState, "/business/scanner", user)
    assert redirect_target(await run(scanner.load())) == ("/new-password?next=/business/scanner")

    choose = tab(NewPasswordState, lands_on, user)
    assert redirect_target(await run(choose.load())) is None
    refused = await run(choose.set_password({"new_password": TEMPORARY_PASSWORD}))
    assert choose.error == "Choose a new password, not the temporary one."
    assert toasts(refused) == [("error", choose.error)]
    chosen = await run(choose.set_password({"new_password": PASSWORD}))

    assert redirect_target(chosen) == "/business/scanner"
    assert choose.error == "" and not choose.saving
    # The session that chose goes on; the other one (logged in with the temporary
    # password) has ended.
    assert redirect_target(await run(choose.load())) == "/business/scanner"
    assert redirect_target(await run(scanner.load())) == "/login?next=/business/scanner"


async def test_the_password_page_sends_everyone_else_on(make, tab, run):
    owner, business = make.business()
    member = make.staff(owner, business, SCAN)
    customer = make.customer()
    cases = [(member, "/business/scanner"), (customer, "/cards"), (None, "/login")]
    for user, expected in cases:
        state = tab(NewPasswordState, "/new-password", user)
        assert redirect_target(await run(state.load())) == expected


async def test_the_password_page_takes_junk_in_words(make, tab, run):
    owner, business = make.business()
    member = make.staff(owner, business, SCAN, first_login=True)
    state = tab(NewPasswordState, "/new-password", member)
    await run(state.load())
    before = make.counts()

    for junk in ("not a form", {"new_password": 12345678}, {}):
        assert [level for level, _ in toasts(await run(state.set_password(junk)))] == ["error"]
    assert make.counts() == before


async def test_a_taken_permission_the_open_page_was_using_is_said_in_words(session, make, tab, run):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    make.card(alice, program, balance=10)
    barista = make.staff(owner, business, SCAN, AWARD)
    counter = tab(ScannerState, "/business/scanner", barista)
    await run(counter.load())
    await run(counter.look_up({"card_number": alice.card_number}))
    assert counter.customer_name == "Alice"

    staff.change_staff_permissions(session, owner, business.id, barista.id, {AWARD})
    events = await run(counter._live_refresh())

    assert toasts(events) == [("error", "You do not have permission to do this.")]
    assert not counter.can_scan and counter.can_award
    assert redirect_target(events) is None
