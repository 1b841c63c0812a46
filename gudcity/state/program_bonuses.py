"""/business/programs: each program's bonuses dialog (welcome, birthday, referrals).

A substate of ProgramsState: it shares the page's seat, its spinner and its
one-save-at-a-time rule (`_save`), and re-reads the page's programs after a save.
"""

import reflex as rx
from sqlmodel import Session

from gudcity.domain.errors import ServiceError
from gudcity.i18n.catalogue import N_
from gudcity.models import ProgramKind, User
from gudcity.services import program_bonuses
from gudcity.state import toasts
from gudcity.state.arguments import form_text, row_id, whole_number
from gudcity.state.programs import ProgramsState

# The dialog's key (`busy`, `error_at`): this prefix and the program's id.
BONUSES = "bonuses-"
# The form's fields, as the service names them.
FIELDS = (
    "welcome_bonus",
    "birthday_bonus",
    "birthday_window_days",
    "referrer_bonus",
    "friend_bonus",
    "referral_limit",
)


def _typed(form_data: dict, name: str) -> int | str:
    """A typed amount; an empty field is 0 (none)."""
    typed = form_text(form_data, name)
    return whole_number(typed) if typed.strip() else 0


class ProgramBonusesState(ProgramsState):
    # The program in the dialog (0: closed), its name and unit.
    bonuses_id: int = 0
    bonuses_name: str = ""
    bonuses_stamps: bool = False
    # What the dialog's fields start with: the program's values, as text.
    bonus_values: dict[str, str] = {}

    @rx.event
    def close_bonuses(self):
        """A fresh /business/programs shows no dialog."""
        self.bonuses_id = 0

    @rx.event
    async def open_bonuses(self, program_id: int):
        program_id = row_id(program_id)
        try:
            bonuses = await self._business_call(
                lambda s, u, _b: program_bonuses.program_bonuses(s, u, program_id)
            )
        except ServiceError as error:
            yield toasts.error(self._say(error))
            return
        self.bonus_values = {name: str(getattr(bonuses, name)) for name in FIELDS}
        self.bonuses_name = bonuses.program_name
        self.bonuses_stamps = bonuses.program_kind == ProgramKind.STAMPS
        self.bonuses_id = bonuses.program_id
        self.error_at = ""

    @rx.event
    def bonuses_open_changed(self, is_open: bool):
        """The dialog opens from a program's button; this only hears it close."""
        if is_open is not True:
            self.bonuses_id = 0

    @rx.event
    async def save_bonuses(self, form_data: dict):
        program_id = self.bonuses_id
        if not program_id:
            return  # the dialog has closed: a second click of Save
        key = f"{BONUSES}{program_id}"
        values = {name: _typed(form_data, name) for name in FIELDS}

        def work(session: Session, user: User, _business_id: int):
            return program_bonuses.set_program_bonuses(session, user, program_id, **values)

        async for event in self._save(key, work, N_("Bonuses saved."), form_data):
            yield event
        if self.error_at != key:
            self.bonuses_id = 0
