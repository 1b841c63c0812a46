"""Programs and rewards: creation, validation, who may change them, and their events."""

import pytest
from sqlmodel import Session, select

from gudcity.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from gudcity.models import LoyaltyProgram, ProgramKind, Reward, SyncNotification
from gudcity.models.loyalty import DEFAULT_SCAN_COOLDOWN_SECONDS
from gudcity.services import programs
from gudcity.services.outbox import latest_event_id
from gudcity.services.permissions import Permission
from gudcity.settings import get_settings

SEVEN_DAYS = 7 * 24 * 3600
MAX_POINTS = get_settings().max_points_per_transaction
NOT_MANAGER = [p for p in Permission if p != Permission.MANAGE_PROGRAMS]


def stored_program(session: Session, program_id: int) -> LoyaltyProgram:
    """A copy of the program as committed: drop what the session holds, read it again.

    (A second session would wait on SQLite for the write lock this one holds.)
    """
    session.rollback()
    return session.get(LoyaltyProgram, program_id).model_copy()


def events_since(session: Session, last_id: int) -> list[tuple[str, str]]:
    rows = session.exec(
        select(SyncNotification).where(SyncNotification.id > last_id).order_by(SyncNotification.id)
    )
    return [(row.topic, row.kind) for row in rows]


# --- creating ---------------------------------------------------------------------------


def test_a_new_program_has_a_five_minute_scan_cooldown_unless_told_otherwise(session, make):
    """A card scanned twice at one visit (or by two counters) earns once."""
    owner, business = make.business()

    program = programs.create_program(session, owner, business.id, name="Coffee Club")
    without = programs.create_program(
        session, owner, business.id, name="Tea Club", scan_cooldown_seconds=0
    )

    assert DEFAULT_SCAN_COOLDOWN_SECONDS == 300
    assert stored_program(session, program.id).scan_cooldown_seconds == 300
    assert stored_program(session, without.id).scan_cooldown_seconds == 0


def test_owner_creates_a_points_program(session, make):
    owner, business = make.business()

    program = programs.create_program(
        session,
        owner,
        business.id,
        name="Coffee Club",
        points_per_scan=15,
        scan_cooldown_seconds=60,
    )

    stored = session.get(LoyaltyProgram, program.id)
    assert (stored.business_id, stored.name, stored.kind) == (
        business.id,
        "Coffee Club",
        ProgramKind.POINTS,
    )
    assert (stored.points_per_scan, stored.scan_cooldown_seconds, stored.is_active) == (
        15,
        60,
        True,
    )


def test_owner_creates_a_stamps_program(session, make):
    owner, business = make.business()

    program = programs.create_program(
        session,
        owner,
        business.id,
        name="Pastry Stamps",
        kind=ProgramKind.STAMPS,
        points_per_scan=1,
    )

    assert session.get(LoyaltyProgram, program.id).kind == ProgramKind.STAMPS


def test_staff_with_manage_programs_creates_a_program(session, make):
    owner, business = make.business()
    manager = make.staff(owner, business, Permission.MANAGE_PROGRAMS)

    program = programs.create_program(session, manager, business.id, name="Staff Special")

    assert session.get(LoyaltyProgram, program.id).business_id == business.id


@pytest.mark.parametrize("points_per_scan", [1, MAX_POINTS])
def test_points_per_scan_limits_are_accepted(session, make, points_per_scan):
    owner, business = make.business()

    program = make.program(owner, business, points_per_scan=points_per_scan)

    assert program.points_per_scan == points_per_scan


@pytest.mark.parametrize("cooldown", [0, SEVEN_DAYS])
def test_cooldown_limits_are_accepted(session, make, cooldown):
    owner, business = make.business()

    assert make.program(owner, business, scan_cooldown_seconds=cooldown).scan_cooldown_seconds == (
        cooldown
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Program name is required"),
        ("   ", "Program name is required"),
        ("x" * 121, "at most 120"),
    ],
)
def test_bad_program_name_is_refused(session, make, name, message):
    owner, business = make.business()
    before = make.counts()

    with pytest.raises(ValidationError, match=message):
        programs.create_program(session, owner, business.id, name=name)
    assert make.counts() == before


@pytest.mark.parametrize("points_per_scan", [0, -1, MAX_POINTS + 1, 1.5, 10.0, True, "10"])
def test_bad_points_per_scan_is_refused(session, make, points_per_scan):
    owner, business = make.business()
    before = make.counts()

    with pytest.raises(ValidationError, match="Points per scan"):
        programs.create_program(
            session, owner, business.id, name="Coffee", points_per_scan=points_per_scan
        )
    assert make.counts() == before


@pytest.mark.parametrize("cooldown", [-1, SEVEN_DAYS + 1, 1.5, "60", True])
def test_bad_cooldown_is_refused(session, make, cooldown):
    owner, business = make.business()
    before = make.counts()

    with pytest.raises(ValidationError, match="Cooldown"):
        programs.create_program(
            session, owner, business.id, name="Coffee", scan_cooldown_seconds=cooldown
        )
    assert make.counts() == before


def test_unknown_program_kind_is_a_validation_error(session, make):
    owner, business = make.business()
    before = make.counts()

    with pytest.raises(ValidationError, match="POINTS or STAMPS"):
        programs.create_program(session, owner, business.id, name="Coffee", kind="BOGUS")
    assert make.counts() == before


# --- who may change programs --------------------------------------------------------------


def test_another_business_owner_cannot_create_a_program(session, make):
    _, business = make.business()
    other_owner, _ = make.business()
    before = make.counts()

    with pytest.raises(PermissionDeniedError):
        programs.create_program(session, other_owner, business.id, name="Sneaky")
    assert make.counts() == before


def test_staff_without_manage_programs_cannot_create_a_program(session, make):
    owner, business = make.business()
    staff = make.staff(owner, business, *NOT_MANAGER)
    before = make.counts()

    with pytest.raises(PermissionDeniedError, match="permission"):
        programs.create_program(session, staff, business.id, name="Sneaky")
    assert make.counts() == before


def test_customer_cannot_create_a_program(session, make):
    _, business = make.business()
    customer = make.customer()
    before = make.counts()

    with pytest.raises(PermissionDeniedError):
        programs.create_program(session, customer, business.id, name="Sneaky")
    assert make.counts() == before


@pytest.mark.parametrize("who", ["other owner", "staff without MANAGE_PROGRAMS"])
def test_outsiders_cannot_update_add_or_hide_rewards(session, make, who):
    owner, business = make.business()
    program = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    reward = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)
    if who == "other owner":
        actor, _ = make.business()
    else:
        actor = make.staff(owner, business, *NOT_MANAGER)
    before = make.counts()

    with pytest.raises(PermissionDeniedError):
        programs.update_program(session, actor, program.id, name="Hacked", points_per_scan=999)
    with pytest.raises(PermissionDeniedError):
        programs.update_program(session, actor, program.id, is_active=False)
    with pytest.raises(PermissionDeniedError):
        programs.add_reward(session, actor, program.id, name="Free everything", cost=1)
    with pytest.raises(PermissionDeniedError):
        programs.set_reward_active(session, actor, reward.id, False)

    assert make.counts() == before
    stored = stored_program(session, program.id)
    assert (stored.name, stored.points_per_scan, stored.is_active) == ("Coffee Club", 10, True)
    assert [r.id for r in programs.rewards_ladder(session, program.id)] == [reward.id]


# --- updating -------------------------------------------------------------------------------


def test_update_changes_only_what_is_given(session, make):
    owner, business = make.business()
    program = make.program(
        owner, business, name="Coffee", points_per_scan=10, scan_cooldown_seconds=60
    )

    programs.update_program(session, owner, program.id, points_per_scan=20)
    after_points = stored_program(session, program.id)
    programs.update_program(session, owner, program.id, name="Coffee Club")
    after_name = stored_program(session, program.id)

    assert (after_points.name, after_points.points_per_scan) == ("Coffee", 20)
    assert (after_name.name, after_name.points_per_scan) == ("Coffee Club", 20)
    assert (after_name.scan_cooldown_seconds, after_name.kind, after_name.is_active) == (
        60,
        ProgramKind.POINTS,
        True,
    )


def test_pausing_and_resuming_a_program(session, make):
    owner, business = make.business()
    program = make.program(owner, business)

    programs.update_program(session, owner, program.id, is_active=False)
    paused = stored_program(session, program.id)
    programs.update_program(session, owner, program.id, is_active=True)

    assert paused.is_active is False
    assert stored_program(session, program.id).is_active is True
    assert paused.name == program.name and paused.points_per_scan == program.points_per_scan


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"points_per_scan": 0},
        {"points_per_scan": 2.5},
        {"scan_cooldown_seconds": -1},
        {"scan_cooldown_seconds": SEVEN_DAYS + 1},
    ],
)
def test_refused_update_writes_nothing(session, make, changes):
    owner, business = make.business()
    program = make.program(owner, business, name="Coffee", points_per_scan=10)
    before = make.counts()

    with pytest.raises(ValidationError):
        programs.update_program(session, owner, program.id, **changes)

    assert make.counts() == before
    stored = stored_program(session, program.id)
    assert (stored.name, stored.points_per_scan, stored.scan_cooldown_seconds) == (
        "Coffee",
        10,
        DEFAULT_SCAN_COOLDOWN_SECONDS,
    )


def test_refused_update_leaves_no_half_made_change_behind_in_the_session(session, make):
    """A valid name with an invalid points value: the name must not be saved later."""
    owner, business = make.business()
    program = make.program(owner, business, name="Coffee", points_per_scan=10)

    with pytest.raises(ValidationError, match="Points per scan"):
        programs.update_program(session, owner, program.id, name="Renamed", points_per_scan=0)
    # The same session goes on to make an unrelated, valid change.
    programs.add_reward(session, owner, program.id, name="Espresso", cost=50)

    assert stored_program(session, program.id).name == "Coffee"


def test_updating_a_missing_program_is_not_found(session, make):
    owner, _ = make.business()

    with pytest.raises(NotFoundError, match="Program not found"):
        programs.update_program(session, owner, 987654, name="Ghost")


# --- rewards ----------------------------------------------------------------------------------


def test_rewards_ladder_lists_active_rewards_cheapest_first(session, make):
    owner, business = make.business()
    program = make.program(owner, business)
    other_program = make.program(owner, business)
    for name, cost in (("Latte", 100), ("Pastry box", 250), ("Espresso", 50)):
        programs.add_reward(session, owner, program.id, name=name, cost=cost)
    programs.add_reward(session, owner, other_program.id, name="Elsewhere", cost=10)

    ladder = programs.rewards_ladder(session, program.id)

    assert [(r.name, r.cost) for r in ladder] == [
        ("Espresso", 50),
        ("Latte", 100),
        ("Pastry box", 250),
    ]


def test_a_hidden_reward_leaves_the_ladder_and_can_come_back(session, make):
    owner, business = make.business()
    program = make.program(owner, business)
    espresso = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)
    latte = programs.add_reward(session, owner, program.id, name="Latte", cost=100)

    programs.set_reward_active(session, owner, espresso.id, False)
    hidden = [r.id for r in programs.rewards_ladder(session, program.id)]
    programs.set_reward_active(session, owner, espresso.id, True)

    assert hidden == [latte.id]
    assert [r.id for r in programs.rewards_ladder(session, program.id)] == [espresso.id, latte.id]


def test_staff_with_manage_programs_adds_a_reward(session, make):
    owner, business = make.business()
    program = make.program(owner, business)
    manager = make.staff(owner, business, Permission.MANAGE_PROGRAMS)

    reward = programs.add_reward(session, manager, program.id, name="Espresso", cost=50)

    assert session.get(Reward, reward.id).program_id == program.id


@pytest.mark.parametrize(
    ("name", "cost", "message"),
    [
        ("", 50, "Reward name is required"),
        ("x" * 121, 50, "at most 120"),
        ("Espresso", 0, "Cost"),
        ("Espresso", -5, "Cost"),
        ("Espresso", MAX_POINTS + 1, "Cost"),
        ("Espresso", 9.5, "Cost"),
        ("Espresso", True, "Cost"),
        ("Espresso", "50", "Cost"),
    ],
)
def test_bad_reward_is_refused(session, make, name, cost, message):
    owner, business = make.business()
    program = make.program(owner, business)
    before = make.counts()

    with pytest.raises(ValidationError, match=message):
        programs.add_reward(session, owner, program.id, name=name, cost=cost)
    assert make.counts() == before


def test_reward_for_a_missing_program_is_not_found(session, make):
    owner, _ = make.business()

    with pytest.raises(NotFoundError, match="Program not found"):
        programs.add_reward(session, owner, 987654, name="Espresso", cost=50)


def test_hiding_a_missing_reward_is_not_found(session, make):
    owner, _ = make.business()

    with pytest.raises(NotFoundError, match="Reward not found"):
        programs.set_reward_active(session, owner, 987654, False)


# --- listing --------------------------------------------------------------------------------


def test_list_programs_all_or_active_only(session, make):
    owner, business = make.business()
    coffee = make.program(owner, business)
    paused = make.program(owner, business)
    tea = make.program(owner, business)
    other_owner, other_business = make.business()
    make.program(other_owner, other_business)
    programs.update_program(session, owner, paused.id, is_active=False)

    every = programs.list_programs(session, owner, business.id)
    active = programs.list_programs(session, owner, business.id, active_only=True)

    assert [p.id for p in every] == [coffee.id, paused.id, tea.id]
    assert [p.id for p in active] == [coffee.id, tea.id]


def test_any_staff_member_lists_programs_but_another_business_cannot(session, make):
    owner, business = make.business()
    program = make.program(owner, business)
    staff = make.staff(owner, business)
    other_owner, _ = make.business()

    assert [p.id for p in programs.list_programs(session, staff, business.id)] == [program.id]
    with pytest.raises(PermissionDeniedError):
        programs.list_programs(session, other_owner, business.id)


# --- change events ------------------------------------------------------------------------


def test_every_program_change_tells_the_business_and_the_program_topics(session, make):
    owner, business = make.business()
    last = latest_event_id(session)

    program = programs.create_program(session, owner, business.id, name="Coffee")
    created = events_since(session, last)
    last = latest_event_id(session)
    programs.update_program(session, owner, program.id, is_active=False)
    updated = events_since(session, last)
    last = latest_event_id(session)
    reward = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)
    reward_added = events_since(session, last)
    last = latest_event_id(session)
    programs.set_reward_active(session, owner, reward.id, False)
    reward_hidden = events_since(session, last)

    topics = [f"business:{business.id}", f"program:{program.id}"]
    assert created == [(topic, "program.created") for topic in topics]
    assert updated == [(topic, "program.updated") for topic in topics]
    assert reward_added == [(topic, "reward.created") for topic in topics]
    assert reward_hidden == [(topic, "reward.updated") for topic in topics]
