"""The base of every /business/* page: which business the user acts for, and what they may do."""

from dataclasses import dataclass
from typing import ClassVar

from gudcity.models import UserRole
from gudcity.services import permissions
from gudcity.services.outbox import business_topic
from gudcity.services.permissions import Permission, Seat
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

    # A busy counter changes its business's topic many times a second: its pages
    # re-read once per burst, and the customers' pages (refreshed at once) get the
    # machine first. The scanner's own actions show their result without the feed.
    refresh_settle_seconds: ClassVar[float] = 0.1

    _business_id: int = 0

    async def _open_business(self):
        """on_load of a business page: guard, find the user's seat, read, subscribe."""
        redirect = await self._guard(*BUSINESS_ROLES)
        if redirect:
            return redirect
        self._take_seat(await self._as_user(permissions.seat_of))
        return await self._open()

    def _take_seat(self, seat: Seat) -> None:
        self._business_id = seat.business_id
        self._set_changed(
            business_name=seat.business_name,
            is_owner=seat.is_owner,
            can_scan=seat.allows(Permission.SCAN),
            can_award=seat.allows(Permission.AWARD),
            can_deduct=seat.allows(Permission.DEDUCT),
            can_manage_programs=seat.allows(Permission.MANAGE_PROGRAMS),
        )

    def _topics(self) -> set[str]:
        return {business_topic(self._business_id)}

    async def _business_call(self, work):
        """Run `work(session, user, business_id)` for the business being shown."""
        business_id = self._business_id
        return await self._as_user(lambda s, u: work(s, u, business_id))
