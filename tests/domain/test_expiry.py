"""Points that expire, read from a card's ledger: oldest spent first, each deadline from the
rule versions, never shortened, never for points earned before the rule existed."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gudcity.domain.expiry import (
    Entry,
    Expiry,
    Rules,
    RuleVersion,
    counts_visits,
    due_expiries,
    expiring_era_start,
    expiry_key,
    held_points,
    moves_due_points,
    next_look,
    upcoming_expiries,
)
from gudcity.models.enums import ExpiryMode, TransactionKind

T0 = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
EARN, DEDUCT, REDEEM = TransactionKind.EARN, TransactionKind.DEDUCT, TransactionKind.REDEEM
REFUND, EXPIRE = TransactionKind.REFUND, TransactionKind.EXPIRE
NONE, EARNED, INACTIVE = ExpiryMode.NONE, ExpiryMode.AFTER_EARNED, ExpiryMode.AFTER_INACTIVITY
US = timedelta(microseconds=1)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def entry(kind: TransactionKind, amount: int, at: float) -> Entry:
    return Entry(kind, amount, day(at))


def rules(*versions: tuple[ExpiryMode, int, float], visits=()) -> Rules:
    return Rules([RuleVersion(m, d, day(at)) for m, d, at in versions], [day(v) for v in visits])


def test_points_expire_at_their_deadline_exactly_not_a_microsecond_before():
    ledger = [entry(EARN, 20, 1)]
    thirty = rules((EARNED, 30, 0))
    assert due_expiries(ledger, thirty, day(31) - US) == []
    assert due_expiries(ledger, thirty, day(31)) == [Expiry(day(31), 20)]
    assert upcoming_expiries(ledger, thirty, day(31) - US) == [Expiry(day(31), 20)]


def test_points_earned_before_the_rule_never_expire_and_are_spent_first():
    ledger = [entry(EARN, 10, 0), entry(EARN, 10, 2), entry(DEDUCT, -10, 3)]
    rule = rules((EARNED, 5, 1))
    # The deduction took the old points: what is left expires.
    assert held_points(ledger, rule, day(3)) == [(day(7), 10)]
    ledger = [entry(EARN, 10, 0), entry(EARN, 10, 2), entry(DEDUCT, -5, 3)]
    assert held_points(ledger, rule, day(3)) == [(None, 5), (day(7), 10)]
    assert due_expiries(ledger, rule, day(100)) == [Expiry(day(7), 10)]


def test_an_expiry_row_takes_the_due_points_not_the_oldest():
    ledger = [entry(EARN, 10, 0), entry(EARN, 10, 2), entry(EXPIRE, -10, 7)]
    rule = rules((EARNED, 5, 1))
    assert held_points(ledger, rule, day(8)) == [(None, 10)]
    assert due_expiries(ledger, rule, day(1000)) == []


def test_a_refund_gives_back_the_points_the_redemption_took():
    ledger = [
        entry(EARN, 10, 0),
        entry(EARN, 10, 2),
        entry(REDEEM, -15, 3),
        entry(REFUND, 15, 3.1),
    ]
    rule = rules((EARNED, 5, 1))
    assert held_points(ledger, rule, day(4)) == [(None, 10), (day(7), 10)]


def test_a_refund_after_a_later_spending_gives_back_its_own_redemptions_points():
    # The code of row 2 is cancelled after the deduction of row 4: its points were the old
    # ones, earned before the rule, and they are again; the deduction keeps the new ones.
    ledger = [
        Entry(EARN, 10, day(0), 1),
        Entry(REDEEM, -10, day(1), 2),
        Entry(EARN, 10, day(2), 3),
        Entry(DEDUCT, -10, day(3), 4),
        Entry(REFUND, 10, day(4), 5, refunds=2),
    ]
    rule = rules((EARNED, 5, 1.5))
    assert held_points(ledger, rule, day(4)) == [(None, 10)]
    assert due_expiries(ledger, rule, day(100)) == []
    # A refund naming no row the replay knows gives back the latest spending's points.
    unnamed = [*ledger[:4], Entry(REFUND, 10, day(4))]
    assert held_points(unnamed, rule, day(4)) == [(day(7), 10)]


def test_a_shorter_rule_never_shortens_what_is_held_but_rules_new_points():
    changed = rules((EARNED, 90, 0), (EARNED, 30, 10))
    ledger = [entry(EARN, 10, 5), entry(EARN, 4, 20)]
    assert held_points(ledger, changed, day(20)) == [(day(95), 10), (day(50), 4)]
    # Written at day 50, the later points' row takes them, not the older ones.
    ledger.append(entry(EXPIRE, -4, 50))
    assert held_points(ledger, changed, day(51)) == [(day(95), 10)]


def test_a_longer_rule_gives_held_points_the_longer_time():
    longer = rules((EARNED, 30, 0), (EARNED, 90, 10))
    assert held_points([entry(EARN, 10, 5)], longer, day(20)) == [(day(95), 10)]
    # As the rules stood before the change, the deadline was the shorter one.
    assert held_points([entry(EARN, 10, 5)], longer, day(9)) == [(day(35), 10)]


def test_switching_expiry_off_keeps_what_was_held_for_good_even_once_it_is_back_on():
    switched = rules((EARNED, 30, 0), (NONE, 0, 10), (EARNED, 30, 20))
    ledger = [entry(EARN, 10, 5), entry(EARN, 3, 15), entry(EARN, 7, 25)]
    assert held_points(ledger, switched, day(26)) == [(None, 10), (None, 3), (day(55), 7)]
    assert expiring_era_start(switched.versions) == day(20)
    assert expiring_era_start(switched.versions[:2]) is None


def test_inactivity_counts_from_the_last_visit():
    ledger = [entry(EARN, 10, 1), entry(EARN, 5, 3)]
    idle = rules((INACTIVE, 10, 0), visits=[1, 3, 8])
    assert due_expiries(ledger, idle, day(17)) == []
    assert due_expiries(ledger, idle, day(18)) == [Expiry(day(18), 15)]
    # As the visits stood on day 5, the deadline was ten days after the visit of day 3.
    assert upcoming_expiries(ledger, idle, day(5)) == [Expiry(day(13), 15)]


def test_switching_to_inactivity_never_shortens_a_points_time():
    ledger = [entry(EARN, 10, 1)]
    mixed = rules((EARNED, 100, 0), (INACTIVE, 10, 5), visits=[1])
    assert held_points(ledger, mixed, day(50)) == [(day(101), 10)]


def test_the_key_names_the_card_and_its_next_expiry_by_number():
    ledger = [entry(EARN, 10, 0), entry(EXPIRE, -5, 31), entry(EARN, 3, 32)]
    assert expiry_key(7, ledger[:1]) == "expire:7:1"
    assert expiry_key(7, ledger) == "expire:7:2"


# --- random ledgers -----------------------------------------------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["earn", "earn", "spend", "redeem", "refund", "rule", "sweep", "wait"]),
        st.integers(min_value=1, max_value=40),
        st.sampled_from([NONE, EARNED, EARNED, INACTIVE]),
    ),
    max_size=40,
)


class Card:
    """A card played through the domain: the ledger, the rules, the visits."""

    def __init__(self) -> None:
        self.now = T0
        self.ledger: list[Entry] = []
        self.versions: list[RuleVersion] = []
        self.visits: list[datetime] = []
        self.redeemed: list[int] = []

    @property
    def rules(self) -> Rules:
        return Rules(self.versions, self.visits)

    @property
    def balance(self) -> int:
        return sum(e.amount for e in self.ledger)

    def write(self, kind: TransactionKind, amount: int) -> None:
        self.now += US  # every row its own moment, like the ledger's ids
        self.ledger.append(Entry(kind, amount, self.now))

    def act(self, action: str, amount: int, mode: ExpiryMode) -> None:
        if action == "earn":
            self.visits.append(self.now + US)
            self.write(EARN, amount)
        elif action == "spend" and amount <= self.balance:
            self.write(DEDUCT, -amount)
        elif action == "redeem" and amount <= self.balance:
            self.write(REDEEM, -amount)
            self.redeemed.append(amount)
        elif action == "refund" and self.redeemed:
            self.write(REFUND, self.redeemed.pop())
        elif action == "rule":
            self.change_rule(mode, amount)
        elif action == "sweep":
            self.sweep()
        elif action == "wait":
            self.now += timedelta(days=amount)

    def change_rule(self, mode: ExpiryMode, days: int) -> None:
        self.now += US
        before = held_points(self.ledger, self.rules, self.now)
        self.versions.append(RuleVersion(mode, 0 if mode == NONE else days, self.now))
        after = held_points(self.ledger, self.rules, self.now)
        assert [points for _, points in after] == [points for _, points in before]
        for (was, _), (now, _) in zip(before, after, strict=True):
            assert now is None or (was is not None and now >= was), "a deadline came closer"

    def sweep(self) -> None:
        moment = self.now
        due = due_expiries(self.ledger, self.rules, moment)
        if due:
            assert sum(e.amount for e in due) <= self.balance
            self.write(EXPIRE, -sum(e.amount for e in due))
        # A second sweep finds nothing of what the first found due.
        again = due_expiries(self.ledger, self.rules, self.now)
        assert all(expiry.deadline > moment for expiry in again)


@settings(max_examples=300, deadline=None)
@given(ACTIONS)
def test_random_ledgers_hold_what_they_sum_to_and_expire_each_point_once(actions):
    card = Card()
    for action, amount, mode in actions:
        card.act(action, amount, mode)
        held = held_points(card.ledger, card.rules, card.now)
        assert card.balance >= 0
        assert sum(points for _, points in held) == card.balance
        assert all(points > 0 for _, points in held)
    card.sweep()
    first_rule = card.versions[0].starts_at if card.versions else None
    expired = -sum(e.amount for e in card.ledger if e.kind == EXPIRE)
    earned_under_rules = sum(
        e.amount
        for e in card.ledger
        if e.kind == EARN and first_rule is not None and e.at >= first_rule
    )
    assert expired <= earned_under_rules, "points earned before the rule expired"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=30)), max_size=30))
def test_without_expiries_the_oldest_points_are_spent_first(moves):
    """What is held is what a plain first-in, first-out queue of the earnings holds."""
    card, queue = Card(), []
    for earn, amount in moves:
        if earn:
            card.act("earn", amount, NONE)
            queue.append([card.now, amount])
        elif amount <= card.balance:
            card.act("spend", amount, NONE)
            while amount:
                taken = min(queue[0][1], amount)
                queue[0][1] -= taken
                amount -= taken
                if queue[0][1] == 0:
                    queue.pop(0)
    card.versions.append(RuleVersion(EARNED, 10, T0))  # every earning under a rule
    held = held_points(card.ledger, card.rules, card.now)
    assert held == [(at + timedelta(days=10), points) for at, points in queue]


@pytest.mark.parametrize(
    ("kind", "amount", "moves"),
    [
        (TransactionKind.EARN, 10, False),
        (TransactionKind.WELCOME_BONUS, 5, False),
        (TransactionKind.ADJUST, 3, False),
        (TransactionKind.ADJUST, -3, True),
        (TransactionKind.DEDUCT, -10, True),
        (TransactionKind.REDEEM, -10, True),
        (TransactionKind.REFUND, 10, True),
        (TransactionKind.EXPIRE, -10, True),
    ],
)
def test_only_a_new_earning_leaves_the_due_points_as_they_were(kind, amount, moves):
    assert moves_due_points(kind, amount) is moves


def test_the_next_look_is_a_warning_before_a_deadline_or_the_deadline_once_warned():
    week = timedelta(days=7)
    held = [(None, 5), (T0 + timedelta(days=30), 10), (T0 + timedelta(days=40), 3)]

    assert next_look(held, None, week) == T0 + timedelta(days=23)
    assert next_look(held, T0 + timedelta(days=30), week) == T0 + timedelta(days=30)
    assert next_look(held[:1], None, week) is None
    assert next_look([], None, week) is None


def test_visits_count_only_where_a_version_of_the_era_is_on_inactivity():
    inactive_then_off = [RuleVersion(INACTIVE, 30, day(0)), RuleVersion(NONE, 0, day(5))]
    versions = [*inactive_then_off, RuleVersion(EARNED, 30, day(10))]

    assert expiring_era_start(versions) == day(10)
    assert not counts_visits(versions, day(10))
    assert counts_visits([*versions, RuleVersion(INACTIVE, 60, day(20))], day(10))
