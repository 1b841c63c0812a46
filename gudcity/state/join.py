"""/join/<code>: a friend's referral link, and joining its program through it.

Anyone may open it: a visitor is offered to create an account or log in (and comes
back here, or joins at once when signing up through it: SessionState.register), a
customer joins with one click.
"""

import reflex as rx

from gudcity import routes
from gudcity.domain.errors import AuthenticationError, ServiceError
from gudcity.i18n.catalogue import N_
from gudcity.models import UserRole
from gudcity.services import referrals
from gudcity.services.referral_payment import ALREADY_MEMBER, LIMIT_REACHED, SELF_REFERRAL
from gudcity.state import toasts
from gudcity.state.session import REFERRAL_PARAM, SessionState, call_service

# Who opened the link.
VISITOR, CUSTOMER, BUSINESS = "visitor", "customer", "business"
# What a join through the link came to, in words (each names the program).
OUTCOME_WORDS = {
    referrals.JOINED: N_("You joined {program}. Your first visit rewards you and your friend."),
    LIMIT_REACHED: N_(
        "You joined {program}. Your friend has had every referral reward it gives, "
        "so this link earns no reward."
    ),
    ALREADY_MEMBER: N_(
        "You already have a card in {program}: referral rewards are for new members."
    ),
    SELF_REFERRAL: N_("This is your own referral link: send it to a friend."),
}


def code_in_path(path: str) -> str:
    """The code in /join/<code>; "" for anything else."""
    path = path.rstrip("/")
    return path[len(routes.JOIN_PREFIX) :] if path.startswith(routes.JOIN_PREFIX) else ""


class JoinState(SessionState):
    # The link was read: `error` says why it does not work, or the offer is shown.
    checked: bool = False
    error: str = ""
    program_name: str = ""
    business_name: str = ""
    offer: list[str] = []
    visitor: str = VISITOR
    joining: bool = False
    register_href: str = routes.REGISTER
    login_href: str = routes.LOGIN

    def _code(self) -> str:
        return code_in_path(self.router.url.path)

    @rx.event
    async def load(self):
        self.checked, self.error, self.joining = False, "", False
        code = self._code()
        self.register_href = f"{routes.REGISTER}?{REFERRAL_PARAM}={code}"
        self.login_href = f"{routes.LOGIN}?next={routes.join_page(code)}"
        try:
            offer = await call_service(lambda s: referrals.join_offer(s, code))
            self._set_visitor(await self._as_user(lambda _s, user: user))
        except AuthenticationError:
            self.visitor = VISITOR
        except ServiceError as error:
            self.error, self.checked = self._say(error), True
            return
        tr = self._tr()
        self.program_name, self.business_name = offer.program_name, offer.business_name
        self.offer = [tr.message(words) for words in referrals.join_offer_words(offer)]
        self.checked = True

    def _set_visitor(self, user) -> None:
        self._remember(user)
        self.visitor = CUSTOMER if user.role == UserRole.CUSTOMER else BUSINESS

    @rx.event
    async def join(self):
        if self.joining or self.visitor != CUSTOMER:
            return
        self.joining = True
        yield
        code = self._code()
        try:
            joined = await self._as_user(lambda s, u: referrals.join_through_referral(s, u, code))
        except ServiceError as error:
            self.joining = False
            yield toasts.error(self._say(error))
            return
        self.joining = False
        said = self._tr().gettext(OUTCOME_WORDS[joined.outcome], program=joined.program_name)
        if joined.outcome == SELF_REFERRAL:
            yield toasts.info(said)
            return
        yield [toasts.success(said), rx.redirect(routes.CARDS)]
