"""When points expire: a pure reading of a card's ledger, oldest points spent first.

A card's ledger is replayed in order as lots: every inflow (an EARN, a bonus, a positive
ADJUST) is a lot earned at its time; an outflow (DEDUCT, REDEEM, a negative ADJUST)
spends the oldest lots first; a REFUND gives back the very lots its redemption took (the
row it names: a code may be cancelled after later spendings; naming none, what the latest
spending took); an EXPIRE row takes the lots that were due when it was written, earliest
deadline first (a sweep writes one row for everything due on a card). What is left are
the points held, each with its deadline. Nothing here is stored but the ledger itself, so
the reading is the same on every worker, after any restart.

A lot's deadline comes from the program's rule versions (`RuleVersion`, the newest in
force): the version in force when it was earned and every later one. A lot earned while
no version was in force never expires (switching expiry on never takes points already
held), nor does one held while a version said NONE; otherwise its deadline is the
longest of what those versions give (a change of rule never shortens what is held):
AFTER_EARNED, the earning time plus the days; AFTER_INACTIVITY, the customer's last
visit (or the earning, if later) plus the days. A point is due at its deadline exactly.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gudcity.models.enums import ExpiryMode, TransactionKind

MAX_EXPIRY_DAYS = 3650


@dataclass(frozen=True)
class RuleVersion:
    """A program's expiry rule from `starts_at` on (until a newer version starts)."""

    mode: ExpiryMode
    days: int
    starts_at: datetime


@dataclass(frozen=True)
class Entry:
    """A ledger row as the expiry reads it; a REFUND names the row it gives back
    (`refunds`, that row's `row_id`) where the reader knows it."""

    kind: TransactionKind
    amount: int
    at: datetime
    row_id: int | None = None
    refunds: int | None = None


@dataclass(frozen=True)
class Expiry:
    """Points of a card that expire (or expired) at one moment."""

    deadline: datetime
    amount: int


@dataclass(frozen=True)
class Rules:
    """A program's rule versions (oldest first) and the customer's visits (oldest first)."""

    versions: Sequence[RuleVersion]
    visits: Sequence[datetime] = ()
    _starts: list[datetime] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [v.starts_at for v in self.versions])

    def last_visit(self, moment: datetime) -> datetime | None:
        index = bisect_right(self.visits, moment)
        return self.visits[index - 1] if index else None

    def deadline(self, earned_at: datetime, moment: datetime) -> datetime | None:
        """When a point earned at `earned_at` expires, as the rules stand at `moment`;
        None: never."""
        first = bisect_right(self._starts, earned_at) - 1
        if first < 0:
            return None  # earned before any rule existed
        last = max(bisect_right(self._starts, moment), first + 1)
        applied = self.versions[first:last]
        deadlines = [self._deadline_under(v, earned_at, moment) for v in applied]
        if any(d is None for d in deadlines):
            return None
        return max(deadlines)

    def _deadline_under(
        self, version: RuleVersion, earned_at: datetime, moment: datetime
    ) -> datetime | None:
        if version.mode == ExpiryMode.AFTER_EARNED:
            return earned_at + timedelta(days=version.days)
        if version.mode == ExpiryMode.AFTER_INACTIVITY:
            visit = self.last_visit(moment)
            since = earned_at if visit is None or visit < earned_at else visit
            return since + timedelta(days=version.days)
        return None


@dataclass
class _Lot:
    earned_at: datetime
    amount: int


class _Replay:
    """The ledger replayed row by row (see the module's docstring)."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.lots: list[_Lot] = []
        # (row id, lot index, points) each spending took, latest last: what a refund
        # gives back.
        self.spent: list[tuple[int | None, int, int]] = []
        # Every lot before this one is empty.
        self.head = 0

    def apply(self, entry: Entry) -> None:
        if entry.kind == TransactionKind.REFUND:
            self._give_back(entry.amount, entry.at, entry.refunds)
        elif entry.kind == TransactionKind.EXPIRE:
            self._expire(-entry.amount, entry.at)
        elif entry.amount > 0:
            self.lots.append(_Lot(entry.at, entry.amount))
        elif entry.amount < 0:
            self._spend(-entry.amount, entry.row_id)

    def _spend(self, points: int, row_id: int | None) -> None:
        while points > 0 and self.head < len(self.lots):
            lot = self.lots[self.head]
            taken = min(lot.amount, points)
            if taken:
                lot.amount -= taken
                points -= taken
                self.spent.append((row_id, self.head, taken))
            if lot.amount == 0:
                self.head += 1

    def _give_back(self, points: int, at: datetime, refunds: int | None) -> None:
        """Put back what the refunded spending took (the latest spending's, when the
        refund names none the replay knows), latest piece first."""
        named = [i for i, (row_id, _, _) in enumerate(self.spent) if row_id == refunds]
        pieces = named if refunds is not None and named else range(len(self.spent))
        for piece in reversed(pieces):
            if points == 0:
                break
            row_id, index, taken = self.spent[piece]
            returned = min(taken, points)
            self.lots[index].amount += returned
            self.head = min(self.head, index)
            points -= returned
            self.spent[piece] = (row_id, index, taken - returned)
        self.spent = [piece for piece in self.spent if piece[2]]
        if points > 0:  # nothing known was spent: the points are new to the card
            self.lots.append(_Lot(at, points))

    def _expire(self, points: int, at: datetime) -> None:
        """Take the lots due at `at`, earliest deadline first (then any with a deadline,
        then the oldest: a row the replay cannot place still leaves the sums right)."""
        held = [
            (self.rules.deadline(lot.earned_at, at), index)
            for index, lot in enumerate(self.lots[self.head :], start=self.head)
            if lot.amount
        ]
        due = sorted((d, i) for d, i in held if d is not None and d <= at)
        later = sorted((d, i) for d, i in held if d is not None and d > at)
        never = [i for d, i in held if d is None]
        for index in [i for _, i in due] + [i for _, i in later] + never:
            if points == 0:
                break
            taken = min(self.lots[index].amount, points)
            self.lots[index].amount -= taken
            points -= taken

    def held(self, moment: datetime) -> list[tuple[datetime | None, int]]:
        """(deadline as the rules stand at `moment`, points) of every lot still held."""
        return [
            (self.rules.deadline(lot.earned_at, moment), lot.amount)
            for lot in self.lots[self.head :]
            if lot.amount
        ]


def ordered(entries: Sequence[Entry]) -> list[Entry]:
    """The rows by time (rows of one moment keep their given order: the ledger's ids)."""
    return sorted(entries, key=lambda entry: entry.at)


def held_points(
    entries: Sequence[Entry], rules: Rules, moment: datetime
) -> list[tuple[datetime | None, int]]:
    """The card's points held at `moment` (its ledger up to then, in order), oldest first:
    (deadline, points), a None deadline for points that never expire."""
    replay = _Replay(rules)
    for entry in ordered(entries):
        if entry.at <= moment:
            replay.apply(entry)
    return replay.held(moment)


def next_look(
    held: Sequence[tuple[datetime | None, int]], covered: datetime | None, warning: timedelta
) -> datetime | None:
    """When a sweep first has work on a card holding `held` (`held_points`), if it does not
    move before: a deadline warned of (up to `covered`) at itself, any other `warning`
    before it, to warn of it. None: none of its points expire."""
    looks = [
        deadline if covered is not None and deadline <= covered else deadline - warning
        for deadline, _points in held
        if deadline is not None
    ]
    return min(looks, default=None)


def _grouped(held: list[tuple[datetime | None, int]], keep) -> list[Expiry]:
    sums: defaultdict[datetime, int] = defaultdict(int)
    for deadline, points in held:
        if deadline is not None and keep(deadline):
            sums[deadline] += points
    return [Expiry(deadline, sums[deadline]) for deadline in sorted(sums)]


def due_expiries(entries: Sequence[Entry], rules: Rules, moment: datetime) -> list[Expiry]:
    """What must expire at `moment`: the held points whose deadline has come, by deadline."""
    return _grouped(held_points(entries, rules, moment), lambda deadline: deadline <= moment)


def upcoming_expiries(
    entries: Sequence[Entry], rules: Rules, moment: datetime, within: timedelta | None = None
) -> list[Expiry]:
    """The held points that will expire after `moment` (within `within`, if given), as the
    rules stand now, by deadline."""
    end = None if within is None else moment + within
    return _grouped(
        held_points(entries, rules, moment),
        lambda deadline: deadline > moment and (end is None or deadline <= end),
    )


def expiry_key(card_id: int, entries: Sequence[Entry]) -> str:
    """The idempotency key of the EXPIRE row written after `entries` (the card's ledger as
    read): the card's next expiry by number. Two sweeps that read the same ledger write the
    same key, so one row; a sweep that read it before another's expiry was written
    collides with that row, so it writes nothing."""
    done = sum(1 for entry in entries if entry.kind == TransactionKind.EXPIRE)
    return f"expire:{card_id}:{done + 1}"


def counts_visits(versions: Sequence[RuleVersion], era_start: datetime) -> bool:
    """Whether the customer's visits move the deadlines of points that can expire: a
    version of the era (`expiring_era_start`) is on inactivity. Points held from before
    the era never expire, whatever an older version said."""
    return any(v.mode == ExpiryMode.AFTER_INACTIVITY for v in versions if v.starts_at >= era_start)


def moves_due_points(kind: TransactionKind, amount: int) -> bool:
    """Whether a ledger row can change which held points are due: any spending, refund or
    expiry can; a new earning cannot (its lot comes last, with the latest deadline),
    except as the visit that an inactivity rule counts."""
    return amount < 0 or kind in (TransactionKind.REFUND, TransactionKind.EXPIRE)


def earliest_possible(rule_days: Sequence[int]) -> timedelta:
    """No point expires sooner after its earning than the shortest rule's days."""
    return timedelta(days=min(rule_days)) if rule_days else timedelta(days=MAX_EXPIRY_DAYS)


def expiring_era_start(versions: Sequence[RuleVersion]) -> datetime | None:
    """The start of the newest run of versions that make points expire: only points
    earned since can expire now (None: the current rule is NONE, or there is none)."""
    start = None
    for version in versions:
        if version.mode == ExpiryMode.NONE:
            start = None
        elif start is None:
            start = version.starts_at
    return start
