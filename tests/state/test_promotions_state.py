"""PromotionsState, the /cards promo code form and the scanner's promo QR, on the real
services."""

import pytest
from sqlmodel import select

from gudcity.domain.promotions import promo_qr_payload
from gudcity.models import LoyaltyCard, PromoCode, RewardCode
from gudcity.services import programs, promo_codes, promotions
from gudcity.services.permissions import Permission
from gudcity.services.promotions import PromotionInput
from gudcity.services.qr_cards import qr_png
from gudcity.state.cards import CardsState
from gudcity.state.promotions import (
    BONUS,
    CREATE_CODE,
    CREATE_PROMOTION,
    REWARD,
    PromotionsState,
)
from gudcity.state.scanner import ScannerState
from tests.support.scans import photo
from tests.support.tabs import background

pytestmark = pytest.mark.anyio

ROUTE = "/business/promotions"
EVERY_DAY = {f"day-{d}": "on" for d in range(7)}


def promotion_form(state, program_id: int, **changes) -> dict:
    """What the create form submits: 2x points every day, all day."""
    form = {
        "program_id": str(program_id),
        "promotion_name": "Double days",
        "kind": "MULTIPLIER",
        "value": "200",
        "start_time": "00:00",
        "end_time": "24:00",
        "starts_on": "",
        "ends_on": "",
        "form_version": str(state.form_version),
        **EVERY_DAY,
    }
    return form | changes


@pytest.fixture
def shop(make):
    """Bean There with its Coffee Club (10 points a scan), and Alice, not enrolled yet."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    return owner, business, program, make.customer("Alice")


@pytest.fixture
def shop_page(make, tab, shop):
    owner, business, program, customer = shop
    return owner, business, program, customer, tab(PromotionsState, ROUTE, owner)


def balance(session, card) -> int:
    session.rollback()
    session.expire_all()
    return session.get(LoyaltyCard, card.id).balance


async def test_an_empty_page_then_a_promotion_and_a_code(session, shop_page, run):
    _, _, program, _, state = shop_page
    await run(state.load())
    assert (state.promotions, state.codes) == ([], [])
    assert [p.label for p in state.programs] == ["Coffee Club"]
    assert [d.label for d in state.days] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    await run(state.create_promotion(promotion_form(state, program.id)))
    [line] = state.promotions
    assert (line.name, line.offer, line.days, line.running) == (
        "Double days",
        "2x points",
        "Every day",
        True,
    )
    form = {"program_id": str(program.id), "points": "25", "usage_limit": "10"}
    await run(state.create_code(form | {"form_version": str(state.form_version)}))
    [code] = state.codes
    assert (code.gives, code.uses, code.expiry, code.state) == (
        "+25 points",
        "0 of 10 used",
        "No expiry",
        "Active",
    )
    assert state.error_at == ""


async def test_a_refusal_is_shown_on_its_form_and_nothing_is_saved(session, shop_page, run):
    owner, business, program, _, state = shop_page
    await run(state.load())

    await run(state.create_promotion(promotion_form(state, program.id, end_time="")))
    assert (state.error_at, state.error) == (CREATE_PROMOTION, "Type a time like 09:00.")
    await run(
        state.create_code({"program_id": str(program.id), "points": "-1", "form_version": "0"})
    )
    assert state.error_at == CREATE_CODE
    assert promotions.list_promotions(session, owner, business.id) == []
    assert promo_codes.list_promo_codes(session, owner, business.id) == []
    assert state.form_version == 0


async def test_the_code_form_offers_the_chosen_programs_rewards(session, shop_page, make, run):
    owner, business, coffee, _, state = shop_page
    pastry = make.program(owner, business, name="Pastry Club")
    latte = programs.add_reward(session, owner, coffee.id, name="Free latte", cost=40)
    croissant = programs.add_reward(session, owner, pastry.id, name="Croissant", cost=5)
    mug = programs.add_reward(session, owner, pastry.id, name="Old mug", cost=5)
    programs.set_reward_active(session, owner, mug.id, False)
    await run(state.load())
    assert (state.code_program_id, state.code_gives) == (str(coffee.id), BONUS)
    assert [r.label for r in state.code_rewards] == ["Free latte"]

    await run(state.choose_code_program(str(pastry.id)))
    await run(state.choose_code_gives(REWARD))
    assert [r.label for r in state.code_rewards] == ["Croissant"]
    form = {"program_id": str(pastry.id), "reward_id": str(croissant.id)}
    await run(state.create_code(form | {"form_version": str(state.form_version)}))
    [code] = state.codes
    assert (code.gives, code.program_name, state.error_at) == ("Croissant", "Pastry Club", "")

    # Crafted events: an unknown program or choice, a reward of another program, junk, both.
    await run(state.choose_code_program(["junk"]))
    await run(state.choose_code_gives(None))
    assert (state.code_program_id, state.code_gives) == (str(coffee.id), BONUS)
    version = {"form_version": str(state.form_version)}
    for bad in (
        {"program_id": str(coffee.id), "reward_id": str(croissant.id)},
        {"program_id": str(coffee.id), "reward_id": "abc"},
        {"program_id": str(coffee.id), "reward_id": str(latte.id), "points": "5"},
        {"program_id": str(coffee.id)},
    ):
        await run(state.create_code(bad | version))
        assert state.error_at == CREATE_CODE
    assert len(promo_codes.list_promo_codes(session, owner, business.id)) == 1


async def test_edit_and_end_a_promotion(session, shop_page, run):
    _, _, program, _, state = shop_page
    await run(state.load())
    await run(state.create_promotion(promotion_form(state, program.id)))
    promotion_id = state.promotions[0].promotion_id

    await run(state.open_editor(promotion_id))
    assert [d.checked for d in state.editing_days] == [True] * 7
    edited = promotion_form(state, program.id, promotion_name="Tuesdays", kind="BONUS", value="5")
    edited = {k: v for k, v in edited.items() if k not in EVERY_DAY} | {"day-1": "on"}
    await run(state.update_promotion(edited))
    assert (state.promotions[0].name, state.promotions[0].offer) == ("Tuesdays", "+5 points")
    assert state.promotions[0].days == "Tue"
    assert state.editing.promotion_id == 0

    await run(state.end_promotion(promotion_id))
    assert state.promotions == []


async def test_staff_without_the_programs_permission_see_no_access(make, tab, shop, run):
    owner, business, _, _ = shop
    counter = make.staff(owner, business, Permission.SCAN, Permission.AWARD)
    state = tab(PromotionsState, ROUTE, counter)
    await run(state.load())
    assert not state.can_manage_programs
    assert (state.programs, state.promotions, state.codes) == ([], [], [])


# --- the customer's side ------------------------------------------------------------------


async def test_cards_show_a_running_promotion_and_apply_a_code(session, make, tab, shop, run):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    every_day = PromotionInput("Double days", "MULTIPLIER", 200, range(7), "00:00", "24:00")
    promotions.create_promotion(session, owner, program.id, every_day)
    code = promo_codes.create_promo_code(session, owner, program.id, points=25)
    state = tab(CardsState, "/cards", customer)
    await run(state.load())
    [running] = state.cards[0].promotions
    assert (running.name, running.text) == ("Double days", "2x points until midnight")

    await run(state.apply_code({"promo_code": code.code.lower()}))
    assert state.promo_result == "Promo code applied: 25 points on your Coffee Club card."
    assert state.promo_error == ""
    assert balance(session, card) == 25

    await run(state.apply_code({"promo_code": code.code}))
    assert state.promo_error == "You have already used this promo code."
    await run(state.apply_code({"promo_code": ["junk"]}))
    assert state.promo_error == "Type the promo code."
    await run(state.apply_code(None))
    assert balance(session, card) == 25


# --- the counter --------------------------------------------------------------------------


async def test_the_scanner_applies_a_promo_qr_to_the_customer_on_screen(
    session, make, tab, shop, run
):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    code = promo_codes.create_promo_code(session, owner, program.id, points=7)
    state = tab(ScannerState, "/business/scanner", owner)
    await run(state.load())
    qr = photo(qr_png(promo_qr_payload(code.code)))

    await run(background(state, "scan_upload", qr))
    assert state.error == "Scan the customer's card first, then their promo code."
    assert balance(session, card) == 0

    await run(state.look_up({"card_number": customer.card_number}))
    await run(background(state, "scan_upload", photo(qr_png(promo_qr_payload(code.code)))))
    assert state.outcome == f"Promo code {code.code}: +7 points on the customer's card."
    assert state.customer_balance == "7"
    uses = session.exec(select(PromoCode.uses).where(PromoCode.id == code.id)).one()
    assert uses == 1


async def test_the_scanner_applies_a_reward_code_to_the_customer_on_screen(
    session, make, tab, shop, run
):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    latte = programs.add_reward(session, owner, program.id, name="Free latte", cost=40)
    code = promo_codes.create_promo_code(session, owner, program.id, reward_id=latte.id)
    state = tab(ScannerState, "/business/scanner", owner)
    await run(state.load())
    await run(state.look_up({"card_number": customer.card_number}))

    await run(background(state, "scan_upload", photo(qr_png(promo_qr_payload(code.code)))))

    waiting = session.exec(select(RewardCode).where(RewardCode.card_id == card.id)).one()
    assert state.outcome == (
        f"Promo code {code.code}: Free latte for the customer, to hand over with reward code "
        f"{waiting.code}."
    )
    assert balance(session, card) == 0
