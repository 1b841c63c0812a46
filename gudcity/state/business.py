"""The base of every /business/* page: which business the user is acting for."""

from dataclasses import dataclass
from typing import ClassVar

from sqlmodel import Session

from gudcity.models import User, UserRole
from gudcity.services import accounts
from gudcity.services.errors import PermissionDeniedError
from gudcity.services.events import business_topic
from gudcity.state.live import LiveState

BUSINESS_ROLES = (UserRole.BUSINESS_OWNER, UserRole.STAFF)


@dataclass
class ProgramChoice:
    """An entry of a business page's program chooser (the scanner's, the customer filter's)."""

    program_id: str
    label: str


def first_business_id(session: Session, user: User) -> int:
    """Owners and staff act for their (first) business."""
    businesses = accounts.businesses_of(session, user)
    if not businesses:
        raise PermissionDeniedError("Your account is not linked to a business.")
    return businesses[0].id


class BusinessState(LiveState):
    business_name: str = ""
    is_owner: bool = False

    # A busy counter changes its business's topic many times a second: its pages
    # re-read once per burst, and the customers' pages (refreshed at once) get the
    # machine first. The scanner's own actions show their result without the feed.
    refresh_settle_seconds: ClassVar[float] = 0.1

    _business_id: int = 0

    async def _open_business(self):
        """on_load of a business page: guard, pick the business, read, subscribe."""
        redirect = await self._guard(*BUSINESS_ROLES)
        if redirect:
            return redirect
        business_id, name, is_owner = await self._as_user(self._business_of)
        self._business_id = business_id
        self.business_name = name
        self.is_owner = is_owner
        return await self._open()

    @staticmethod
    def _business_of(session: Session, user: User) -> tuple[int, str, bool]:
        business = accounts.get_business(session, first_business_id(session, user))
        return business.id, business.name, business.owner_id == user.id

    def _topics(self) -> set[str]:
        return {business_topic(self._business_id)}

    async def _business_call(self, work):
        """Run `work(session, user, business_id)` for the business being shown."""
        business_id = self._business_id
        return await self._as_user(lambda s, u: work(s, u, business_id))
