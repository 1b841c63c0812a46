"""/business/programs: create, edit and pause programs, and keep their rewards ladders."""

from collections.abc import Callable
from dataclasses import dataclass, field

import reflex as rx
from sqlmodel import Session

from gudcity.domain.errors import ServiceError, ValidationError
from gudcity.domain.labels import PROGRAM_KIND_LABELS
from gudcity.models import ProgramKind, User
from gudcity.services import programs
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, flag, form_text, row_id, whole_number
from gudcity.state.business import BusinessState

# Keys naming what is being saved (`busy`) or what failed (`error_at`): the
# create form, or a prefix followed by the program's or reward's id.
CREATE = "create"
EDIT = "edit-"
PAUSE = "pause-"
REWARD_FORM = "reward-"
HIDE = "hide-"


@dataclass
class RewardLine:
    reward_id: int
    name: str
    cost: int


@dataclass
class ProgramLine:
    program_id: int
    name: str
    kind: str
    points_per_scan: int
    cooldown_minutes: int
    is_active: bool
    rewards: list[RewardLine] = field(default_factory=list)


def read_programs(session: Session, user: User, business_id: int) -> list[ProgramLine]:
    listed = programs.list_programs(session, user, business_id)
    ladders = programs.rewards_ladders(session, [p.id for p in listed])
    return [
        ProgramLine(
            program_id=p.id,
            name=p.name,
            kind=PROGRAM_KIND_LABELS[p.kind],
            points_per_scan=p.points_per_scan,
            cooldown_minutes=p.scan_cooldown_seconds // 60,
            is_active=p.is_active,
            rewards=[RewardLine(r.id, r.name, r.cost) for r in ladders[p.id]],
        )
        for p in listed
    ]


def cooldown_seconds(minutes: str) -> int:
    if not minutes.strip():
        return 0
    value = whole_number(minutes)
    if not isinstance(value, int):
        raise ValidationError("Cooldown (minutes) must be a whole number.")
    return value * 60


class ProgramsState(BusinessState):
    programs: list[ProgramLine] = []
    # What is being saved (a key like "create" or "edit-3"): its button spins
    # while `saving` (from SessionState) disables the others.
    busy: str = ""
    # The message of the last failed save, shown under the form named by `error_at`.
    error: str = ""
    error_at: str = ""
    # The program in the edit dialog (0: closed), and what the dialog starts with.
    editing_id: int = 0
    editing_name: str = ""
    editing_points: str = ""
    # Bumped after each successful save. The forms are keyed by it, so they start
    # empty again, and send it back, so a second submit of the same form is ignored.
    form_version: int = 0

    @rx.event
    async def load(self):
        self.editing_id = 0
        self.error_at = ""
        return await self._open_business()

    async def _reload_page(self, memo: dict | None = None) -> list | None:
        # Without the permission the page says "No access" and reads nothing.
        listed = await self._business_call(read_programs) if self.can_manage_programs else []
        self._set_changed(programs=listed)
        return None

    async def _save(self, key: str, work: Callable, done: str, form_data: dict | None = None):
        """Run one change for the business: spinner first, then the outcome.

        An async generator: handlers forward its events. A form's submission
        counts only if it carries the current `form_version`: Reflex queues a
        double click's second submit until the first has finished (by then
        `saving` is off again), and the first one's success bumped the version.
        """
        if form_data is not None and not isinstance(form_data, dict):
            yield rx.toast.error(NOT_UNDERSTOOD)
            return
        stale = form_data is not None and form_text(form_data, "form_version") != str(
            self.form_version
        )
        if self.saving or stale:
            return
        self.saving = True
        self.busy = key
        self.error_at = ""
        yield
        try:
            await self._business_call(work)
        except ServiceError as error:
            self.error = error.message
            self.error_at = key
            yield toasts.error(error.message)
            return
        finally:
            self.saving = False
            self.busy = ""
        self.form_version += 1
        self.editing_id = 0
        await self._reload()
        yield rx.toast.success(done)

    @rx.event
    async def create_program(self, form_data: dict):
        name = form_text(form_data, "program_name")
        points = whole_number(form_text(form_data, "points_per_scan"))
        kind = form_text(form_data, "kind") or ProgramKind.POINTS
        cooldown = form_text(form_data, "cooldown_minutes")

        def work(session: Session, user: User, business_id: int):
            return programs.create_program(
                session,
                user,
                business_id,
                name=name,
                kind=kind,
                points_per_scan=points,
                scan_cooldown_seconds=cooldown_seconds(cooldown),
            )

        async for event in self._save(CREATE, work, "Program created.", form_data):
            yield event

    @rx.event
    async def set_active(self, program_id: int, active: bool):
        program_id, active = row_id(program_id), flag(active)
        if active is None:
            yield rx.toast.error(NOT_UNDERSTOOD)
            return
        async for event in self._save(
            f"{PAUSE}{program_id}",
            lambda s, u, _b: programs.update_program(s, u, program_id, is_active=active),
            "Program resumed." if active else "Program paused.",
        ):
            yield event

    @rx.event
    async def update_program(self, form_data: dict):
        program_id = self.editing_id
        name = form_text(form_data, "name")
        points = whole_number(form_text(form_data, "points_per_scan"))
        async for event in self._save(
            f"{EDIT}{program_id}",
            lambda s, u, _b: programs.update_program(
                s, u, program_id, name=name, points_per_scan=points
            ),
            "Program saved.",
            form_data,
        ):
            yield event

    @rx.event
    async def add_reward(self, form_data: dict):
        """The form carries its program's id: a form repeated by rx.foreach shares one
        submit callback, which cannot take the loop's item as an argument."""
        program_id = row_id(whole_number(form_text(form_data, "program_id")))
        name = form_text(form_data, "reward_name")
        cost = whole_number(form_text(form_data, "cost"))
        async for event in self._save(
            f"{REWARD_FORM}{program_id}",
            lambda s, u, _b: programs.add_reward(s, u, program_id, name=name, cost=cost),
            "Reward added.",
            form_data,
        ):
            yield event

    @rx.event
    async def hide_reward(self, reward_id: int):
        reward_id = row_id(reward_id)
        async for event in self._save(
            f"{HIDE}{reward_id}",
            lambda s, u, _b: programs.set_reward_active(s, u, reward_id, False),
            "Reward hidden.",
        ):
            yield event

    @rx.event
    def open_editor(self, program_id: int):
        program = next((p for p in self.programs if p.program_id == program_id), None)
        if program is None:
            return
        self.editing_id = program_id
        self.editing_name = program.name
        self.editing_points = str(program.points_per_scan)
        self.error_at = ""

    @rx.event
    def editor_open_changed(self, is_open: bool):
        """The dialog opens from a program's Edit button; this only hears it close."""
        if not is_open:
            self.editing_id = 0
