"""Rewards at the counter on /business/scanner (#redemption-result): check a code, deliver it.

A substate of BusinessState beside ScannerState: it shares the tab's business and
seat (the scanner's on_load sets them) and holds only the code on screen. A code
read from a QR photo or the camera reaches it through the scanner (`_check_read`).
Once a code is shown the state follows the business's topic, so it changes live
when the customer cancels it, another counter delivers it, or it expires.
"""

import contextlib

import reflex as rx

from gudcity.domain.errors import AuthenticationError, DatabaseUnavailableError, ServiceError
from gudcity.models import RewardCodeStatus
from gudcity.realtime.subscriptions import Subscriber, subscriptions
from gudcity.services import counter
from gudcity.services.reward_codes import CodeView
from gudcity.state import toasts
from gudcity.state.arguments import form_text
from gudcity.state.business import BusinessState
from gudcity.state.reward_items import iso_utc


class CounterState(BusinessState):
    code_busy: bool = False
    # Whether a code is on screen, and what it says.
    code_shown: bool = False
    code_value: str = ""
    code_reward: str = ""
    code_customer: str = ""
    code_program: str = ""
    # Waiting, Delivered, Cancelled or Expired.
    code_state: str = ""
    code_waiting: bool = False
    # ISO 8601 in UTC: the page shows them in the browser's own time.
    code_expires_at: str = ""
    code_delivered_at: str = ""
    code_delivered_by: str = ""
    code_outcome: str = ""
    code_error: str = ""

    # The code on screen, as stored.
    _code: str = ""
    _code_id: int = 0

    def _subscriber(self) -> Subscriber:
        # By name: in a background event (a photo, a camera frame) `self` is a proxy.
        return Subscriber(self.router.session.client_token, CounterState)

    @rx.event
    async def check_code(self, form_data: dict):
        async for update in self._check_read(form_text(form_data, "reward_code")):
            yield update

    async def _check_read(self, typed: str):
        """Check a code, typed or read from its QR code (`GCR.` + the code)."""
        if self.code_busy:
            return
        self._set_changed(code_busy=True, code_error="", code_outcome="")
        yield
        try:
            self._show(await self._read_code(typed))
            subscriptions.subscribe(self._subscriber(), self._topics())
        except ServiceError as error:
            self._forget_code(self._say(error))
            yield toasts.error(self.code_error)
        finally:
            self.code_busy = False

    @rx.event
    async def deliver(self):
        """Mark as delivered: the reward is handed over, once."""
        if self.code_busy:
            return
        if not self._code_id:
            yield toasts.error(self._tr().gettext("Check a code first."))
            return
        self._set_changed(code_busy=True, code_error="", code_outcome="")
        yield
        business_id, code_id = self._business_id, self._code_id
        try:
            view = await self._as_user(
                lambda s, u: counter.deliver_reward_code(s, u, business_id, code_id)
            )
            self._show(view)
            self.code_outcome = self._tr().gettext(
                "Delivered: hand {reward} to {name}.",
                reward=view.reward_name,
                name=view.customer_name,
            )
        except ServiceError as error:
            self.code_error = self._say(error)
            yield toasts.error(self.code_error)
            with contextlib.suppress(ServiceError):  # what the code is now, if it can be read
                await self._show_again()
        finally:
            self.code_busy = False

    async def _read_code(self, typed: str) -> CodeView:
        business_id = self._business_id
        return await self._as_user(lambda s, u: counter.check_reward_code(s, u, business_id, typed))

    async def _show_again(self) -> None:
        """Read the code on screen again: what it is now."""
        try:
            self._show(await self._read_code(self._code))
        except (AuthenticationError, DatabaseUnavailableError):
            raise  # the feed logs the tab out, or keeps what it shows
        except ServiceError as error:
            self._forget_code(self._say(error))

    async def _reload(self, memo: dict | None = None) -> list | None:
        """A change at the business (the feed): the code on screen may have moved on."""
        if self._code:
            await self._show_again()
        return None

    def _show(self, view: CodeView) -> None:
        self._code, self._code_id = view.code, view.code_id
        waiting = view.status == RewardCodeStatus.WAITING
        self._set_changed(
            code_shown=True,
            code_value=view.code,
            code_reward=view.reward_name,
            code_customer=view.customer_name,
            code_program=view.program_name,
            code_state=view.state,
            code_waiting=waiting,
            code_expires_at=iso_utc(view.expires_at) if waiting else "",
            code_delivered_at=iso_utc(view.delivered_at),
            code_delivered_by=view.delivered_by_name,
        )

    def _forget_code(self, why: str) -> None:
        self._code, self._code_id = "", 0
        self._set_changed(code_shown=False, code_waiting=False, code_error=why)
