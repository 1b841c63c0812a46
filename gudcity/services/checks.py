"""Refusals that several use cases share, each worded once."""

from gudcity.domain.errors import ConflictError, ValidationError
from gudcity.i18n.catalogue import N_

KEY_REUSED = N_("This request key was already used for another operation.")


PAUSED = N_("{program} is paused.")
PAUSED_TILL_IT_REOPENS = N_("{program} is paused: you can accept once it reopens.")


def check_running(
    program_name: str, is_active: bool, *, archived: bool = False, paused: str = PAUSED
) -> None:
    """Refuse to act on a paused or archived program; `paused` is the refusal of a paused one."""
    if archived:
        raise ValidationError(
            "{program} is archived: it takes no more scans or points.", program=program_name
        )
    if not is_active:
        raise ValidationError(paused, program=program_name)


def check_program_running(program, *, paused: str = PAUSED) -> None:
    """`check_running` for a LoyaltyProgram row."""
    check_running(
        program.name, program.is_active, archived=program.archived_at is not None, paused=paused
    )


def check_same_operation(same: bool, message: str = KEY_REUSED) -> None:
    """A repeated idempotency key must name the very operation it was first used for.

    Answering a reused key with another operation's result would hand out that
    operation (maybe another business's customer or points), so it is refused.
    """
    if not same:
        raise ConflictError(message)
