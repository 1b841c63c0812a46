"""/business/dashboard: what the loyalty program does for the shop, for a chosen period, live."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from gudcity import routes
from gudcity.domain.analytics import (
    DEFAULT_PRESET_DAYS,
    PRESET_DAYS,
    Period,
    business_day,
    custom_period,
    preset_period,
)
from gudcity.domain.errors import PermissionDeniedError, ServiceError, ValidationError
from gudcity.i18n.catalogue import N_, NP_, Translator
from gudcity.models import User, utc_now
from gudcity.services.dashboard import read_dashboard
from gudcity.services.lookups import get_business
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, form_text, text
from gudcity.state.business import BusinessState
from gudcity.state.dashboard_view import (
    CustomerFigure,
    DashboardView,
    KpiTile,
    LapsedLine,
    dashboard_view,
)

# The "Period" chooser: a preset's value is its length in days.
PRESETS = {str(days): days for days in PRESET_DAYS}
CUSTOM = "custom"
_PRESET_LABEL = NP_("{count} day", "{count} days")
_CUSTOM_LABEL = N_("Custom")


@dataclass
class PeriodChoice:
    value: str
    label: str


def period_choices(tr: Translator) -> list[PeriodChoice]:
    """The chooser's options in the tab's language: "7 days", "30 days"..., "Custom"."""
    presets = [
        PeriodChoice(value, tr.ngettext(*_PRESET_LABEL, days)) for value, days in PRESETS.items()
    ]
    return [*presets, PeriodChoice(CUSTOM, tr.gettext(_CUSTOM_LABEL))]


# DESIGN §6: the active customers tile counts a visit in the last 30 days until another is chosen.
DEFAULT_PERIOD = str(DEFAULT_PRESET_DAYS)


def parse_range(start: object, end: object) -> Period:
    """The "From" and "To" date inputs as a period of whole days, or a ValidationError."""
    try:
        first, last = date.fromisoformat(text(start) or ""), date.fromisoformat(text(end) or "")
    except ValueError:
        raise ValidationError("Choose both days from the calendar.") from None
    return custom_period(first, last)


def read_view(
    session: Session,
    user: User,
    business_id: int,
    preset: str,
    custom: Period | None,
    tr: Translator,
) -> DashboardView:
    """The dashboard for a preset ending on the business's today, or for a custom range."""
    if custom is None:
        today = business_day(utc_now(), get_business(session, business_id).time_zone)
        custom = preset_period(today, int(preset))
    return dashboard_view(read_dashboard(session, user, business_id, custom), tr)


def _export_url(path: str, start: date, end: date) -> str:
    """A CSV download narrowed to the period (the endpoint's `until` is exclusive)."""
    return f"{path}?since={start.isoformat()}&until={(end + timedelta(days=1)).isoformat()}"


class DashboardState(BusinessState):
    # A busy counter changes the business's topic many times a second; the dashboard,
    # the heaviest read of the business pages, folds them into one read per settle. Short
    # enough that an award at the counter shows within about a second.
    refresh_settle_seconds: ClassVar[float] = 0.75

    # The chooser's value: a preset's days or CUSTOM (shown with "From" / "To").
    period_choice: str = DEFAULT_PERIOD
    # The chooser's options, in the tab's language.
    period_options: list[PeriodChoice] = []
    range_from: str = ""
    range_to: str = ""
    # Why a custom range was refused (role=alert beside the form); the numbers stay.
    range_error: str = ""
    # The last day a range may end: the business's today, for the date inputs' max.
    today: str = ""
    period_label: str = ""
    compared_label: str = ""
    time_zone: str = ""
    has_activity: bool = False
    kpis: list[KpiTile] = []
    visit_days: list[dict] = []
    point_days: list[dict] = []
    stamp_days: list[dict] = []
    rewards: list[dict] = []
    staff_figures: list[dict] = []
    program_figures: list[dict] = []
    top_customers: list[CustomerFigure] = []
    win_back: list[LapsedLine] = []
    customers_export_url: str = routes.CUSTOMERS_CSV
    ledger_export_url: str = routes.LEDGER_CSV
    # The service's refusal, shown instead of the numbers.
    error: str = ""

    # What is shown: a preset's days, or the custom range applied (None: the preset).
    _preset: str = DEFAULT_PERIOD
    _custom: Period | None = None

    @rx.event
    async def load(self):
        return await self._open_business()

    async def _reload_page(self, memo: dict | None = None) -> list | None:
        preset, custom, tr = self._preset, self._custom, self._tr()
        self._set_changed(period_options=period_choices(tr))
        try:
            view = await self._business_call(
                lambda s, u, business_id: read_view(s, u, business_id, preset, custom, tr)
            )
        except PermissionDeniedError as error:  # staff without the Reports permission
            return [toasts.error(self._say(error)), rx.redirect(routes.SCANNER)]
        except ServiceError as error:
            self._set_changed(error=self._say(error))
            return [toasts.error(self.error)]
        self._show(view)
        return None

    def _show(self, view: DashboardView) -> None:
        start, end = view.period.start, view.period.end
        if self._custom is None:
            self.today = end.isoformat()
        self._set_changed(
            error="",
            period_label=view.period_label,
            compared_label=view.compared_label,
            time_zone=view.time_zone,
            has_activity=view.has_activity,
            kpis=view.kpis,
            visit_days=view.visit_days,
            point_days=view.point_days,
            stamp_days=view.stamp_days,
            rewards=view.rewards,
            staff_figures=view.staff,
            program_figures=view.programs,
            top_customers=view.top_customers,
            win_back=view.win_back,
            customers_export_url=_export_url(routes.CUSTOMERS_CSV, start, end),
            ledger_export_url=_export_url(routes.LEDGER_CSV, start, end),
        )
        if self._custom is None:
            self._set_changed(range_from=start.isoformat(), range_to=end.isoformat())

    @rx.event
    async def set_period(self, value: str):
        if value == CUSTOM:
            self.period_choice, self.range_error = CUSTOM, ""
            return None
        if text(value) not in PRESETS:
            return toasts.error(self._tr().gettext("Choose one of the periods in the list."))
        self.period_choice, self.range_error = value, ""
        self._preset, self._custom = value, None
        return await self._reload()

    @rx.event
    async def show_range(self, form_data: dict):
        """Apply the "From" / "To" range; a refused one changes nothing but the message."""
        if not isinstance(form_data, dict):
            return toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
        start, end = form_text(form_data, "range_from"), form_text(form_data, "range_to")
        try:
            period = parse_range(start, end)
            if self.today and period.end > date.fromisoformat(self.today):
                raise ValidationError('"To" cannot be after today.')
        except ValidationError as error:
            self.range_error = self._say(error)
            return None
        self.period_choice, self.range_error = CUSTOM, ""
        self.range_from, self.range_to = start, end
        self._custom = period
        return await self._reload()
