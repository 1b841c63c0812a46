"""/cards: the customer's QR card, loyalty cards, rewards and notifications."""

import base64
import functools
import uuid
from dataclasses import dataclass, field

import reflex as rx
from sqlmodel import Session

from gudcity import routes
from gudcity.domain.card_numbers import format_card_number
from gudcity.domain.errors import AuthenticationError, ServiceError
from gudcity.domain.labels import (
    TRANSACTION_LABELS,
    amount_label,
    count_badge,
    signed_amount,
    unit,
)
from gudcity.domain.progress import RewardStep, affordable, progress_to_next_reward
from gudcity.domain.tiers import tier_title
from gudcity.i18n.catalogue import Translator
from gudcity.models import PointTransaction, Reward, User, UserRole
from gudcity.realtime.timers import timers
from gudcity.services import (
    answers,
    cards,
    enrollment,
    notifications,
    programs,
    qr_cards,
    redemptions,
)
from gudcity.services.outbox import customer_topic, program_topic
from gudcity.settings import get_settings
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, flag, row_id
from gudcity.state.live import LiveState
from gudcity.state.reward_items import RewardCodeItem, reward_code_item
from gudcity.state.timefmt import time_ago

RECENT_ENTRIES = 3
# Entries of the notification list per page ("Show older" adds one more).
NOTIFICATIONS_SHOWN = 20
# A toast for a request points at where it is answered: the top of /cards.
ANSWER_AT_THE_TOP = "Accept or Decline it at the top of this page."


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
    # "20 points", "1 stamp": the cost in the program's words.
    cost_label: str = ""


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
    # The business archived the program: the card is kept to be looked at only.
    archived: bool = False
    # The card's own page: its whole history and reward codes.
    href: str = ""
    # How to reach the business, as its owner keeps it in /settings ("" when not given).
    business_address: str = ""
    business_phone: str = ""
    business_hours: str = ""


@dataclass
class NotificationItem:
    notification_id: int
    title: str
    message: str
    when: str
    unread: bool
    needs_answer: bool
    answer: str
    # What the entry shows with it: the scan that earned these points.
    detail: str = ""


@dataclass
class CardsPage:
    customer_id: int
    card_number: str
    cards: list[CardTile]
    notifications: list[NotificationItem]
    unread_count: int
    newest_notification_id: int
    reward_codes: list[RewardCodeItem] = field(default_factory=list)
    has_older_notifications: bool = False


def _qr_src(user: User) -> str:
    png = qr_cards.qr_png(qr_cards.issue_token(user))
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _tile(card: cards.CardView, ladder: list[Reward], recent: list[PointTransaction]) -> CardTile:
    progress = progress_to_next_reward(
        card.balance, [RewardStep(r.name, r.cost) for r in ladder], card.program_kind
    )
    return CardTile(
        card_id=card.card_id,
        program_id=card.program_id,
        program_name=card.program_name,
        business_name=card.business_name,
        unit=unit(card.program_kind, card.balance),
        balance=card.balance,
        tier=tier_title(card.tier),
        next_reward=progress.next_reward,
        progress=progress.percent,
        recent=[
            LedgerLine(TRANSACTION_LABELS[t.kind], signed_amount(t.amount), time_ago(t.created_at))
            for t in recent
        ],
        rewards=[
            RewardOption(
                r.id,
                r.name,
                r.cost,
                affordable(card.balance, r.cost),
                amount_label(card.program_kind, r.cost),
            )
            for r in ladder
        ],
        archived=card.program_archived,
        href=routes.card_page(card.card_id),
        business_address=card.business_address,
        business_phone=card.business_phone,
        business_hours=card.business_hours,
    )


def _notification(entry: notifications.NotificationEntry, words: Translator) -> NotificationItem:
    note = entry.main
    return NotificationItem(
        notification_id=note.id,
        title=words.message(entry.title),
        message=words.message(entry.message),
        when=time_ago(note.created_at),
        unread=entry.unread,
        needs_answer=note.requires_action and note.action_taken is None,
        answer=(note.action_taken or "").title(),
        detail=" · ".join(words.message(detail) for detail in entry.details),
    )


def read_cards_page(
    session: Session, user: User, words: Translator, shown: int = NOTIFICATIONS_SHOWN
) -> CardsPage:
    """Everything /cards shows but the QR code, read in one go from the services; the
    notifications in `words`' language."""
    # First: reading the codes expires overdue ones, whose points go back on the cards.
    codes = redemptions.list_reward_codes(session, user)
    feed = notifications.notification_entries(session, user, entries=shown)
    held = cards.list_cards(session, user)
    ladders = programs.rewards_ladders(session, [card.program_id for card in held])
    activity = cards.recent_activity(
        session, user, [card.card_id for card in held], limit=RECENT_ENTRIES
    )
    return CardsPage(
        customer_id=user.id,
        card_number=format_card_number(user.card_number),
        cards=[_tile(c, ladders[c.program_id], activity[c.card_id]) for c in held],
        notifications=[_notification(entry, words) for entry in feed.entries],
        unread_count=notifications.unread_count(session, user),
        newest_notification_id=feed.entries[0].main.id if feed.entries else 0,
        reward_codes=[reward_code_item(code) for code in codes],
        has_older_notifications=feed.has_older,
    )


@functools.cache
def _page_reader(shown: int, words: Translator):
    """The page's read for so many entries in a language: one object per size and
    language, so tabs share a read."""
    return functools.partial(read_cards_page, shown=shown, words=words)


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
    # The customer's reward codes (#reward-codes), waiting ones first; the one being cancelled.
    reward_codes: list[RewardCodeItem] = []
    cancelling_id: int = 0
    # Older notifications exist ("Show older"); the card being left.
    has_older_notifications: bool = False
    leaving_id: int = 0

    _customer_id: int = 0
    # How many entries of the notification list are shown.
    _shown: int = NOTIFICATIONS_SHOWN
    _program_ids: list[int] = []

    @rx.var
    def waiting_requests(self) -> list[NotificationItem]:
        """The requests waiting for an answer: shown above everything else."""
        return [note for note in self.notifications if note.needs_answer]

    @rx.var
    def other_notifications(self) -> list[NotificationItem]:
        return [note for note in self.notifications if not note.needs_answer]

    @rx.var
    def unread_badge(self) -> str:
        """The unread count as the badge shows it: counting stops at the cap ("99+")."""
        return count_badge(self.unread_count, notifications.UNREAD_COUNT_CAP)

    # Newest notification id already shown; -1 until the first read of a visit.
    _newest_seen: int = -1

    @rx.event
    async def load(self):
        redirect = await self._guard(UserRole.CUSTOMER)
        if redirect:
            return redirect
        self._newest_seen = -1
        self._shown = NOTIFICATIONS_SHOWN
        await self._renew_qr()
        return (await self._open() or []) + self._welcome()

    async def _renew_qr(self) -> None:
        """Draw a fresh QR code, and ask for the next one before this one expires.

        A live refresh keeps the QR code: only time makes it stale.
        """
        self.qr_src = await self._as_user(lambda _s, user: _qr_src(user))
        timers.schedule(self._subscriber(), get_settings().qr_renew_seconds)

    async def _on_timer(self) -> list | None:
        # A full page load of /cards shows /cards/ (the static server adds the slash).
        if self.router.url.path.rstrip("/") != routes.CARDS:
            return None  # the tab has moved on: its next visit to /cards draws a fresh code
        try:
            await self._renew_qr()
        except AuthenticationError:
            return [rx.redirect(routes.LOGIN)]
        return None

    async def _reload(self, memo: dict | None = None) -> list | None:
        page = await self._read_shared(memo, _page_reader(self._shown, self._tr()))
        self._customer_id = page.customer_id
        self._program_ids = [card.program_id for card in page.cards]
        self._set_changed(
            card_number=page.card_number,
            cards=page.cards,
            notifications=page.notifications,
            unread_count=page.unread_count,
            reward_codes=page.reward_codes,
            has_older_notifications=page.has_older_notifications,
        )
        first_read = self._newest_seen < 0
        fresh = (
            []
            if first_read
            else [n for n in page.notifications if n.notification_id > self._newest_seen]
        )
        self._newest_seen = max(self._newest_seen, page.newest_notification_id)
        return [toasts.info(_toast_text(n)) for n in reversed(fresh[:3])] or None

    def _topics(self) -> set[str]:
        return {customer_topic(self._customer_id)} | {program_topic(p) for p in self._program_ids}

    @rx.event
    async def answer(self, notification_id: int, accept: bool):
        notification_id, accept = row_id(notification_id), flag(accept)
        if accept is None:
            yield rx.toast.error(NOT_UNDERSTOOD)
            return
        if self.answering_id:
            return
        self.answering_id = notification_id
        yield
        try:
            await self._as_user(
                lambda s, u: answers.act_on_notification(s, u, notification_id, accept)
            )
            yield rx.toast.success("Done." if accept else "Declined.")
        except ServiceError as error:
            yield toasts.error(error.message)
        finally:
            self.answering_id = 0
        # The page itself is re-read by the change feed, which the answer's commit
        # wakes at once: re-reading here too would only compete with the counter's.

    @rx.event
    async def show_older(self):
        """One more page of the notification list."""
        if not self.has_older_notifications:
            return None
        self._shown = min(self._shown + NOTIFICATIONS_SHOWN, notifications.MAX_ENTRIES)
        return await self._reload()

    @rx.event
    async def mark_read(self, notification_id: int):
        return await self._act(lambda s, u: notifications.mark_read(s, u, notification_id))

    @rx.event
    async def mark_all_read(self):
        return await self._act(notifications.mark_all_read)

    async def _act(self, work) -> list | None:
        """Run a quick action, then re-read; a refusal becomes a toast."""
        try:
            await self._as_user(work)
        except ServiceError as error:
            return [toasts.error(error.message)]
        await self._reload()
        return None

    @rx.event
    async def redeem(self, card_id: int, reward_id: int):
        card_id, reward_id = row_id(card_id), row_id(reward_id)
        if self.redeeming_id:
            return
        self.redeeming_id = reward_id or -1
        yield
        key = uuid.uuid4().hex
        try:
            transaction = await self._as_user(
                lambda s, u: redemptions.redeem_reward(s, u, card_id, reward_id, key)
            )
            self.redemption_code = transaction.redemption_code
            self.redemption_reward = transaction.note
        except ServiceError as error:
            yield toasts.error(error.message)
        finally:
            self.redeeming_id = 0
        await self._reload()

    @rx.event
    async def cancel_code(self, code_id: int):
        """Cancel a waiting reward code (the page asked to confirm): its points go back."""
        code_id = row_id(code_id)
        if self.cancelling_id:
            return
        self.cancelling_id = code_id or -1
        yield
        try:
            view = await self._as_user(lambda s, u: redemptions.cancel_reward_code(s, u, code_id))
            back = amount_label(view.program_kind, view.cost)
            yield rx.toast.success(f"Cancelled: {back} went back on your card.")
        except ServiceError as error:
            yield toasts.error(error.message)
        finally:
            self.cancelling_id = 0
        await self._reload()

    @rx.event
    def close_redemption(self):
        self.redemption_code = ""
        self.redemption_reward = ""

    @rx.event
    async def leave(self, program_id: int):
        """Leave the program (the page asked to confirm); the card leaves the page."""
        program_id = row_id(program_id)
        if self.leaving_id:
            return
        self.leaving_id = program_id or -1
        yield
        try:
            await self._as_user(lambda s, u: enrollment.leave_program(s, u, program_id))
            yield rx.toast.success("You left the program. Your card is kept if you come back.")
        except ServiceError as error:
            yield toasts.error(error.message)
        finally:
            self.leaving_id = 0
        await self._reload()


def _toast_text(note: NotificationItem) -> str:
    """A new notification's toast; a request's says where to answer it."""
    return f"{note.message} {ANSWER_AT_THE_TOP}" if note.needs_answer else note.message
