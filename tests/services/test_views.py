"""The two SQL views, read through `cards.list_cards` and `customers.list_customers`."""

import pytest

from gudcity.domain.errors import PermissionDeniedError
from gudcity.models import ProgramKind
from gudcity.services import awards, cards, customers, enrollment, programs


def names(page: customers.CustomerPage) -> list[str]:
    return [row.customer_name for row in page.rows]


def all_pages(session, actor, business_id, limit, **filters) -> list[customers.CustomerPage]:
    pages, after = [], None
    while True:
        page = customers.list_customers(
            session, actor, business_id, after=after, limit=limit, **filters
        )
        pages.append(page)
        if page.next_cursor is None:
            return pages
        after = page.next_cursor
        assert len(pages) < 20, "pagination does not end"


# --- the customer's cards (customer_loyalty_cards) ----------------------------------------


def test_regression_customer_in_3_programs_of_2_businesses_sees_all_3_cards(session, make):
    """The old product showed one card of three."""
    cafe_owner, cafe = make.business("Bean There")
    salon_owner, salon = make.business("Glow Salon")
    coffee = make.program(cafe_owner, cafe, name="Coffee Club")
    pastry = make.program(cafe_owner, cafe, name="Pastry Stamps")
    glow = make.program(salon_owner, salon, name="Glow Rewards")
    alice = make.customer("Alice")
    for program, balance in ((coffee, 40), (pastry, 3), (glow, 125)):
        make.card(alice, program, balance=balance)

    listed = cards.list_cards(session, alice)

    assert sorted((c.program_name, c.business_name, c.balance) for c in listed) == [
        ("Coffee Club", "Bean There", 40),
        ("Glow Rewards", "Glow Salon", 125),
        ("Pastry Stamps", "Bean There", 3),
    ]


def test_cards_show_only_the_customers_active_enrollments(session, make, shop):
    owner, business, program, alice = shop
    left = make.program(owner, business)
    pending = make.program(owner, business)
    card = make.card(alice, program, balance=10)
    make.card(alice, left, balance=5)
    enrollment.leave_program(session, alice, left.id)
    enrollment.request_enrollment(session, owner, pending.id, alice.id, make.key())
    make.card(make.customer("Bob"), program, balance=99)

    assert [c.card_id for c in cards.list_cards(session, alice)] == [card.id]


def test_a_card_comes_back_with_its_balance_after_rejoining(session, make, shop):
    *_, program, alice = shop
    card = make.card(alice, program, balance=30)
    enrollment.leave_program(session, alice, program.id)
    hidden = cards.list_cards(session, alice)

    enrollment.join_program(session, alice, program.id)

    assert hidden == []
    assert [(c.card_id, c.balance) for c in cards.list_cards(session, alice)] == [(card.id, 30)]


def test_cards_are_listed_most_recently_used_first(session, make, shop):
    owner, business, program, alice = shop
    first = make.card(alice, program, balance=5)
    second = make.card(alice, make.program(owner, business), balance=5)
    third = make.card(alice, make.program(owner, business), balance=5)

    awards.award_points(session, owner, first.id, 1, make.key())

    assert [c.card_id for c in cards.list_cards(session, alice)] == [first.id, third.id, second.id]


def test_a_paused_programs_card_stays_listed_and_says_it_is_paused(session, make, shop):
    owner, _, program, alice = shop
    make.card(alice, program, balance=12)

    programs.update_program(session, owner, program.id, is_active=False)

    assert [(c.balance, c.program_active) for c in cards.list_cards(session, alice)] == [
        (12, False)
    ]


def test_a_business_cannot_list_cards(session, make, shop):
    owner, *_ = shop

    with pytest.raises(PermissionDeniedError, match="Only customers"):
        cards.list_cards(session, owner)


# --- the business's customers (customer_business_view) ----------------------------------


def test_regression_business_sees_exactly_its_enrolled_customers(session, make, shop):
    """The old product showed no customers while enrollments existed."""
    owner, business, program, alice = shop
    bob, carol = make.customer("Bob"), make.customer("Carol")
    for customer in (alice, bob, carol):
        make.card(customer, program, balance=10)

    page = customers.list_customers(session, owner, business.id)

    assert names(page) == ["Alice", "Bob", "Carol"]
    assert page.next_cursor is None
    assert customers.count_customers(session, owner, business.id) == 3


def test_pending_declined_left_and_other_businesses_customers_are_not_listed(session, make, shop):
    owner, business, program, alice = shop
    make.card(alice, program)
    pending, declined, gone = (
        make.customer("Pending"),
        make.customer("Declined"),
        make.customer("Gone"),
    )
    enrollment.request_enrollment(session, owner, program.id, pending.id, make.key())
    request = enrollment.request_enrollment(session, owner, program.id, declined.id, make.key())
    enrollment.respond_to_enrollment(session, declined, request.id, accept=False)
    make.card(gone, program, balance=5)
    enrollment.leave_program(session, gone, program.id)
    other_owner, other_business = make.business()
    make.card(make.customer("Elsewhere"), make.program(other_owner, other_business))

    assert names(customers.list_customers(session, owner, business.id)) == ["Alice"]
    assert customers.count_customers(session, owner, business.id) == 1


def test_a_customer_in_two_programs_is_one_row_with_both_cards(session, make, shop):
    owner, business, program, alice = shop
    second = make.program(owner, business, name="Second", kind=ProgramKind.STAMPS)
    make.card(alice, program, balance=30)
    make.card(alice, second, balance=4)

    [row] = customers.list_customers(session, owner, business.id).rows

    assert row.customer_name == "Alice"
    # Each program's balance on its own, with what it counts: never one sum.
    assert [(p.program_name, p.program_kind, p.balance) for p in row.programs] == [
        ("Coffee Club", ProgramKind.POINTS, 30),
        ("Second", ProgramKind.STAMPS, 4),
    ]
    assert not hasattr(row, "points")
    assert customers.count_customers(session, owner, business.id) == 1


def test_an_archived_programs_card_is_listed_last_and_says_so(session, make, shop):
    owner, business, program, alice = shop
    old = make.program(owner, business, name="Alpha Club")
    make.card(alice, program, balance=30)
    make.card(alice, old, balance=4)
    programs.archive_program(session, owner, old.id)

    [row] = customers.list_customers(session, owner, business.id).rows

    assert [(p.program_name, p.balance, p.program_archived) for p in row.programs] == [
        ("Coffee Club", 30, False),
        ("Alpha Club", 4, True),
    ]


def test_both_views_agree_on_balances_after_awards(session, make, shop):
    owner, business, program, alice = shop
    other = make.program(owner, business)
    coffee_card = make.card(alice, program, balance=10)
    other_card = make.card(alice, other)
    awards.award_points(session, owner, coffee_card.id, 15, make.key())
    awards.award_points(session, owner, other_card.id, 7, make.key())

    by_card = {c.card_id: c.balance for c in cards.list_cards(session, alice)}
    by_row = {
        p.card_id: p.balance
        for r in customers.list_customers(session, owner, business.id).rows
        for p in r.programs
    }

    assert by_card == by_row == {coffee_card.id: 25, other_card.id: 7}


def test_keyset_pages_cover_every_customer_once_in_name_order(session, make, shop):
    owner, business, program, _ = shop  # shop's Alice stays unenrolled
    for name in ("Eve", "Cara", "Ann", "Dan", "Bob"):
        make.card(make.customer(name), program)

    pages = all_pages(session, owner, business.id, limit=2)

    assert [names(page) for page in pages] == [["Ann", "Bob"], ["Cara", "Dan"], ["Eve"]]
    assert [page.next_cursor is None for page in pages] == [False, False, True]


def test_keyset_pages_split_customers_with_the_same_name_correctly(session, make, shop):
    owner, business, program, _ = shop
    same = [make.customer("Sam") for _ in range(3)]
    for customer in same:
        make.card(customer, program)

    pages = all_pages(session, owner, business.id, limit=2)

    listed = [row.customer_id for page in pages for row in page.rows]
    assert sorted(listed) == sorted(c.id for c in same)
    assert len(listed) == 3


def test_search_by_name_ignores_case(session, make, shop):
    owner, business, program, _ = shop
    for name in ("Alice Rivera", "Ben Okafor", "Rita Moreno"):
        make.card(make.customer(name), program)

    page = customers.list_customers(session, owner, business.id, search="rIVEra")

    assert names(page) == ["Alice Rivera"]


def test_search_by_email(session, make, shop):
    owner, business, program, alice = shop
    bob = make.customer("Bob")
    make.card(alice, program)
    make.card(bob, program)

    page = customers.list_customers(session, owner, business.id, search=bob.email.upper())

    assert [row.customer_id for row in page.rows] == [bob.id]


def test_search_by_card_number_prefix(session, make, shop):
    owner, business, program, alice = shop
    bob = make.customer("Bob")
    alice_card = make.card(alice, program)
    make.card(bob, program)
    program_card_prefix = alice_card.card_number[:8]
    gudcity_number_typed = f"{bob.card_number[:4]} {bob.card_number[4:8]}"

    by_program_card = customers.list_customers(
        session, owner, business.id, search=program_card_prefix
    )
    by_gudcity_number = customers.list_customers(
        session, owner, business.id, search=gudcity_number_typed
    )

    assert names(by_program_card) == ["Alice"]
    assert names(by_gudcity_number) == ["Bob"]


def test_a_short_search_matches_inside_names_too(session, make, shop):
    owner, business, program, _ = shop
    for name in ("Alice Rivera", "Ben Okafor", "Rita Moreno"):
        make.card(make.customer(name), program)

    assert names(customers.list_customers(session, owner, business.id, search="ri")) == [
        "Alice Rivera",
        "Rita Moreno",
    ]


def test_a_search_pages_through_its_matches_in_name_order(session, make, shop):
    owner, business, program, _ = shop
    for n in range(5):
        make.card(make.customer(f"Grace Okafor {n}"), program)
    make.card(make.customer("Zed Grace"), program)
    make.card(make.customer("Ann Other"), program)

    first = customers.list_customers(session, owner, business.id, search="grace", limit=4)
    second = customers.list_customers(
        session, owner, business.id, search="grace", limit=4, after=first.next_cursor
    )

    assert names(first) == [f"Grace Okafor {n}" for n in range(4)]
    assert names(second) == ["Grace Okafor 4", "Zed Grace"]
    assert second.next_cursor is None


def test_search_matching_nobody_returns_an_empty_last_page(session, make, shop):
    owner, business, program, alice = shop
    make.card(alice, program)

    page = customers.list_customers(session, owner, business.id, search="zzz-nobody")

    assert (page.rows, page.next_cursor) == ([], None)


def test_program_filter(session, make, shop):
    owner, business, program, alice = shop
    tea = make.program(owner, business, name="Tea Time")
    bob = make.customer("Bob")
    make.card(alice, program)
    make.card(bob, tea)
    make.card(alice, tea)

    page = customers.list_customers(session, owner, business.id, program_id=tea.id)

    assert [(r.customer_name, [p.program_name for p in r.programs]) for r in page.rows] == [
        ("Alice", ["Tea Time"]),
        ("Bob", ["Tea Time"]),
    ]


def test_staff_without_special_permissions_may_list_customers(session, make, shop):
    owner, business, program, alice = shop
    make.card(alice, program)
    staff = make.staff(owner, business)

    assert names(customers.list_customers(session, staff, business.id)) == ["Alice"]
    assert customers.count_customers(session, staff, business.id) == 1


def test_another_business_or_a_customer_cannot_list_customers(session, make, shop):
    _, business, program, alice = shop
    make.card(alice, program)
    other_owner, _ = make.business()

    for outsider in (other_owner, alice):
        with pytest.raises(PermissionDeniedError):
            customers.list_customers(session, outsider, business.id)
        with pytest.raises(PermissionDeniedError):
            customers.count_customers(session, outsider, business.id)


def test_recent_activity_gives_each_own_card_its_latest_rows_in_one_call(session, make):
    owner, business = make.business()
    first, second = make.program(owner, business), make.program(owner, business)
    customer = make.customer()
    card_a, card_b = make.card(customer, first, balance=5), make.card(customer, second)
    for amount in (1, 2, 3):
        awards.award_points(session, owner, card_b.id, amount, make.key())
    stranger_card = make.card(make.customer(), first, balance=9)

    activity = cards.recent_activity(
        session, customer, [card_a.id, card_b.id, stranger_card.id], limit=2
    )

    assert [t.amount for t in activity[card_a.id]] == [5]
    assert [t.amount for t in activity[card_b.id]] == [3, 2]
    assert activity[stranger_card.id] == []


def test_rewards_ladders_groups_active_rewards_cheapest_first(session, make):
    owner, business = make.business()
    first, second = make.program(owner, business), make.program(owner, business)
    programs.add_reward(session, owner, first.id, name="Big", cost=90)
    programs.add_reward(session, owner, first.id, name="Small", cost=10)
    hidden = programs.add_reward(session, owner, second.id, name="Gone", cost=5)
    programs.set_reward_active(session, owner, hidden.id, False)

    ladders = programs.rewards_ladders(session, [first.id, second.id])

    assert [r.name for r in ladders[first.id]] == ["Small", "Big"]
    assert ladders[second.id] == []
