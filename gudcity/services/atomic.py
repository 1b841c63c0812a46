"""One service call, one transaction."""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlmodel import Session

P = ParamSpec("P")
R = TypeVar("R")


def atomic(service: Callable[P, R]) -> Callable[P, R]:
    """Roll the session back when the call fails, so nothing it staged survives.

    Without this, a refused call could leave half-made changes in the caller's
    session for its next, unrelated commit to write.
    """

    @functools.wraps(service)
    def call(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(session, *args, **kwargs)
        except BaseException:
            session.rollback()
            raise

    return call
