"""The errors services raise. Each carries a message fit to show a user, in any language."""

from typing import Any

from gudcity.i18n.catalogue import N_, Message, translator


class ServiceError(Exception):
    """Base of every refusal; nothing was written.

    `message` is a msgid (English, marked for extraction by the error's class name) with
    `{placeholders}` filled from `args`, or a plural pair marked with NP_ and chosen by
    the `count` argument. The UI shows `translatable` in the reader's language;
    `str(error)` and `message` are the English, for logs and tests.
    """

    def __init__(self, message: str | tuple[str, str], **args: Any) -> None:
        if isinstance(message, tuple):
            self.translatable = Message.plural_of(message, args.pop("count"), **args)
        else:
            self.translatable = Message(message, args)
        english = translator("en").message(self.translatable)
        super().__init__(english)
        self.message = english


class ValidationError(ServiceError):
    """The input itself is wrong (an empty name, a malformed email, a bad amount)."""


class NotFoundError(ServiceError):
    """The thing asked for does not exist, or the actor may not know it exists."""


class PermissionDeniedError(ServiceError):
    """The actor is known but may not do this."""


class AuthenticationError(ServiceError):
    """Wrong credentials, or a session that is missing, expired or ended."""


class TooManyAttemptsError(AuthenticationError):
    """Too many failed log-ins: refused without checking the password, for a while."""


class ConflictError(ServiceError):
    """The request clashes with the current state (already enrolled, already answered)."""


class InsufficientPointsError(ServiceError):
    """The card's balance cannot cover the deduction or the reward."""


class ExpiredError(ServiceError):
    """The request waited too long for an answer."""


class DatabaseUnavailableError(ServiceError):
    """The database cannot be reached (restarting, or down): nothing was done."""

    def __init__(self) -> None:
        super().__init__(N_("GudCity cannot reach its database right now. Try again in a moment."))


class RateLimitedError(ServiceError):
    """Allowed, but not this often (invitations from one business, say)."""
