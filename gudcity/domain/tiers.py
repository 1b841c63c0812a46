"""Tiers: a program's ladder, which rung a number of points reaches, the way to the next
one, the step down at the end of a window, and what a tier's multiplier adds to an earn.

Pure rules, no database. A ladder is a tuple of `Tier`, lowest first; the first starts
at 0, so every card stands on some rung of a program that has tiers. What is counted
("qualifying points") is the base points earned, never bonuses: a multiplier counted
toward the tier that grants it would feed itself.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from gudcity.domain.errors import ValidationError
from gudcity.domain.program_names import name_key
from gudcity.domain.scans import step_key
from gudcity.i18n.catalogue import N_, NP_, Message
from gudcity.models.enums import ProgramKind

MAX_TIERS = 10
MAX_NAME_LENGTH = 40
MIN_MULTIPLIER_PERCENT, MAX_MULTIPLIER_PERCENT = 100, 1000
MAX_THRESHOLD = 10_000_000
MAX_BENEFITS, MAX_BENEFIT_LENGTH = 6, 80
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS = 7, 1095


@dataclass(frozen=True)
class Tier:
    name: str
    threshold: int
    multiplier_percent: int = 100
    benefits: tuple[str, ...] = ()


def _whole(value, bounds: tuple[int, int], message: str, **args) -> int:
    """`value` if it is a whole number within `bounds` (included), else the error."""
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(message, **args)
    return value


def _clean_benefits(benefits: Iterable[str], tier: str) -> tuple[str, ...]:
    lines = tuple(line.strip() for line in benefits if isinstance(line, str) and line.strip())
    if len(lines) > MAX_BENEFITS:
        raise ValidationError(
            "{tier} lists more than {count} benefits.", tier=tier, count=MAX_BENEFITS
        )
    if any(len(line) > MAX_BENEFIT_LENGTH for line in lines):
        raise ValidationError(
            "A benefit of {tier} is longer than {count} characters.",
            tier=tier,
            count=MAX_BENEFIT_LENGTH,
        )
    return lines


def _clean_tier(tier: Tier) -> Tier:
    name = " ".join(tier.name.split()) if isinstance(tier.name, str) else ""
    if not name:
        raise ValidationError("Every tier needs a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError("Tier names are at most {count} characters.", count=MAX_NAME_LENGTH)
    threshold = _whole(
        tier.threshold,
        (0, MAX_THRESHOLD),
        N_("The threshold of {tier} must be a whole number from 0 to {count}."),
        tier=name,
        count=MAX_THRESHOLD,
    )
    percent = _whole(
        tier.multiplier_percent,
        (MIN_MULTIPLIER_PERCENT, MAX_MULTIPLIER_PERCENT),
        N_("The multiplier of {tier} must be from {low}% to {high}%."),
        tier=name,
        low=MIN_MULTIPLIER_PERCENT,
        high=MAX_MULTIPLIER_PERCENT,
    )
    return Tier(name, threshold, percent, _clean_benefits(tier.benefits, name))


def check_ladder(tiers: Sequence[Tier]) -> tuple[Tier, ...]:
    """The ladder cleaned (names and benefits trimmed), or a ValidationError saying what is
    wrong: at most MAX_TIERS, names unique, thresholds strictly increasing from 0. An empty
    ladder is valid: the program has no tiers."""
    if len(tiers) > MAX_TIERS:
        raise ValidationError("A program has at most {count} tiers.", count=MAX_TIERS)
    cleaned = tuple(_clean_tier(tier) for tier in tiers)
    keys = [name_key(tier.name) for tier in cleaned]
    if len(set(keys)) != len(keys):
        raise ValidationError("Two tiers have the same name.")
    if cleaned and cleaned[0].threshold != 0:
        raise ValidationError("The first tier starts at 0: every customer is in it.")
    for lower, higher in pairwise(cleaned):
        if higher.threshold <= lower.threshold:
            raise ValidationError(
                "{tier} must start above {lower}: thresholds go up from tier to tier.",
                tier=higher.name,
                lower=lower.name,
            )
    return cleaned


def check_window_days(days) -> int:
    return _whole(
        days,
        (MIN_WINDOW_DAYS, MAX_WINDOW_DAYS),
        N_("The window must be from {low} to {high} days."),
        low=MIN_WINDOW_DAYS,
        high=MAX_WINDOW_DAYS,
    )


def qualified_level(thresholds: Sequence[int], points: int) -> int:
    """The highest rung whose threshold `points` reach (0 when none but the first)."""
    level = 0
    for position, threshold in enumerate(thresholds):
        if points >= threshold:
            level = position
    return level


def level_by_balance(thresholds: Sequence[int], qualifying: int, balance: int) -> int:
    """The "by balance" rule: the tier follows the balance, but never above what was earned
    (bonus points in the balance lift no tier)."""
    return qualified_level(thresholds, min(qualifying, balance))


def reviewed_level(thresholds: Sequence[int], level: int, window_points: int) -> int:
    """The rung after a window ends: kept if the window's points re-qualify for it,
    otherwise one step down (never below the first)."""
    level = min(max(level, 0), len(thresholds) - 1)
    if level == 0 or window_points >= thresholds[level]:
        return level
    return level - 1


@dataclass(frozen=True)
class NextTier:
    """The rung above a card's, and the points still missing to reach it."""

    name: str
    missing: int


def next_tier(tiers: Sequence[Tier], level: int, qualifying: int) -> NextTier | None:
    """The way up from `level`: None at the top (or with no tiers)."""
    if level + 1 >= len(tiers):
        return None
    above = tiers[level + 1]
    return NextTier(above.name, max(above.threshold - qualifying, 1))


def tier_bonus(base_points: int, multiplier_percent: int) -> int:
    """What a multiplier adds to an earn of `base_points`: floor(base * (percent - 100) / 100),
    never negative. Computed from the base points only, so rules add, never compound."""
    if base_points <= 0 or multiplier_percent <= 100:
        return 0
    return base_points * (multiplier_percent - 100) // 100


# The ledger's idempotency keys are at most this long.
KEY_LENGTH = 128


def tier_bonus_key(earn_key: str) -> str:
    """The key of the tier bonus of the earn with key `earn_key`: `tier:<earn key>`, hashed
    when that would not fit the key column (an award's own key may be 128 characters)."""
    key = f"tier:{earn_key}"
    return key if len(key) <= KEY_LENGTH else step_key("tier", earn_key)


def window_start(moment: datetime, days: int) -> datetime:
    """The window of `days` ending at `moment` holds the points earned after this instant
    (and up to `moment`, included)."""
    return moment - timedelta(days=days)


def best_tier(tiers: Iterable[tuple[int, str | None]]) -> str:
    """The name of the highest of a customer's tiers, given as (rank, name) per card; ""
    when none of their programs has tiers."""
    named = [(level, name) for level, name in tiers if name]
    return max(named, key=lambda pair: pair[0])[1] if named else ""


_TO_NEXT = {
    ProgramKind.POINTS: NP_("{count} more point to {tier}", "{count} more points to {tier}"),
    ProgramKind.STAMPS: NP_("{count} more stamp to {tier}", "{count} more stamps to {tier}"),
}
TOP_TIER = N_("You are in the top tier.")
_COUNTED_OVER = NP_("Counted over the last {count} day", "Counted over the last {count} days")


def next_tier_message(kind: ProgramKind, step: NextTier | None) -> Message:
    """The way up, in the program's unit: "120 more points to Gold"."""
    if step is None:
        return Message(TOP_TIER)
    return Message.plural_of(_TO_NEXT[kind], step.missing, tier=step.name)


_TO_KEEP = {
    ProgramKind.POINTS: NP_(
        "{count} more point by {day} to keep {tier}", "{count} more points by {day} to keep {tier}"
    ),
    ProgramKind.STAMPS: NP_(
        "{count} more stamp by {day} to keep {tier}", "{count} more stamps by {day} to keep {tier}"
    ),
}
KEPT = N_("This window's points keep {tier} (the window ends {day}).")


def keep_tier_message(kind: ProgramKind, tier: str, missing: int, day: str) -> Message:
    """What keeps a tier at the end of its window, by `day` (the window's last day, as the
    reader writes dates): "80 more points by 1 Apr 2026 to keep Gold"."""
    if missing <= 0:
        return Message(KEPT, {"tier": tier, "day": day})
    return Message.plural_of(_TO_KEEP[kind], missing, tier=tier, day=day)


def window_message(days: int | None) -> Message | None:
    """What a rolling window counts ("Counted over the last 90 days"); None for lifetime."""
    return None if days is None else Message.plural_of(_COUNTED_OVER, days)
