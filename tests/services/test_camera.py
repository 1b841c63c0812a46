"""Camera frames: a data URL in, the QR's text (or None) out; anything else refused."""

import base64
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from gudcity.domain.errors import ServiceError
from gudcity.models import User
from gudcity.services import camera, qr_cards
from gudcity.services.decoding import UnreadableImageError

ALICE = User(public_id="aliceAlice-_1234")


def data_url(image: Image.Image, kind: str = "jpeg") -> str:
    out = io.BytesIO()
    image.save(out, format=kind.upper(), **({"quality": 80} if kind == "jpeg" else {}))
    return f"data:image/{kind};base64," + base64.b64encode(out.getvalue()).decode()


def card_on_screen(token: str) -> Image.Image:
    """The QR code /cards draws, small in a grey 800x450 frame, as a camera sees it."""
    qr = Image.open(io.BytesIO(qr_cards.qr_png(token))).convert("L").resize((260, 260))
    frame = Image.new("L", (800, 450), 150)
    frame.paste(qr, (300, 95))
    return frame


@pytest.mark.parametrize("kind", ["jpeg", "png", "webp"])
def test_a_frame_showing_a_card_gives_its_token(kind):
    token = qr_cards.issue_token(ALICE)

    assert camera.read_frame(data_url(card_on_screen(token), kind)) == token


def test_no_frame_yet_or_no_qr_in_it_reads_nothing():
    assert camera.read_frame("") is None
    assert camera.read_frame(data_url(Image.new("L", (640, 360), 90))) is None


@pytest.mark.parametrize(
    "frame",
    [
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/jpeg;base64,not base64!",
        "data:image/jpeg;base64,QUJD",  # valid base64, not an image
        "https://example.com/qr.png",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        ["not", "a", "string"],
        12345,
    ],
)
def test_anything_but_an_image_data_url_is_refused(frame):
    with pytest.raises(UnreadableImageError):
        camera.read_frame(frame)


@given(st.text(max_size=200))
def test_random_text_never_raises_anything_but_a_service_error(text):
    try:
        result = camera.read_frame(text)
    except ServiceError:
        return
    assert result is None
