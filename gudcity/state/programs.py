"""/business/programs: create, edit and pause programs, and keep their rewards ladders."""

from collections.abc import Callable
from dataclasses import dataclass, field

import reflex as rx
from sqlmodel import Session

from gudcity.models import ProgramKind, User
from gudcity.services import programs
from gudcity.services.accounts import Permission, require_business_permission
from gudcity.services.errors import PermissionDeniedError, ServiceError, ValidationError
from gudcity.state import toasts
from gudcity.state.business import BusinessState

KIND_LABELS = {ProgramKind.POINTS: "Points", ProgramKind.STAMPS: "Stamps"}

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


@dataclass
class ProgramsPage:
    programs: list[ProgramLine]
    # Why the user may only look, or "" when they may manage the programs.
    refusal: str


def read_programs_page(session: Session, user: User, business_id: int) -> ProgramsPage:
    try:
        require_business_permission(session, user, business_id, Permission.MANAGE_PROGRAMS)
        refusal = ""
    except PermissionDeniedError as error:
        refusal = error.message
    listed = programs.list_programs(session, user, business_id)
    ladders = programs.rewards_ladders(session, [p.id for p in listed])
    lines = [
        ProgramLine(
            program_id=p.id,
            name=p.name,
            kind=KIND_LABELS[p.kind],
            points_per_scan=p.points_per_scan,
            cooldown_minutes=p.scan_cooldown_seconds // 60,
            is_active=p.is_active,
            rewards=[RewardLine(r.id, r.name, r.cost) for r in ladders[p.id]],
        )
        for p in listed
    ]
    return ProgramsPage(lines, refusal)


def whole_number(text: str) -> int | str:
    """The typed number, or the text itself so that the service explains what is wrong."""
    try:
        return int(text.strip())
    except ValueError:
        return text


def cooldown_seconds(minutes: str) -> int:
    if not minutes.strip():
        return 0
    value = whole_number(minutes)
    if not isinstance(value, int):
        raise ValidationError("Cooldown (minutes) must be a whole number.")
    return value * 60


class ProgramsState(BusinessState):
    programs: list[ProgramLine] = []
    refusal: str = ""
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

    async def _reload(self, memo: dict | None = None) -> list | None:
        page = await self._business_call(read_programs_page)
        self._set_changed(programs=page.programs, refusal=page.refusal)
        return None

    async def _save(self, key: str, work: Callable, done: str, form_data: dict | None = None):
        """Run one change for the business: spinner first, then the outcome.

        An async generator: handlers forward its events. A form's submission
        counts only if it carries the current `form_version`: Reflex queues a
        double click's second submit until the first has finished (by then
        `saving` is off again), and the first one's success bumped the version.
        """
        stale = form_data is not None and form_data.get("form_version") != str(self.form_version)
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
        name = form_data.get("program_name", "")
        points = whole_number(form_data.get("points_per_scan", ""))
        kind = form_data.get("kind", ProgramKind.POINTS)
        cooldown = form_data.get("cooldown_minutes", "")

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
        async for event in self._save(
            f"{PAUSE}{program_id}",
            lambda s, u, _b: programs.update_program(s, u, program_id, is_active=active),
            "Program resumed." if active else "Program paused.",
        ):
            yield event

    @rx.event
    async def update_program(self, form_data: dict):
        program_id = self.editing_id
        name = form_data.get("name", "")
        points = whole_number(form_data.get("points_per_scan", ""))
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
        program_id = int(form_data.get("program_id", 0))
        name = form_data.get("reward_name", "")
        cost = whole_number(form_data.get("cost", ""))
        async for event in self._save(
            f"{REWARD_FORM}{program_id}",
            lambda s, u, _b: programs.add_reward(s, u, program_id, name=name, cost=cost),
            "Reward added.",
            form_data,
        ):
            yield event

    @rx.event
    async def hide_reward(self, reward_id: int):
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
