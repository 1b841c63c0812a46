"""Loyalty programs and their rewards ladders."""

from sqlmodel import Session, select

from gudcity.domain.errors import NotFoundError, ValidationError
from gudcity.models import LoyaltyProgram, ProgramKind, Reward, User
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


def _managed_program(session: Session, actor: User, program_id: int) -> LoyaltyProgram:
    program = get_program(session, program_id)
    require_business_permission(session, actor, program.business_id, Permission.MANAGE_PROGRAMS)
    return program


def _announce(session: Session, program: LoyaltyProgram, kind: str) -> None:
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
        name=clean_name(name, "Program name"),
        kind=_check_kind(kind),
        points_per_scan=check_amount(points_per_scan, "Points per scan"),
        scan_cooldown_seconds=_check_cooldown(scan_cooldown_seconds),
    )
    session.add(program)
    session.flush()
    _announce(session, program, "program.created")
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
    program = _managed_program(session, actor, program_id)
    if name is not None:
        program.name = clean_name(name, "Program name")
    if points_per_scan is not None:
        program.points_per_scan = check_amount(points_per_scan, "Points per scan")
    if scan_cooldown_seconds is not None:
        program.scan_cooldown_seconds = _check_cooldown(scan_cooldown_seconds)
    if is_active is not None:
        program.is_active = bool(is_active)
    session.add(program)
    _announce(session, program, "program.updated")
    session.commit()
    return program


def list_programs(
    session: Session, actor: User, business_id: int, *, active_only: bool = False
) -> list[LoyaltyProgram]:
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    statement = select(LoyaltyProgram).where(LoyaltyProgram.business_id == business_id)
    if active_only:
        statement = statement.where(LoyaltyProgram.is_active)
    return list(session.exec(statement.order_by(LoyaltyProgram.id)))


@atomic
def add_reward(session: Session, actor: User, program_id: int, *, name: str, cost: int) -> Reward:
    program = _managed_program(session, actor, program_id)
    reward = Reward(
        program_id=program.id,
        name=clean_name(name, "Reward name"),
        cost=check_amount(cost, "Cost"),
    )
    session.add(reward)
    session.flush()
    _announce(session, program, "reward.created")
    session.commit()
    return reward


@atomic
def set_reward_active(session: Session, actor: User, reward_id: int, active: bool) -> Reward:
    reward = get_row(session, Reward, reward_id)
    if reward is None:
        raise NotFoundError("Reward not found.")
    program = _managed_program(session, actor, reward.program_id)
    reward.is_active = bool(active)
    session.add(reward)
    _announce(session, program, "reward.updated")
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


def rewards_ladders(session: Session, program_ids: list[int]) -> dict[int, list[Reward]]:
    """`rewards_ladder` for several programs in one query."""
    ladders: dict[int, list[Reward]] = {program_id: [] for program_id in program_ids}
    valid_ids = [program_id for program_id in program_ids if is_row_id(program_id)]
    if not valid_ids:
        return ladders
    statement = (
        select(Reward)
        .where(Reward.program_id.in_(valid_ids), Reward.is_active)
        .order_by(Reward.cost, Reward.id)
    )
    for reward in session.exec(statement):
        ladders[reward.program_id].append(reward)
    return ladders
