"""Changing a program after it is made: rewards edited, hidden and shown, programs
archived (then refused whatever would move points), one name per business."""

import threading

import pytest
from sqlmodel import Session, select

from gudcity.domain.errors import ConflictError, NotFoundError, ServiceError, ValidationError
from gudcity.models import (
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    Reward,
    SyncNotification,
    User,
)
from gudcity.services import (
    awards,
    cards,
    deductions,
    enrollment,
    programs,
    qr_cards,
    redemptions,
    scanning,
)
from gudcity.services.outbox import latest_event_id
from gudcity.settings import get_settings

MAX_POINTS = get_settings().max_points_per_transaction
ARCHIVED = "Coffee Club is archived: it takes no more scans or points."


def stored(session: Session, model, row_id: int):
    """The row as committed (see test_programs.stored_program)."""
    session.rollback()
    return session.get(model, row_id).model_copy()


def events_since(session: Session, last_id: int) -> list[tuple[str, str]]:
    rows = session.exec(
        select(SyncNotification).where(SyncNotification.id > last_id).order_by(SyncNotification.id)
    )
    return [(row.topic, row.kind) for row in rows]


# --- editing a reward ---------------------------------------------------------------------


def test_a_reward_is_renamed_and_repriced(session, make, shop):
    owner, _, program, _ = shop
    reward = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)

    programs.update_reward(session, owner, reward.id, name="  Double   espresso ", cost=80)

    assert (stored(session, Reward, reward.id).name, stored(session, Reward, reward.id).cost) == (
        "Double espresso",
        80,
    )


def test_editing_a_reward_changes_only_what_is_given(session, make, shop):
    owner, _, program, _ = shop
    reward = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)

    programs.update_reward(session, owner, reward.id, cost=60)
    after_cost = stored(session, Reward, reward.id)
    programs.update_reward(session, owner, reward.id, name="Latte")

    assert (after_cost.name, after_cost.cost) == ("Espresso", 60)
    assert (stored(session, Reward, reward.id).name, stored(session, Reward, reward.id).cost) == (
        "Latte",
        60,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Reward name is required"),
        ({"name": "x" * 121}, "at most 120"),
        ({"cost": 0}, "Cost"),
        ({"cost": MAX_POINTS + 1}, "Cost"),
        ({"cost": "50"}, "Cost"),
        ({"cost": True}, "Cost"),
        ({"name": "Latte", "cost": -1}, "Cost"),
    ],
)
def test_a_bad_reward_edit_changes_nothing(session, make, shop, changes, message):
    owner, _, program, _ = shop
    reward = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)
    before = make.counts()

    with pytest.raises(ValidationError, match=message):
        programs.update_reward(session, owner, reward.id, **changes)

    assert make.counts() == before
    after = stored(session, Reward, reward.id)
    assert (after.name, after.cost) == ("Espresso", 50)


def test_editing_a_missing_reward_is_not_found(session, make, shop):
    owner = shop[0]
    with pytest.raises(NotFoundError, match="Reward not found"):
        programs.update_reward(session, owner, 987654, name="Ghost")


def test_an_edited_reward_costs_its_new_price_at_the_next_redemption(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=100)
    reward = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)
    programs.update_reward(session, owner, reward.id, cost=30)

    redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())

    session.refresh(card)
    assert card.balance == 70


# --- hiding and showing -------------------------------------------------------------------


def test_a_hidden_reward_is_listed_for_its_managers_and_shown_again(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=100)
    espresso = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)
    latte = programs.add_reward(session, owner, program.id, name="Latte", cost=80)
    programs.set_reward_active(session, owner, espresso.id, False)

    public = [r.id for r in programs.rewards_ladders(session, [program.id])[program.id]]
    managed = [
        (r.id, r.is_active)
        for r in programs.rewards_ladders(session, [program.id], with_hidden=True)[program.id]
    ]
    with pytest.raises(NotFoundError, match="not available"):
        redemptions.redeem_reward(session, customer, card.id, espresso.id, make.key())
    programs.set_reward_active(session, owner, espresso.id, True)

    assert public == [latte.id]
    assert managed == [(espresso.id, False), (latte.id, True)]
    assert [r.id for r in programs.rewards_ladder(session, program.id)] == [espresso.id, latte.id]
    redemptions.redeem_reward(session, customer, card.id, espresso.id, make.key())


# --- archiving ----------------------------------------------------------------------------


def test_an_archived_program_leaves_the_lists_but_its_ledger_stays(session, make, shop):
    owner, business, program, customer = shop
    tea = make.program(owner, business, name="Tea Club")
    card = make.card(customer, program, balance=40)
    ledger_before = session.exec(
        select(PointTransaction).where(PointTransaction.card_id == card.id)
    ).all()

    programs.archive_program(session, owner, program.id)

    after = stored(session, LoyaltyProgram, program.id)
    assert after.archived_at is not None and after.is_active is False
    assert [p.id for p in programs.list_programs(session, owner, business.id)] == [tea.id]
    assert [
        p.id for p in programs.list_programs(session, owner, business.id, active_only=True)
    ] == [tea.id]
    ledger_after = session.exec(
        select(PointTransaction).where(PointTransaction.card_id == card.id)
    ).all()
    assert [t.id for t in ledger_after] == [t.id for t in ledger_before]
    (held,) = cards.list_cards(session, customer)
    assert (held.card_id, held.balance, held.program_archived) == (card.id, 40, True)


def test_archiving_twice_changes_nothing_the_second_time(session, make, shop):
    owner, _, program, _ = shop
    first = programs.archive_program(session, owner, program.id).archived_at
    before = make.counts()

    programs.archive_program(session, owner, program.id)

    assert make.counts() == before
    assert stored(session, LoyaltyProgram, program.id).archived_at == first


def test_archiving_tells_the_business_and_the_cards_that_show_it(session, make, shop):
    owner, business, program, _ = shop
    last = latest_event_id(session)

    programs.archive_program(session, owner, program.id)

    assert events_since(session, last) == [
        (f"business:{business.id}", "program.archived"),
        (f"program:{program.id}", "program.archived"),
    ]


def _archived_shop(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=100)
    reward = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)
    newcomer = make.customer("Bob")
    programs.archive_program(session, owner, program.id)
    return owner, program, customer, card, reward, newcomer


REFUSED_IN_AN_ARCHIVED_PROGRAM = {
    "scan_customer": lambda s, w: scanning.scan_customer(
        s, w["owner"], w["program"].id, w["customer"].id, w["key"]
    ),
    "scan_token": lambda s, w: scanning.scan_token(
        s, w["owner"], w["program"].id, qr_cards.issue_token(w["customer"]), w["key"]
    ),
    "award_points": lambda s, w: awards.award_points(s, w["owner"], w["card"].id, 5, w["key"]),
    "request_deduction": lambda s, w: deductions.request_deduction(
        s, w["owner"], w["card"].id, 5, w["key"]
    ),
    "redeem_reward": lambda s, w: redemptions.redeem_reward(
        s, w["customer"], w["card"].id, w["reward"].id, w["key"]
    ),
    "request_enrollment": lambda s, w: enrollment.request_enrollment(
        s, w["owner"], w["program"].id, w["newcomer"].id, w["key"]
    ),
    "join_program": lambda s, w: enrollment.join_program(s, w["newcomer"], w["program"].id),
}


@pytest.mark.parametrize("call", list(REFUSED_IN_AN_ARCHIVED_PROGRAM))
def test_nothing_moves_in_an_archived_program(session, make, shop, call):
    owner, program, customer, card, reward, newcomer = _archived_shop(session, make, shop)
    world = {
        "owner": owner,
        "program": program,
        "customer": customer,
        "card": card,
        "reward": reward,
        "newcomer": newcomer,
        "key": make.key(),
    }
    before = make.counts()

    with pytest.raises(ValidationError) as refused:
        REFUSED_IN_AN_ARCHIVED_PROGRAM[call](session, world)

    assert refused.value.message == ARCHIVED
    assert make.counts() == before


def test_an_invitation_sent_before_archiving_cannot_be_accepted(session, make, shop):
    owner, _, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    programs.archive_program(session, owner, program.id)
    before = make.counts()

    with pytest.raises(ValidationError, match="archived"):
        enrollment.respond_to_enrollment(session, customer, request.id, True)
    assert make.counts() == before


def test_a_deduction_asked_before_archiving_cannot_be_approved_but_can_be_declined(
    session, make, shop
):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=30)
    request = deductions.request_deduction(session, owner, card.id, 10, make.key())
    programs.archive_program(session, owner, program.id)
    before = make.counts()

    with pytest.raises(ValidationError) as refused:
        deductions.respond_to_deduction(session, customer, request.id, True)

    assert refused.value.message == ARCHIVED
    assert make.counts() == before
    assert stored(session, LoyaltyCard, card.id).balance == 30
    # Declining moves nothing, so it is still the customer's to do.
    assert deductions.respond_to_deduction(session, customer, request.id, False) is None
    assert stored(session, LoyaltyCard, card.id).balance == 30


@pytest.mark.parametrize(
    "change",
    [
        lambda s, owner, program, reward: programs.update_program(
            s, owner, program.id, is_active=True
        ),
        lambda s, owner, program, reward: programs.update_program(s, owner, program.id, name="X"),
        lambda s, owner, program, reward: programs.add_reward(
            s, owner, program.id, name="Muffin", cost=10
        ),
        lambda s, owner, program, reward: programs.update_reward(s, owner, reward.id, cost=10),
        lambda s, owner, program, reward: programs.set_reward_active(s, owner, reward.id, False),
    ],
    ids=["resume", "rename", "add_reward", "update_reward", "hide_reward"],
)
def test_an_archived_program_is_kept_as_it_was(session, make, shop, change):
    owner, program, _, _, reward, _ = _archived_shop(session, make, shop)
    before = make.counts()

    with pytest.raises(ValidationError, match="archived: it can no longer be changed"):
        change(session, owner, program, reward)

    assert make.counts() == before
    after = stored(session, LoyaltyProgram, program.id)
    assert (after.name, after.is_active) == ("Coffee Club", False)


def test_archiving_a_missing_program_is_not_found(session, make, shop):
    with pytest.raises(NotFoundError, match="Program not found"):
        programs.archive_program(session, shop[0], 987654)


# --- one name per business ----------------------------------------------------------------


@pytest.mark.parametrize(
    "twin", ["Coffee Club", "coffee club", "COFFEE CLUB", "  Coffee   Club ", "CoffeeClub"]
)
def test_a_second_program_of_the_same_name_is_refused(session, make, shop, twin):
    owner, business, _, _ = shop
    before = make.counts()

    with pytest.raises(ConflictError) as refused:
        programs.create_program(session, owner, business.id, name=twin)

    assert refused.value.message == "This business already has a program called Coffee Club."
    assert make.counts() == before


def test_another_business_may_use_the_same_name(session, make, shop):
    other_owner, other_business = make.business("Rival Roasters")

    program = programs.create_program(session, other_owner, other_business.id, name="Coffee Club")

    assert program.name == "Coffee Club"


def test_a_rename_onto_another_programs_name_is_refused(session, make, shop):
    owner, business, _, _ = shop
    tea = make.program(owner, business, name="Tea Club")
    before = make.counts()

    with pytest.raises(ConflictError, match="already has a program called Coffee Club"):
        programs.update_program(session, owner, tea.id, name="coffee CLUB")

    assert make.counts() == before
    assert stored(session, LoyaltyProgram, tea.id).name == "Tea Club"


def test_a_program_may_change_the_case_of_its_own_name(session, make, shop):
    owner, _, program, _ = shop

    programs.update_program(session, owner, program.id, name="COFFEE club")

    assert stored(session, LoyaltyProgram, program.id).name == "COFFEE club"


def test_an_archived_programs_name_stays_taken_and_says_why(session, make, shop):
    owner, business, program, _ = shop
    programs.archive_program(session, owner, program.id)

    with pytest.raises(ConflictError) as refused:
        programs.create_program(session, owner, business.id, name="coffee club")

    assert refused.value.message == (
        "An archived program of this business is called Coffee Club: choose another name."
    )


def test_the_unique_index_still_answers_in_words(session, make, shop, monkeypatch):
    """Had the look-up missed a twin (a race), the index refuses it, as a ConflictError."""
    owner, business, _, _ = shop
    monkeypatch.setattr(programs, "_unique_name", lambda _s, _b, name, _p: name)
    before = make.counts()

    with pytest.raises(ConflictError, match="already has a program called Coffee Club"):
        programs.create_program(session, owner, business.id, name="Coffee Club")

    assert make.counts() == before


def test_two_programs_named_alike_at_the_same_moment_make_one(session, engine, make, shop):
    """Two managers create "Cake Club" and "cake club" at once: the business's row lock
    makes them take turns, so the second sees the first (the index alone would let the
    case variant through)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    owner, business, _, _ = shop
    owner_id, business_id = owner.id, business.id
    session.rollback()
    barrier = threading.Barrier(2)
    outcomes = []

    def create(name: str) -> None:
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            try:
                outcomes.append(
                    programs.create_program(own, own.get(User, owner_id), business_id, name=name)
                )
            except ServiceError as error:
                outcomes.append(error)

    threads = [threading.Thread(target=create, args=(n,)) for n in ("Cake Club", "cake club")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "LoyaltyProgram"]
    names = [p.name for p in programs.list_programs(session, owner, business_id)]
    assert sorted(name.casefold() for name in names) == ["cake club", "coffee club"]
