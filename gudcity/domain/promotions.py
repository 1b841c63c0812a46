"""Promotions and promo codes: the pure rules (no database).

A promotion ("2x points on weekday mornings", "+5 points on Tuesdays") runs on chosen
days of the week between a local start and end time, in the business's time zone,
from a first to a last day. Whether it runs at a moment is decided on the business's
wall clock: the UTC moment is turned into local time with zoneinfo, so "9:00" on the
day the clocks change is 9:00 local, whatever the UTC offset that day.

Its bonus is computed from the base points of the award: a multiplier (a percent,
100 is 1x) adds floor(base * (percent - 100) / 100), a fixed bonus adds its points.

A promo code is eight characters of the reward codes' alphabet (no 0/O or 1/I), typed
in any case with spaces or dashes, or read from its QR code, `PROMO_QR_PREFIX` + code.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gudcity.domain.errors import ValidationError
from gudcity.domain.labels import amount_message
from gudcity.domain.redemption_codes import REDEMPTION_ALPHABET
from gudcity.i18n.catalogue import N_, Message
from gudcity.models.enums import ProgramKind, PromotionKind

MINUTES_PER_DAY = 24 * 60
# A multiplier from just over 1x up to 10x (percent of the base points).
MIN_PERCENT, MAX_PERCENT = 101, 1000
ALL_WEEKDAYS = frozenset(range(7))  # Monday is 0, as date.weekday() counts
PROMO_CODE_LENGTH = 8
PROMO_QR_PREFIX = "GCP."
# Idempotency keys are VARCHAR(128) columns.
MAX_KEY_LENGTH = 128

_TIME = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")


@dataclass(frozen=True)
class PromotionRule:
    """What decides whether a promotion runs and what it adds."""

    kind: PromotionKind
    # MULTIPLIER: a percent of the base (200 is 2x); BONUS: points (or stamps) added.
    value: int
    weekdays: frozenset[int]
    # Local minutes since midnight: from start (included) to end (excluded).
    start_minute: int
    end_minute: int
    starts_on: date
    # The last day it runs (included); None: until it is ended.
    ends_on: date | None = None


def local_time(moment: datetime, time_zone: str) -> datetime:
    """`moment` on the business's wall clock; a naive moment is UTC (as SQLite stores it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(time_zone))


def is_active(rule: PromotionRule, moment: datetime, time_zone: str) -> bool:
    """Whether the promotion runs at `moment` in `time_zone`."""
    local = local_time(moment, time_zone)
    day, minute = local.date(), local.hour * 60 + local.minute
    if day < rule.starts_on or (rule.ends_on is not None and day > rule.ends_on):
        return False
    return local.weekday() in rule.weekdays and rule.start_minute <= minute < rule.end_minute


def bonus_points(rule: PromotionRule, base: int) -> int:
    """What the promotion adds to an award of `base` points; never negative."""
    if base <= 0:
        return 0
    if rule.kind == PromotionKind.MULTIPLIER:
        return base * (rule.value - 100) // 100
    return rule.value


def multiplier_text(percent: int) -> str:
    """ "2", "1.5", "1.25": the multiplier of a percent, without trailing zeros."""
    whole, rest = divmod(percent, 100)
    return str(whole) if not rest else f"{whole}.{rest:02d}".rstrip("0")


_MULTIPLIED = {
    ProgramKind.POINTS: N_("{multiplier}x points"),
    ProgramKind.STAMPS: N_("{multiplier}x stamps"),
}
UNTIL = N_("{offer} until {time}")
UNTIL_MIDNIGHT = N_("{offer} until midnight")


def offer_message(kind: PromotionKind, value: int, program_kind: ProgramKind) -> Message:
    """ "2x points", "+5 stamps": what a promotion adds, in the program's words."""
    if kind == PromotionKind.MULTIPLIER:
        return Message(_MULTIPLIED[program_kind], {"multiplier": multiplier_text(value)})
    return Message(N_("+{amount}"), {"amount": amount_message(program_kind, value)})


def until_message(offer: Message, end_minute: int) -> Message:
    """ "2x points until 11:00": a running promotion as a customer's card shows it."""
    if end_minute >= MINUTES_PER_DAY:
        return Message(UNTIL_MIDNIGHT, {"offer": offer})
    return Message(UNTIL, {"offer": offer, "time": clock_text(end_minute)})


def parse_local_time(typed: str, *, end: bool = False) -> int:
    """Minutes since midnight of "9:00", "09:30", "17.45"; as an end, "24:00" or "00:00"
    (what a time field can hold) is the midnight that ends the day."""
    found = _TIME.match(typed) if isinstance(typed, str) else None
    if found is None:
        raise ValidationError("Type a time like 09:00.")
    hours, minutes = int(found[1]), int(found[2])
    total = hours * 60 + minutes
    if minutes > 59 or total > MINUTES_PER_DAY or (total == MINUTES_PER_DAY and not end):
        raise ValidationError("Type a time like 09:00.")
    return MINUTES_PER_DAY if end and total == 0 else total


def clock_text(minute: int) -> str:
    """ "09:00", "24:00": minutes since midnight on a 24-hour clock."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def field_time(minute: int) -> str:
    """A time as a time field holds it: the midnight that ends the day is "00:00"."""
    return clock_text(minute % MINUTES_PER_DAY)


def check_window(start_minute: int, end_minute: int) -> None:
    if not 0 <= start_minute < end_minute <= MINUTES_PER_DAY:
        raise ValidationError("The end time must come after the start time.")


def check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError("The last day must not come before the first day.")


def check_weekdays(weekdays: frozenset[int]) -> frozenset[int]:
    if not weekdays or not weekdays <= ALL_WEEKDAYS:
        raise ValidationError("Choose at least one day of the week.")
    return weekdays


def check_percent(percent: int) -> int:
    if isinstance(percent, bool) or not isinstance(percent, int):
        raise ValidationError("The multiplier must be a whole percent, like 200 for 2x.")
    if not MIN_PERCENT <= percent <= MAX_PERCENT:
        raise ValidationError(
            "The multiplier must be between {low}% and {high}%.", low=MIN_PERCENT, high=MAX_PERCENT
        )
    return percent


def weekday_mask(weekdays: frozenset[int]) -> int:
    """The days as the table stores them: bit 0 is Monday."""
    return sum(1 << day for day in weekdays)


def weekdays_of(mask: int) -> frozenset[int]:
    return frozenset(day for day in ALL_WEEKDAYS if mask & (1 << day))


def end_of_local_day(day: date, time_zone: str) -> datetime:
    """The UTC moment a day ends in `time_zone` (its next midnight, local)."""
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(time_zone))
    return midnight.astimezone(UTC)


def derived_key(prefix: str, cause_key: str) -> str:
    """`prefix` + the key of what caused a grant, hashed only when it would not fit."""
    key = f"{prefix}{cause_key}"
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return f"{prefix}{hashlib.sha256(cause_key.encode()).hexdigest()[:48]}"


def new_promo_code() -> str:
    return "".join(secrets.choice(REDEMPTION_ALPHABET) for _ in range(PROMO_CODE_LENGTH))


def promo_qr_payload(code: str) -> str:
    """What a promo code's QR carries."""
    return PROMO_QR_PREFIX + code


def is_promo_qr(text: str) -> bool:
    """Whether decoded QR text is a promo code's (rather than a card's or a reward code's)."""
    return isinstance(text, str) and text.strip().upper().startswith(PROMO_QR_PREFIX)


def normalize_promo_code(typed: str) -> str:
    """The code as stored: upper case, without spaces, dashes or the QR's prefix."""
    text = typed.strip().upper() if isinstance(typed, str) else ""
    if text.startswith(PROMO_QR_PREFIX):
        text = text[len(PROMO_QR_PREFIX) :]
    return "".join(c for c in text if not c.isspace() and c not in "-_.")


def is_promo_code(code: str) -> bool:
    """Whether a normalized code could be one: the length and the alphabet."""
    return len(code) == PROMO_CODE_LENGTH and all(c in REDEMPTION_ALPHABET for c in code)
