"""/business/programs: each program's expiry setting, its summary and its dialog.

A mixin of ProgramsState: the dialog saves through the page's `_save` (spinner, the
form's version against a double submit, the error under the form, the toast).
"""

from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from gudcity.domain.expiry import RuleVersion
from gudcity.i18n.catalogue import N_, NP_, Message, Translator
from gudcity.models import ExpiryMode, ProgramKind, User
from gudcity.services import expiry_rules
from gudcity.state.arguments import form_text, whole_number

# The key of the expiry dialog's save (`busy`, `error_at`), followed by the program's id.
EXPIRY = "expiry-"
# What the days field starts with when expiry is off.
DEFAULT_EXPIRY_DAYS = 365

_NEVER = {
    ProgramKind.POINTS: N_("Points never expire"),
    ProgramKind.STAMPS: N_("Stamps never expire"),
}
_SUMMARIES = {
    (ProgramKind.POINTS, ExpiryMode.AFTER_EARNED): NP_(
        "Points expire {count} day after they are earned",
        "Points expire {count} days after they are earned",
    ),
    (ProgramKind.STAMPS, ExpiryMode.AFTER_EARNED): NP_(
        "Stamps expire {count} day after they are earned",
        "Stamps expire {count} days after they are earned",
    ),
    (ProgramKind.POINTS, ExpiryMode.AFTER_INACTIVITY): NP_(
        "Points expire after {count} day without a visit",
        "Points expire after {count} days without a visit",
    ),
    (ProgramKind.STAMPS, ExpiryMode.AFTER_INACTIVITY): NP_(
        "Stamps expire after {count} day without a visit",
        "Stamps expire after {count} days without a visit",
    ),
}


@dataclass(frozen=True)
class ExpirySetting:
    """A program's expiry rule as the page shows it."""

    mode: str
    days: int
    # "Points expire 365 days after they are earned".
    summary: str


def expiry_setting(kind: ProgramKind, rule: RuleVersion | None, tr: Translator) -> ExpirySetting:
    if rule is None or rule.mode == ExpiryMode.NONE:
        return ExpirySetting(ExpiryMode.NONE, 0, tr.gettext(_NEVER[kind]))
    summary = tr.message(Message.plural_of(_SUMMARIES[(kind, rule.mode)], rule.days))
    return ExpirySetting(rule.mode, rule.days, summary)


def read_expiry_settings(
    session: Session, programs: list, tr: Translator
) -> dict[int, ExpirySetting]:
    """Each program's setting (`programs`: the business's programs, already checked)."""
    rules = expiry_rules.current_rules(session, [p.id for p in programs])
    return {p.id: expiry_setting(p.kind, rules[p.id], tr) for p in programs}


class ProgramExpiryMixin(rx.State, mixin=True):
    # The program in the expiry dialog (0: closed), and what the dialog starts with.
    expiry_program_id: int = 0
    expiry_program_name: str = ""
    expiry_mode: str = "NONE"
    expiry_days: str = str(DEFAULT_EXPIRY_DAYS)

    @rx.event
    def open_expiry(self, program_id: int):
        program = next((p for p in self.programs if p.program_id == program_id), None)
        if program is None:
            return
        self.expiry_program_id = program.program_id
        self.expiry_program_name = program.name
        self.expiry_mode = program.expiry_mode
        self.expiry_days = str(program.expiry_days or DEFAULT_EXPIRY_DAYS)
        self.error_at = ""

    @rx.event
    def expiry_open_changed(self, is_open: bool):
        if not is_open:
            self.expiry_program_id = 0

    @rx.event
    async def save_expiry(self, form_data: dict):
        program_id = self.expiry_program_id
        mode = form_text(form_data, "expiry_mode")
        days = whole_number(form_text(form_data, "expiry_days"))
        if mode == ExpiryMode.NONE:
            days = 0

        def work(session: Session, user: User, _business_id: int):
            return expiry_rules.set_expiry_rule(session, user, program_id, mode, days)

        async for event in self._save(
            f"{EXPIRY}{program_id}", work, N_("Expiry saved."), form_data
        ):
            yield event
