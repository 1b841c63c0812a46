"""The Reflex app: pages and the change feed. Wiring only.

The theme lives in rxconfig.py (`RadixThemesPlugin(theme=...)`): Reflex 0.10
deprecates `rx.App(theme=...)`.
"""

import reflex as rx

from gudcity.components.install import pwa_head
from gudcity.files import keep_files_private
from gudcity.mail.worker import deliver_mails
from gudcity.pages import (
    activity,
    auth,
    card_history,
    cards,
    confirm_email,
    customer,
    customers,
    dashboard,
    home,
    join,
    password_reset,
    programs,
    promotions,
    scanner,
    settings,
    staff,
)
from gudcity.realtime.birthday_sweep import sweep_birthdays
from gudcity.realtime.collector import tune_garbage_collector
from gudcity.realtime.feed import change_feed
from gudcity.realtime.nodelay import disable_nagle
from gudcity.realtime.sweeps import fold_daily_stats, sweep_points_expiry, sweep_reward_codes
from gudcity.realtime.tier_sweep import sweep_tiers
from gudcity.realtime.timers import run_timers
from gudcity.settings import get_settings
from gudcity.state.activity import ActivityState
from gudcity.state.birthday import BirthdayState
from gudcity.state.card_history import CardHistoryState
from gudcity.state.cards import CardsState
from gudcity.state.customer import CustomerState
from gudcity.state.customers import CustomersState
from gudcity.state.dashboard import DashboardState
from gudcity.state.email_change import ConfirmEmailState, EmailChangeState
from gudcity.state.failures import show_failure
from gudcity.state.home import HomeState
from gudcity.state.join import JoinState
from gudcity.state.locale import LocaleState
from gudcity.state.my_data import MyDataState
from gudcity.state.new_password import NewPasswordState
from gudcity.state.password_reset import ForgotPasswordState, ResetPasswordState
from gudcity.state.program_bonuses import ProgramBonusesState
from gudcity.state.programs import ProgramsState
from gudcity.state.promotions import PromotionsState
from gudcity.state.scanner import ScannerState
from gudcity.state.session import SessionState
from gudcity.state.settings import SettingsState
from gudcity.state.staff import StaffState
from gudcity.web.credentials import CredentialsMiddleware
from gudcity.web.exports import export_endpoints
from gudcity.web.headers import add_security_headers
from gudcity.web.limits import limit_request_size
from gudcity.web.pwa import pwa_endpoints
from gudcity.web.session_endpoints import session_endpoints

# Before Reflex creates .states/ and the engine its database: both stay private.
keep_files_private(get_settings().database_url)

# Around the backend, innermost first (each wraps the ones before it): the session
# and download endpoints mount Reflex inside them; the credentials middleware then
# sees every request, theirs included; sizes are checked while a body is read; every response
# gets the security headers.
API_TRANSFORMERS = [
    pwa_endpoints(),
    session_endpoints(),
    export_endpoints(),
    CredentialsMiddleware,
    limit_request_size,
    add_security_headers,
]

app = rx.App(
    api_transformer=API_TRANSFORMERS,
    backend_exception_handler=show_failure,
    head_components=pwa_head(),
)


def add_page(component, *, route: str, title: str, on_load) -> None:
    """A page whose loading starts by settling the tab's language (state/locale.py)."""
    loads = on_load if isinstance(on_load, list) else [on_load]
    app.add_page(component, route=route, title=title, on_load=[LocaleState.load, *loads])


add_page(home.home, route=home.ROUTE, title=home.TITLE, on_load=HomeState.load)
add_page(
    auth.login,
    route=auth.LOGIN_ROUTE,
    title="Log in · GudCity",
    on_load=SessionState.clear_form_error,
)
add_page(
    auth.register,
    route=auth.REGISTER_ROUTE,
    title="Create an account · GudCity",
    on_load=SessionState.clear_form_error,
)
add_page(
    password_reset.forgot_password,
    route=password_reset.FORGOT_ROUTE,
    title="Forgot password · GudCity",
    on_load=ForgotPasswordState.load,
)
add_page(
    password_reset.reset_password,
    route=password_reset.RESET_ROUTE,
    title="Choose a new password · GudCity",
    on_load=ResetPasswordState.load,
)
add_page(
    confirm_email.confirm_email,
    route=confirm_email.ROUTE,
    title=confirm_email.TITLE,
    on_load=ConfirmEmailState.load,
)
add_page(join.join, route=join.ROUTE, title=join.TITLE, on_load=JoinState.load)
add_page(cards.cards, route=cards.ROUTE, title=cards.TITLE, on_load=CardsState.load)
add_page(
    card_history.card_history,
    route=card_history.ROUTE,
    title=card_history.TITLE,
    on_load=CardHistoryState.load,
)
add_page(scanner.scanner, route=scanner.ROUTE, title=scanner.TITLE, on_load=ScannerState.load)
add_page(
    customers.customers, route=customers.ROUTE, title=customers.TITLE, on_load=CustomersState.load
)
add_page(
    dashboard.dashboard, route=dashboard.ROUTE, title=dashboard.TITLE, on_load=DashboardState.load
)
add_page(
    programs.programs,
    route=programs.ROUTE,
    title=programs.TITLE,
    on_load=[ProgramsState.load, ProgramBonusesState.close_bonuses],
)
add_page(
    promotions.promotions,
    route=promotions.ROUTE,
    title=promotions.TITLE,
    on_load=PromotionsState.load,
)
add_page(staff.staff, route=staff.ROUTE, title=staff.TITLE, on_load=StaffState.load)
add_page(
    auth.new_password,
    route=auth.NEW_PASSWORD_ROUTE,
    title="Choose your password · GudCity",
    on_load=NewPasswordState.load,
)
add_page(customer.customer, route=customer.ROUTE, title=customer.TITLE, on_load=CustomerState.load)
add_page(activity.activity, route=activity.ROUTE, title=activity.TITLE, on_load=ActivityState.load)
add_page(
    settings.settings,
    route=settings.ROUTE,
    title=settings.TITLE,
    on_load=[SettingsState.load, EmailChangeState.load, MyDataState.load, BirthdayState.load],
)

app.register_lifespan_task(disable_nagle)
app.register_lifespan_task(tune_garbage_collector)
app.register_lifespan_task(change_feed)
app.register_lifespan_task(run_timers)
app.register_lifespan_task(sweep_reward_codes)
app.register_lifespan_task(sweep_points_expiry)
app.register_lifespan_task(fold_daily_stats)
app.register_lifespan_task(sweep_tiers)
app.register_lifespan_task(deliver_mails)
app.register_lifespan_task(sweep_birthdays)
