"""The base of every /business/* page: which business the user acts for, and what they may do."""

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from gudcity.domain.errors import AuthenticationError, PermissionDeniedError, ServiceError
from gudcity.domain.labels import count_badge
from gudcity.models import UserRole
from gudcity.services import notifications, permissions
from gudcity.services.outbox import business_topic
from gudcity.services.permissions import Permission, Seat
from gudcity.state import toasts
from gudcity.state.business_feed import BusinessNotice, read_business_feed
from gudcity.state.live import LiveState

BUSINESS_ROLES = (UserRole.BUSINESS_OWNER, UserRole.STAFF)


@dataclass
class ProgramChoice:
    """An entry of a business page's program chooser (the scanner's, the customer filter's)."""

    program_id: str
    label: str


class BusinessState(LiveState):
    business_name: str = ""
    is_owner: bool = False
    # What the user may do here: pages hide or disable what they may not.
    can_scan: bool = False
    can_award: bool = False
    can_deduct: bool = False
    can_manage_programs: bool = False
    can_view_reports: bool = False
    # The business's notifications (#business-notifications), newest first.
    business_notices: list[BusinessNotice] = []
    business_unread: int = 0
    business_unread_badge: str = "0"

    # A busy counter changes its business's topic many times a second: its pages
    # re-read once per burst, and the customers' pages (refreshed at once) get the
    # machine first. The scanner's own actions show their result without the feed.
    refresh_settle_seconds: ClassVar[float] = 0.1

    _business_id: int = 0
    # Newest notification already shown; -1 until the first read of a visit.
    _newest_notice: int = -1

    async def _open_business(self):
        """on_load of a business page: guard, then read (the seat first) and subscribe."""
        redirect = await self._guard(*BUSINESS_ROLES)
        if redirect:
            return redirect
        self._newest_notice = -1
        return (await self._open() or []) + self._welcome()

    def _take_seat(self, seat: Seat) -> None:
        self._business_id = seat.business_id
        self._set_changed(
            business_name=seat.business_name,
            is_owner=seat.is_owner,
            can_scan=seat.allows(Permission.SCAN),
            can_award=seat.allows(Permission.AWARD),
            can_deduct=seat.allows(Permission.DEDUCT),
            can_manage_programs=seat.allows(Permission.MANAGE_PROGRAMS),
            can_view_reports=seat.allows(Permission.REPORTS),
        )

    def _topics(self) -> set[str]:
        return {business_topic(self._business_id)}

    async def _reload(self, memo: dict | None = None) -> list | None:
        """The user's seat (the owner may have changed it), the page's view, the notifications.

        A member removed meanwhile has no session any more: the feed's refresh then
        sends the tab to log in (LiveState._live_refresh).
        """
        try:
            self._take_seat(await self._read_shared(memo, permissions.seat_of))
        except PermissionDeniedError as error:
            raise AuthenticationError(error.message) from None
        try:
            follow_up = await self._reload_page(memo) or []
        except PermissionDeniedError as error:  # a permission the page used was taken away
            follow_up = [toasts.error(error.message)]
        follow_up += await self._reload_feed()
        return follow_up or None

    async def _reload_feed(self) -> list:
        """Read the notifications; those that arrived since the last read pop up as toasts."""
        words = self._tr()
        feed = await self._business_call(lambda s, u, b: read_business_feed(s, u, b, words))
        self._set_changed(
            business_notices=feed.notices,
            business_unread=feed.unread,
            business_unread_badge=count_badge(feed.unread, notifications.UNREAD_COUNT_CAP),
        )
        fresh = [n for n in feed.notices if n.notification_id > self._newest_notice]
        first_read = self._newest_notice < 0
        self._newest_notice = max(self._newest_notice, feed.newest_id)
        return [] if first_read else [toasts.info(n.message) for n in reversed(fresh[:3])]

    async def _reload_page(self, memo: dict | None = None) -> list | None:
        """Read the page's own view (the notifications are read by `_reload`)."""
        raise NotImplementedError

    @rx.event
    async def mark_notifications_read(self):
        """Runs on this base state (Reflex sends a handler to the class that defines it),
        which holds the business and the notifications for every business page."""
        try:
            await self._business_call(notifications.mark_business_notifications_read)
        except ServiceError as error:
            return toasts.error(error.message)
        return await self._reload_feed() or None

    async def _business_call(self, work):
        """Run `work(session, user, business_id)` for the business being shown."""
        business_id = self._business_id
        return await self._as_user(lambda s, u: work(s, u, business_id))
