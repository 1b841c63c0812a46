"""A program's tiers as its owner sets them, and as its customers see them on their cards.

The owner (or staff who manage programs) saves the whole ladder at once, with the
program's basis (lifetime, or a rolling window of N days) and its downgrade rule
(a step down at the end of a window, or by balance). Which tier a card holds is
kept up to date by services/tier_levels.py.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, literal, update
from sqlmodel import Session, select

from gudcity.domain.errors import ValidationError
from gudcity.domain.tiers import (
    NextTier,
    Tier,
    check_ladder,
    check_window_days,
    next_tier,
    window_start,
)
from gudcity.i18n.catalogue import N_
from gudcity.models import (
    Business,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramTier,
    TierBasis,
    TierDowngrade,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services.atomic import atomic
from gudcity.services.inputs import is_row_id
from gudcity.services.outbox import business_topic, program_topic, publish
from gudcity.services.permissions import require_customer
from gudcity.services.programs import changeable_program
from gudcity.services.rules_stamp import renew_rules_stamp


@dataclass(frozen=True)
class TierPolicy:
    """What a program's tiers count, over how long, and how one is lost."""

    basis: TierBasis
    window_days: int
    downgrade: TierDowngrade

    @property
    def has_windows(self) -> bool:
        """Whether a tier must be re-qualified for at the end of each window."""
        return self.basis == TierBasis.WINDOW and self.downgrade == TierDowngrade.WINDOW

    def since(self, moment: datetime) -> datetime | None:
        """Where the points counted at `moment` start (None: from the first)."""
        if self.basis == TierBasis.LIFETIME:
            return None
        return window_start(moment, self.window_days)


@dataclass(frozen=True)
class TierSettings:
    program_id: int
    tiers: tuple[Tier, ...]
    policy: TierPolicy


def policy_of(program: LoyaltyProgram) -> TierPolicy:
    return TierPolicy(program.tier_basis, program.tier_window_days, program.tier_downgrade)


def tier_of(row) -> Tier:
    """A `program_tiers` row (or any row with its columns) as the domain's Tier."""
    return Tier(row.name, row.threshold, row.multiplier_percent, tuple(row.benefits or ()))


def program_ladders(session: Session, program_ids: list[int]) -> dict[int, tuple[Tier, ...]]:
    """The tiers of several programs, lowest first, in one query; public like a menu."""
    ladders: dict[int, list[Tier]] = {program_id: [] for program_id in program_ids}
    valid_ids = [program_id for program_id in program_ids if is_row_id(program_id)]
    if valid_ids:
        statement = (
            select(ProgramTier)
            .where(ProgramTier.program_id.in_(valid_ids))
            .order_by(ProgramTier.program_id, ProgramTier.position)
        )
        for row in session.exec(statement):
            ladders[row.program_id].append(tier_of(row))
    return {program_id: tuple(tiers) for program_id, tiers in ladders.items()}


def read_tier_settings(session: Session, actor: User, program_id: int) -> TierSettings:
    """A program's ladder and rules, for those who may change them."""
    program = changeable_program(session, actor, program_id)
    tiers = program_ladders(session, [program.id])[program.id]
    return TierSettings(program.id, tiers, policy_of(program))


_TIERS = ProgramTier.__table__
# The tier's name in a query joined by `card_tier_join` (NULL: no tiers).
TIER_NAME = _TIERS.c.name.label("tier")


def card_tier_join(cards):
    """(the tiers table, the ON clause) that names a card's tier in a query over `cards`
    (a LEFT JOIN: no row where the program has no tiers)."""
    on = (_TIERS.c.program_id == cards.c.program_id) & (_TIERS.c.position == cards.c.tier_level)
    return _TIERS, on


def _check_choice(enum_class, value, message: str):
    try:
        return enum_class(value)
    except ValueError:
        raise ValidationError(message) from None


@atomic
def save_tiers(
    session: Session,
    actor: User,
    program_id: int,
    *,
    tiers: list[Tier],
    basis: str,
    window_days: int,
    downgrade: str,
) -> TierSettings:
    """Replace the program's ladder and rules; an empty ladder takes its tiers away.

    Cards keep their rank where it still exists (one above the new top is brought down
    to it) and move at their next earn or window end: a changed threshold takes no tier
    away at once. Without windows to re-qualify in, no card waits for one.
    """
    program = changeable_program(session, actor, program_id)
    ladder = check_ladder(tiers)
    program.tier_basis = _check_choice(TierBasis, basis, N_("Choose what the tiers count."))
    program.tier_downgrade = _check_choice(
        TierDowngrade, downgrade, N_("Choose how a tier is lost.")
    )
    program.tier_window_days = check_window_days(window_days)
    session.add(program)
    renew_rules_stamp(session, program.id)
    session.exec(delete(ProgramTier).where(ProgramTier.program_id == program.id))
    for position, tier in enumerate(ladder):
        session.add(
            ProgramTier(
                program_id=program.id,
                position=position,
                name=tier.name,
                threshold=tier.threshold,
                multiplier_percent=tier.multiplier_percent,
                benefits=list(tier.benefits),
            )
        )
    _fit_cards(session, program.id, len(ladder), policy_of(program))
    topics = [business_topic(program.business_id), program_topic(program.id)]
    publish(session, topics, "program.tiers", {"program_id": program.id})
    session.commit()
    return TierSettings(program.id, ladder, policy_of(program))


def _fit_cards(session: Session, program_id: int, count: int, policy: TierPolicy) -> None:
    """Bring the program's cards within the new ladder in one statement: none above the
    top; with windows, each card above the first tier has one running (a new one from now
    if it had none), and without, none waits for one."""
    top = max(count - 1, 0)
    cards = LoyaltyCard.__table__
    level = case((cards.c.tier_level > top, top), else_=cards.c.tier_level)
    review = None
    if policy.has_windows:
        first_end = literal(
            utc_now() + timedelta(days=policy.window_days), cards.c.tier_review_at.type
        )
        review = case(
            (level == 0, None),
            (cards.c.tier_review_at.is_(None), first_end),
            else_=cards.c.tier_review_at,
        )
    session.exec(
        update(cards)
        .where(cards.c.program_id == program_id)
        .values(tier_level=level, tier_review_at=review)
    )


def qualifying_points(
    session: Session, card_id: int, since: datetime | None, until: datetime
) -> int:
    """The base points a card earned after `since` (None: ever) up to `until`, included:
    EARN rows only, read from the ledger (bonuses count toward no tier)."""
    ledger = PointTransaction.__table__
    statement = select(func.coalesce(func.sum(ledger.c.amount), 0)).where(
        ledger.c.card_id == card_id,
        ledger.c.kind == TransactionKind.EARN,
        ledger.c.created_at <= until,
    )
    if since is not None:
        statement = statement.where(ledger.c.created_at > since)
    return session.exec(statement).one()


@dataclass(frozen=True)
class KeepTier:
    """What keeps a tier at the end of the current window: base points still to earn in
    it (0: already re-qualified), and when it ends, with the business's time zone."""

    missing: int
    until: datetime
    time_zone: str


@dataclass(frozen=True)
class TierStanding:
    """A card's tier as its holder sees it."""

    tier: Tier
    next: NextTier | None
    # The window the points are counted in (None: lifetime).
    window_days: int | None
    # Where a tier must be re-qualified for each window (None: it is not).
    keep: KeepTier | None = None


def _standing(
    session: Session,
    card: LoyaltyCard,
    program: LoyaltyProgram,
    tiers: tuple[Tier, ...],
    time_zone: str,
    now: datetime,
) -> TierStanding:
    policy = policy_of(program)
    level = min(card.tier_level, len(tiers) - 1)
    earned = qualifying_points(session, card.id, policy.since(now), now)
    if policy.downgrade == TierDowngrade.BALANCE:
        earned = min(earned, card.balance)  # by balance, the balance counts too
    keep = None
    if policy.has_windows and level > 0 and card.tier_review_at is not None:
        since = window_start(card.tier_review_at, policy.window_days)
        in_window = qualifying_points(session, card.id, since, now)
        missing = max(tiers[level].threshold - in_window, 0)
        keep = KeepTier(missing, card.tier_review_at, time_zone)
    window = policy.window_days if policy.basis == TierBasis.WINDOW else None
    return TierStanding(tiers[level], next_tier(tiers, level, earned), window, keep)


def tier_standings(session: Session, actor: User, card_ids: list[int]) -> dict[int, TierStanding]:
    """The tier of each of the customer's own cards whose program has tiers."""
    customer = require_customer(actor)
    valid_ids = [card_id for card_id in card_ids if is_row_id(card_id)]
    if not valid_ids:
        return {}
    rows = session.exec(
        select(LoyaltyCard, LoyaltyProgram, Business.time_zone)
        .join(LoyaltyProgram, LoyaltyProgram.id == LoyaltyCard.program_id)
        .join(Business, Business.id == LoyaltyProgram.business_id)
        .where(LoyaltyCard.id.in_(valid_ids), LoyaltyCard.customer_id == customer.id)
    ).all()
    ladders = program_ladders(session, sorted({program.id for _, program, _ in rows}))
    now = utc_now()
    return {
        card.id: _standing(session, card, program, ladders[program.id], time_zone, now)
        for card, program, time_zone in rows
        if ladders[program.id]
    }
