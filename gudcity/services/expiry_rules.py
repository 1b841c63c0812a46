"""A program's expiry setting: its rule versions, appended when the owner changes it.

The newest version is in force; the older ones stay, because points held under them
keep the longest deadline any version gave them (gudcity/domain/expiry.py). Leaf
reads (`rule_versions`, `current_rules`) for the sweep and the pages, and the one
use case that changes the setting (`set_expiry_rule`).
"""

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, select

from gudcity.domain.errors import ValidationError
from gudcity.domain.expiry import MAX_EXPIRY_DAYS, RuleVersion
from gudcity.models import ExpiryMode, ExpiryRule, LoyaltyProgram, User, as_utc, utc_now
from gudcity.services.atomic import atomic
from gudcity.services.lookups import get_program
from gudcity.services.outbox import business_topic, program_topic, publish
from gudcity.services.permissions import Permission, require_business_permission


def rule_versions(session: Session, program_ids: Iterable[int]) -> dict[int, list[RuleVersion]]:
    """Each program's rule versions, oldest first (a program without any: no entry)."""
    ids = sorted(set(program_ids))
    versions: defaultdict[int, list[RuleVersion]] = defaultdict(list)
    if not ids:
        return versions
    rows = session.execute(
        select(ExpiryRule.program_id, ExpiryRule.mode, ExpiryRule.days, ExpiryRule.starts_at)
        .where(ExpiryRule.program_id.in_(ids))
        .order_by(ExpiryRule.program_id, ExpiryRule.starts_at, ExpiryRule.id)
    )
    for program_id, mode, days, starts_at in rows:
        versions[program_id].append(RuleVersion(ExpiryMode(mode), days, as_utc(starts_at)))
    return versions


def current_rules(session: Session, program_ids: Iterable[int]) -> dict[int, RuleVersion | None]:
    """The rule in force for each program (None: points never expire)."""
    ids = list(program_ids)
    versions = rule_versions(session, ids)
    return {
        program_id: versions[program_id][-1] if versions.get(program_id) else None
        for program_id in ids
    }


def _check_mode(mode: str) -> ExpiryMode:
    try:
        return ExpiryMode(mode)
    except ValueError:
        raise ValidationError("Choose when points expire.") from None


def _check_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValidationError("Days must be a whole number.")
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise ValidationError("Days must be between 1 and {limit}.", limit=MAX_EXPIRY_DAYS)
    return days


@atomic
def set_expiry_rule(
    session: Session, actor: User, program_id: int, mode: str, days: int = 0
) -> ExpiryRule | None:
    """Make the program's points expire after `days` (from earning, or from the last
    visit), or never (NONE). Points already held never get a shorter deadline, and points
    earned before expiry was switched on never expire. Setting what is already in force
    changes nothing (a double click); returns the version in force (None: never was one).

    The owner, or staff with the programs permission, of a program not archived.
    """
    program = get_program(session, program_id)
    require_business_permission(session, actor, program.business_id, Permission.MANAGE_PROGRAMS)
    if program.archived_at is not None:
        raise ValidationError(
            "{program} is archived: it can no longer be changed.", program=program.name
        )
    mode = _check_mode(mode)
    days = 0 if mode == ExpiryMode.NONE else _check_days(days)
    current = _newest(session, program)
    if current is not None and (current.mode, current.days) == (mode, days):
        return current
    if current is None and mode == ExpiryMode.NONE:
        return None
    rule = ExpiryRule(
        program_id=program.id, mode=mode, days=days, starts_at=utc_now(), set_by=actor.id
    )
    session.add(rule)
    session.flush()
    publish(
        session,
        [business_topic(program.business_id), program_topic(program.id)],
        "program.expiry",
        {"program_id": program.id},
    )
    session.commit()
    return rule


def _newest(session: Session, program: LoyaltyProgram) -> ExpiryRule | None:
    """The version in force, its program's row locked first (PostgreSQL) so that two
    changes at once take turns."""
    session.exec(
        select(LoyaltyProgram.id)
        .where(LoyaltyProgram.id == program.id)
        .with_for_update(key_share=True)
    ).first()
    return session.exec(
        select(ExpiryRule)
        .where(ExpiryRule.program_id == program.id)
        .order_by(ExpiryRule.starts_at.desc(), ExpiryRule.id.desc())
    ).first()
