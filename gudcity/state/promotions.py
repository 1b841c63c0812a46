"""/business/promotions: a business's promotions and promo codes, kept by its managers."""

from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from gudcity.domain.errors import ServiceError
from gudcity.i18n.catalogue import N_
from gudcity.models import User
from gudcity.services import promo_codes, promotions
from gudcity.services.promotions import PromotionInput
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, form_text, row_id, text, whole_number
from gudcity.state.business import BusinessState, ProgramChoice
from gudcity.state.promotion_lines import (
    CodeLine,
    DayChoice,
    PromotionLine,
    RewardChoice,
    chosen_program,
    code_qr_src,
    day_choices,
    read_promotions_page,
)
from gudcity.state.referral_lines import ReferralCountsLine, ReferralLine

# Keys naming what is being saved (`busy`) or which form failed (`error_at`).
CREATE_PROMOTION = "create-promotion"
EDIT_PROMOTION = "edit-promotion"
END = "end-"
CREATE_CODE = "create-code"
WITHDRAW = "withdraw-"
# What the code form makes: a code for a bonus, or for a reward.
BONUS, REWARD = "BONUS", "REWARD"


def promotion_input(form_data: dict) -> PromotionInput:
    """The promotion form as typed; the service checks every field."""
    return PromotionInput(
        name=form_text(form_data, "promotion_name"),
        kind=form_text(form_data, "kind"),
        value=whole_number(form_text(form_data, "value")),
        weekdays=[d for d in range(7) if form_text(form_data, f"day-{d}") == "on"],
        start_time=form_text(form_data, "start_time"),
        end_time=form_text(form_data, "end_time"),
        starts_on=form_text(form_data, "starts_on"),
        ends_on=form_text(form_data, "ends_on"),
        once_per_day=form_text(form_data, "once_per_day") == "on",
    )


# The edit dialog's promotion when it is closed.
NO_PROMOTION = PromotionLine(0, "", 0, "", "", "", "", "", False, False)


def _optional_number(typed: str) -> int | str | None:
    return None if not typed.strip() else whole_number(typed)


def _sent_number(form_data: dict, name: str) -> int | str | None:
    """A number field the form sent (None when it sent no such field: not shown)."""
    if not isinstance(form_data, dict) or name not in form_data:
        return None
    return whole_number(form_text(form_data, name))


class PromotionsState(BusinessState):
    programs: list[ProgramChoice] = []
    # The active programs' rewards still offered, for the code form.
    rewards: list[RewardChoice] = []
    promotions: list[PromotionLine] = []
    codes: list[CodeLine] = []
    # The Referrals section: each program's counts, the latest referrals (newest first).
    referral_counts: list[ReferralCountsLine] = []
    referrals: list[ReferralLine] = []
    # The week's days in the tab's language, for the form's checkboxes.
    days: list[DayChoice] = []
    busy: str = ""
    error: str = ""
    error_at: str = ""
    # Bumped after each successful save: the forms are keyed by it (they start empty
    # again) and send it back, so a second submit of the same form is ignored.
    form_version: int = 0
    # The promotion in the edit dialog (NO_PROMOTION: closed), with its days ticked.
    editing: PromotionLine = NO_PROMOTION
    editing_days: list[DayChoice] = []
    # The code whose QR is shown (its image), "" when none.
    qr_code: str = ""
    qr_src: str = ""
    # The code form's program (a program_id) and what its code gives (BONUS or REWARD).
    code_program_id: str = ""
    code_gives: str = BONUS

    @rx.var
    def code_rewards(self) -> list[RewardChoice]:
        """The rewards of the program chosen in the code form."""
        return [r for r in self.rewards if r.program_id == self.code_program_id]

    @rx.event
    async def load(self):
        self.editing = NO_PROMOTION
        self.error_at = ""
        self.qr_code = ""
        return await self._open_business()

    async def _reload_page(self, memo: dict | None = None) -> list | None:
        tr = self._tr()
        self._set_changed(days=day_choices(tr))
        if not self.can_manage_programs:
            self._set_changed(
                programs=[], rewards=[], promotions=[], codes=[], referral_counts=[], referrals=[]
            )
            return None
        page = await self._business_call(lambda s, u, b: read_promotions_page(s, u, b, tr))
        self._set_changed(
            programs=page.programs,
            rewards=page.rewards,
            promotions=page.promotions,
            codes=page.codes,
            referral_counts=page.referrals.counts,
            referrals=page.referrals.latest,
            code_program_id=chosen_program(page.programs, self.code_program_id),
        )
        return None

    async def _save(self, key: str, work: Callable, done: str, form_data: dict | None = None):
        """Run one change: spinner first, then the outcome (see ProgramsState._save)."""
        if form_data is not None and not isinstance(form_data, dict):
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        stale = form_data is not None and form_text(form_data, "form_version") != str(
            self.form_version
        )
        if self.saving or stale:
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
        self.form_version += 1
        self.editing = NO_PROMOTION
        await self._reload()
        yield toasts.success(self._tr().gettext(done))

    @rx.event
    async def create_promotion(self, form_data: dict):
        program_id = row_id(whole_number(form_text(form_data, "program_id")))
        typed = promotion_input(form_data) if isinstance(form_data, dict) else None

        def work(session: Session, user: User, _business_id: int):
            return promotions.create_promotion(session, user, program_id, typed)

        async for event in self._save(CREATE_PROMOTION, work, N_("Promotion created."), form_data):
            yield event

    @rx.event
    async def update_promotion(self, form_data: dict):
        promotion_id = self.editing.promotion_id
        typed = promotion_input(form_data) if isinstance(form_data, dict) else None

        def work(session: Session, user: User, _business_id: int):
            return promotions.update_promotion(session, user, promotion_id, typed)

        async for event in self._save(EDIT_PROMOTION, work, N_("Promotion saved."), form_data):
            yield event

    @rx.event
    async def end_promotion(self, promotion_id: int):
        promotion_id = row_id(promotion_id)
        async for event in self._save(
            f"{END}{promotion_id}",
            lambda s, u, _b: promotions.end_promotion(s, u, promotion_id),
            N_("Promotion ended."),
        ):
            yield event

    @rx.event
    async def create_code(self, form_data: dict):
        program_id = row_id(whole_number(form_text(form_data, "program_id")))
        # The form sends the bonus or the reward, whichever it shows; the service refuses
        # both or neither.
        points, reward_id = _sent_number(form_data, "points"), _sent_number(form_data, "reward_id")
        limit = _optional_number(form_text(form_data, "usage_limit"))
        expires_on = form_text(form_data, "expires_on")

        def work(session: Session, user: User, _business_id: int):
            return promo_codes.create_promo_code(
                session,
                user,
                program_id,
                points=points,
                reward_id=reward_id,
                usage_limit=limit,
                expires_on=expires_on,
            )

        async for event in self._save(CREATE_CODE, work, N_("Promo code created."), form_data):
            yield event

    @rx.event
    def choose_code_program(self, program_id: str):
        self.code_program_id = chosen_program(self.programs, text(program_id) or "")

    @rx.event
    def choose_code_gives(self, gives: str):
        self.code_gives = REWARD if gives == REWARD else BONUS

    @rx.event
    async def withdraw_code(self, code_id: int):
        code_id = row_id(code_id)
        async for event in self._save(
            f"{WITHDRAW}{code_id}",
            lambda s, u, _b: promo_codes.withdraw_promo_code(s, u, code_id),
            N_("Promo code withdrawn."),
        ):
            yield event

    @rx.event
    def open_editor(self, promotion_id: int):
        found = next((p for p in self.promotions if p.promotion_id == promotion_id), None)
        if found is None:
            return
        self.editing = found
        self.editing_days = day_choices(self._tr(), frozenset(found.weekdays))
        self.error_at = ""

    @rx.event
    def editor_open_changed(self, is_open: bool):
        if not is_open:
            self.editing = NO_PROMOTION

    @rx.event
    def show_qr(self, code_id: int):
        found = next((c for c in self.codes if c.code_id == code_id), None)
        if found is None:
            return
        self.qr_code, self.qr_src = found.code, code_qr_src(found.code)

    @rx.event
    def qr_open_changed(self, is_open: bool):
        if not is_open:
            self.qr_code, self.qr_src = "", ""
