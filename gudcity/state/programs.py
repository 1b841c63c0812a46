"""/business/programs: create, edit, pause and archive programs; keep their rewards ladders."""

from collections.abc import Callable
from dataclasses import dataclass, field

import reflex as rx
from sqlmodel import Session

from gudcity.domain.errors import ServiceError, ValidationError
from gudcity.domain.labels import PROGRAM_KIND_LABELS
from gudcity.i18n.catalogue import N_, NP_, Message, Translator
from gudcity.models import ProgramKind, User
from gudcity.models.loyalty import DEFAULT_SCAN_COOLDOWN_SECONDS
from gudcity.services import programs
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, flag, form_text, row_id, whole_number
from gudcity.state.business import BusinessState
from gudcity.state.program_expiry import ProgramExpiryMixin, read_expiry_settings

# Keys naming what is being saved (`busy`) or what failed (`error_at`): the
# create form, or a prefix followed by the program's or reward's id.
CREATE = "create"
EDIT = "edit-"
PAUSE = "pause-"
REWARD_FORM = "reward-"
HIDE = "hide-"
SHOW = "show-"
REWARD_EDIT = "reward-edit-"
ARCHIVE = "archive-"

# What the cooldown field starts with, and what an empty one means.
DEFAULT_COOLDOWN_MINUTES = DEFAULT_SCAN_COOLDOWN_SECONDS // 60


@dataclass
class RewardLine:
    reward_id: int
    name: str
    cost: int
    # Hidden from customers; listed here so it can be shown again.
    is_active: bool = True


@dataclass
class ProgramLine:
    program_id: int
    name: str
    kind: str
    stamps: bool
    points_per_scan: int
    # "10 points per scan", "1 stamp per scan".
    per_scan: str
    cooldown_minutes: int
    # "once every 5 min" ("" with no cooldown).
    cooldown: str
    is_active: bool
    rewards: list[RewardLine] = field(default_factory=list)
    # Its expiry rule (state/program_expiry.py): the mode, the days and in words.
    expiry_mode: str = "NONE"
    expiry_days: int = 0
    expiry: str = ""


_PER_SCAN = {
    ProgramKind.POINTS: NP_("{count} point per scan", "{count} points per scan"),
    ProgramKind.STAMPS: NP_("{count} stamp per scan", "{count} stamps per scan"),
}


_COOLDOWN = NP_("once every {count} min", "once every {count} min")


def read_programs(
    session: Session, user: User, business_id: int, tr: Translator
) -> list[ProgramLine]:
    listed = programs.list_programs(session, user, business_id)
    ladders = programs.rewards_ladders(session, [p.id for p in listed], with_hidden=True)
    expiries = read_expiry_settings(session, listed, tr)
    return [
        ProgramLine(
            program_id=p.id,
            name=p.name,
            kind=tr.gettext(PROGRAM_KIND_LABELS[p.kind]),
            stamps=p.kind == ProgramKind.STAMPS,
            points_per_scan=p.points_per_scan,
            per_scan=tr.message(Message.plural_of(_PER_SCAN[p.kind], p.points_per_scan)),
            cooldown_minutes=p.scan_cooldown_seconds // 60,
            cooldown=tr.message(Message.plural_of(_COOLDOWN, p.scan_cooldown_seconds // 60)),
            is_active=p.is_active,
            rewards=[RewardLine(r.id, r.name, r.cost, r.is_active) for r in ladders[p.id]],
            expiry_mode=expiries[p.id].mode,
            expiry_days=expiries[p.id].days,
            expiry=expiries[p.id].summary,
        )
        for p in listed
    ]


def cooldown_seconds(minutes: str) -> int:
    """The typed scan cooldown in seconds; empty is the default, 0 is off."""
    if not minutes.strip():
        return DEFAULT_SCAN_COOLDOWN_SECONDS
    value = whole_number(minutes)
    if not isinstance(value, int):
        raise ValidationError("Scan cooldown (minutes) must be a whole number.")
    return value * 60


class ProgramsState(ProgramExpiryMixin, BusinessState):
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
    editing_cooldown: str = ""
    editing_stamps: bool = False
    # The reward in the reward dialog (0: closed), and what it starts with.
    editing_reward_id: int = 0
    editing_reward_name: str = ""
    editing_reward_cost: str = ""
    # The program the archive confirmation asks about (0: closed).
    archiving_id: int = 0
    archiving_name: str = ""
    # Bumped after each successful save. The forms are keyed by it, so they start
    # empty again, and send it back, so a second submit of the same form is ignored.
    form_version: int = 0

    @rx.event
    async def load(self):
        self._close_dialogs()
        self.error_at = ""
        return await self._open_business()

    def _close_dialogs(self) -> None:
        self.editing_id = 0
        self.editing_reward_id = 0
        self.archiving_id = 0
        self.expiry_program_id = 0

    async def _reload_page(self, memo: dict | None = None) -> list | None:
        # Without the permission the page says "No access" and reads nothing.
        tr = self._tr()
        listed = (
            await self._business_call(lambda s, u, b: read_programs(s, u, b, tr))
            if self.can_manage_programs
            else []
        )
        self._set_changed(programs=listed)
        return None

    async def _save(self, key: str, work: Callable, done: str, form_data: dict | None = None):
        """Run one change for the business: spinner first, then the outcome.

        An async generator: handlers forward its events. A form's submission
        counts only if it carries the current `form_version`: Reflex queues a
        double click's second submit until the first has finished (by then
        `saving` is off again), and the first one's success bumped the version.
        `done` is the msgid of the success toast.
        """
        if form_data is not None and not isinstance(form_data, dict):
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
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
            self.error = self._say(error)
            self.error_at = key
            yield toasts.error(self.error)
            return
        finally:
            self.saving = False
            self.busy = ""
        self.form_version += 1
        self._close_dialogs()
        await self._reload()
        yield toasts.success(self._tr().gettext(done))

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

        async for event in self._save(CREATE, work, N_("Program created."), form_data):
            yield event

    @rx.event
    async def set_active(self, program_id: int, active: bool):
        program_id, active = row_id(program_id), flag(active)
        if active is None:
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        async for event in self._save(
            f"{PAUSE}{program_id}",
            lambda s, u, _b: programs.update_program(s, u, program_id, is_active=active),
            N_("Program resumed.") if active else N_("Program paused."),
        ):
            yield event

    @rx.event
    async def update_program(self, form_data: dict):
        program_id = self.editing_id
        name = form_text(form_data, "name")
        points = whole_number(form_text(form_data, "points_per_scan"))
        cooldown = form_text(form_data, "cooldown_minutes")

        def work(session: Session, user: User, _business_id: int):
            return programs.update_program(
                session,
                user,
                program_id,
                name=name,
                points_per_scan=points,
                scan_cooldown_seconds=cooldown_seconds(cooldown),
            )

        async for event in self._save(f"{EDIT}{program_id}", work, N_("Program saved."), form_data):
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
            N_("Reward added."),
            form_data,
        ):
            yield event

    @rx.event
    async def hide_reward(self, reward_id: int):
        reward_id = row_id(reward_id)
        async for event in self._save(
            f"{HIDE}{reward_id}",
            lambda s, u, _b: programs.set_reward_active(s, u, reward_id, False),
            N_("Reward hidden."),
        ):
            yield event

    @rx.event
    async def show_reward(self, reward_id: int):
        reward_id = row_id(reward_id)
        async for event in self._save(
            f"{SHOW}{reward_id}",
            lambda s, u, _b: programs.set_reward_active(s, u, reward_id, True),
            N_("Reward shown to customers again."),
        ):
            yield event

    @rx.event
    async def update_reward(self, form_data: dict):
        reward_id = self.editing_reward_id
        name = form_text(form_data, "reward_name")
        cost = whole_number(form_text(form_data, "cost"))
        async for event in self._save(
            f"{REWARD_EDIT}{reward_id}",
            lambda s, u, _b: programs.update_reward(s, u, reward_id, name=name, cost=cost),
            N_("Reward saved."),
            form_data,
        ):
            yield event

    @rx.event
    async def archive_program(self, program_id: int):
        """The confirmation's "Confirm" for the program it asks about."""
        program_id = row_id(program_id)
        if program_id and program_id != self.archiving_id:
            return  # the dialog has closed: a second click of Confirm
        async for event in self._save(
            f"{ARCHIVE}{program_id}",
            lambda s, u, _b: programs.archive_program(s, u, program_id),
            N_("Program archived."),
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
        self.editing_cooldown = str(program.cooldown_minutes)
        self.editing_stamps = program.stamps
        self.error_at = ""

    @rx.event
    def editor_open_changed(self, is_open: bool):
        """The dialog opens from a program's Edit button; this only hears it close."""
        if not is_open:
            self.editing_id = 0

    @rx.event
    def open_reward_editor(self, reward_id: int):
        rewards = (r for p in self.programs for r in p.rewards)
        reward = next((r for r in rewards if r.reward_id == reward_id), None)
        if reward is None:
            return
        self.editing_reward_id = reward.reward_id
        self.editing_reward_name = reward.name
        self.editing_reward_cost = str(reward.cost)
        self.error_at = ""

    @rx.event
    def reward_editor_open_changed(self, is_open: bool):
        if not is_open:
            self.editing_reward_id = 0

    @rx.event
    def ask_archive(self, program_id: int):
        program = next((p for p in self.programs if p.program_id == program_id), None)
        if program is None:
            return
        self.archiving_id = program.program_id
        self.archiving_name = program.name
        self.error_at = ""

    @rx.event
    def archive_open_changed(self, is_open: bool):
        if not is_open:
            self.archiving_id = 0
