"""What a user sees when a handler fails anyway: words, never "An error occurred".

Registered as the app's `backend_exception_handler`. Handlers catch the refusals
they expect; this is the net under them: a service's refusal that escaped still
shows its own message, an ended session sends the user to log in, and anything
else is logged with its traceback and shown as a plain apology.
"""

import logging

import reflex as rx
from reflex.event import EventSpec

from gudcity import routes
from gudcity.domain.errors import AuthenticationError, ServiceError
from gudcity.domain.stored_messages import stored
from gudcity.i18n.catalogue import Message
from gudcity.state.session import UNEXPECTED_FAILURE, SessionState

logger = logging.getLogger(__name__)


def show_failure(exception: Exception) -> list[EventSpec]:
    """The words go through an event of the tab's SessionState, which knows its language."""
    if isinstance(exception, AuthenticationError):
        notice = SessionState.tell_failure(stored(exception.translatable), True)
        return [notice, rx.redirect(routes.LOGIN)]
    if isinstance(exception, ServiceError):
        return [SessionState.tell_failure(stored(exception.translatable), False)]
    logger.error("A handler failed", exc_info=exception)
    return [SessionState.tell_failure(stored(Message(UNEXPECTED_FAILURE)), False)]
