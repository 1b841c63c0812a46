"""TiersState (the Tiers dialog of /business/programs) and the tier on a /cards tile,
through the real services."""

import pytest
from sqlmodel import select

from gudcity.domain.tiers import Tier
from gudcity.i18n import formatting
from gudcity.models import LoyaltyCard, ProgramKind, ProgramTier
from gudcity.services import tiers
from gudcity.services.permissions import Permission
from gudcity.state.cards_page import read_cards_page
from gudcity.state.program_tiers import TiersState, typed_tiers
from tests.support.events import toasts

pytestmark = pytest.mark.anyio

ROUTE = "/business/programs"


def tier_form(*rows, basis="LIFETIME", days="365", downgrade="WINDOW") -> dict:
    form = {"tier_basis": basis, "tier_window_days": days, "tier_downgrade": downgrade}
    for index, (name, threshold, multiplier, benefits) in enumerate(rows):
        form |= {
            f"tier_name_{index}": name,
            f"tier_threshold_{index}": threshold,
            f"tier_multiplier_{index}": multiplier,
            f"tier_benefits_{index}": benefits,
        }
    return form


def stored(session, program):
    rows = session.exec(
        select(ProgramTier)
        .where(ProgramTier.program_id == program.id)
        .order_by(ProgramTier.position)
    ).all()
    return [(tier.name, tier.threshold, tier.multiplier_percent, tier.benefits) for tier in rows]


def test_a_row_without_a_name_is_left_out_and_numbers_go_on_as_typed():
    form = tier_form(("Member", "0", "100", ""), ("", "5", "", ""), ("Gold", "ten", "150", "A\nB"))
    assert typed_tiers(form, 3) == [Tier("Member", 0, 100), Tier("Gold", "ten", 150, ("A", "B"))]
    assert typed_tiers("not a form", 2) == []


async def test_the_owner_opens_adds_and_saves_tiers(session, make, tab, run):
    owner, business = make.business()
    program = make.program(owner, business)
    state = tab(TiersState, ROUTE, owner)

    await run(state.open(program.id, False))
    assert state.program_id == program.id
    assert [(row.name, row.threshold) for row in state.rows] == [("", "0")]
    await run(state.add_row())
    assert len(state.rows) == 2

    form = tier_form(("Member", "0", "100", ""), ("Gold", "100", "150", "Free refill\n"))
    events = await run(state.save(form))
    assert toasts(events) == [("success", "Tiers saved.")]
    assert state.program_id == 0
    assert stored(session, program) == [
        ("Member", 0, 100, []),
        ("Gold", 100, 150, ["Free refill"]),
    ]

    await run(state.open(program.id, False))
    assert [(row.name, row.multiplier, row.benefits) for row in state.rows] == [
        ("Member", "100", ""),
        ("Gold", "150", "Free refill"),
    ]


async def test_a_refused_ladder_is_explained_in_the_dialog_and_changes_nothing(
    session, make, tab, run
):
    owner, business = make.business()
    program = make.program(owner, business)
    state = tab(TiersState, ROUTE, owner)
    await run(state.open(program.id, False))
    await run(state.save(tier_form(("Member", "5", "100", ""))))
    assert state.error == "The first tier starts at 0: every customer is in it."
    assert state.program_id == program.id  # the dialog stays open
    await run(state.save(tier_form(("Member", "0", "100", ""), days="0")))
    assert "days" in state.error
    assert stored(session, program) == []


async def test_staff_without_the_permission_cannot_open_the_dialog(make, tab, run):
    owner, business = make.business()
    program = make.program(owner, business)
    clerk = make.staff(owner, business, Permission.SCAN)
    state = tab(TiersState, ROUTE, clerk)
    events = await run(state.open(program.id, False))
    assert toasts(events) == [("error", "You do not have permission to do this.")]
    assert state.program_id == 0


async def test_crafted_arguments_are_refused(make, tab, run):
    owner, business = make.business()
    make.program(owner, business)
    state = tab(TiersState, ROUTE, owner)
    events = await run(state.open("1; DROP TABLE", "yes"))
    assert [kind for kind, _ in toasts(events)] == ["error"]
    assert state.program_id == 0
    assert await run(state.save({"tier_name_0": "X"})) == []  # no dialog open: nothing


def test_a_cards_tile_shows_the_tier_its_benefits_and_the_way_up(session, make):
    owner, business = make.business()
    ladder = [Tier("Member", 0), Tier("Gold", 10, 200, ("Free refill",))]
    rules = {"basis": "WINDOW", "window_days": 90, "downgrade": "WINDOW"}
    points = make.program(owner, business, name="Coffee Club")
    stamps = make.program(owner, business, name="Cake Card", kind=ProgramKind.STAMPS)
    plain = make.program(owner, business, name="Tea Club")
    for program in (points, stamps):
        tiers.save_tiers(session, owner, program.id, tiers=ladder, **rules)
    customer = make.customer()
    gold_card = make.card(customer, points, balance=12)
    make.card(customer, stamps, balance=9)
    make.card(customer, plain, balance=3)

    tiles = {tile.program_name: tile for tile in read_cards_page(session, customer).cards}

    gold, cake, tea = tiles["Coffee Club"], tiles["Cake Card"], tiles["Tea Club"]
    assert (gold.tier, gold.tier_benefits, gold.next_tier) == (
        "Gold",
        ["Free refill"],
        "You are in the top tier.",
    )
    assert gold.tier_window == "Counted over the last 90 days"
    ends = session.exec(
        select(LoyaltyCard.tier_review_at).where(LoyaltyCard.id == gold_card.id)
    ).one()
    assert gold.keep_tier == f"10 more points by {formatting.day(ends.date(), 'en')} to keep Gold"
    assert cake.keep_tier == ""  # nothing to lose in the first tier
    assert (cake.tier, cake.next_tier) == ("Member", "1 more stamp to Gold")
    assert (tea.tier, tea.tier_benefits, tea.next_tier) == ("", [], "")
    in_french = read_cards_page(session, customer, language="fr").cards
    assert [tile.next_tier for tile in in_french if tile.program_name == "Cake Card"] == [
        "Encore 1 tampon pour Gold"
    ]
