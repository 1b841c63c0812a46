"""/cards: the customer's QR card, loyalty cards, rewards and notifications."""

import base64
import uuid
from dataclasses import dataclass, field

import reflex as rx
from sqlmodel import Session

from gudcity.models import (
    PointTransaction,
    ProgramKind,
    Reward,
    TransactionKind,
    User,
    UserRole,
)
from gudcity.realtime.timers import timers
from gudcity.services import cards, enrollment, notifications, points, programs, scanning
from gudcity.services.card_numbers import format_card_number
from gudcity.services.errors import AuthenticationError, ServiceError
from gudcity.services.events import customer_topic, program_topic
from gudcity.settings import get_settings
from gudcity.state import toasts
from gudcity.state.live import LiveState
from gudcity.state.session import CUSTOMER_HOME
from gudcity.state.timefmt import time_ago

RECENT_ENTRIES = 3
NOTIFICATIONS_SHOWN = 20
TRANSACTION_LABELS = {
    TransactionKind.EARN: "Earned",
    TransactionKind.DEDUCT: "Deducted",
    TransactionKind.REDEEM: "Redeemed",
    TransactionKind.ADJUST: "Adjusted",
}


@dataclass
class LedgerLine:
    label: str
    amount: str
    when: str


@dataclass
class RewardOption:
    reward_id: int
    name: str
    cost: int
    affordable: bool


@dataclass
class CardTile:
    card_id: int
    program_id: int
    program_name: str
    business_name: str
    unit: str
    balance: int
    tier: str
    next_reward: str
    progress: int
    recent: list[LedgerLine] = field(default_factory=list)
    rewards: list[RewardOption] = field(default_factory=list)


@dataclass
class NotificationItem:
    notification_id: int
    title: str
    message: str
    when: str
    unread: bool
    needs_answer: bool
    answer: str


@dataclass
class CardsPage:
    customer_id: int
    card_number: str
    cards: list[CardTile]
    notifications: list[NotificationItem]
    unread_count: int
    newest_notification_id: int


def _qr_src(user: User) -> str:
    png = scanning.qr_png(scanning.issue_token(user))
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _tile(card: cards.CardView, ladder: list[Reward], recent: list[PointTransaction]) -> CardTile:
    upcoming = next((r for r in ladder if r.cost > card.balance), None)
    unit = "stamps" if card.program_kind == ProgramKind.STAMPS else "points"
    if upcoming:
        next_reward = f"{upcoming.cost - card.balance} {unit} to {upcoming.name}"
        progress = round(100 * card.balance / upcoming.cost)
    else:
        next_reward = "Every reward is within reach" if ladder else "No rewards yet"
        progress = 100 if ladder else 0
    return CardTile(
        card_id=card.card_id,
        program_id=card.program_id,
        program_name=card.program_name,
        business_name=card.business_name,
        unit=unit,
        balance=card.balance,
        tier=card.tier.title(),
        next_reward=next_reward,
        progress=progress,
        recent=[
            LedgerLine(TRANSACTION_LABELS[t.kind], f"{t.amount:+d}", time_ago(t.created_at))
            for t in recent
        ],
        rewards=[RewardOption(r.id, r.name, r.cost, r.cost <= card.balance) for r in ladder],
    )


def _notification(note) -> NotificationItem:
    return NotificationItem(
        notification_id=note.id,
        title=note.title,
        message=note.message,
        when=time_ago(note.created_at),
        unread=note.read_at is None,
        needs_answer=note.requires_action and note.action_taken is None,
        answer=(note.action_taken or "").title(),
    )


def read_cards_page(session: Session, user: User) -> CardsPage:
    """Everything /cards shows but the QR code, read in one go from the services."""
    notes = notifications.list_customer_notifications(session, user, limit=NOTIFICATIONS_SHOWN)
    held = cards.list_cards(session, user)
    ladders = programs.rewards_ladders(session, [card.program_id for card in held])
    activity = cards.recent_activity(
        session, user, [card.card_id for card in held], limit=RECENT_ENTRIES
    )
    return CardsPage(
        customer_id=user.id,
        card_number=format_card_number(user.card_number),
        cards=[_tile(c, ladders[c.program_id], activity[c.card_id]) for c in held],
        notifications=[_notification(n) for n in notes],
        unread_count=notifications.unread_count(session, user),
        newest_notification_id=notes[0].id if notes else 0,
    )


class CardsState(LiveState):
    qr_src: str = ""
    card_number: str = ""
    cards: list[CardTile] = []
    notifications: list[NotificationItem] = []
    unread_count: int = 0
    # The notification whose answer is being saved (its buttons are disabled).
    answering_id: int = 0
    redeeming_id: int = 0
    redemption_code: str = ""
    redemption_reward: str = ""

    _customer_id: int = 0
    _program_ids: list[int] = []

    @rx.var
    def unread_badge(self) -> str:
        """The unread count as the badge shows it: counting stops at the cap ("99+")."""
        cap = notifications.UNREAD_COUNT_CAP
        return f"{cap - 1}+" if self.unread_count >= cap else str(self.unread_count)

    # Newest notification id already shown; -1 until the first read of a visit.
    _newest_seen: int = -1

    @rx.event
    async def load(self):
        redirect = await self.guard(UserRole.CUSTOMER)
        if redirect:
            return redirect
        self._newest_seen = -1
        await self._renew_qr()
        return await self._open()

    async def _renew_qr(self) -> None:
        """Draw a fresh QR code, and ask for the next one before this one expires.

        A live refresh keeps the QR code: only time makes it stale.
        """
        self.qr_src = await self.as_user(lambda _s, user: _qr_src(user))
        timers.schedule(self._subscriber(), get_settings().qr_renew_seconds)

    async def _on_timer(self) -> list | None:
        if self.router.url.path != CUSTOMER_HOME:
            return None  # the tab has moved on: its next visit to /cards draws a fresh code
        try:
            await self._renew_qr()
        except AuthenticationError:
            return [rx.redirect("/login")]
        return None

    async def _reload(self, memo: dict | None = None) -> list | None:
        page = await self._read_shared(memo, read_cards_page)
        self._customer_id = page.customer_id
        self._program_ids = [card.program_id for card in page.cards]
        self._set_changed(
            card_number=page.card_number,
            cards=page.cards,
            notifications=page.notifications,
            unread_count=page.unread_count,
        )
        first_read = self._newest_seen < 0
        fresh = (
            []
            if first_read
            else [n for n in page.notifications if n.notification_id > self._newest_seen]
        )
        self._newest_seen = max(self._newest_seen, page.newest_notification_id)
        return [toasts.info(n.message) for n in reversed(fresh[:3])] or None

    def _topics(self) -> set[str]:
        return {customer_topic(self._customer_id)} | {program_topic(p) for p in self._program_ids}

    @rx.event
    async def answer(self, notification_id: int, accept: bool):
        if self.answering_id:
            return
        self.answering_id = notification_id
        yield
        try:
            await self.as_user(
                lambda s, u: notifications.act_on_notification(s, u, notification_id, accept)
            )
            yield rx.toast.success("Done." if accept else "Declined.")
        except ServiceError as error:
            yield toasts.error(error.message)
        finally:
            self.answering_id = 0
        await self._reload()

    @rx.event
    async def mark_read(self, notification_id: int):
        return await self._act(lambda s, u: notifications.mark_read(s, u, notification_id))

    @rx.event
    async def mark_all_read(self):
        return await self._act(notifications.mark_all_read)

    async def _act(self, work) -> list | None:
        """Run a quick action, then re-read; a refusal becomes a toast."""
        try:
            await self.as_user(work)
        except ServiceError as error:
            return [toasts.error(error.message)]
        await self._reload()
        return None

    @rx.event
    async def redeem(self, card_id: int, reward_id: int):
        if self.redeeming_id:
            return
        self.redeeming_id = reward_id
        yield
        key = uuid.uuid4().hex
        try:
            transaction = await self.as_user(
                lambda s, u: points.redeem_reward(s, u, card_id, reward_id, key)
            )
            self.redemption_code = transaction.redemption_code
            self.redemption_reward = transaction.note
        except ServiceError as error:
            yield toasts.error(error.message)
        finally:
            self.redeeming_id = 0
        await self._reload()

    @rx.event
    def close_redemption(self):
        self.redemption_code = ""
        self.redemption_reward = ""

    @rx.event
    async def leave(self, program_id: int):
        try:
            await self.as_user(lambda s, u: enrollment.leave_program(s, u, program_id))
        except ServiceError as error:
            yield toasts.error(error.message)
        await self._reload()
