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
    PointTransaction,
    ProgramTier,
    TierDowngrade,
    TransactionKind,
    utc_now,
)
from gudcity.services.bonuses import grant_bonus
from gudcity.services.ledger import CardFacts, card_access, publish_card_change
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


def apply_tier(
    session: Session, card: CardFacts, earn_row: PointTransaction, actor_id: int | None
) -> None:
    """The tier earning rule: the bonus of the tier the card holds when the points are
    earned (before this earn can lift it), then the tier those points reach.

    The bonus is computed from the EARN row's base points and granted once per award
    (key `tier:<the award's key>`, `tier_bonus_key`); a tier reached by this earn
    applies from the next.
    """
    standing = card_tier(session, card.card_id, card.program_id)
    if standing is None:
        return
    now = utc_now()
    catch_up(session, card, standing, now)
    earned = qualifying_points(session, card.card_id, standing.policy.since(now), now)
    held = standing.level
    if standing.policy.downgrade == TierDowngrade.BALANCE:
        # What the card held just before this earn, by the balance it had then.
        before = earn_row.amount
        held = level_by_balance(standing.thresholds, earned - before, standing.balance - before)
    tier = standing.tiers[held]
    bonus, created = grant_bonus(
        session,
        card,
        TransactionKind.TIER_BONUS,
        tier_bonus(earn_row.amount, tier.multiplier_percent),
        idempotency_key=tier_bonus_key(earn_row.idempotency_key),
        reason=Message(
            N_("{tier} tier bonus ({multiplier}x)"),
            {"tier": tier.name, "multiplier": f"{tier.multiplier_percent / 100:g}"},
        ),
        actor_id=actor_id,
    )
    if standing.policy.downgrade == TierDowngrade.BALANCE:
        balance = standing.balance + (bonus.amount if created else 0)
        reached = level_by_balance(standing.thresholds, earned, balance)
    else:
        reached = max(held, qualified_level(standing.thresholds, earned))
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


def catch_up(session: Session, card: CardFacts, standing: CardTier, now: datetime) -> None:
    """Settle every window of the card that ended by `now`, oldest first: each keeps the
    tier if its points re-qualify for it, or steps one down. Stops if another
    transaction settled one first (its move is the one that counts)."""
    while standing.review_at is not None and standing.review_at <= now:
        end = standing.review_at
        since = window_start(end, standing.policy.window_days)
        earned = qualifying_points(session, card.card_id, since, end)
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
        standing = card_tier(session, card_id, program_id)
        if standing is None:
            continue
        earned = qualifying_points(session, card_id, standing.policy.since(now), now)
        level = level_by_balance(standing.thresholds, earned, standing.balance)
        if level < standing.level:
            move_tier(session, card_access(session, card_id, None).card, standing, level, now)
    return rows[-1][0] if rows else 0
