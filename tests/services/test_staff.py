"""A business's staff: listing, adding, changing, removing; and the first log-in's password."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from gudcity.domain.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
    ValidationError,
)
from gudcity.models import StaffPermission, SyncNotification, User, UserSession
from gudcity.services import accounts, awards, login, permissions, sessions, staff
from gudcity.services.outbox import business_topic
from gudcity.services.permissions import Permission
from tests.support.make import PASSWORD, TEMPORARY_PASSWORD
from tests.support.snapshots import changes, snapshot

SCAN, AWARD, DEDUCT = Permission.SCAN, Permission.AWARD, Permission.DEDUCT
MANAGE = Permission.MANAGE_PROGRAMS


@pytest.fixture
def shop(make):
    owner, business = make.business("Bean There")
    return owner, business


def add(session, owner, business, *granted, email="dev@example.com", name="Dev Patel"):
    return accounts.add_staff_member(
        session,
        owner,
        business.id,
        name=name,
        email=email,
        password=TEMPORARY_PASSWORD,
        permissions=set(granted),
    )


def topics_written(session, after: int = 0) -> list[tuple[str, str]]:
    rows = session.exec(select(SyncNotification).where(SyncNotification.id > after)).all()
    return [(row.topic, row.kind) for row in rows]


def last_event_id(session) -> int:
    rows = session.exec(select(SyncNotification.id)).all()
    return max(rows, default=0)


# --- listing and adding -----------------------------------------------------------------


def test_the_owner_is_listed_first_then_the_members_by_name(session, make, shop):
    owner, business = shop
    add(session, owner, business, SCAN, email="zoe@example.com", name="Zoe")
    add(session, owner, business, AWARD, DEDUCT, email="ann@example.com", name="Ann")

    listed = staff.list_staff(session, owner, business.id)

    assert [(m.name, m.is_owner) for m in listed] == [
        (owner.name, True),
        ("Ann", False),
        ("Zoe", False),
    ]
    assert listed[1].email == "ann@example.com"
    assert listed[1].permissions == {AWARD, DEDUCT}
    assert listed[2].permissions == {SCAN}


def test_a_business_without_staff_lists_only_its_owner(session, shop):
    owner, business = shop
    assert [m.user_id for m in staff.list_staff(session, owner, business.id)] == [owner.id]


def test_another_business_lists_none_of_these_staff(session, make, shop):
    owner, business = shop
    add(session, owner, business, SCAN)
    rival, rivals = make.business("Rival")

    assert [m.user_id for m in staff.list_staff(session, rival, rivals.id)] == [rival.id]


def test_a_new_member_must_choose_a_password_and_the_business_hears_of_them(session, shop):
    owner, business = shop
    before = last_event_id(session)

    member = add(session, owner, business, SCAN, AWARD)

    assert member.must_change_password
    assert (business_topic(business.id), "staff_added") in topics_written(session, before)
    row = session.exec(select(StaffPermission).where(StaffPermission.user_id == member.id)).one()
    assert (row.can_scan, row.can_award, row.can_deduct, row.can_manage_programs) == (
        True,
        True,
        False,
        False,
    )


def test_an_email_already_in_use_is_refused_and_adds_nobody(session, make, shop):
    owner, business = shop
    customer = make.customer()
    before = snapshot(session)

    with pytest.raises(ConflictError, match="already exists"):
        add(session, owner, business, SCAN, email=customer.email.upper())
    assert changes(before, snapshot(session)) == {}


def test_a_removed_member_can_be_added_again(session, make, shop):
    owner, business = shop
    program = make.program(owner, business)
    member = make.staff(owner, business, SCAN, AWARD)  # logged in before, chose PASSWORD
    awards.award_points(session, member, make.card(make.customer(), program).id, 5, make.key())
    staff.remove_staff_member(session, owner, business.id, member.id)

    again = accounts.add_staff_member(
        session,
        owner,
        business.id,
        name="Dev Again",
        email=member.email.upper(),
        password="another temporary one",
        permissions={SCAN},
    )

    # The same account, so the history still names them; a new temporary password.
    assert again.id == member.id and again.name == "Dev Again"
    assert again.must_change_password
    assert login.log_in(session, member.email, "another temporary one").id == member.id
    with pytest.raises(AuthenticationError):
        login.log_in(session, member.email, PASSWORD)
    seat = permissions.seat_of(session, accounts.choose_first_password(session, again, PASSWORD))
    assert (seat.business_id, seat.allows(SCAN), seat.allows(AWARD)) == (business.id, True, False)


def test_a_former_member_of_another_business_is_refused_in_words(session, make, shop):
    owner, business = shop
    other_owner, other = make.business("Elsewhere")
    program = make.program(other_owner, other)
    member = make.staff(other_owner, other, SCAN, AWARD)
    awards.award_points(session, member, make.card(make.customer(), program).id, 5, make.key())
    staff.remove_staff_member(session, other_owner, other.id, member.id)
    current = make.staff(other_owner, other, SCAN)
    before = snapshot(session)

    with pytest.raises(ConflictError, match="former staff member of another business"):
        add(session, owner, business, SCAN, email=member.email)
    with pytest.raises(ConflictError, match="already exists"):
        add(session, owner, business, SCAN, email=current.email)
    assert changes(before, snapshot(session)) == {}


@pytest.mark.parametrize("granted", ["can_scan", {"can_scan": True}, [1], ["owner"], None, 5])
def test_permissions_that_are_not_a_list_of_permissions_are_refused(session, shop, granted):
    owner, business = shop
    before = snapshot(session)

    with pytest.raises(ValidationError, match="permissions"):
        accounts.add_staff_member(
            session,
            owner,
            business.id,
            name="Dev",
            email="dev@example.com",
            password=TEMPORARY_PASSWORD,
            permissions=granted,
        )
    assert changes(before, snapshot(session)) == {}


# --- changing permissions -------------------------------------------------------------------


def test_the_owner_changes_what_a_member_may_do_and_their_seat_follows(session, shop):
    owner, business = shop
    member = add(session, owner, business, SCAN, AWARD)
    before = last_event_id(session)

    changed = staff.change_staff_permissions(session, owner, business.id, member.id, {DEDUCT})

    assert changed.permissions == {DEDUCT}
    assert (business_topic(business.id), "staff_changed") in topics_written(session, before)
    accounts.choose_first_password(session, member, PASSWORD)
    seat = permissions.seat_of(session, session.get(User, member.id))
    assert seat.allows(DEDUCT) and not seat.allows(SCAN) and not seat.allows(AWARD)


def test_taking_every_permission_leaves_a_member_who_sees_customers_only(session, make, shop):
    owner, business = shop
    member = make.staff(owner, business, SCAN, AWARD, DEDUCT, MANAGE)

    staff.change_staff_permissions(session, owner, business.id, member.id, set())

    seat = permissions.seat_of(session, member)
    assert seat.permissions == {Permission.VIEW_CUSTOMERS}


def test_the_owner_cannot_demote_or_remove_themselves(session, shop):
    owner, business = shop
    before = snapshot(session)

    with pytest.raises(PermissionDeniedError, match="own access"):
        staff.change_staff_permissions(session, owner, business.id, owner.id, set())
    with pytest.raises(PermissionDeniedError, match="own access"):
        staff.remove_staff_member(session, owner, business.id, owner.id)
    assert changes(before, snapshot(session)) == {}
    assert permissions.seat_of(session, owner).is_owner


@pytest.mark.parametrize("who", ["customer", "rivals member", "no one", "junk"])
def test_only_members_of_this_business_can_be_changed_or_removed(session, make, shop, who):
    owner, business = shop
    rival, rivals = make.business("Rival")
    target = {
        "customer": lambda: make.customer().id,
        "rivals member": lambda: make.staff(rival, rivals, SCAN).id,
        "no one": lambda: 2**31 - 1,
        "junk": lambda: "1",
    }[who]()
    before = snapshot(session)

    with pytest.raises(NotFoundError, match="not on this business's staff"):
        staff.change_staff_permissions(session, owner, business.id, target, {SCAN})
    with pytest.raises(NotFoundError, match="not on this business's staff"):
        staff.remove_staff_member(session, owner, business.id, target)
    assert changes(before, snapshot(session)) == {}


# --- removal ----------------------------------------------------------------------------------


def test_removal_takes_the_seat_and_ends_every_session_of_the_member(session, make, shop):
    owner, business = shop
    member = make.staff(owner, business, SCAN)
    phone, till = sessions.start_session(session, member), sessions.start_session(session, member)
    owners = sessions.start_session(session, owner)
    before = last_event_id(session)

    staff.remove_staff_member(session, owner, business.id, member.id)

    for token in (phone, till):
        with pytest.raises(AuthenticationError, match="session has ended"):
            sessions.user_for_token(session, token)
    assert sessions.user_for_token(session, owners).id == owner.id
    assert permissions.businesses_of(session, member) == []
    assert [m.user_id for m in staff.list_staff(session, owner, business.id)] == [owner.id]
    assert (business_topic(business.id), "staff_removed") in topics_written(session, before)
    # The account stays: the ledger and the activity log name it.
    assert session.get(User, member.id) is not None


def test_removal_leaves_other_members_sessions_alone(session, make, shop):
    owner, business = shop
    leaving, staying = make.staff(owner, business, SCAN), make.staff(owner, business, SCAN)
    token = sessions.start_session(session, staying)

    staff.remove_staff_member(session, owner, business.id, leaving.id)

    assert sessions.user_for_token(session, token).id == staying.id
    live = session.exec(select(UserSession).where(UserSession.user_id == staying.id)).all()
    assert all(row.revoked_at is None for row in live)


def test_a_removed_member_can_no_longer_log_in(session, make, shop):
    owner, business = shop
    member = make.staff(owner, business, SCAN)
    staff.remove_staff_member(session, owner, business.id, member.id)

    with pytest.raises(AuthenticationError, match="no longer works for a business"):
        login.log_in(session, member.email, PASSWORD)


def test_removing_a_member_twice_finds_nobody_the_second_time(session, make, shop):
    owner, business = shop
    member = make.staff(owner, business, SCAN)
    staff.remove_staff_member(session, owner, business.id, member.id)

    with pytest.raises(NotFoundError):
        staff.remove_staff_member(session, owner, business.id, member.id)


# --- the first log-in ------------------------------------------------------------------------


def test_a_member_with_a_temporary_password_may_not_act_until_they_choose_one(session, shop):
    owner, business = shop
    member = add(session, owner, business, SCAN)

    with pytest.raises(PermissionDeniedError, match="password first"):
        permissions.require_business_permission(session, member, business.id, SCAN)

    chosen = accounts.choose_first_password(session, member, "my very own password")

    assert not chosen.must_change_password
    assert permissions.require_business_permission(session, chosen, business.id, SCAN)
    assert login.log_in(session, member.email, "my very own password").id == member.id
    with pytest.raises(AuthenticationError):
        login.log_in(session, member.email, TEMPORARY_PASSWORD)


def test_choosing_a_password_ends_the_members_other_sessions(session, shop):
    """Whoever else logged in with the temporary password is logged out; the member is not."""
    owner, business = shop
    member = add(session, owner, business, SCAN)
    choosing = sessions.start_session(session, member)
    elsewhere = sessions.start_session(session, member)
    owners = sessions.start_session(session, owner)

    accounts.choose_first_password(session, member, "my very own password", keep_session=choosing)

    assert sessions.user_for_token(session, choosing).id == member.id
    with pytest.raises(AuthenticationError, match="session has ended"):
        sessions.user_for_token(session, elsewhere)
    assert sessions.user_for_token(session, owners).id == owner.id


def test_the_temporary_password_is_not_a_new_one(session, shop):
    owner, business = shop
    member = add(session, owner, business, SCAN)
    before = snapshot(session)

    with pytest.raises(ValidationError, match="not the temporary one"):
        accounts.choose_first_password(session, member, TEMPORARY_PASSWORD)
    with pytest.raises(ValidationError, match="at least"):
        accounts.choose_first_password(session, member, "short")
    assert changes(before, snapshot(session)) == {}


def test_a_password_is_chosen_this_way_only_once(session, make, shop):
    owner, business = shop
    member = make.staff(owner, business, SCAN)
    customer = make.customer()

    for user in (member, owner, customer):
        with pytest.raises(ConflictError, match="already set"):
            accounts.choose_first_password(session, user, "another new password")


# --- any name and email an owner could type ----------------------------------------------------

HOSTILE = ["<b>Dev</b>", "\u202eved", "مقهى", "  Dev   Patel ", "x" * 121, "", " ", "\x00"]
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(
    name=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=130)),
    email=st.one_of(
        st.emails(),
        st.sampled_from(["a@b", "@example.com", "DEV@Example.COM", "dev@exa\u202emple.com"]),
        st.text(max_size=40),
    ),
)
def test_any_name_and_email_is_listed_as_stored_or_refused(session, shop, name, email):
    owner, business = shop
    before = snapshot(session)
    try:
        member = add(session, owner, business, SCAN, email=email, name=name)
    except ServiceError:
        assert changes(before, snapshot(session)) == {}
        return
    listed = {m.user_id: m for m in staff.list_staff(session, owner, business.id)}[member.id]
    assert listed.name == " ".join(name.split()) and 1 <= len(listed.name) <= 120
    assert listed.email == listed.email.strip().lower() and "@" in listed.email
    # One account per email, whatever its case.
    if not listed.email.isascii():
        return
    with pytest.raises(ConflictError):
        add(session, owner, business, SCAN, email=listed.email.upper(), name="Twin")
