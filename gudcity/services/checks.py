"""Refusals that several use cases share, each worded once."""

from gudcity.domain.errors import ConflictError, ValidationError

KEY_REUSED = "This request key was already used for another operation."


def check_running(program_name: str, is_active: bool, *, until: str = "") -> None:
    """Refuse to act on a paused program; `until` says when it can be done instead."""
    if not is_active:
        raise ValidationError(f"{program_name} is paused{until}.")


def check_same_operation(same: bool, message: str = KEY_REUSED) -> None:
    """A repeated idempotency key must name the very operation it was first used for.

    Answering a reused key with another operation's result would hand out that
    operation (maybe another business's customer or points), so it is refused.
    """
    if not same:
        raise ConflictError(message)
