"""/cards: the customer's QR card, loyalty cards, rewards and notifications."""

import uuid

import reflex as rx

from gudcity import routes
from gudcity.domain.errors import AuthenticationError, ServiceError
from gudcity.domain.labels import count_badge
from gudcity.i18n.catalogue import N_
from gudcity.models import UserRole
from gudcity.realtime.timers import timers
from gudcity.services import (
    answers,
    enrollment,
    notifications,
    promo_codes,
    redemptions,
    reward_codes,
)
from gudcity.services.outbox import customer_topic, program_topic
from gudcity.settings import get_settings
from gudcity.state import toasts
from gudcity.state.arguments import NOT_UNDERSTOOD, flag, form_text, row_id
from gudcity.state.cards_page import (
    NOTIFICATIONS_SHOWN,
    CardTile,
    NotificationItem,
    page_reader,
    qr_image_src,
    toast_text,
)
from gudcity.state.live import LiveState
from gudcity.state.reward_items import RewardCodeItem

# What a customer's answer to a request says once it is saved.
ANSWERED, DECLINED = N_("Done."), N_("Declined.")


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
    # The promo code form: what the last code came to, or why it was refused.
    promo_result: str = ""
    promo_error: str = ""
    applying_code: bool = False
    # Bumped after a code is applied: the form is keyed by it, so it starts empty again.
    promo_form_version: int = 0

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
        self.qr_src = await self._as_user(lambda _s, user: qr_image_src(user))
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
        page = await self._read_shared(memo, page_reader(self._shown, self.language or "en"))
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
        tr = self._tr()
        return [toasts.info(toast_text(n, tr)) for n in reversed(fresh[:3])] or None

    def _topics(self) -> set[str]:
        return {customer_topic(self._customer_id)} | {program_topic(p) for p in self._program_ids}

    @rx.event
    async def answer(self, notification_id: int, accept: bool):
        notification_id, accept = row_id(notification_id), flag(accept)
        if accept is None:
            yield toasts.error(self._tr().gettext(NOT_UNDERSTOOD))
            return
        if self.answering_id:
            return
        self.answering_id = notification_id
        yield
        try:
            await self._as_user(
                lambda s, u: answers.act_on_notification(s, u, notification_id, accept)
            )
            yield toasts.success(self._tr().gettext(ANSWERED if accept else DECLINED))
        except ServiceError as error:
            yield toasts.error(self._say(error))
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
            return [toasts.error(self._say(error))]
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
            yield toasts.error(self._say(error))
        finally:
            self.redeeming_id = 0
        await self._reload()

    @rx.event
    async def cancel_code(self, code_id: int):
        """Cancel a waiting reward code (the page asked to confirm): its points (if any) go back."""
        code_id = row_id(code_id)
        if self.cancelling_id:
            return
        self.cancelling_id = code_id or -1
        yield
        try:
            view = await self._as_user(lambda s, u: redemptions.cancel_reward_code(s, u, code_id))
            yield toasts.success(self._tr().message(reward_codes.cancelled_message(view)))
        except ServiceError as error:
            yield toasts.error(self._say(error))
        finally:
            self.cancelling_id = 0
        await self._reload()

    @rx.event
    async def apply_code(self, form_data: dict):
        """A promo code typed by the customer: its bonus on their card (or its reward's code
        in #reward-codes), or why not."""
        if self.applying_code:
            return
        typed = form_text(form_data, "promo_code")
        self.applying_code, self.promo_result, self.promo_error = True, "", ""
        yield
        try:
            used = await self._as_user(lambda s, u: promo_codes.apply_promo_code(s, u, typed))
            self.promo_result = self._tr().message(used.told())
            self.promo_form_version += 1
        except ServiceError as error:
            self.promo_error = self._say(error)
            yield toasts.error(self.promo_error)
        finally:
            self.applying_code = False
        # The card's new balance comes with the change feed, which the commit wakes.

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
            yield toasts.success(
                self._tr().gettext("You left the program. Your card is kept if you come back.")
            )
        except ServiceError as error:
            yield toasts.error(self._say(error))
        finally:
            self.leaving_id = 0
        await self._reload()
