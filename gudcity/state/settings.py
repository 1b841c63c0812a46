"""/settings: any logged-in user's name and password; an owner's business details.

Each section saves on its own: `busy` names the one being saved, `error_at` the one
whose refusal is shown. The page is live: a password changed elsewhere logs this
tab out at once (its session ended), an owner's other tab sees the business again.
"""

from collections.abc import Callable
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from gudcity.domain.analytics import DEFAULT_TIME_ZONE
from gudcity.domain.errors import ServiceError
from gudcity.i18n.catalogue import N_
from gudcity.models import User, UserRole
from gudcity.services import profile
from gudcity.services.accounts import MAX_NAME_LENGTH, MIN_PASSWORD_LENGTH
from gudcity.services.outbox import business_topic, customer_topic
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, form_text
from gudcity.state.business import BusinessState
from gudcity.state.live import LiveState

# The sections: what is being saved (`busy`), where a refusal shows (`error_at`).
NAME = "name"
PASSWORD = "password"
BUSINESS = "business"

EVERYONE = tuple(UserRole)
# What the page uses; its fields' limits are the services' (their checks are the rule).
__all__ = [
    "BUSINESS",
    "MAX_NAME_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "NAME",
    "PASSWORD",
    "SettingsState",
]


class SettingsState(LiveState):
    name: str = ""
    email: str = ""
    # The business the user owns (owners only: staff and customers see no business fields).
    owns_business: bool = False
    business_name: str = ""
    address: str = ""
    phone: str = ""
    opening_hours: str = ""
    time_zone: str = DEFAULT_TIME_ZONE
    # LiveState._open leaves `loading` on when the first read failed (its toast says why).
    load_failed: bool = False
    busy: str = ""
    error: str = ""
    error_at: str = ""
    # Each section's form key: bumped when it should show the stored values again
    # (after a load, after its own save), leaving what is typed in the others alone.
    name_version: int = 0
    password_version: int = 0
    business_version: int = 0

    # A busy counter's business topic changes often: an owner's settings re-read once per burst.
    refresh_settle_seconds: ClassVar[float] = 0.1

    _business_id: int = 0
    _topics_of: list[str] = []

    @rx.event
    async def load(self):
        redirect = await self._guard(*EVERYONE)
        if redirect:
            return redirect
        self.busy = self.error_at = ""
        follow_up = await self._open()
        self.load_failed = self.loading
        for key in (NAME, PASSWORD, BUSINESS):
            self._new_form(key)
        return follow_up

    def _new_form(self, key: str) -> None:
        setattr(self, f"{key}_version", getattr(self, f"{key}_version") + 1)

    async def _reload(self, memo: dict | None = None) -> list | None:
        account, user_id = await self._read_shared(memo, _read_settings)
        business = account.business
        self._business_id = business.business_id if business else 0
        # What wakes this tab when the user's session ends elsewhere: the topics their
        # other pages show (services/profile.py publishes a password change on them).
        self._topics_of = [customer_topic(user_id)] if account.role == UserRole.CUSTOMER else []
        self._topics_of += [business_topic(b) for b in account.works_for]
        self._set_changed(
            name=account.name,
            email=account.email,
            owns_business=business is not None,
            business_name=business.name if business else "",
            address=business.address if business else "",
            phone=business.phone if business else "",
            opening_hours=business.opening_hours if business else "",
            time_zone=business.time_zone if business else DEFAULT_TIME_ZONE,
        )
        if business:  # the top bar names the business too (a business page set it)
            top_bar = await self.get_state(BusinessState)
            top_bar._set_changed(business_name=business.name)
        return None

    def _topics(self) -> set[str]:
        return set(self._topics_of)

    async def _save(self, key: str, work: Callable[[Session, User], object], done: str):
        """Run one section's change: spinner first, then the outcome (an async generator)."""
        if self.saving:
            return
        self.saving, self.busy, self.error_at = True, key, ""
        yield
        try:
            await self._as_user(work)
        except ServiceError as error:
            self.error, self.error_at = self._say(error), key
            yield toasts.error(self._say(error))
            return
        finally:
            self.saving, self.busy = False, ""
        await self._reload()
        self.user_name = self.name
        self._new_form(key)
        yield toasts.success(self._tr().gettext(done))

    @rx.event
    async def save_name(self, form_data: dict):
        if not isinstance(form_data, dict):
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        name = form_text(form_data, "name")
        async for event in self._save(
            NAME, lambda s, u: profile.change_name(s, u, name), N_("Your name is saved.")
        ):
            yield event

    @rx.event
    async def change_password(self, form_data: dict):
        if not isinstance(form_data, dict):
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        current = form_text(form_data, "current_password")
        new = form_text(form_data, "new_password")
        keep = self._credentials().session_token
        async for event in self._save(
            PASSWORD,
            lambda s, u: profile.change_password(s, u, current, new, keep),
            N_("Password changed. You were logged out everywhere else."),
        ):
            yield event

    @rx.event
    async def save_business(self, form_data: dict):
        if not isinstance(form_data, dict) or not self._business_id:
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        business_id = self._business_id
        fields = {
            field: form_text(form_data, field)
            for field in ("address", "phone", "opening_hours", "time_zone")
        }
        name = form_text(form_data, "business_name")
        async for event in self._save(
            BUSINESS,
            lambda s, u: profile.update_business_profile(s, u, business_id, name=name, **fields),
            N_("Business details saved: your customers see them on their cards."),
        ):
            yield event


def _read_settings(session: Session, user: User) -> tuple[profile.AccountSettings, int]:
    return profile.account_settings(session, user), user.id
