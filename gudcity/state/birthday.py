"""The birthday section of /settings: a customer gives their birthday, or removes it.

Only customers have one; SettingsState.load guards the page, this only reads and
saves the birthday (services/birthdays.py).
"""

import reflex as rx
from sqlmodel import Session

from gudcity.domain.errors import ServiceError
from gudcity.i18n.catalogue import N_
from gudcity.i18n.formatting import month_names
from gudcity.i18n.languages import DEFAULT_LANGUAGE
from gudcity.models import User, UserRole
from gudcity.services import birthdays
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, form_text, whole_number
from gudcity.state.session import SessionState

# The form's fields.
MONTH_FIELD, DAY_FIELD = "birth_month", "birth_day"


def _read(session: Session, user: User) -> birthdays.Birthday | None:
    if user.role != UserRole.CUSTOMER:
        return None
    return birthdays.birthday_of(session, user)


class BirthdayState(SessionState):
    # What the form shows: "" (not given) or the month's and the day's number.
    month: str = ""
    day: str = ""
    has_birthday: bool = False
    busy: bool = False
    error: str = ""
    # Bumped to show the stored birthday again (the form is keyed by it).
    form_version: int = 0

    @rx.var
    def months(self) -> list[str]:
        return month_names(self.language or DEFAULT_LANGUAGE)

    def _show(self, birthday: birthdays.Birthday | None) -> None:
        self.has_birthday = birthday is not None
        self.month = str(birthday.month) if birthday else ""
        self.day = str(birthday.day) if birthday else ""
        self.form_version += 1

    @rx.event
    async def load(self):
        self.busy, self.error = False, ""
        try:
            birthday = await self._as_user(_read)
        except ServiceError:
            return  # SettingsState.load says why (or sends the visitor to log in)
        self._show(birthday)

    async def _change(self, work, done: str):
        if self.busy:
            return
        self.busy, self.error = True, ""
        yield
        try:
            birthday = await self._as_user(work)
        except ServiceError as error:
            self.busy, self.error = False, self._say(error)
            yield toasts.error(self.error)
            return
        self.busy = False
        self._show(birthday)
        yield toasts.success(self._tr().gettext(done))

    @rx.event
    async def save_birthday(self, form_data: dict):
        if not isinstance(form_data, dict):
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        month = whole_number(form_text(form_data, MONTH_FIELD))
        day = whole_number(form_text(form_data, DAY_FIELD))
        async for event in self._change(
            lambda s, u: birthdays.set_birthday(s, u, month, day), N_("Your birthday is saved.")
        ):
            yield event

    @rx.event
    async def remove_birthday(self):
        async for event in self._change(
            lambda s, u: birthdays.remove_birthday(s, u), N_("Your birthday is removed.")
        ):
            yield event
