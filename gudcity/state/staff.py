"""/business/staff: the owner adds staff, sets what each may do, and removes them."""

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from gudcity import routes
from gudcity.domain.errors import PermissionDeniedError, ServiceError
from gudcity.models import User
from gudcity.services import accounts, staff
from gudcity.services.permissions import GRANTABLE, Permission
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, form_text, row_id
from gudcity.state.business import BusinessState

# Keys naming what is being saved (`busy`) or where a refusal shows (`error_at`).
ADD = "add"
EDIT = "edit"
REMOVE = "remove"


@dataclass
class StaffLine:
    user_id: int
    name: str
    email: str
    is_owner: bool
    can_scan: bool
    can_award: bool
    can_deduct: bool
    can_manage_programs: bool
    can_view_reports: bool


def _line(member: staff.StaffMember) -> StaffLine:
    return StaffLine(
        member.user_id,
        member.name,
        member.email,
        member.is_owner,
        *(p in member.permissions for p in GRANTABLE),
    )


# Nobody in the permissions or removal dialog: it is closed.
NOBODY = StaffLine(0, "", "", False, *(False for _ in GRANTABLE))


def read_staff(session: Session, user: User, business_id: int) -> list[StaffLine]:
    return [_line(m) for m in staff.list_staff(session, user, business_id)]


def checked(form_data: dict) -> set[Permission]:
    """The permissions whose checkbox the form carried as ticked."""
    return {p for p in GRANTABLE if form_text(form_data, p.value) == "on"}


class StaffState(BusinessState):
    # The owner first, then the members by name.
    members: list[StaffLine] = []
    # LiveState._open leaves `loading` on when the first read failed (its toast says why).
    load_failed: bool = False
    busy: str = ""
    error: str = ""
    error_at: str = ""
    # The member in the permissions dialog or the removal dialog (NOBODY: closed).
    editing: StaffLine = NOBODY
    removing: StaffLine = NOBODY
    # Bumped after each addition: the form starts empty again, and a second submit
    # of the same form (a double click) carries the old version and is ignored.
    form_version: int = 0

    @rx.event
    async def load(self):
        self.editing = self.removing = NOBODY
        self.error_at = ""
        follow_up = await self._open_business()
        self.load_failed = self.loading
        return follow_up

    async def _reload_page(self, memo: dict | None = None) -> list | None:
        try:
            members = await self._business_call(read_staff)
        except PermissionDeniedError as error:  # staff, not the owner
            return [toasts.error(self._say(error)), rx.redirect(routes.SCANNER)]
        self._set_changed(members=members)
        listed = {m.user_id for m in members}
        if self.editing.user_id not in listed:
            self.editing = NOBODY
        if self.removing.user_id not in listed:
            self.removing = NOBODY
        return None

    async def _save(self, key: str, work: Callable, done: str, *, new_form: bool = False):
        """Run one change for the business: spinner first, then the outcome.

        An async generator: handlers forward its events. `new_form`: the add form
        starts empty again (and a second submit of the old one is ignored).
        """
        if self.saving:
            return
        self.saving, self.busy, self.error_at = True, key, ""
        yield
        try:
            await self._business_call(work)
        except ServiceError as error:
            self.error, self.error_at = self._say(error), key
            yield toasts.error(self.error)
            return
        finally:
            self.saving, self.busy = False, ""
        self.editing = self.removing = NOBODY
        if new_form:
            self.form_version += 1
        await self._reload()
        yield toasts.success(done)

    @rx.event
    async def add_member(self, form_data: dict):
        if not isinstance(form_data, dict):
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        if form_text(form_data, "form_version") != str(self.form_version):
            return
        name, email = form_text(form_data, "name"), form_text(form_data, "email")
        password, granted = form_text(form_data, "temporary_password"), checked(form_data)

        def work(session: Session, user: User, business_id: int):
            return accounts.add_staff_member(
                session,
                user,
                business_id,
                name=name,
                email=email,
                password=password,
                permissions=granted,
            )

        done = self._tr().gettext(
            "{name} can now log in with the temporary password.", name=" ".join(name.split())
        )
        async for event in self._save(ADD, work, done, new_form=True):
            yield event

    @rx.event
    def open_editor(self, user_id: int):
        self.editing = self._member(user_id)
        self.error_at = ""
        return None if self.editing.user_id else toasts.error(self._tr().gettext(NOT_UNDERSTOOD))

    @rx.event
    def editor_open_changed(self, is_open: bool):
        """The dialog opens from a row's button; this only hears it close."""
        if is_open is not True:
            self.editing = NOBODY

    @rx.event
    async def save_permissions(self, form_data: dict):
        if not self.editing.user_id or not isinstance(form_data, dict):
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        member, granted = self.editing, checked(form_data)
        async for event in self._save(
            EDIT,
            lambda s, u, b: staff.change_staff_permissions(s, u, b, member.user_id, granted),
            self._tr().gettext("Permissions of {name} saved.", name=member.name),
        ):
            yield event

    @rx.event
    def ask_to_remove(self, user_id: int):
        self.removing = self._member(user_id)
        self.error_at = ""
        return None if self.removing.user_id else toasts.error(self._tr().gettext(NOT_UNDERSTOOD))

    @rx.event
    def removal_open_changed(self, is_open: bool):
        if is_open is not True:
            self.removing = NOBODY

    @rx.event
    async def confirm_removal(self):
        if not self.removing.user_id:
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        member = self.removing
        async for event in self._save(
            REMOVE,
            lambda s, u, b: staff.remove_staff_member(s, u, b, member.user_id),
            self._tr().gettext("{name} was removed and logged out.", name=member.name),
        ):
            yield event

    def _member(self, user_id) -> StaffLine:
        """The listed member a button names; NOBODY for anything else."""
        wanted = row_id(user_id)
        return next((m for m in self.members if m.user_id == wanted), NOBODY)
