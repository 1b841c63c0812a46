"""One's own settings: the name, the password (other sessions end), an owner's business details."""

import pytest
from sqlmodel import select

from gudcity.domain.analytics import business_day
from gudcity.domain.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from gudcity.models import DailyStats, LoginTicket, PointTransaction, SyncNotification
from gudcity.services import cards, login, profile, sessions
from gudcity.services.outbox import business_topic, customer_topic, latest_event_id, program_topic
from gudcity.services.permissions import Permission
from tests.support.make import PASSWORD
from tests.support.snapshots import changes, snapshot

NEW_PASSWORD = "a password of my own"


def topics_after(session, last_id: int) -> set[str]:
    rows = session.exec(select(SyncNotification.topic).where(SyncNotification.id > last_id))
    return set(rows)


def details(session, owner, business, **changed):
    values = {
        "name": business.name,
        "address": "",
        "phone": "",
        "opening_hours": "",
        "time_zone": "UTC",
        **changed,
    }
    return profile.update_business_profile(session, owner, business.id, **values)


# --- the name ---------------------------------------------------------------------------


def test_a_name_is_saved_trimmed_and_the_businesses_that_list_the_customer_hear_of_it(
    session, shop, make
):
    _, business, program, alice = shop
    make.card(alice, program)
    last = latest_event_id(session)

    profile.change_name(session, alice, "  Alice   Rivera \t")

    assert profile.account_settings(session, alice).name == "Alice Rivera"
    assert topics_after(session, last) == {customer_topic(alice.id), business_topic(business.id)}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Name is required."),
        ("   \t\n", "Name is required."),
        ("x" * 121, "at most 120 characters"),
        ("\x1b[31mred", "control characters"),
        ("bell\x07", "control characters"),
        ("nul\x00", "NUL characters"),
        (None, "must be text"),
    ],
)
def test_a_name_that_is_empty_too_long_or_holds_control_characters_is_refused(
    session, shop, name, message
):
    alice = shop[3]
    before = snapshot(session)
    with pytest.raises(ValidationError, match=message):
        profile.change_name(session, alice, name)
    assert changes(before, snapshot(session)) == {}
    assert profile.account_settings(session, alice).name == "Alice"


def test_the_same_name_again_writes_nothing(session, shop):
    alice = shop[3]
    before = snapshot(session)
    profile.change_name(session, alice, " Alice ")
    assert changes(before, snapshot(session)) == {}


def test_a_member_who_has_not_chosen_a_password_yet_changes_nothing(session, shop, make):
    owner, business, _, _ = shop
    member = make.staff(owner, business, Permission.SCAN, first_login=True)
    with pytest.raises(PermissionDeniedError, match="Choose your own password first"):
        profile.change_name(session, member, "Someone Else")


# --- the language -----------------------------------------------------------------------


def test_a_chosen_language_is_kept_with_the_account(session, shop):
    alice = shop[3]
    assert alice.language is None
    profile.choose_language(session, alice, "ar")
    session.expire_all()
    assert session.get(type(alice), alice.id).language == "ar"


@pytest.mark.parametrize("language", ["de", "", "AR", "fr-FR", None, 7])
def test_a_language_gudcity_does_not_speak_is_refused_and_changes_nothing(session, shop, language):
    alice = shop[3]
    before = snapshot(session)
    with pytest.raises(ValidationError, match="Choose one of the languages offered"):
        profile.choose_language(session, alice, language)
    assert changes(before, snapshot(session)) == {}


# --- the password -----------------------------------------------------------------------


def test_a_new_password_ends_every_other_session_and_keeps_the_one_asking(session, shop):
    alice = shop[3]
    here = sessions.start_session(session, alice)
    elsewhere = sessions.start_session(session, alice)
    sessions.issue_ticket(session, alice, "/cards")
    last = latest_event_id(session)

    profile.change_password(session, alice, PASSWORD, NEW_PASSWORD, here)

    assert sessions.user_for_token(session, here).id == alice.id
    with pytest.raises(AuthenticationError):
        sessions.user_for_token(session, elsewhere)
    assert session.exec(select(LoginTicket).where(LoginTicket.user_id == alice.id)).all() == []
    assert customer_topic(alice.id) in topics_after(session, last)
    assert login.authenticate(session, alice.email, NEW_PASSWORD).id == alice.id
    with pytest.raises(AuthenticationError):
        login.authenticate(session, alice.email, PASSWORD)


def test_a_wrong_current_password_changes_nothing(session, shop):
    alice = shop[3]
    here = sessions.start_session(session, alice)
    elsewhere = sessions.start_session(session, alice)
    before = snapshot(session)

    with pytest.raises(ValidationError, match="current password is not right"):
        profile.change_password(session, alice, "not my password", NEW_PASSWORD, here)

    # Only the wrong try is written down: it counts as a failed log-in (the throttle's).
    assert changes(before, snapshot(session)) == {"login_failures": (0, 1)}
    assert sessions.user_for_token(session, elsewhere).id == alice.id
    assert login.authenticate(session, alice.email, PASSWORD).id == alice.id


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short", "at least 8 characters"),
        ("x" * 257, "at most 256 characters"),
        (PASSWORD, "not your current one"),
        (None, "must be text"),
    ],
)
def test_a_new_password_is_held_to_the_registration_rule(session, shop, new, message):
    alice = shop[3]
    before = snapshot(session)
    with pytest.raises(ValidationError, match=message):
        profile.change_password(session, alice, PASSWORD, new, "")
    assert changes(before, snapshot(session)) == {}


def test_staff_change_their_own_password_and_their_business_pages_hear_of_it(session, shop, make):
    owner, business, _, _ = shop
    member = make.staff(owner, business, Permission.SCAN)
    other_device = sessions.start_session(session, member)
    last = latest_event_id(session)

    profile.change_password(session, member, PASSWORD, NEW_PASSWORD, "")

    with pytest.raises(AuthenticationError):
        sessions.user_for_token(session, other_device)
    assert topics_after(session, last) == {business_topic(business.id)}
    assert login.authenticate(session, member.email, NEW_PASSWORD).id == member.id


# --- the business -----------------------------------------------------------------------


def test_the_owner_sets_the_details_and_customers_see_them_on_their_cards(session, shop, make):
    owner, business, program, alice = shop
    make.card(alice, program)
    last = latest_event_id(session)

    saved = details(
        session,
        owner,
        business,
        name="  Bean   Here ",
        address=" 1 High   Street,\tLondon ",
        phone=" +44 (20) 7946-0958 ",
        opening_hours="Mon-Fri  8:00-18:00\n\n  Sat 9:00-14:00  \n",
    )

    assert saved.name == "Bean Here"
    assert saved.address == "1 High Street, London"
    assert saved.phone == "+44 (20) 7946-0958"
    assert saved.opening_hours == "Mon-Fri 8:00-18:00\nSat 9:00-14:00"
    assert profile.account_settings(session, owner).business == saved
    [card] = cards.list_cards(session, alice)
    assert (card.business_name, card.business_address) == ("Bean Here", saved.address)
    assert (card.business_phone, card.business_hours) == (saved.phone, saved.opening_hours)
    assert topics_after(session, last) == {business_topic(business.id), program_topic(program.id)}


def test_a_card_of_a_business_that_gave_no_details_shows_none(session, shop, make):
    _, _, program, alice = shop
    make.card(alice, program)
    [card] = cards.list_cards(session, alice)
    assert (card.business_address, card.business_phone, card.business_hours) == ("", "", "")


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"name": ""}, "Business name is required."),
        ({"address": "x" * 201}, "at most 200 characters"),
        ({"address": "line\x1bescape"}, "control characters"),
        ({"phone": "call me"}, "only digits"),
        ({"phone": "12 34"}, "5 to 15 digits"),
        ({"phone": "1" * 16}, "5 to 15 digits"),
        ({"opening_hours": "\n".join(["Mon 9-5"] * 8)}, "at most 7 lines"),
        ({"opening_hours": "x" * 401}, "at most 400 characters"),
        ({"opening_hours": 7}, "must be text"),
    ],
)
def test_details_out_of_bounds_are_refused_writing_nothing(session, shop, changed, message):
    owner, business, _, _ = shop
    details(session, owner, business, address="1 High Street")
    before = snapshot(session)
    with pytest.raises(ValidationError, match=message):
        details(session, owner, business, **changed)
    assert changes(before, snapshot(session)) == {}
    assert profile.account_settings(session, owner).business.address == "1 High Street"


def test_staff_and_other_owners_may_not_change_a_business(session, shop, make):
    owner, business, _, _ = shop
    member = make.staff(owner, business, *Permission)
    rival, _ = make.business("Rival Roasters")
    before = snapshot(session)
    for actor in (member, rival):
        with pytest.raises(PermissionDeniedError):
            details(session, actor, business, address="Somewhere else")
    with pytest.raises(NotFoundError):
        profile.update_business_profile(
            session,
            owner,
            2**31,
            name="X",
            address="",
            phone="",
            opening_hours="",
            time_zone="UTC",
        )
    assert changes(before, snapshot(session)) == {}


def test_saving_the_same_details_again_writes_nothing(session, shop):
    owner, business, _, _ = shop
    details(session, owner, business, phone="020 7946 0958")
    before = snapshot(session)
    details(session, owner, business, phone="020 7946 0958")
    assert changes(before, snapshot(session)) == {}


def test_settings_show_the_owner_their_business_and_staff_none(session, shop, make):
    owner, business, _, alice = shop
    member = make.staff(owner, business, Permission.SCAN)

    assert profile.account_settings(session, owner).business.business_id == business.id
    assert profile.account_settings(session, member).business is None
    assert profile.account_settings(session, member).works_for == (business.id,)
    assert profile.account_settings(session, alice).business is None
    assert profile.account_settings(session, alice).works_for == ()


# --- the time zone ----------------------------------------------------------------------


def stats_days(session) -> set:
    return set(session.exec(select(DailyStats.day)))


def test_a_new_time_zone_moves_the_dashboards_days(session, make, shop):
    owner, business, program, customer = shop
    details(session, owner, business, time_zone="Pacific/Pago_Pago")  # UTC-11
    make.card(customer, program, balance=5)
    awarded = session.exec(select(PointTransaction.created_at)).first()
    assert stats_days(session) == {business_day(awarded, "Pacific/Pago_Pago")}

    saved = details(session, owner, business, time_zone="Pacific/Kiritimati")  # UTC+14

    assert saved.time_zone == "Pacific/Kiritimati"
    session.expire_all()
    assert stats_days(session) == {business_day(awarded, "Pacific/Kiritimati")}
    assert business_day(awarded, "Pacific/Kiritimati") != business_day(awarded, "Pacific/Pago_Pago")


@pytest.mark.parametrize("zone", ["", "Europe/Nowhere", "local", "UTC+2", None])
def test_a_time_zone_not_in_the_list_is_refused_and_nothing_changes(session, shop, zone):
    owner, business, _, _ = shop
    before = snapshot(session)

    with pytest.raises(ValidationError, match="time zone"):
        details(session, owner, business, time_zone=zone)

    assert changes(before, snapshot(session)) == {}
