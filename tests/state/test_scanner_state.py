"""ScannerState: /business/scanner, identifying customers and acting, on the real services."""

import base64
import hmac
import io

import pytest
from PIL import Image
from sqlmodel import select

from gudcity.domain import qr_tokens
from gudcity.domain.card_numbers import format_card_number
from gudcity.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    CustomerNotification,
    LoyaltyCard,
    QrScanLog,
)
from gudcity.services import (
    deductions,
    enrollment,
    lookups,
    outbox,
    programs,
    qr_cards,
)
from gudcity.services.permissions import Permission
from gudcity.state.camera import CAMERA_ERRORS, CAMERA_FAILED
from gudcity.state.scanner import ScannerState
from tests.support.events import redirect_target, toasts
from tests.support.scans import frame_of, photo, qr_photo, scripts, streamed
from tests.support.tabs import background

pytestmark = pytest.mark.anyio

ROUTE = "/business/scanner"


def fresh(session) -> None:
    """Forget what the test's session holds: the handlers wrote through their own."""
    session.rollback()
    session.expire_all()


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Rows added per table between two `make.counts()`."""
    return {table: after[table] - before[table] for table in after if after[table] != before[table]}


def balance_of(session, customer, program) -> int | None:
    fresh(session)
    card = session.exec(
        select(LoyaltyCard).where(
            LoyaltyCard.customer_id == customer.id, LoyaltyCard.program_id == program.id
        )
    ).first()
    return card.balance if card else None


def forged_token(customer) -> str:
    """A well-formed token for `customer`, signed with a key GudCity never used."""
    tag, _, text = qr_cards.issue_token(customer).partition(".")
    body = base64.b32decode(text + "=" * (-len(text) % 8))[: -qr_tokens.MAC_LENGTH]
    mac = hmac.new(b"not the secret key", f"{tag}.".encode() + body, "sha256").digest()
    return f"{tag}." + base64.b32encode(body + mac[: qr_tokens.MAC_LENGTH]).decode().rstrip("=")


def typed(customer) -> dict:
    """The look-up form, as the customer reads their number out."""
    return {"card_number": format_card_number(customer.card_number)}


@pytest.fixture
def counter(make):
    """Bean There: two active programs and a paused one; Alice is new, Bob holds 5 points."""
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    cakes = make.program(owner, business, name="Cake Club", points_per_scan=3)
    paused = make.program(owner, business, name="Old Club")
    programs.update_program(make.session, owner, paused.id, is_active=False)
    alice = make.customer("Alice")
    bob = make.customer("Bob")
    make.card(bob, coffee, balance=5)
    return owner, business, coffee, cakes, alice, bob


@pytest.fixture
async def scanner(tab, counter, run):
    """The owner's scanner page, loaded."""
    owner = counter[0]
    state = tab(ScannerState, ROUTE, owner)
    await run(state.load())
    return state


@pytest.fixture
def elsewhere(make):
    """Another business with its own program and customer."""
    owner, business = make.business("Book Nook")
    readers = make.program(owner, business, name="Readers")
    carol = make.customer("Carol")
    make.card(carol, readers, balance=40)
    return owner, readers, carol


# --- load --------------------------------------------------------------------------------


async def test_load_lists_the_active_programs_and_chooses_the_first(tab, counter, run):
    owner, _, coffee, cakes, _, _ = counter
    state = tab(ScannerState, ROUTE, owner)

    events = await run(state.load())

    assert redirect_target(events) is None
    assert not state.loading
    assert [(c.program_id, c.label) for c in state.programs] == [
        (str(coffee.id), "Coffee Club"),
        (str(cakes.id), "Cake Club"),
    ]
    assert state.program_id == str(coffee.id)
    assert (state.business_name, state.is_owner) == ("Bean There", True)
    assert not state.has_customer
    assert (state.error, state.outcome) == ("", "")


async def test_staff_load_their_business(make, tab, counter, run):
    owner, business, coffee, _, _, _ = counter
    staff = make.staff(owner, business, Permission.SCAN)
    state = tab(ScannerState, ROUTE, staff)

    await run(state.load())

    assert (state.business_name, state.is_owner) == ("Bean There", False)
    assert [c.label for c in state.programs] == ["Coffee Club", "Cake Club"]
    assert state.program_id == str(coffee.id)


async def test_a_customer_is_sent_to_their_own_home(make, tab, run):
    state = tab(ScannerState, ROUTE, make.customer())

    events = await run(state.load())

    assert redirect_target(events) == "/cards"
    assert state.programs == []


async def test_an_anonymous_visitor_is_sent_to_log_in(tab, run):
    state = tab(ScannerState, ROUTE)

    events = await run(state.load())

    assert redirect_target(events) == "/login?next=/business/scanner"


async def test_without_programs_a_scan_asks_for_one_first(make, tab, run):
    owner, _ = make.business()
    alice = make.customer("Alice")
    state = tab(ScannerState, ROUTE, owner)
    await run(state.load())
    assert (state.programs, state.program_id) == ([], "")
    before = make.counts()

    events = await run(state.look_up(typed(alice)))

    assert state.error == "Create a program first: scans award its points."
    assert toasts(events) == [("error", state.error)]
    assert make.counts() == before


# --- typed card numbers ------------------------------------------------------------------


async def test_look_up_of_a_new_customer_shows_them_and_sends_nothing(
    session, make, counter, scanner, run
):
    """A typed number is not a scan: no invitation, no notification, no visit."""
    _, _, coffee, _, alice, _ = counter
    before = make.counts()

    events = await run(scanner.look_up(typed(alice)))

    assert toasts(events) == []
    assert (scanner.customer_name, scanner.customer_status) == ("Alice", "Not enrolled")
    assert (scanner.customer_balance, scanner.outcome, scanner.error) == ("", "", "")
    assert scanner.has_customer and not scanner.busy
    assert make.counts() == before
    fresh(session)
    assert lookups.pending_enrollment_request(session, alice.id, coffee.id) is None


async def test_look_up_of_an_enrolled_customer_awards_nothing(session, make, counter, scanner, run):
    _, _, coffee, _, _, bob = counter
    before = make.counts()

    await run(scanner.look_up({"card_number": bob.card_number}))

    assert (scanner.customer_name, scanner.customer_status) == ("Bob", "Enrolled")
    assert (scanner.customer_balance, scanner.outcome) == ("5", "")
    assert make.counts() == before
    assert balance_of(session, bob, coffee) == 5


async def test_after_a_look_up_the_buttons_award_and_enroll(session, counter, scanner, run):
    """A looked-up customer gets points or an invitation on a click, not before."""
    _, _, coffee, _, alice, bob = counter
    await run(scanner.look_up(typed(bob)))
    await run(scanner.set_points_text("7"))
    await run(scanner.award(scanner.action_key))
    assert (scanner.customer_balance, scanner.outcome) == ("12", "+7 points awarded.")

    await run(scanner.look_up(typed(alice)))
    assert (scanner.customer_status, scanner.outcome) == ("Not enrolled", "")
    await run(scanner.enroll(scanner.action_key))

    assert scanner.customer_status == "Invitation sent"
    fresh(session)
    request = lookups.pending_enrollment_request(session, alice.id, coffee.id)
    assert request is not None and request.points == 0


async def test_look_up_by_a_program_card_number(session, counter, scanner, run):
    bob = counter[5]
    fresh(session)
    card = session.exec(select(LoyaltyCard).where(LoyaltyCard.customer_id == bob.id)).one()

    await run(scanner.look_up({"card_number": card.card_number}))

    assert (scanner.customer_name, scanner.customer_balance) == ("Bob", "5")


def swap_neighbours(number: str) -> str:
    """The first two neighbours a Luhn check digit catches swapped (it misses 09 <-> 90)."""
    for i in range(len(number) - 1):
        left, right = number[i], number[i + 1]
        if left != right and {left, right} != {"0", "9"}:
            return number[:i] + right + left + number[i + 2 :]
    raise AssertionError(f"no neighbours to swap in {number}")


@pytest.mark.parametrize("mistake", ["check digit", "swapped", "short", "letters", "empty"])
async def test_a_mistyped_number_is_refused_and_writes_nothing(
    make, counter, scanner, run, mistake
):
    bob = counter[5]
    number = bob.card_number
    wrong = {
        "check digit": number[:-1] + str((int(number[-1]) + 1) % 10),
        "swapped": swap_neighbours(number),
        "short": number[:-1],
        "letters": "abcd efgh ijkl",
        "empty": "",
    }[mistake]
    before = make.counts()

    events = await run(scanner.look_up({"card_number": wrong}))

    assert scanner.error == "That card number is not valid: check the digits."
    assert toasts(events) == [("error", scanner.error)]
    assert make.counts() == before
    assert not scanner.has_customer
    assert scanner.outcome == ""
    assert not scanner.busy


async def test_an_unknown_number_is_logged_and_refused(make, session, counter, scanner, run):
    owner = counter[0]
    unknown = "123456789015"  # passes the check digit, belongs to nobody
    before = make.counts()

    await run(scanner.look_up({"card_number": unknown}))

    assert scanner.error == "No customer has this card number."
    assert changed(before, make.counts()) == {"qr_scan_logs": 1}
    log = session.exec(select(QrScanLog)).one()
    assert (log.outcome, log.scanned_by, log.detail) == ("UNKNOWN_CARD", owner.id, unknown)


async def test_a_scan_within_the_cooldown_awards_nothing_and_says_when(session, make, tab, run):
    owner, business = make.business()
    program = make.program(owner, business, scan_cooldown_seconds=3600)
    bob = make.customer("Bob")
    make.card(bob, program)
    state = tab(ScannerState, ROUTE, owner)
    await run(state.load())

    await run(background(state, "scan_upload", qr_photo(bob)))
    assert state.customer_balance == "10"

    await run(background(state, "scan_upload", qr_photo(bob)))

    assert state.outcome == "Scanned. No points this time: next scan award in 60 min."
    assert state.customer_balance == "10"
    assert balance_of(session, bob, program) == 10


async def test_the_points_given_on_joining_start_the_cooldown(session, make, tab, run):
    """Scan -> invitation -> Accept (+10): a second scan moments later gives nothing."""
    owner, business = make.business()
    program = make.program(owner, business)  # the default cooldown: 5 minutes
    alice = make.customer("Alice")
    state = tab(ScannerState, ROUTE, owner)
    await run(state.load())
    await run(background(state, "scan_upload", qr_photo(alice)))
    fresh(session)
    request = lookups.pending_enrollment_request(session, alice.id, program.id)
    enrollment.respond_to_enrollment(session, alice, request.id, True)
    assert balance_of(session, alice, program) == 10

    await run(background(state, "scan_upload", qr_photo(alice)))

    assert state.outcome == "Scanned. No points this time: next scan award in 5 min."
    assert state.customer_balance == "10"
    assert balance_of(session, alice, program) == 10


# --- photos of the QR --------------------------------------------------------------------


async def test_scan_upload_of_a_qr_photo_finds_the_customer(session, counter, scanner, run):
    _, _, coffee, _, alice, _ = counter

    events = await run(background(scanner, "scan_upload", qr_photo(alice)))

    assert toasts(events) == []
    assert (scanner.customer_name, scanner.customer_status) == ("Alice", "Invitation sent")
    assert scanner.error == ""
    assert not scanner.busy
    fresh(session)
    assert lookups.pending_enrollment_request(session, alice.id, coffee.id) is not None


async def test_scan_upload_of_an_enrolled_customer_awards_the_scan(session, counter, scanner, run):
    _, _, coffee, _, _, bob = counter

    await run(background(scanner, "scan_upload", qr_photo(bob)))

    assert (scanner.customer_name, scanner.customer_balance) == ("Bob", "15")
    assert balance_of(session, bob, coffee) == 15


async def test_scan_upload_of_a_file_that_is_not_an_image(make, counter, scanner, run):
    before = make.counts()

    events = await run(
        background(scanner, "scan_upload", photo(b"%PDF-1.4 not a picture", "doc.pdf"))
    )

    message = "That file is not an image we can read (use a JPEG, PNG or WebP photo)."
    assert scanner.error == message
    assert toasts(events) == [("error", message)]
    assert make.counts() == before
    assert not scanner.has_customer
    assert not scanner.busy


async def test_scan_upload_of_a_photo_without_a_qr(make, counter, scanner, run):
    blank = io.BytesIO()
    Image.new("L", (200, 200), 255).save(blank, format="PNG")
    before = make.counts()

    await run(background(scanner, "scan_upload", photo(blank.getvalue())))

    assert scanner.error == "No QR code found in that photo. Try again, closer."
    assert make.counts() == before
    assert not scanner.busy


async def test_scan_upload_of_a_forged_qr_is_refused_and_logged(
    session, make, counter, scanner, run
):
    _, _, coffee, _, _, bob = counter
    before = make.counts()

    events = await run(
        background(scanner, "scan_upload", photo(qr_cards.qr_png(forged_token(bob))))
    )

    message = qr_tokens.ForgedQrError.default_message
    assert scanner.error == message
    assert toasts(events) == [("error", message)]
    assert changed(before, make.counts()) == {"qr_scan_logs": 1}
    log = session.exec(select(QrScanLog)).one()
    assert (log.outcome, log.detail, log.program_id, log.customer_id) == (
        "INVALID_TOKEN",
        "bad signature",
        coffee.id,
        None,
    )
    assert balance_of(session, bob, coffee) == 5
    assert not scanner.has_customer


async def test_scan_upload_of_a_qr_that_is_not_gudcitys(make, counter, scanner, run):
    await run(
        background(scanner, "scan_upload", photo(qr_cards.qr_png("https://example.com/menu")))
    )

    assert scanner.error == "This is not a GudCity QR code."


async def test_scan_upload_with_no_file_does_nothing(make, counter, scanner, run):
    before = make.counts()

    assert await run(background(scanner, "scan_upload", streamed())) == []

    assert make.counts() == before
    assert scanner.error == ""


# --- award, deduct, enroll ---------------------------------------------------------------


@pytest.fixture
async def bob_on_screen(counter, scanner, run):
    """The owner's scanner showing Bob (15 points in Coffee Club after his QR scan)."""
    await run(background(scanner, "scan_upload", qr_photo(counter[5])))
    assert scanner.customer_balance == "15"
    return scanner


async def test_award_moves_the_balance_by_the_points_typed(session, counter, bob_on_screen, run):
    _, _, coffee, _, _, bob = counter
    state = bob_on_screen
    await run(state.set_points_text(" 25 "))

    events = await run(state.award(state.action_key))

    assert toasts(events) == []
    assert state.outcome == "+25 points awarded."
    assert state.customer_balance == "40"
    assert balance_of(session, bob, coffee) == 40
    assert not state.busy


async def test_a_double_click_awards_once(session, counter, bob_on_screen, run):
    """The browser sends the same action key with both clicks of a double click."""
    _, _, coffee, _, _, bob = counter
    state = bob_on_screen
    key = state.action_key
    await run(state.set_points_text("25"))

    await run(state.award(key))
    await run(state.award(key))

    assert balance_of(session, bob, coffee) == 40
    assert state.customer_balance == "40"
    assert state.action_key != key  # the next click is a new award

    await run(state.award(state.action_key))
    assert balance_of(session, bob, coffee) == 65


async def test_a_repeated_key_shows_the_first_amount_not_the_newly_typed_one(
    session, counter, bob_on_screen, run
):
    """A retried click carries the first click's key: the screen tells what was done."""
    _, _, coffee, _, _, bob = counter
    state = bob_on_screen
    key = state.action_key
    await run(state.set_points_text("25"))
    await run(state.award(key))
    await run(state.set_points_text("70"))

    await run(state.award(key))

    assert state.outcome == "+25 points awarded."
    assert balance_of(session, bob, coffee) == 40

    await run(state.set_points_text("30"))
    await run(state.deduct("deduct-key"))
    await run(state.set_points_text("5"))
    await run(state.deduct("deduct-key"))
    assert state.outcome == "Asked the customer to approve taking 30 points off their card."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "Points must be a whole number."),
        ("", "Points must be a whole number."),
        ("2.5", "Points must be a whole number."),
        ("0", "Points must be between 1 and 100,000."),
        ("-5", "Points must be between 1 and 100,000."),
        ("100001", "Points must be between 1 and 100,000."),
    ],
)
async def test_award_of_bad_points_is_refused_and_writes_nothing(
    session, make, counter, bob_on_screen, run, text, message
):
    _, _, coffee, _, _, bob = counter
    state = bob_on_screen
    await run(state.set_points_text(text))
    before = make.counts()

    events = await run(state.award(state.action_key))

    assert state.error == message
    assert toasts(events) == [("error", message)]
    assert make.counts() == before
    assert state.customer_balance == "15"
    assert balance_of(session, bob, coffee) == 15


async def test_deduct_asks_the_customer_and_does_not_move_the_balance(
    session, counter, bob_on_screen, run
):
    _, _, coffee, _, _, bob = counter
    state = bob_on_screen
    await run(state.set_points_text("6"))

    await run(state.deduct(state.action_key))

    assert state.outcome == "Asked the customer to approve taking 6 points off their card."
    assert state.error == ""
    assert state.customer_balance == "15"
    assert balance_of(session, bob, coffee) == 15
    request = session.exec(
        select(ApprovalRequest).where(ApprovalRequest.kind == ApprovalKind.POINTS_DEDUCTION)
    ).one()
    assert (request.customer_id, request.points, request.status) == (
        bob.id,
        6,
        ApprovalStatus.PENDING,
    )
    note = session.exec(
        select(CustomerNotification).where(CustomerNotification.approval_request_id == request.id)
    ).one()
    assert note.message == "Bean There wants to deduct 6 points from your Coffee Club card."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("16", "The card holds only 15 points."),
        ("abc", "Points must be a whole number."),
        ("0", "Points must be between 1 and 100,000."),
    ],
)
async def test_a_refused_deduction_writes_nothing(make, counter, bob_on_screen, run, text, message):
    state = bob_on_screen
    await run(state.set_points_text(text))
    before = make.counts()

    await run(state.deduct(state.action_key))

    assert state.error == message
    assert make.counts() == before


async def test_enroll_sends_an_invitation(session, counter, bob_on_screen, run):
    _, _, _, cakes, _, bob = counter
    state = bob_on_screen
    await run(state.choose_program(str(cakes.id)))
    assert (state.customer_name, state.customer_status) == ("Bob", "Not enrolled")
    assert state.customer_balance == ""

    await run(state.enroll(state.action_key))

    assert state.outcome == "Invitation sent: the customer can accept it on their phone."
    assert state.customer_status == "Invitation sent"
    fresh(session)
    request = lookups.pending_enrollment_request(session, bob.id, cakes.id)
    assert request is not None
    assert request.points == 0


async def test_enrolling_an_enrolled_customer_is_refused(make, counter, bob_on_screen, run):
    state = bob_on_screen
    before = make.counts()

    await run(state.enroll(state.action_key))

    assert state.error == "Bob is already enrolled in Coffee Club."
    assert make.counts() == before


async def test_award_and_deduct_need_an_enrolled_customer_on_screen(make, counter, scanner, run):
    before = make.counts()

    for click in (scanner.award, scanner.deduct, scanner.enroll):
        # The buttons are disabled; a crafted click is refused in words.
        refused = await run(click(scanner.action_key))
        assert [level for level, _ in toasts(refused)] == ["error"]
        assert scanner.error == toasts(refused)[0][1]

    assert make.counts() == before


async def test_staff_without_the_award_permission_cannot_award(session, make, tab, counter, run):
    owner, business, coffee, _, _, bob = counter
    staff = make.staff(owner, business, Permission.SCAN)
    state = tab(ScannerState, ROUTE, staff)
    await run(state.load())
    await run(state.look_up(typed(bob)))
    assert state.customer_balance == "5"  # looking up is allowed
    assert (state.can_scan, state.can_award, state.can_deduct) == (True, False, False)
    before = make.counts()

    await run(state.award(state.action_key))

    assert state.error == "You do not have permission to do this."
    assert make.counts() == before
    assert balance_of(session, bob, coffee) == 5


# --- the scanner follows the customer's answers ------------------------------------------


async def test_live_refresh_shows_the_customer_accepting(session, counter, scanner, run):
    _, _, coffee, _, alice, _ = counter
    await run(background(scanner, "scan_upload", qr_photo(alice)))
    assert scanner.outcome == "Not enrolled yet: an invitation was sent to the customer."
    fresh(session)
    request = lookups.pending_enrollment_request(session, alice.id, coffee.id)
    enrollment.respond_to_enrollment(session, alice, request.id, True)

    await run(scanner._live_refresh())

    assert (scanner.customer_status, scanner.customer_balance) == ("Enrolled", "10")
    assert scanner.outcome == (
        "Alice accepted the invitation: enrolled in Coffee Club, with +10 points for this visit."
    )
    assert scanner.outcome_tone == "green"


def deduction_of(session, customer):
    fresh(session)
    return session.exec(
        select(ApprovalRequest).where(
            ApprovalRequest.kind == ApprovalKind.POINTS_DEDUCTION,
            ApprovalRequest.customer_id == customer.id,
        )
    ).one()


@pytest.mark.parametrize(
    ("approve", "balance", "message", "tone"),
    [
        (True, "9", "Bob approved: 6 points taken off their card.", "green"),
        (False, "15", "Bob declined the deduction of 6 points: the balance is unchanged.", "amber"),
    ],
)
async def test_the_counter_learns_the_answer_to_a_deduction(
    session, counter, bob_on_screen, run, approve, balance, message, tone
):
    bob, state = counter[5], bob_on_screen
    await run(state.set_points_text("6"))
    await run(state.deduct(state.action_key))
    assert state.outcome == "Asked the customer to approve taking 6 points off their card."

    deductions.respond_to_deduction(session, bob, deduction_of(session, bob).id, approve)
    await run(state._live_refresh())

    assert (state.outcome, state.outcome_tone, state.customer_balance) == (message, tone, balance)

    # Shown once: the next action's outcome is not overwritten by the old answer.
    await run(state.set_points_text("1"))
    await run(state.award(state.action_key))
    await run(state._live_refresh())
    assert state.outcome == "+1 point awarded."


async def test_the_counter_learns_a_declined_invitation(session, counter, bob_on_screen, run):
    _, _, _, cakes, _, bob = counter
    state = bob_on_screen
    await run(state.choose_program(str(cakes.id)))
    await run(state.enroll(state.action_key))
    fresh(session)
    request = lookups.pending_enrollment_request(session, bob.id, cakes.id)

    enrollment.respond_to_enrollment(session, bob, request.id, False)
    await run(state._live_refresh())

    assert state.outcome == "Bob declined the invitation to Cake Club."
    assert (state.outcome_tone, state.customer_status) == ("amber", "Not enrolled")


async def test_an_answer_about_a_customer_no_longer_on_screen_is_not_shown(
    session, counter, bob_on_screen, run
):
    _, _, _, _, alice, bob = counter
    state = bob_on_screen
    await run(state.set_points_text("6"))
    await run(state.deduct(state.action_key))
    await run(state.look_up(typed(alice)))

    deductions.respond_to_deduction(session, bob, deduction_of(session, bob).id, True)
    await run(state._live_refresh())

    assert (state.customer_name, state.outcome) == ("Alice", "")


async def test_the_scanner_listens_for_answers_without_the_business_settle(counter, scanner):
    business = counter[1]
    assert scanner._topics() == {f"business:{business.id}", f"answer:{business.id}"}
    assert outbox.is_urgent(f"answer:{business.id}")
    assert not outbox.is_urgent(f"business:{business.id}")


async def test_live_refresh_drops_a_paused_program(session, counter, scanner, run):
    owner, _, coffee, cakes, _, _ = counter
    programs.update_program(session, owner, coffee.id, is_active=False)

    await run(scanner._live_refresh())

    assert [c.label for c in scanner.programs] == ["Cake Club"]
    assert scanner.program_id == str(cakes.id)


# --- another business's program --------------------------------------------------------


async def test_a_scan_into_another_business_program_is_refused(
    make, counter, elsewhere, scanner, run
):
    _, readers, carol = elsewhere
    scanner.program_id = str(readers.id)  # a crafted event
    before = make.counts()

    await run(scanner.look_up(typed(carol)))

    assert scanner.error == "You do not work for this business."
    assert make.counts() == before
    assert not scanner.has_customer


async def test_a_qr_scan_into_another_business_program_is_refused(
    make, counter, elsewhere, scanner, run
):
    _, readers, carol = elsewhere
    scanner.program_id = str(readers.id)
    before = make.counts()

    await run(background(scanner, "scan_upload", qr_photo(carol)))

    assert scanner.error == "You do not work for this business."
    assert make.counts() == before


async def test_enrolling_into_another_business_program_is_refused(
    session, make, counter, elsewhere, bob_on_screen, run
):
    _, readers, _ = elsewhere
    bob = counter[5]
    state = bob_on_screen
    state.program_id = str(readers.id)  # a crafted event
    before = make.counts()

    await run(state.enroll(state.action_key))

    assert state.error == "You do not work for this business."
    assert make.counts() == before
    fresh(session)
    assert lookups.pending_enrollment_request(session, bob.id, readers.id) is None


async def test_choosing_another_business_program_is_refused(
    make, counter, elsewhere, bob_on_screen, run
):
    _, readers, _ = elsewhere
    state = bob_on_screen
    before = make.counts()

    shown_program = state.program_id
    events = await run(state.choose_program(str(readers.id)))

    assert toasts(events) == [("error", "Choose one of your active programs.")]
    assert state.program_id == shown_program
    assert state.customer_balance != "40"  # never another business's card
    assert make.counts() == before


async def test_awarding_after_switching_to_another_business_program_is_refused(
    session, make, counter, elsewhere, bob_on_screen, run
):
    """Bob's Coffee Club card is on screen; the program is then set to Book Nook's."""
    _, readers, _ = elsewhere
    _, _, coffee, _, _, bob = counter
    state = bob_on_screen
    state.program_id = str(readers.id)  # a crafted event
    await run(state.set_points_text("25"))
    before = make.counts()

    await run(state.award(state.action_key))

    # Refused means nothing written, not 25 points awarded under an error message.
    assert state.error == "This customer is not enrolled in the chosen program."
    assert make.counts() == before
    assert balance_of(session, bob, coffee) == 15


# --- the camera --------------------------------------------------------------------------


@pytest.fixture
async def filming(scanner, run):
    """The scanner with its camera started (the browser said it is ready)."""
    await run(scanner.start_camera())
    events = await run(scanner.camera_ready({"ok": True, "cameras": 2, "error": ""}))
    assert scripts(events) == ["gudcityCamera.frame()"]
    return scanner


async def test_start_camera_asks_the_browser_for_the_camera(scanner, run):
    events = await run(scanner.start_camera())

    assert scripts(events) == ["gudcityCamera.start()"]
    assert scanner.camera_status == "Starting the camera…"
    assert not scanner.camera_on


async def test_a_camera_that_cannot_start_says_why(make, scanner, run):
    await run(scanner.start_camera())
    denied = CAMERA_ERRORS["denied"]

    events = await run(scanner.camera_ready({"ok": False, "cameras": 0, "error": "denied"}))

    assert scripts(events) == []
    assert (scanner.camera_on, scanner.camera_status, scanner.camera_error) == (False, "", denied)


@pytest.mark.parametrize("report", [None, "ok", {"ok": "yes", "cameras": 2}, {"ok": 1}])
async def test_a_malformed_camera_report_counts_as_a_camera_that_did_not_start(
    scanner, run, report
):
    events = await run(scanner.camera_ready(report))

    assert scripts(events) == []
    assert not scanner.camera_on
    assert scanner.camera_error == CAMERA_FAILED


async def test_a_ready_camera_counts_the_cameras_and_asks_for_a_frame(filming):
    assert filming.camera_on
    assert filming.camera_count == 2
    assert filming.camera_status == "Point the camera at the customer's QR code."


async def test_a_frame_without_a_qr_asks_for_the_next(make, filming, run):
    blank = io.BytesIO()
    Image.new("L", (320, 240), 200).save(blank, format="PNG")
    before = make.counts()

    events = await run(background(filming, "scan_frame", frame_of(blank.getvalue())))
    empty = await run(background(filming, "scan_frame", ""))

    assert scripts(events) == scripts(empty) == ["gudcityCamera.frame()"]
    assert filming.camera_on
    assert make.counts() == before


async def test_a_frame_with_a_customers_qr_runs_the_scan_and_stops_the_camera(
    session, counter, filming, run
):
    _, _, coffee, _, _, bob = counter

    events = await run(
        background(filming, "scan_frame", frame_of(qr_cards.qr_png(qr_cards.issue_token(bob))))
    )

    assert scripts(events) == ["gudcityCamera.confirm()"]
    assert (filming.customer_name, filming.customer_balance) == ("Bob", "15")
    assert not filming.camera_on
    assert balance_of(session, bob, coffee) == 15


async def test_a_forged_qr_on_camera_is_refused_once_and_the_camera_keeps_looking(
    session, counter, filming, run
):
    alice = counter[4]
    forged = frame_of(qr_cards.qr_png(forged_token(alice)))

    first = await run(background(filming, "scan_frame", forged))
    again = await run(background(filming, "scan_frame", forged))

    assert toasts(first) == [("error", filming.error)]
    assert scripts(first) == scripts(again) == ["gudcityCamera.frame()"]
    assert toasts(again) == []
    assert filming.camera_on
    assert not filming.has_customer
    fresh(session)
    assert len(session.exec(select(QrScanLog)).all()) == 1


async def test_a_frame_that_is_not_an_image_stops_the_camera_with_a_message(make, filming, run):
    before = make.counts()

    events = await run(background(filming, "scan_frame", "data:text/html;base64,PHNjcmlwdD4="))

    assert scripts(events) == ["gudcityCamera.stop()"]
    assert not filming.camera_on
    assert filming.camera_error.startswith("That file is not an image we can read")
    assert make.counts() == before


async def test_frames_after_the_camera_stopped_are_ignored(make, counter, filming, run):
    bob = counter[5]
    await run(filming.stop_camera())
    before = make.counts()

    events = await run(
        background(filming, "scan_frame", frame_of(qr_cards.qr_png(qr_cards.issue_token(bob))))
    )

    assert events == []
    assert not filming.has_customer
    assert make.counts() == before
