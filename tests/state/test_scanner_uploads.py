"""Photos and camera frames: who may scan is checked before a byte is decoded; decodes
run on their own threads, one at a time per tab."""

import asyncio
import io
import threading

import pytest
from PIL import Image
from sqlmodel import select

from gudcity.models import StaffPermission
from gudcity.services import camera, qr_cards, scanning
from gudcity.services.permissions import Permission
from gudcity.state import decode_pool, session
from gudcity.state.scanner import ONE_AT_A_TIME, ScannerState
from tests.support.events import toasts
from tests.support.scans import frame_of, photo, qr_photo, scripts
from tests.support.tabs import background

pytestmark = pytest.mark.anyio

ROUTE = "/business/scanner"
REFUSED_ANONYMOUS = "Log in with your business account to scan."


class DecodeSpy:
    """Stands in for `decode_qr`: records each call and its thread, then decodes for real.

    With `hold=True` each decode waits for `release()`, so a test can act meanwhile.
    """

    def __init__(self, hold: bool = False) -> None:
        self.threads: list[str] = []
        self.entered = threading.Event()
        self._go = threading.Event()
        if not hold:
            self._go.set()

    def __call__(self, image: bytes) -> str | None:
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        self._go.wait(10)
        return REAL_DECODE(image)

    def release(self) -> None:
        self._go.set()


REAL_DECODE = scanning.decode_qr


def spy_on_decoding(monkeypatch, spy: DecodeSpy) -> DecodeSpy:
    monkeypatch.setattr(scanning, "decode_qr", spy)
    monkeypatch.setattr(camera, "decode_qr", spy)
    return spy


@pytest.fixture
def decodes(monkeypatch) -> DecodeSpy:
    return spy_on_decoding(monkeypatch, DecodeSpy())


@pytest.fixture
def shop(make):
    """Bean There, its Coffee Club, and Bob, a customer with a card there."""
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    bob = make.customer("Bob")
    make.card(bob, coffee, balance=5)
    return owner, business, bob


@pytest.fixture
def no_database(monkeypatch):
    """Fails the test if a service call is made."""

    def refuse(_work):
        raise AssertionError("a service was called")

    monkeypatch.setattr(session, "call_service", refuse)


async def opened(tab, run, user=None) -> ScannerState:
    state = tab(ScannerState, ROUTE, user)
    await run(state.load())
    return state


@pytest.fixture
async def refused_scanners(make, tab, run, shop):
    """The scanner page as each kind of user who may not scan: (who, state, message)."""
    owner, business, bob = shop
    cashier = make.staff(owner, business, Permission.AWARD)
    return [
        ("anonymous", await opened(tab, run), REFUSED_ANONYMOUS),
        ("a customer", await opened(tab, run, bob), REFUSED_ANONYMOUS),
        ("staff without SCAN", await opened(tab, run, cashier), None),
    ]


async def test_a_photo_from_anyone_who_may_not_scan_is_refused_undecoded(
    refused_scanners, shop, decodes, run
):
    bob = shop[2]
    for who, state, message in refused_scanners:
        events = await run(background(state, "scan_upload", qr_photo(bob)))

        [(level, shown)] = toasts(events)
        assert level == "error" and shown, who
        if message is not None:
            assert shown == message, who
        assert not state.has_customer and not state.busy, who
    assert decodes.threads == []


async def test_staff_without_scan_are_told_why(make, tab, run, shop, decodes):
    owner, business, bob = shop
    cashier = make.staff(owner, business, Permission.AWARD)
    state = await opened(tab, run, cashier)

    events = await run(background(state, "scan_upload", qr_photo(bob)))

    [(_, message)] = toasts(events)
    assert "permission" in message.lower()
    assert decodes.threads == []


async def test_an_anonymous_photo_is_refused_without_a_trip_to_the_database(
    tab, shop, decodes, run, no_database
):
    state = tab(ScannerState, ROUTE)

    events = await run(background(state, "scan_upload", qr_photo(shop[2])))

    assert toasts(events) == [("error", REFUSED_ANONYMOUS)]
    assert decodes.threads == []


async def test_the_camera_stays_off_for_anyone_who_may_not_scan(refused_scanners, decodes, run):
    for who, state, _ in refused_scanners:
        await run(state.start_camera())
        events = await run(state.camera_ready({"ok": True, "cameras": 1, "error": ""}))

        assert scripts(events) == ["gudcityCamera.stop()"], who
        assert not state.camera_on and state.camera_error, who
    assert decodes.threads == []


async def test_a_frame_from_anyone_who_may_not_scan_is_refused_undecoded(
    refused_scanners, shop, decodes, run
):
    frame = frame_of(qr_cards.qr_png(qr_cards.issue_token(shop[2])))
    for who, state, _ in refused_scanners:
        state.camera_on = True  # as if a crafted client had got the camera on

        events = await run(background(state, "scan_frame", frame))

        assert scripts(events) == ["gudcityCamera.stop()"], who
        assert not state.camera_on and state.camera_error, who
    assert decodes.threads == []


async def test_staff_whose_scan_permission_is_withdrawn_are_refused_the_next_frame(
    make, tab, run, shop, decodes
):
    owner, business, _ = shop
    scanner_staff = make.staff(owner, business, Permission.SCAN)
    state = await opened(tab, run, scanner_staff)
    await run(state.camera_ready({"ok": True, "cameras": 1, "error": ""}))
    assert state.camera_on
    row = make.session.exec(
        select(StaffPermission).where(StaffPermission.user_id == scanner_staff.id)
    ).one()
    row.can_scan = False
    make.session.commit()

    events = await run(background(state, "scan_frame", frame_of(qr_cards.qr_png(b"x"))))

    assert scripts(events) == ["gudcityCamera.stop()"]
    assert not state.camera_on
    assert decodes.threads == []


async def test_photos_and_frames_are_decoded_on_the_decoding_threads(tab, run, shop, decodes):
    owner, _, bob = shop
    state = await opened(tab, run, owner)

    await run(background(state, "scan_upload", qr_photo(bob)))
    await run(state.camera_ready({"ok": True, "cameras": 1, "error": ""}))
    blank = io.BytesIO()
    Image.new("L", (320, 240), 200).save(blank, format="PNG")
    await run(background(state, "scan_frame", frame_of(blank.getvalue())))

    assert len(decodes.threads) == 2
    assert all(name.startswith(decode_pool.THREAD_NAME_PREFIX) for name in decodes.threads)
    assert state.customer_name == "Bob"


async def test_a_second_photo_while_one_is_decoding_is_refused_at_once(tab, run, shop, monkeypatch):
    owner, _, bob = shop
    state = await opened(tab, run, owner)
    held = spy_on_decoding(monkeypatch, DecodeSpy(hold=True))
    first = asyncio.create_task(run(background(state, "scan_upload", qr_photo(bob))))
    assert await asyncio.to_thread(held.entered.wait, 10)

    started = asyncio.get_running_loop().time()
    second = await run(background(state, "scan_upload", qr_photo(bob)))
    refused_in = asyncio.get_running_loop().time() - started
    held.release()
    await first

    assert toasts(second) == [("error", ONE_AT_A_TIME)]
    assert refused_in < 0.5
    assert len(held.threads) == 1
    assert state.customer_name == "Bob" and not state.busy


async def test_a_frame_while_a_photo_is_decoding_is_dropped_and_the_camera_keeps_looking(
    tab, run, shop, monkeypatch
):
    owner, _, bob = shop
    state = await opened(tab, run, owner)
    await run(state.camera_ready({"ok": True, "cameras": 1, "error": ""}))
    held = spy_on_decoding(monkeypatch, DecodeSpy(hold=True))
    first = asyncio.create_task(run(background(state, "scan_upload", qr_photo(bob))))
    assert await asyncio.to_thread(held.entered.wait, 10)

    frame = await run(background(state, "scan_frame", frame_of(qr_cards.qr_png(b"x"))))
    held.release()
    await first

    assert scripts(frame) == ["gudcityCamera.frame()"]
    assert len(held.threads) == 1


async def test_a_frame_too_long_for_the_upload_limit_is_refused_by_its_length(
    tab, run, shop, decodes, no_database, monkeypatch
):
    state = tab(ScannerState, ROUTE)
    state.camera_on = True
    frame = "data:image/jpeg;base64," + "A" * (camera.max_frame_chars())

    events = await run(background(state, "scan_frame", frame))

    assert scripts(events) == ["gudcityCamera.stop()"]
    assert state.camera_error.startswith("That camera frame is too large")
    assert decodes.threads == []


async def test_a_photo_is_kept_only_up_to_the_upload_limit(monkeypatch):
    limit = 1000
    changed = decode_pool.get_settings().model_copy(update={"max_upload_bytes": limit})
    monkeypatch.setattr(decode_pool, "get_settings", lambda: changed)

    kept = await decode_pool.read_first_file(photo(b"x" * 5000).__aiter__())

    assert kept == b"x" * (limit + 1)


def test_frame_limit_fits_the_largest_upload():
    assert camera.max_frame_chars() >= 4 * camera.get_settings().max_upload_bytes / 3
