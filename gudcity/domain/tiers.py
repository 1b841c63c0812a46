"""Tiers: what a card's lifetime points make its holder, and which tier ranks higher."""

from collections.abc import Iterable

from gudcity.i18n.catalogue import N_

# (lifetime points from which the tier applies, tier), highest first; the last starts at 0.
TIERS = ((2000, "GOLD"), (500, "SILVER"), (0, "BRONZE"))
TIER_ORDER = tuple(name for _, name in reversed(TIERS))


def best_tier(tiers: Iterable[str]) -> str:
    """The highest of a customer's tiers (one per card); unknown names rank lowest."""
    return max(tiers, key=lambda name: TIER_ORDER.index(name) if name in TIER_ORDER else -1)


_TIER_TITLES = {"GOLD": N_("Gold"), "SILVER": N_("Silver"), "BRONZE": N_("Bronze")}


def tier_title(tier: str) -> str:
    """`GOLD` -> `Gold`, as cards and lists show it (a msgid, for the reader's translator)."""
    return _TIER_TITLES.get(tier, tier.title())
