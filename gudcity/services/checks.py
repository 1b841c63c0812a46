"""Refusals that several use cases share, each worded once."""

from gudcity.domain.errors import ConflictError, ValidationError

KEY_REUSED = "This request key was already used for another operation."


def check_running(
    program_name: str, is_active: bool, *, archived: bool = False, until: str = ""
) -> None:
    """Refuse to act on a paused or archived program; `until` says when a paused one can."""
    if archived:
        raise ValidationError(f"{program_name} is archived: it takes no more scans or points.")
    if not is_active:
        raise ValidationError(f"{program_name} is paused{until}.")


def check_program_running(program, *, until: str = "") -> None:
    """`check_running` for a LoyaltyProgram row."""
    check_running(
        program.name, program.is_active, archived=program.archived_at is not None, until=until
    )


def check_same_operation(same: bool, message: str = KEY_REUSED) -> None:
    """A repeated idempotency key must name the very operation it was first used for.

    Answering a reused key with another operation's result would hand out that
    operation (maybe another business's customer or points), so it is refused.
    """
    if not same:
        raise ConflictError(message)
