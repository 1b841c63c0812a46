"""Scanning with the camera, in Chromium with a fake camera playing a QR card."""

from pathlib import Path

import cv2
import numpy as np
import pytest
from playwright.sync_api import expect

from gudcity.devserver import BROWSER_ARGS, CHROMIUM
from gudcity.services import lookups, qr_cards
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT, FRAMES = 640, 480, 20


def card_video(path: Path, qr_png: bytes) -> Path:
    """A short .y4m of a phone screen showing the QR card, for --use-file-for-fake-video-capture."""
    qr = cv2.imdecode(np.frombuffer(qr_png, np.uint8), cv2.IMREAD_COLOR)
    qr = cv2.resize(qr, (300, 300), interpolation=cv2.INTER_NEAREST)
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    with path.open("wb") as video:
        video.write(header)
        for n in range(FRAMES):
            frame = np.full((HEIGHT, WIDTH, 3), 60 + n, np.uint8)  # a dim counter, slowly changing
            top, left = (HEIGHT - 300) // 2, (WIDTH - 300) // 2 + (n % 5) * 4  # a slight sway
            frame[top : top + 300, left : left + 300] = qr
            video.write(b"FRAME\n" + cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())
    return path


@pytest.fixture
def camera_page(playwright, app_url):
    """`camera_page(video)`: a page in a Chromium whose only camera plays `video`."""
    browsers = []

    def open_page(video: Path):
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *BROWSER_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        browsers.append(browser)
        context = browser.new_context(base_url=app_url)
        context.grant_permissions(["camera"])
        context.set_default_timeout(15_000)
        return context.new_page()

    yield open_page
    for browser in browsers:
        browser.close()


def test_the_camera_finds_the_customer_and_runs_the_scan(
    camera_page, new_page, make, session, tmp_path
):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    customer = make.customer("Dana Lens")
    video = card_video(tmp_path / "card.y4m", qr_cards.qr_png(qr_cards.issue_token(customer)))
    phone = log_in(new_page(width=390, height=844), customer.email, "/cards")
    shop = log_in(camera_page(video), owner.email, "/business/scanner")

    shop.get_by_role("button", name="Scan with camera").click()

    result = shop.locator("#scan-result")
    expect(result).to_contain_text("Dana Lens", timeout=20_000)
    expect(result).to_contain_text("Invitation sent")
    expect(shop.get_by_role("button", name="Scan with camera")).to_be_visible()  # camera off
    expect(shop.locator("#scan-camera")).to_be_hidden()
    invitation = phone.locator("#notifications [data-testid=notification]", has_text="invites you")
    expect(invitation).to_be_visible()
    session.expire_all()
    assert lookups.pending_enrollment_request(session, customer.id, coffee.id) is not None


def test_without_a_camera_the_scanner_says_so_and_typing_still_works(new_page, make):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Eli Typed")
    make.card(customer, coffee, balance=4)
    shop = log_in(new_page(), owner.email, "/business/scanner")

    shop.get_by_role("button", name="Scan with camera").click()

    expect(shop.locator("#camera-error")).to_contain_text("card number")
    shop.get_by_label("Card number").fill(customer.card_number)
    shop.get_by_role("button", name="Look up").click()
    expect(shop.locator("#scan-result")).to_contain_text("Eli Typed")
