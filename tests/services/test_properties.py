"""Hostile input: whatever a user types or a client sends, a service either does what
it is asked or refuses with one of its own errors (a ServiceError, whose message the
UI shows), never with anything else (a database error, a TypeError); and a refusal
writes nothing.

The examples mix random text with the classics: markup, right-to-left overrides,
Arabic and Hebrew, NUL characters (PostgreSQL cannot store them, and refuses a query
that holds one), very long text, and numbers of every type and size. QR-token text is
covered in test_qr.py; here it only meets the scan workflow once, as a whole.

Data builds up across the examples of one test (the database is emptied per test),
so each example makes what must be unique (emails, keys) afresh.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from gudcity.domain import qr_tokens
from gudcity.domain.card_numbers import luhn_check_digit
from gudcity.domain.errors import (
    AuthenticationError,
    NotFoundError,
    RateLimitedError,
    ServiceError,
    ValidationError,
)
from gudcity.models import (
    ApprovalRequest,
    Business,
    CustomerNotification,
    LoyaltyCard,
    LoyaltyProgram,
    Reward,
    User,
)
from gudcity.services import (
    account_deletion,
    accounts,
    activity,
    answers,
    awards,
    cards,
    customers,
    deductions,
    enrollment,
    login,
    notifications,
    programs,
    qr_cards,
    redemptions,
    scanning,
    staff,
    standing,
)
from gudcity.services import counter as counter_service
from gudcity.services.permissions import Permission
from gudcity.settings import get_settings
from tests.support.make import PASSWORD, Make
from tests.support.snapshots import changes, snapshot

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEWER = settings(SETTINGS, max_examples=20)

HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "\u202eevil",  # right-to-left override: shows as "live"
    "\u202egpj.exe",
    "مقهى الحي",  # Arabic
    "בית קפה",  # Hebrew
    "Robert'); DROP TABLE users;--",
    "%_\\",  # LIKE wildcards and its escape character
    "\x00",
    "nul\x00inside",
    "\u200b\ufeff\u2060",  # zero-width characters
    "İstanbul ǅ ß ﬁ",  # case mappings that change the length
    "\x1b[31mred\x07",
    "😀" * 130,
    "x" * 10_000,
    "",
    "   ",
    "\t\n\r",
]


def texts(*, nul: bool = True) -> st.SearchStrategy[str]:
    """Any text a user could type or a client send (surrogates can't reach us as text)."""
    strategy = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=150),
        st.text(min_size=100, max_size=400),
    )
    return strategy if nul else strategy.filter(lambda text: "\x00" not in text)


def numbers() -> st.SearchStrategy[Any]:
    """What a form or a client could turn into an amount: not always an int."""
    return st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70),
        st.integers(min_value=-5, max_value=get_settings().max_points_per_transaction + 5),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.none(),
        st.text(max_size=8),
    )


def ids() -> st.SearchStrategy[Any]:
    """Row ids as a client could send them: real ones, out of any column's range, or no id."""
    return st.one_of(
        st.integers(min_value=-3, max_value=40),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.sampled_from([0, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64]),
        st.booleans(),
        st.none(),
        st.text(max_size=6),
    )


# Request keys: the scanner page sends its own back (ScannerState.enroll(key), the
# "action_key" form field), so they are client input too.
KEYS = st.one_of(st.text(min_size=0, max_size=140), st.sampled_from(HOSTILE_TEXT))


def refused_or_done(session: Session, call: Callable[[], Any], *, logged: str = "") -> Any:
    """Make the call: it goes through, or raises a ServiceError having written nothing.

    `logged` names the table where a refusal may leave one row by design (a failed
    log-in, a refused scan), or lose some: a right current password clears the
    account's failed log-ins before another check refuses the change. Any exception
    but a ServiceError fails the test.
    """
    before = snapshot(session)
    try:
        return call()
    except ServiceError as error:
        written = changes(before, snapshot(session))
        if logged in written:
            _gone, new = written.pop(logged)
            assert new <= 1, f"more than one {logged} row for a refusal"
        assert written == {}, f"refused with {error!r}, but wrote {written}"
        return error


@dataclass
class Counter:
    """A business, its program with a reward, and a customer holding a well-filled card."""

    session: Session
    make: Make
    owner: User
    business: Business
    program: LoyaltyProgram
    reward: Reward
    customer: User
    card: LoyaltyCard


@pytest.fixture
def counter(session, make, shop) -> Counter:
    owner, business, program, customer = shop
    reward = programs.add_reward(session, owner, program.id, name="Free coffee", cost=5)
    card = make.card(customer, program, balance=50_000)
    return Counter(session, make, owner, business, program, reward, customer, card)


# --- accounts ---------------------------------------------------------------------------

EMAILS = st.one_of(
    st.emails(),
    texts(nul=False),
    st.sampled_from(
        [
            "<script>@example.com",
            "\u202eevil@example.com",
            "user@exa\u202emple.com",
            "مستخدم@مثال.com",
            "İİİ@example.com",
            "a" * 64 + "@" + "b" * 63 + ".com",
            "a@" + ".".join(["b" * 63] * 4) + ".com",
            "a@b",
            "@example.com",
        ]
    ),
)


@SETTINGS
@given(name=texts(nul=False), email=EMAILS, password=texts())
def test_registering_a_customer_takes_any_input_or_refuses_it(session, name, email, password):
    refused_or_done(
        session,
        lambda: accounts.register_customer(session, name=name, email=email, password=password),
    )


@FEWER
@given(name=texts(nul=False), business_name=texts(nul=False), email=EMAILS)
def test_registering_a_business_takes_any_input_or_refuses_it(session, name, business_name, email):
    refused_or_done(
        session,
        lambda: accounts.register_business(
            session, name=name, email=email, password=PASSWORD, business_name=business_name
        ),
    )


@FEWER
@given(name=texts(nul=False), email=EMAILS, password=texts())
def test_adding_staff_takes_any_input_or_refuses_it(session, shop, name, email, password):
    owner, business, _, _ = shop
    refused_or_done(
        session,
        lambda: accounts.add_staff_member(
            session,
            owner,
            business.id,
            name=name,
            email=email,
            password=password,
            permissions={Permission.SCAN},
        ),
    )


@FEWER
@given(
    email=st.one_of(EMAILS, st.none()),
    password=st.one_of(texts(), st.just(PASSWORD)),
    address=st.one_of(st.just(""), texts(nul=False)),
)
def test_logging_in_takes_any_input_or_refuses_it(session, shop, email, password, address):
    email = email or shop[3].email  # None: the email of a real customer
    result = refused_or_done(
        session, lambda: login.log_in(session, email, password, address), logged="login_failures"
    )
    if isinstance(result, ServiceError):
        assert isinstance(result, AuthenticationError)  # also when throttled


# --- programs and rewards ---------------------------------------------------------------


@SETTINGS
@given(
    name=texts(),
    kind=st.one_of(st.sampled_from(["POINTS", "STAMPS"]), texts()),
    points_per_scan=numbers(),
    cooldown=numbers(),
)
def test_creating_a_program_takes_any_input_or_refuses_it(
    session, shop, name, kind, points_per_scan, cooldown
):
    owner, business, _, _ = shop
    refused_or_done(
        session,
        lambda: programs.create_program(
            session,
            owner,
            business.id,
            name=name,
            kind=kind,
            points_per_scan=points_per_scan,
            scan_cooldown_seconds=cooldown,
        ),
    )


@FEWER
@given(
    name=st.one_of(st.none(), texts()),
    points_per_scan=st.one_of(st.none(), numbers()),
    cooldown=st.one_of(st.none(), numbers()),
)
def test_updating_a_program_takes_any_input_or_refuses_it(
    session, shop, name, points_per_scan, cooldown
):
    owner, _, program, _ = shop
    refused_or_done(
        session,
        lambda: programs.update_program(
            session,
            owner,
            program.id,
            name=name,
            points_per_scan=points_per_scan,
            scan_cooldown_seconds=cooldown,
        ),
    )


@SETTINGS
@given(name=texts(), cost=numbers())
def test_adding_a_reward_takes_any_input_or_refuses_it(session, shop, name, cost):
    owner, _, program, _ = shop
    refused_or_done(
        session, lambda: programs.add_reward(session, owner, program.id, name=name, cost=cost)
    )


# --- the ledger -------------------------------------------------------------------------


@SETTINGS
@given(amount=numbers(), note=texts())
def test_awarding_takes_any_amount_and_note_or_refuses_them(session, counter, amount, note):
    c = counter
    refused_or_done(
        session,
        lambda: awards.award_points(session, c.owner, c.card.id, amount, c.make.key(), note=note),
    )


@SETTINGS
@given(amount=numbers(), reason=texts())
def test_asking_for_a_deduction_takes_any_amount_and_reason_or_refuses_them(
    session, counter, amount, reason
):
    c = counter
    refused_or_done(
        session,
        lambda: deductions.request_deduction(
            session, c.owner, c.card.id, amount, c.make.key(), reason=reason
        ),
    )


@FEWER
@given(cost=st.integers(min_value=1, max_value=get_settings().max_points_per_transaction))
def test_redeeming_a_reward_of_any_cost_goes_through_or_is_refused(session, counter, cost):
    c = counter
    reward = programs.add_reward(session, c.owner, c.program.id, name="Prize", cost=cost)
    key = c.make.key()
    refused_or_done(
        session, lambda: redemptions.redeem_reward(session, c.customer, c.card.id, reward.id, key)
    )


def test_the_longest_names_and_reason_still_fit_the_deduction_message(session, make):
    """The customer's notification quotes the business, the program and the reason,
    each at its longest: it must fit its column (500 characters on PostgreSQL)."""
    owner, business = make.business("B" * accounts.MAX_NAME_LENGTH)
    program = make.program(owner, business, name="P" * accounts.MAX_NAME_LENGTH)
    card = make.card(make.customer(), program, balance=get_settings().max_points_per_transaction)

    deductions.request_deduction(
        session,
        owner,
        card.id,
        get_settings().max_points_per_transaction,
        make.key(),
        reason="R" * 1000,
    )


@FEWER
@given(password=texts())
def test_deleting_an_account_with_any_wrong_password_is_refused(session, counter, password):
    assume(password != PASSWORD)
    refused = refused_or_done(
        session,
        lambda: account_deletion.delete_account(session, counter.customer, password),
        logged="login_failures",  # a wrong try counts as a failed log-in
    )
    # Past the log-in throttle's limit, refused before the password is even checked.
    assert isinstance(refused, AuthenticationError | RateLimitedError)


# --- look-ups -----------------------------------------------------------------------------


def _valid_card_number(body: int) -> str:
    digits = str(body)
    return digits + luhn_check_digit(digits)


CARD_NUMBERS = st.one_of(
    texts(),
    st.from_regex(r"[0-9 \-]{0,20}", fullmatch=True),
    st.integers(min_value=10**10, max_value=10**11 - 1).map(_valid_card_number),
    st.sampled_from(
        ["٠١٢٣٤٥٦٧٨٩٠١", "".join(chr(0xFF10 + int(d)) for d in "123456789012"), "1234\x005678901"]
    ),
)


@SETTINGS
@given(typed=CARD_NUMBERS)
def test_looking_up_any_card_number_finds_a_customer_or_refuses(session, counter, typed):
    c = counter
    found = refused_or_done(
        session,
        lambda: scanning.find_customer_by_card_number(session, c.owner, c.business.id, typed),
        logged="qr_scan_logs",  # an unknown but well-formed number is logged
    )
    assert isinstance(found, User | ValidationError | NotFoundError)


@FEWER
@given(token=texts())
def test_scanning_any_text_as_a_qr_token_is_refused_and_only_logged(session, counter, token):
    c = counter
    refused = refused_or_done(
        session,
        lambda: scanning.scan_token(session, c.owner, c.program.id, token, c.make.key()),
        logged="qr_scan_logs",
    )
    assert isinstance(refused, qr_tokens.InvalidQrError)


@SETTINGS
@given(search=texts())
def test_searching_customers_for_any_text_lists_or_refuses(session, counter, search):
    c = counter
    refused_or_done(
        session, lambda: customers.list_customers(session, c.owner, c.business.id, search=search)
    )


@SETTINGS
@given(
    typed=st.one_of(texts(), st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789 -.", max_size=20))
)
def test_checking_any_typed_reward_code_finds_it_or_is_refused(session, counter, typed):
    c = counter
    refused_or_done(
        session, lambda: counter_service.check_reward_code(session, c.owner, c.business.id, typed)
    )


@SETTINGS
@given(staff_id=st.one_of(st.none(), numbers()), day=st.one_of(st.none(), st.dates(), texts()))
def test_any_activity_filter_lists_or_refuses(session, counter, staff_id, day):
    c = counter
    refused_or_done(
        session,
        lambda: activity.list_activity(session, c.owner, c.business.id, staff_id=staff_id, day=day),
    )


# --- ids ----------------------------------------------------------------------------------


def _open_requests(c: Counter) -> None:
    """A deduction request and an enrollment request, each with its notification."""
    deductions.request_deduction(c.session, c.owner, c.card.id, 1, c.make.key())
    other = c.make.program(c.owner, c.business)
    enrollment.request_enrollment(c.session, c.owner, other.id, c.customer.id, c.make.key())


ID_CALLS: dict[str, Callable[[Counter, Any], Any]] = {
    "mark_read(notification)": lambda c, i: notifications.mark_read(c.session, c.customer, i),
    "act_on_notification(notification)": lambda c, i: answers.act_on_notification(
        c.session, c.customer, i, True
    ),
    "respond_to_deduction(request)": lambda c, i: deductions.respond_to_deduction(
        c.session, c.customer, i, False
    ),
    "respond_to_enrollment(request)": lambda c, i: enrollment.respond_to_enrollment(
        c.session, c.customer, i, False
    ),
    "award_points(card)": lambda c, i: awards.award_points(c.session, c.owner, i, 1, c.make.key()),
    "request_deduction(card)": lambda c, i: deductions.request_deduction(
        c.session, c.owner, i, 1, c.make.key()
    ),
    "redeem_reward(card)": lambda c, i: redemptions.redeem_reward(
        c.session, c.customer, i, c.reward.id, c.make.key()
    ),
    "redeem_reward(reward)": lambda c, i: redemptions.redeem_reward(
        c.session, c.customer, c.card.id, i, c.make.key()
    ),
    "recent_activity(cards)": lambda c, i: cards.recent_activity(c.session, c.customer, [i]),
    "join_program(program)": lambda c, i: enrollment.join_program(c.session, c.customer, i),
    "leave_program(program)": lambda c, i: enrollment.leave_program(c.session, c.customer, i),
    "update_program(program)": lambda c, i: programs.update_program(
        c.session, c.owner, i, name="Renamed"
    ),
    "add_reward(program)": lambda c, i: programs.add_reward(
        c.session, c.owner, i, name="Cake", cost=3
    ),
    "set_reward_active(reward)": lambda c, i: programs.set_reward_active(
        c.session, c.owner, i, True
    ),
    "rewards_ladder(program)": lambda c, i: programs.rewards_ladder(c.session, i),
    "rewards_ladders(programs)": lambda c, i: programs.rewards_ladders(c.session, [i]),
    "list_customers(program)": lambda c, i: customers.list_customers(
        c.session, c.owner, c.business.id, program_id=i
    ),
    "scan_customer(program)": lambda c, i: scanning.scan_customer(
        c.session, c.owner, i, c.customer.id, c.make.key()
    ),
    "scan_customer(customer)": lambda c, i: scanning.scan_customer(
        c.session, c.owner, c.program.id, i, c.make.key()
    ),
    "request_enrollment(customer)": lambda c, i: enrollment.request_enrollment(
        c.session, c.owner, c.program.id, i, c.make.key()
    ),
    "standing(customer)": lambda c, i: standing.standing(c.session, c.owner, c.program.id, i),
    "change_staff_permissions(user)": lambda c, i: staff.change_staff_permissions(
        c.session, c.owner, c.business.id, i, {Permission.SCAN}
    ),
    "remove_staff_member(user)": lambda c, i: staff.remove_staff_member(
        c.session, c.owner, c.business.id, i
    ),
}


@settings(SETTINGS, max_examples=80)
@given(call=st.sampled_from(sorted(ID_CALLS)), row_id=ids())
def test_any_id_finds_its_row_or_is_not_found(session, counter, call, row_id):
    if not counter.session.exec(select(ApprovalRequest)).first():
        _open_requests(counter)
    refused_or_done(session, lambda: ID_CALLS[call](counter, row_id))


BUSINESS_ID_CALLS: dict[str, Callable[[Counter, Any], Any]] = {
    "create_program": lambda c, i: programs.create_program(c.session, c.owner, i, name="Cakes"),
    "list_programs": lambda c, i: programs.list_programs(c.session, c.owner, i),
    "list_customers": lambda c, i: customers.list_customers(c.session, c.owner, i),
    "count_customers": lambda c, i: customers.count_customers(c.session, c.owner, i),
    "list_business_notifications": lambda c, i: notifications.list_business_notifications(
        c.session, c.owner, i
    ),
    "add_staff_member": lambda c, i: accounts.add_staff_member(
        c.session,
        c.owner,
        i,
        name="Staff",
        email=f"{c.make.key()}@example.com",
        password=PASSWORD,
        permissions=set(),
    ),
    "find_customer_by_card_number": lambda c, i: scanning.find_customer_by_card_number(
        c.session, c.owner, i, c.customer.card_number
    ),
    "list_staff": lambda c, i: staff.list_staff(c.session, c.owner, i),
}


@FEWER
@given(
    call=st.sampled_from(sorted(BUSINESS_ID_CALLS)),
    business_id=st.integers(min_value=-(2**31), max_value=2**31 - 1),
)
def test_any_business_id_in_the_columns_range_is_found_or_refused(
    session, counter, call, business_id
):
    refused_or_done(session, lambda: BUSINESS_ID_CALLS[call](counter, business_id))


@pytest.mark.parametrize("call", sorted(BUSINESS_ID_CALLS))
def test_a_business_id_no_row_can_have_is_not_found(session, counter, call):
    with pytest.raises(NotFoundError):
        BUSINESS_ID_CALLS[call](counter, 2**63)


@pytest.mark.parametrize(
    "call",
    [
        "mark_read(notification)",
        "act_on_notification(notification)",
        "respond_to_deduction(request)",
        "award_points(card)",
        "redeem_reward(reward)",
        "join_program(program)",
        "set_reward_active(reward)",
        "request_enrollment(customer)",
    ],
)
def test_an_id_no_row_can_have_is_not_found(session, counter, call):
    """Fixed: these reached the database, which failed with "integer out of range"
    (PostgreSQL) or OverflowError (SQLite); and True stood for the row with id 1."""
    _open_requests(counter)
    before = snapshot(session)
    for row_id in [2**31, 2**63, 2**70, -(2**63) - 1, True]:
        with pytest.raises(NotFoundError):
            ID_CALLS[call](counter, row_id)
    assert changes(before, snapshot(session)) == {}


def test_out_of_range_ids_find_nothing_in_listings(session, counter):
    c = counter
    assert cards.recent_activity(session, c.customer, [2**63]) == {2**63: []}
    assert programs.rewards_ladder(session, 2**63) == []
    assert customers.list_customers(session, c.owner, c.business.id, program_id=2**63).rows == []


# --- request keys -------------------------------------------------------------------------

# Each builds what its call needs (before anything is compared) and returns the call.
KEYED_CALLS: dict[str, Callable[[Counter], Callable[[str], Any]]] = {
    "award_points": lambda c: (
        lambda key: awards.award_points(c.session, c.owner, c.card.id, 1, key)
    ),
    "request_deduction": lambda c: (
        lambda key: deductions.request_deduction(c.session, c.owner, c.card.id, 1, key)
    ),
    "redeem_reward": lambda c: (
        lambda key: redemptions.redeem_reward(c.session, c.customer, c.card.id, c.reward.id, key)
    ),
    "request_enrollment": lambda c: _request_enrollment_of(c, c.make.customer()),
}
SCAN_CALLS: dict[str, Callable[[Counter], Callable[[str], Any]]] = {
    "scan_customer": lambda c: (
        lambda key: scanning.scan_customer(c.session, c.owner, c.program.id, c.customer.id, key)
    ),
    "scan_customer(new customer)": lambda c: _scan_customer(c, c.make.customer()),
    "scan_token": lambda c: (
        lambda key: scanning.scan_token(
            c.session, c.owner, c.program.id, qr_cards.issue_token(c.customer), key
        )
    ),
}


def _request_enrollment_of(c: Counter, customer: User) -> Callable[[str], Any]:
    return lambda key: enrollment.request_enrollment(
        c.session, c.owner, c.program.id, customer.id, key
    )


def _scan_customer(c: Counter, customer: User) -> Callable[[str], Any]:
    return lambda key: scanning.scan_customer(c.session, c.owner, c.program.id, customer.id, key)


@SETTINGS
@given(call=st.sampled_from(sorted(KEYED_CALLS)), key=KEYS)
def test_any_request_key_is_used_or_refused(session, counter, call, key):
    make_call = KEYED_CALLS[call](counter)
    refused_or_done(session, lambda: make_call(key))


@FEWER
@given(call=st.sampled_from(sorted(SCAN_CALLS)), key=KEYS)
def test_any_scan_key_is_used_or_refused(session, counter, call, key):
    make_call = SCAN_CALLS[call](counter)
    refused_or_done(session, lambda: make_call(key))


@pytest.mark.parametrize("call", sorted(SCAN_CALLS))
def test_a_scan_with_the_longest_key_is_written(counter, call):
    make_call = SCAN_CALLS[call](counter)
    result = refused_or_done(counter.session, lambda: make_call("k" * 128))
    assert not isinstance(result, ServiceError)


# --- NUL characters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: programs.create_program(c.session, c.owner, c.business.id, name="a\x00b"),
            "Program name must not contain NUL",
        ),
        (
            lambda c: programs.update_program(c.session, c.owner, c.program.id, name="a\x00"),
            "Program name must not contain NUL",
        ),
        (
            lambda c: programs.add_reward(c.session, c.owner, c.program.id, name="\x00", cost=5),
            "Reward name must not contain NUL",
        ),
        (
            lambda c: awards.award_points(
                c.session, c.owner, c.card.id, 5, c.make.key(), note="a\x00"
            ),
            "The note must not contain NUL",
        ),
        (
            lambda c: awards.award_points(c.session, c.owner, c.card.id, 5, "key\x00"),
            "A request key must not contain NUL",
        ),
        (
            lambda c: deductions.request_deduction(
                c.session, c.owner, c.card.id, 5, c.make.key(), reason="\x00"
            ),
            "The reason must not contain NUL",
        ),
        (
            lambda c: scanning.scan_customer(
                c.session, c.owner, c.program.id, c.customer.id, "key\x00"
            ),
            "A request key must not contain NUL",
        ),
        (
            lambda c: customers.list_customers(c.session, c.owner, c.business.id, search="a\x00"),
            "The search must not contain NUL",
        ),
    ],
    ids=[
        "program name",
        "new program name",
        "reward name",
        "award note",
        "request key",
        "deduction reason",
        "scan key",
        "customer search",
    ],
)
def test_a_nul_character_is_refused_before_it_reaches_the_database(session, counter, call, message):
    """Fixed: each of these crashed on PostgreSQL ("PostgreSQL text fields cannot contain
    NUL (0x00) bytes") and stored or searched the NUL on SQLite."""
    before = snapshot(session)
    with pytest.raises(ValidationError, match=message):
        call(counter)
    assert changes(before, snapshot(session)) == {}


@pytest.mark.parametrize(
    "call",
    [
        lambda c: accounts.register_customer(
            c.session, name="Ali\x00ce", email="alice@example.com", password=PASSWORD
        ),
        lambda c: accounts.register_business(
            c.session,
            name="Bob",
            email="bob@example.com",
            password=PASSWORD,
            business_name="Bean\x00There",
        ),
        lambda c: accounts.add_staff_member(
            c.session,
            c.owner,
            c.business.id,
            name="\x00",
            email="staff@example.com",
            password=PASSWORD,
            permissions=set(),
        ),
    ],
    ids=["customer name", "business name", "staff name"],
)
def test_a_nul_character_in_an_account_name_is_refused(session, counter, call):
    before = snapshot(session)
    with pytest.raises(ValidationError):
        call(counter)
    assert changes(before, snapshot(session)) == {}


@pytest.mark.parametrize(
    ("email", "address"),
    [("ali\x00ce@example.com", ""), ("alice@example.com", "10.0.0.1\x00")],
    ids=["email", "address"],
)
def test_a_nul_character_at_log_in_fails_like_a_wrong_password(session, make, email, address):
    make.customer("Alice")
    refused = refused_or_done(
        session,
        lambda: login.log_in(session, email, "wrong password", address),
        logged="login_failures",
    )
    assert isinstance(refused, AuthenticationError)


def test_notifications_keep_hostile_text_as_it_was_typed(session, counter):
    """Markup and direction overrides are stored and handed back as text, unchanged:
    escaping is the page's job, and React escapes text it renders."""
    c = counter
    hostile = "<script>alert(1)</script> \u202eevil"
    deductions.request_deduction(session, c.owner, c.card.id, 1, c.make.key(), reason=hostile)
    latest = notifications.list_customer_notifications(session, c.customer)[0]
    assert hostile in latest.message
    stored = session.exec(
        select(CustomerNotification).where(CustomerNotification.id == latest.id)
    ).one()
    assert stored.message == latest.message
