"""/business/scanner: identify a customer (photo of their QR, or card number) and act."""

import time
import uuid
from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from gudcity.domain.errors import PermissionDeniedError, ServiceError, ValidationError
from gudcity.domain.membership import MEMBERSHIP_LABELS, Membership
from gudcity.domain.promotions import is_promo_qr
from gudcity.domain.redemption_codes import is_reward_qr
from gudcity.domain.scans import ScanOutcome, scan_outcome_message
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import User
from gudcity.services import (
    permissions,
    programs,
    promo_codes,
    scanning,
    standing,
)
from gudcity.services.outbox import answer_topic
from gudcity.services.scanning import ScanResult
from gudcity.state import toasts
from gudcity.state.arguments import form_text, text
from gudcity.state.business import BusinessState, ProgramChoice
from gudcity.state.camera import ONE_AT_A_TIME, CameraMixin
from gudcity.state.counter import CounterState
from gudcity.state.counter_actions import CounterActionsMixin, Done
from gudcity.state.decode_pool import read_first_file, run_decode
from gudcity.state.scanner_answers import GOOD_NEWS, AnswersMixin

# A tab's decode is released when it ends; one whose server died is given up after this.
DECODE_CLAIM_SECONDS = 60.0

NO_QR_IN_PHOTO = N_("No QR code found in that photo. Try again, closer.")
LOOK_UP_FIRST = N_("Scan the customer's card first, then their promo code.")


class ScannerState(AnswersMixin, CounterActionsMixin, CameraMixin, BusinessState):
    programs: list[ProgramChoice] = []
    # Whether the business has any program, paused ones too (none: the first-run guide).
    has_programs: bool = False
    # The customer on screen (#scan-result).
    customer_name: str = ""
    customer_status: str = ""
    customer_enrolled: bool = False
    customer_balance: str = ""
    error: str = ""

    # When the decode of this tab's photo or frame began (time.time()); 0 when none is.
    _decoding_since: float = 0.0

    @rx.var
    def has_customer(self) -> bool:
        return self.customer_name != ""

    @rx.event
    async def load(self):
        self.action_key = uuid.uuid4().hex
        return await self._open_business()

    async def _reload_page(self, memo: dict | None = None) -> list | None:
        """The programs, and the customer on screen with the answers: one trip to a worker."""
        shown, customer_id = self.program_id, self._customer_id
        read_standing = self._standing_reader()

        def read(session: Session, user: User, business_id: int):
            listed = programs.list_programs(session, user, business_id)
            choices = [ProgramChoice(str(p.id), p.name) for p in listed if p.is_active]
            chosen = shown if shown in {c.program_id for c in choices} else ""
            chosen = chosen or (choices[0].program_id if choices else "")
            if not (chosen and customer_id):
                return bool(listed), choices, chosen, None
            return (
                bool(listed),
                choices,
                chosen,
                read_standing(session, user, int(chosen), customer_id),
            )

        any_program, choices, chosen, on_screen = await self._business_call(read)
        self._set_changed(programs=choices, program_id=chosen, has_programs=any_program)
        if on_screen is not None:
            self._apply_standing(on_screen[0])
            self._show_answers(on_screen[1])
        self._say_outcome()  # the words on screen, in the tab's language (it may have changed)
        return None

    def _topics(self) -> set[str]:
        return super()._topics() | {answer_topic(self._business_id)}

    async def _reload_changed(self, topics: frozenset[str], memo: dict | None) -> list | None:
        """A customer answered (the urgent topic alone): read only the answers followed here.

        The customer on screen and the requests sent for them: no seat, programs or
        notifications, which the business's topic, arriving with the answer, re-reads
        after the settle. A permission taken away meanwhile: the whole page, seat first.
        """
        if topics != {answer_topic(self._business_id)}:
            return await super()._reload_changed(topics, memo)
        if not self._asked:
            return None
        try:
            await self._show_standing(after_answer=True)
        except PermissionDeniedError:
            return await self._reload(memo)
        return None

    async def _show_standing(self, after_answer: bool = False) -> None:
        """Re-read the customer on screen, and the answers to the requests sent for them."""
        if not self._customer_id or not self.program_id:
            return
        program_id, customer_id, read = (
            int(self.program_id),
            self._customer_id,
            self._standing_reader(after_answer),
        )
        found, answers = await self._as_user(lambda s, u: read(s, u, program_id, customer_id))
        if found is not None:
            self._apply_standing(found)
        self._show_answers(answers)

    def _apply_standing(self, found: standing.Standing) -> None:
        self._set_changed(
            customer_name=found.customer_name,
            customer_status=self._tr().gettext(MEMBERSHIP_LABELS[found.membership]),
            customer_enrolled=found.membership == Membership.ENROLLED,
            customer_balance="" if found.balance is None else str(found.balance),
        )

    @rx.event
    async def choose_program(self, program_id: str):
        if text(program_id) not in {choice.program_id for choice in self.programs}:
            return toasts.error(self._tr().gettext("Choose one of your active programs."))
        self.program_id = program_id
        self._show_outcome(None)
        self.error = ""
        try:
            await self._show_standing()
        except ServiceError as error:
            self.error = self._say(error)
        return None

    async def _run(self, work: Callable[[Session, User], Done]):
        """Run one action, one at a time, and show what it came to."""
        self.busy = True
        self.error = ""
        yield
        program_id, shown = int(self.program_id or 0), self._customer_id

        def act_then_read(session: Session, user: User):
            """The action and the customer's new standing, in one trip to a worker."""
            done = work(session, user)
            found = standing.standing(session, user, program_id, done.customer_id or shown)
            return done, found

        try:
            done, found = await self._as_user(act_then_read)
            self.action_key = uuid.uuid4().hex
            self._show_outcome(done.message)
            self.outcome_tone = GOOD_NEWS
            self._follow(done.request_id, new_customer=found.customer_id != shown)
            self._customer_id = found.customer_id
            self._apply_standing(found)
        except ServiceError as error:
            self.error = self._say(error)
            self._show_outcome(None)
            yield toasts.error(self.error)
        finally:
            self.busy = False

    def _scan(self, identify: Callable[[Session, User, int, str], ScanResult], key: str):
        """A unit of work: identify the customer, then run the scan workflow."""
        program_id = int(self.program_id or 0)

        def work(session: Session, user: User) -> Done:
            if not program_id:
                raise ValidationError("Create a program first: scans award its points.")
            result = identify(session, user, program_id, key)
            awarded = result.transaction.amount if result.transaction else None
            message = scan_outcome_message(
                result.outcome, result.program.kind, awarded, result.wait_seconds
            )
            invited = result.outcome == ScanOutcome.ENROLLMENT_REQUESTED
            request = result.enrollment_request if invited else None
            return Done(message, result.customer.id, request.id if request else None)

        return work

    @rx.event(background=True)
    async def scan_upload(self, chunks: rx.UploadChunkIterator):
        """A photo of a customer's QR: who is asking is checked before a byte is decoded.

        A background event, so that the decode holds no lock on the tab's state: a
        second photo sent while one is being read is refused at once, not queued.
        The upload streams in: a refused one is not read to its end.
        """
        async with self:
            refusal = await self._start_decode()
            self.busy = refusal is None
        if refusal:
            yield toasts.error(refusal)
            return
        text, refused = None, None
        try:
            image = await read_first_file(chunks)
            text = await run_decode(scanning.decode_qr, image) if image else None
            refused = Message(NO_QR_IN_PHOTO) if image and not text else None
        except ServiceError as error:
            refused = error.translatable
        finally:  # also when the upload broke off: the tab may send the next photo
            async with self:
                self._end_decode()
                self.busy = False
        async with self:
            if text:
                async for update in self._scan_read(text):
                    yield update
                return
            message = self._tr().message(refused) if refused else ""
            self.error = message
            self._show_outcome(None)
        if message:
            yield toasts.error(message)

    async def _start_decode(self) -> str | None:
        """Claim the tab's one decode if its user may scan here; else why not.

        Under the state's lock. Refused, before any query, while the tab's last
        photo or frame is being decoded; then unless the user may scan here.
        """
        if self._decoding():
            return self._tr().gettext(ONE_AT_A_TIME)
        try:
            await self._check_may_scan()
        except ServiceError as error:
            return self._say(error)
        self._decoding_since = time.time()
        return None

    def _decoding(self) -> bool:
        return time.time() - self._decoding_since < DECODE_CLAIM_SECONDS

    def _end_decode(self) -> None:
        self._decoding_since = 0.0

    async def _check_may_scan(self) -> None:
        """PermissionDeniedError unless the user may scan for the business shown.

        A tab that never opened the page as a business's owner or staff (anonymous,
        a customer) has no business, and is refused without a trip to the database.
        """
        business_id = self._business_id
        if not business_id:
            raise PermissionDeniedError("Log in with your business account to scan.")
        await self._as_user(
            lambda s, u: permissions.require_business_permission(
                s, u, business_id, permissions.Permission.SCAN
            )
        )

    async def _scan_read(self, text: str):
        """Run the scan workflow on the text of a QR code read from a photo or the camera.

        Each read is a new scan: a photo chosen twice is two visits. A reward code's
        QR code (`GCR.`) is checked at the counter instead (state/counter.py); a promo
        code's (`GCP.`) is applied to the customer on screen.
        """
        if is_reward_qr(text):
            async for update in (await self.get_state(CounterState))._check_read(text):
                yield update
            return
        if is_promo_qr(text):
            async for update in self._run(self._promo_code(text)):
                yield update
            return
        scan = self._scan(
            lambda s, u, p, k: scanning.scan_token(s, u, p, text, k), uuid.uuid4().hex
        )
        async for update in self._run(scan):
            yield update

    def _promo_code(self, text: str) -> Callable[[Session, User], Done]:
        """A unit of work: a promo code's QR (`GCP.`) applied to the customer on screen."""
        business_id, customer_id = self._business_id, self._customer_id

        def work(session: Session, user: User) -> Done:
            if not customer_id:
                raise ValidationError(LOOK_UP_FIRST)
            used = promo_codes.apply_promo_code_at_counter(
                session, user, business_id, customer_id, text
            )
            return Done(used.told(at_counter=True), customer_id)

        return work

    @rx.event
    async def look_up(self, form_data: dict):
        """A typed card number shows the customer; unlike a QR scan it gives nothing."""
        if self.busy:
            return
        typed = form_text(form_data, "card_number")
        business_id, program_chosen = self._business_id, bool(self.program_id)

        def work(session: Session, user: User) -> Done:
            if not program_chosen:
                raise ValidationError("Create a program first: scans award its points.")
            customer = scanning.find_customer_by_card_number(session, user, business_id, typed)
            return Done(None, customer.id)

        async for update in self._run(work):
            yield update
