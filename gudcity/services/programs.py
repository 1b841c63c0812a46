"""Loyalty programs and their rewards ladders."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gudcity.domain.errors import ConflictError, NotFoundError, ValidationError
from gudcity.domain.program_names import name_key
from gudcity.i18n.catalogue import N_
from gudcity.models import (
    Business,
    LoyaltyProgram,
    ProgramKind,
    Reward,
    User,
    utc_now,
)
from gudcity.models.loyalty import DEFAULT_SCAN_COOLDOWN_SECONDS
from gudcity.services.accounts import clean_name
from gudcity.services.atomic import atomic
from gudcity.services.inputs import check_amount, get_row, is_row_id
from gudcity.services.lookups import get_program
from gudcity.services.outbox import business_topic, program_topic, publish
from gudcity.services.permissions import Permission, require_business_permission

MAX_COOLDOWN_SECONDS = 7 * 24 * 3600


def _check_kind(kind: str) -> ProgramKind:
    try:
        return ProgramKind(kind)
    except ValueError:
        raise ValidationError("Program type must be POINTS or STAMPS.") from None


def _check_cooldown(seconds: int) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValidationError("Cooldown must be a whole number of seconds.")
    if not 0 <= seconds <= MAX_COOLDOWN_SECONDS:
        raise ValidationError("Cooldown must be between 0 seconds and 7 days.")
    return seconds


def managed_program(session: Session, actor: User, program_id: int) -> LoyaltyProgram:
    """The program, if the actor may manage its business's programs."""
    program = get_program(session, program_id)
    require_business_permission(session, actor, program.business_id, Permission.MANAGE_PROGRAMS)
    return program


def changeable_program(session: Session, actor: User, program_id: int) -> LoyaltyProgram:
    """A program the actor manages that is not archived (an archived one is kept as it was)."""
    program = managed_program(session, actor, program_id)
    if program.archived_at is not None:
        raise ValidationError(
            "{program} is archived: it can no longer be changed.", program=program.name
        )
    return program


def _taken(name: str) -> ConflictError:
    return ConflictError("This business already has a program called {program}.", program=name)


def _unique_name(session: Session, business_id: int, name: str, program_id: int | None) -> str:
    """The (cleaned) name, if no other program of the business, archived or not, has it.

    Names are compared without case or spaces. The business's row is locked first
    (PostgreSQL; FOR NO KEY UPDATE, which leaves inserts that refer to the business
    alone), so two requests naming programs of one business take turns; the unique
    index still catches exact twins (`_flush_name`).
    """
    lock = select(Business.id).where(Business.id == business_id).with_for_update(key_share=True)
    session.exec(lock).first()
    statement = select(LoyaltyProgram.id, LoyaltyProgram.name, LoyaltyProgram.archived_at).where(
        LoyaltyProgram.business_id == business_id
    )
    for other_id, other_name, archived_at in session.exec(statement):
        if other_id != program_id and name_key(other_name) == name_key(name):
            if archived_at is not None:
                raise ConflictError(
                    "An archived program of this business is called {program}: "
                    "choose another name.",
                    program=other_name,
                )
            raise _taken(other_name)
    return name


def _flush_name(session: Session, program: LoyaltyProgram) -> None:
    """Write the program now: a concurrent twin of its name fails here, in words."""
    session.add(program)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise _taken(program.name) from None


def announce(session: Session, program: LoyaltyProgram, kind: str) -> None:
    """A change to the program, for the business's pages and its customers' cards."""
    topics = [business_topic(program.business_id), program_topic(program.id)]
    publish(session, topics, kind, {"program_id": program.id})


@atomic
def create_program(
    session: Session,
    actor: User,
    business_id: int,
    *,
    name: str,
    kind: ProgramKind = ProgramKind.POINTS,
    points_per_scan: int = 10,
    scan_cooldown_seconds: int = DEFAULT_SCAN_COOLDOWN_SECONDS,
) -> LoyaltyProgram:
    require_business_permission(session, actor, business_id, Permission.MANAGE_PROGRAMS)
    program = LoyaltyProgram(
        business_id=business_id,
        name=clean_name(name, N_("Program name")),
        kind=_check_kind(kind),
        points_per_scan=check_amount(points_per_scan, N_("Points per scan")),
        scan_cooldown_seconds=_check_cooldown(scan_cooldown_seconds),
    )
    program.name = _unique_name(session, business_id, program.name, None)
    _flush_name(session, program)
    announce(session, program, "program.created")
    session.commit()
    return program


@atomic
def update_program(
    session: Session,
    actor: User,
    program_id: int,
    *,
    name: str | None = None,
    points_per_scan: int | None = None,
    scan_cooldown_seconds: int | None = None,
    is_active: bool | None = None,
) -> LoyaltyProgram:
    """Change what is given; leave the rest. Pausing is `is_active=False`."""
    program = changeable_program(session, actor, program_id)
    if name is not None:
        cleaned = clean_name(name, N_("Program name"))
        program.name = _unique_name(session, program.business_id, cleaned, program.id)
    if points_per_scan is not None:
        program.points_per_scan = check_amount(points_per_scan, N_("Points per scan"))
    if scan_cooldown_seconds is not None:
        program.scan_cooldown_seconds = _check_cooldown(scan_cooldown_seconds)
    if is_active is not None:
        program.is_active = bool(is_active)
    _flush_name(session, program)
    announce(session, program, "program.updated")
    session.commit()
    return program


@atomic
def archive_program(session: Session, actor: User, program_id: int) -> LoyaltyProgram:
    """Close a program for good: it leaves the business's pages and takes no more scans
    or points. Its cards, ledger and rewards stay; customers see the card as archived.
    Archiving twice changes nothing."""
    program = managed_program(session, actor, program_id)
    if program.archived_at is not None:
        return program
    program.archived_at = utc_now()
    program.is_active = False
    session.add(program)
    announce(session, program, "program.archived")
    session.commit()
    return program


def list_programs(
    session: Session, actor: User, business_id: int, *, active_only: bool = False
) -> list[LoyaltyProgram]:
    """The business's programs that are not archived (paused ones too, unless `active_only`)."""
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    statement = select(LoyaltyProgram).where(
        LoyaltyProgram.business_id == business_id, LoyaltyProgram.archived_at.is_(None)
    )
    if active_only:
        statement = statement.where(LoyaltyProgram.is_active)
    return list(session.exec(statement.order_by(LoyaltyProgram.id)))


@atomic
def add_reward(session: Session, actor: User, program_id: int, *, name: str, cost: int) -> Reward:
    program = changeable_program(session, actor, program_id)
    reward = Reward(
        program_id=program.id,
        name=clean_name(name, N_("Reward name")),
        cost=check_amount(cost, N_("Cost")),
    )
    session.add(reward)
    session.flush()
    announce(session, program, "reward.created")
    session.commit()
    return reward


def _managed_reward(session: Session, actor: User, reward_id: int) -> tuple[Reward, LoyaltyProgram]:
    reward = get_row(session, Reward, reward_id)
    if reward is None:
        raise NotFoundError("Reward not found.")
    return reward, changeable_program(session, actor, reward.program_id)


@atomic
def update_reward(
    session: Session,
    actor: User,
    reward_id: int,
    *,
    name: str | None = None,
    cost: int | None = None,
) -> Reward:
    """Rename a reward or change its cost; codes already issued keep what they were."""
    reward, program = _managed_reward(session, actor, reward_id)
    if name is not None:
        reward.name = clean_name(name, N_("Reward name"))
    if cost is not None:
        reward.cost = check_amount(cost, N_("Cost"))
    session.add(reward)
    announce(session, program, "reward.updated")
    session.commit()
    return reward


@atomic
def set_reward_active(session: Session, actor: User, reward_id: int, active: bool) -> Reward:
    """Hide a reward from customers (`active=False`) or show it again."""
    reward, program = _managed_reward(session, actor, reward_id)
    reward.is_active = bool(active)
    session.add(reward)
    announce(session, program, "reward.updated")
    session.commit()
    return reward


def rewards_ladder(session: Session, program_id: int) -> list[Reward]:
    """A program's active rewards, cheapest first; public like a menu."""
    if not is_row_id(program_id):
        return []
    statement = (
        select(Reward)
        .where(Reward.program_id == program_id, Reward.is_active)
        .order_by(Reward.cost, Reward.id)
    )
    return list(session.exec(statement))


def rewards_ladders(
    session: Session, program_ids: list[int], *, with_hidden: bool = False
) -> dict[int, list[Reward]]:
    """`rewards_ladder` for several programs in one query; `with_hidden` for their managers."""
    ladders: dict[int, list[Reward]] = {program_id: [] for program_id in program_ids}
    valid_ids = [program_id for program_id in program_ids if is_row_id(program_id)]
    if not valid_ids:
        return ladders
    statement = select(Reward).where(Reward.program_id.in_(valid_ids))
    if not with_hidden:
        statement = statement.where(Reward.is_active)
    for reward in session.exec(statement.order_by(Reward.cost, Reward.id)):
        ladders[reward.program_id].append(reward)
    return ladders
