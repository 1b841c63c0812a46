"""The Tiers dialog of /business/programs: a program's ladder and its rules, as a form."""

from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from gudcity.domain.errors import ServiceError
from gudcity.domain.tiers import MAX_TIERS, Tier
from gudcity.i18n.catalogue import N_
from gudcity.models import User
from gudcity.services import tiers
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, flag, form_text, row_id, whole_number
from gudcity.state.session import SessionState


@dataclass
class TierRow:
    """One tier as the form shows it (numbers as typed, benefits one per line)."""

    index: int
    name: str = ""
    threshold: str = ""
    multiplier: str = "100"
    benefits: str = ""


def _row(index: int, tier: Tier) -> TierRow:
    return TierRow(
        index,
        tier.name,
        str(tier.threshold),
        str(tier.multiplier_percent),
        "\n".join(tier.benefits),
    )


def typed_tiers(form_data: dict, count: int) -> list[Tier]:
    """The rows of a submitted form as tiers; a row without a name is left out (how a tier
    is removed). Numbers that are not numbers go on as typed, for the rules to refuse."""
    typed = []
    for index in range(count):
        name = form_text(form_data, f"tier_name_{index}").strip()
        if not name:
            continue
        benefits = form_text(form_data, f"tier_benefits_{index}").splitlines()
        typed.append(
            Tier(
                name,
                whole_number(form_text(form_data, f"tier_threshold_{index}")),
                whole_number(form_text(form_data, f"tier_multiplier_{index}")),
                tuple(benefits),
            )
        )
    return typed


class TiersState(SessionState):
    # The program whose tiers the dialog shows (0: closed), its name and unit.
    program_id: int = 0
    program_name: str = ""
    stamps: bool = False
    rows: list[TierRow] = []
    basis: str = "LIFETIME"
    window_days: str = "365"
    downgrade: str = "WINDOW"
    # Why the last save was refused (shown in the dialog, role=alert).
    error: str = ""
    busy: bool = False
    # Bumped at each opening: the form is keyed by it, so it starts from what was read.
    version: int = 0

    @rx.var
    def can_add(self) -> bool:
        return len(self.rows) < MAX_TIERS

    @rx.event
    async def open(self, program_id: int, stamps: bool = False):
        program_id = row_id(program_id)
        try:
            settings = await self._as_user(lambda s, u: tiers.read_tier_settings(s, u, program_id))
        except ServiceError as error:
            return toasts.error(self._say(error))
        self.program_id = settings.program_id
        self.stamps = flag(stamps) is True
        self.rows = [_row(index, tier) for index, tier in enumerate(settings.tiers)] or [
            TierRow(0, threshold="0")
        ]
        self.basis = settings.policy.basis.value
        self.window_days = str(settings.policy.window_days)
        self.downgrade = settings.policy.downgrade.value
        self.error = ""
        self.version += 1
        return None

    @rx.event
    def open_changed(self, is_open: bool):
        if not is_open and not self.busy:
            self.program_id = 0

    @rx.event
    def add_row(self):
        if self.program_id and len(self.rows) < MAX_TIERS:
            self.rows = [*self.rows, TierRow(len(self.rows))]

    @rx.event
    async def save(self, form_data: dict):
        if not isinstance(form_data, dict):
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        if self.busy or not self.program_id:
            return  # a double click: the first save is running, or closed the dialog
        program_id, ladder = self.program_id, typed_tiers(form_data, len(self.rows))
        basis, downgrade = (
            form_text(form_data, "tier_basis"),
            form_text(form_data, "tier_downgrade"),
        )
        days = whole_number(form_text(form_data, "tier_window_days"))

        def work(session: Session, user: User):
            return tiers.save_tiers(
                session,
                user,
                program_id,
                tiers=ladder,
                basis=basis,
                window_days=days,
                downgrade=downgrade,
            )

        self.busy, self.error = True, ""
        yield
        try:
            await self._as_user(work)
        except ServiceError as error:
            self.error = self._say(error)
            return
        finally:
            self.busy = False
        self.program_id = 0
        yield toasts.success(self._tr().gettext(N_("Tiers saved.")))
