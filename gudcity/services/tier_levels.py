"""Which tier a card holds: reached at once on an earn, lost at a window's end or with the
balance, and what the tier's multiplier adds to each earn.

Every move of a card's tier is one conditional UPDATE (`WHERE tier_level = <what was
read>`, and for a window's end `AND tier_review_at = <that end>`): two workers sweeping
the same card, or a sweep racing an earn, move it once, and only the one that moved it
tells the customer. The points counted are base EARN rows read from the ledger
(`tiers.qualifying_points`), never a second balance and never a bonus.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from gudcity.domain.tiers import (
    Tier,
    level_by_balance,
    qualified_level,
    reviewed_level,
    tier_bonus,
    tier_bonus_key,
    window_start,
)
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    LoyaltyCard,
    LoyaltyProgram,
    NotificationType,
    ProgramTier,
    TierDowngrade,
    TransactionKind,
    as_utc,
    utc_now,
)
from gudcity.services.ledger import Bonus, CardFacts, card_access, publish_card_change
from gudcity.services.notify import notify_customer
from gudcity.services.tiers import TierPolicy, qualifying_points, tier_of

SWEEP_BATCH = 200


@dataclass
class CardTier:
    """A card's place on its program's ladder, as read in the caller's transaction."""

    tiers: tuple[Tier, ...]
    policy: TierPolicy
    level: int
    review_at: datetime | None
    balance: int

    @property
    def thresholds(self) -> list[int]:
        return [tier.threshold for tier in self.tiers]


def _card_tier_query():
    """The card's place and its program's ladder and rules, one row per tier, lowest first
    (no row when the program has no tiers); built once, like the ledger's statements."""
    ladder, cards = ProgramTier.__table__, LoyaltyCard.__table__
    programs = LoyaltyProgram.__table__
    return (
        select(
            ladder.c.name,
            ladder.c.threshold,
            ladder.c.multiplier_percent,
            ladder.c.benefits,
            cards.c.tier_level,
            cards.c.tier_review_at,
            cards.c.balance,
            programs.c.tier_basis,
            programs.c.tier_window_days,
            programs.c.tier_downgrade,
        )
        .join(programs, programs.c.id == ladder.c.program_id)
        .join(cards, cards.c.program_id == programs.c.id)
        .where(ladder.c.program_id == bindparam("program_id"), cards.c.id == bindparam("card_id"))
        .order_by(ladder.c.position)
    )


_CARD_TIER = _card_tier_query()


def card_tier(session: Session, card_id: int, program_id: int) -> CardTier | None:
    """The card's tier and its program's ladder, in one query; None when the program has no
    tiers."""
    rows = session.execute(_CARD_TIER, {"program_id": program_id, "card_id": card_id}).all()
    if not rows:
        return None
    tiers = tuple(tier_of(row) for row in rows)
    card = rows[0]
    policy = TierPolicy(card.tier_basis, card.tier_window_days, card.tier_downgrade)
    level = min(card.tier_level, len(tiers) - 1)
    return CardTier(tiers, policy, level, card.tier_review_at, card.balance)


@dataclass
class EarnStanding:
    """A card's place on its ladder as an award finds it: the tier whose multiplier the
    award earns at (`held`), and the base points counted before the award."""

    card_tier: CardTier
    held: int
    earned_before: int


def standing_for_earn(
    session: Session, card: CardFacts, tiers: tuple[Tier, ...], points: int, now: datetime
) -> EarnStanding | None:
    """Where an award finds the card (None when the program has no tiers): every window
    that ended is settled first, so a card never earns at a tier it lost."""
    if not tiers:
        return None
    policy = TierPolicy(card.tier_basis, card.tier_window_days, card.tier_downgrade)
    level = min(card.tier_level, len(tiers) - 1)
    standing = CardTier(tiers, policy, level, as_utc(card.tier_review_at), card.balance)
    catch_up(session, card, standing, now, pending=points)
    since = policy.since(now)
    # Lifetime tiers count the card's earned points, kept with its balance; windows, the ledger.
    earned = (
        card.earned_points
        if since is None
        else qualifying_points(session, card.card_id, since, now)
    )
    held = standing.level
    if policy.downgrade == TierDowngrade.BALANCE:
        held = level_by_balance(standing.thresholds, earned, standing.balance)
    return EarnStanding(standing, held, earned)


def planned_tier_bonus(earning: EarnStanding | None, points: int, award_key: str) -> list[Bonus]:
    """The bonus of the tier the card holds when the points are earned (before this earn
    can lift it), from the award's base points; none at 1x. Keyed `tier:<award key>`
    (`tier_bonus_key`), so an award delivered twice earns it once; a tier this earn
    reaches applies from the next."""
    if earning is None:
        return []
    tier = earning.card_tier.tiers[earning.held]
    amount = tier_bonus(points, tier.multiplier_percent)
    if amount <= 0:
        return []
    return [Bonus(TransactionKind.TIER_BONUS, amount, tier_bonus_key(award_key))]


def settle_after_earn(
    session: Session,
    card: CardFacts,
    earning: EarnStanding,
    points: int,
    credited: int,
    now: datetime,
) -> None:
    """The tier the award's base `points` reach (by balance: with all it `credited`)."""
    standing = earning.card_tier
    earned = earning.earned_before + points
    if standing.policy.downgrade == TierDowngrade.BALANCE:
        reached = level_by_balance(standing.thresholds, earned, standing.balance + credited)
    else:
        reached = max(earning.held, qualified_level(standing.thresholds, earned))
    if reached != standing.level:
        move_tier(session, card, standing, reached, now)


def _next_review(policy: TierPolicy, level: int, start: datetime) -> datetime | None:
    """When a tier taken at `start` must next be re-qualified for (None: never)."""
    if not policy.has_windows or level == 0:
        return None
    return start + timedelta(days=policy.window_days)


def move_tier(
    session: Session,
    card: CardFacts,
    standing: CardTier,
    level: int,
    now: datetime,
    *,
    review_at: datetime | None = None,
    reviewed: datetime | None = None,
) -> bool:
    """Move the card from the level read to `level`, if no one moved it meanwhile; tell the
    customer and publish when the tier changed. A tier reached starts a new window;
    `reviewed` names the window end this move settles (the sweep's guard)."""
    cards = LoyaltyCard.__table__
    if review_at is None and level > standing.level:
        review_at = _next_review(standing.policy, level, now)
    statement = update(cards).where(
        cards.c.id == card.card_id, cards.c.tier_level == standing.level
    )
    if reviewed is not None:
        statement = statement.where(cards.c.tier_review_at == reviewed)
    moved = session.exec(statement.values(tier_level=level, tier_review_at=review_at)).rowcount
    if moved != 1:
        return False
    if level != standing.level:
        _tell(session, card, standing.tiers, standing.level, level)
        publish_card_change(session, card, "tier.changed")
    standing.level, standing.review_at = level, review_at
    return True


def _tell(session: Session, card: CardFacts, tiers: tuple[Tier, ...], old: int, new: int) -> None:
    name = tiers[new].name
    args = {"tier": name, "business": card.business_name}
    if new > old:
        title = Message(N_("You reached {tier}"), {"tier": name})
        message = Message(N_("You are now {tier} at {business}."), args)
    else:
        title = Message(N_("Your tier is now {tier}"), {"tier": name})
        message = Message(N_("Your tier at {business} went down to {tier}."), args)
    notify_customer(
        session,
        card.customer_id,
        NotificationType.TIER_CHANGED,
        title,
        message,
        business_id=card.business_id,
        data={"card_id": card.card_id, "program_id": card.program_id, "tier": name},
    )


def catch_up(
    session: Session, card: CardFacts, standing: CardTier, now: datetime, pending: int = 0
) -> None:
    """Settle every window of the card that ended by `now`, oldest first: each keeps the
    tier if its points re-qualify for it, or steps one down. Stops if another
    transaction settled one first (its move is the one that counts). `pending`: the
    base points of an award being made at `now`, which count for a window ending then."""
    while standing.review_at is not None and standing.review_at <= now:
        end = standing.review_at
        since = window_start(end, standing.policy.window_days)
        earned = qualifying_points(session, card.card_id, since, end)
        earned += pending if end == now else 0
        level = reviewed_level(standing.thresholds, standing.level, earned)
        following = _next_review(standing.policy, level, end)
        if not move_tier(session, card, standing, level, now, review_at=following, reviewed=end):
            return


def settle_due_windows(session: Session, *, limit: int = SWEEP_BATCH) -> int:
    """One batch of the sweep: the cards whose window ended, settled; how many were read.

    The caller commits. Cards whose every due window is settled drop out of the next
    batch (their review moved into the future or went away).
    """
    now = utc_now()
    due = session.exec(
        select(LoyaltyCard.id, LoyaltyCard.program_id)
        .where(LoyaltyCard.tier_review_at.isnot(None), LoyaltyCard.tier_review_at <= now)
        .order_by(LoyaltyCard.tier_review_at, LoyaltyCard.id)
        .limit(limit)
    ).all()
    for card_id, program_id in due:
        standing = card_tier(session, card_id, program_id)
        facts = card_access(session, card_id, None).card
        if standing is None or not standing.policy.has_windows:
            session.exec(
                update(LoyaltyCard).where(LoyaltyCard.id == card_id).values(tier_review_at=None)
            )
            continue
        catch_up(session, facts, standing, now)
    return len(due)


def settle_balance_tiers(session: Session, *, after: int = 0, limit: int = SWEEP_BATCH) -> int:
    """One batch of the "by balance" cards above the first tier, from card id `after`: each
    brought down to what its balance (and its points earned) still reach; the last card
    id read (0 when none was left). The caller commits."""
    now = utc_now()
    rows = session.exec(
        select(LoyaltyCard.id, LoyaltyCard.program_id)
        .join(LoyaltyProgram, LoyaltyProgram.id == LoyaltyCard.program_id)
        .where(
            LoyaltyProgram.tier_downgrade == TierDowngrade.BALANCE,
            LoyaltyCard.tier_level > 0,
            LoyaltyCard.id > after,
        )
        .order_by(LoyaltyCard.id)
        .limit(limit)
    ).all()
    for card_id, program_id in rows:
        lowered = _lowered_by_balance(session, card_id, program_id, now)
        if lowered is not None:
            move_tier(session, card_access(session, card_id, None).card, *lowered, now)
    return rows[-1][0] if rows else 0


def settle_after_spend(session: Session, card: CardFacts) -> None:
    """A spending on a "by balance" card (a deduction, a redemption) takes at once the
    tier its balance no longer reaches; an expiry's is left to the tier sweep."""
    if card.tier_downgrade != TierDowngrade.BALANCE or card.tier_level == 0:
        return
    now = utc_now()
    lowered = _lowered_by_balance(session, card.card_id, card.program_id, now)
    if lowered is not None:
        move_tier(session, card, *lowered, now)


def _lowered_by_balance(
    session: Session, card_id: int, program_id: int, now: datetime
) -> tuple[CardTier, int] | None:
    """The card's standing and the lower level its balance (and its points earned) still
    reach; None when it keeps its tier."""
    standing = card_tier(session, card_id, program_id)
    if standing is None:
        return None
    earned = qualifying_points(session, card_id, standing.policy.since(now), now)
    level = level_by_balance(standing.thresholds, earned, standing.balance)
    return (standing, level) if level < standing.level else None
