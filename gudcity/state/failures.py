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
from gudcity.state import toasts

logger = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong on our side. Reload the page and try again."


def show_failure(exception: Exception) -> list[EventSpec]:
    if isinstance(exception, AuthenticationError):
        return [toasts.info(exception.message), rx.redirect(routes.LOGIN)]
    if isinstance(exception, ServiceError):
        return [toasts.error(exception.message)]
    logger.error("A handler failed", exc_info=exception)
    return [rx.toast.error(UNEXPECTED)]
