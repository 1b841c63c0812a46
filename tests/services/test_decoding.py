"""Drawing QR codes and reading them back from photos and frames."""

import io
import struct
import time
import zlib
from datetime import UTC, datetime

import cv2
import numpy as np
import pytest
import zxingcpp
from PIL import Image

from gudcity.domain.errors import ValidationError
from gudcity.models import User
from gudcity.services import decoding
from gudcity.services.decoding import ImageTooLargeError, UnreadableImageError, decode_qr
from gudcity.services.qr_cards import issue_token, qr_png
from gudcity.settings import get_settings

NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
ALICE = User(public_id="aliceAlice-_1234")


def _settings(monkeypatch, **changes) -> None:
    """Decode with some settings changed."""
    changed = get_settings().model_copy(update=changes)
    monkeypatch.setattr(decoding, "get_settings", lambda: changed)


def _convert(png: bytes, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(out, format=fmt, **options)
    return out.getvalue()


def test_qr_png_draws_a_png_that_decodes_back():
    token = issue_token(ALICE, now=NOW)
    png = qr_png(token)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == ((33 + 2 * 4) * 8,) * 2  # version 4, 4-module border, box 8
    assert decode_qr(png) == token


@pytest.mark.parametrize(
    ("fmt", "options"), [("JPEG", {"quality": 60}), ("WEBP", {"quality": 60}), ("PNG", {})]
)
def test_re_encoded_photos_of_the_qr_decode(fmt, options):
    token = issue_token(ALICE, now=NOW)
    assert decode_qr(_convert(qr_png(token, box_size=4), fmt, **options)) == token


def test_a_qr_in_a_larger_photo_decodes():
    token = issue_token(ALICE, now=NOW)
    code = cv2.imdecode(np.frombuffer(qr_png(token, box_size=5), np.uint8), cv2.IMREAD_GRAYSCALE)
    frame = np.full((720, 1280), 180, np.uint8)
    frame[200 : 200 + code.shape[0], 500 : 500 + code.shape[1]] = code
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 70])
    assert ok
    assert decode_qr(jpeg.tobytes()) == token


# decode_qr tries zxing-cpp, then zxing-cpp after CLAHE, then deconvolution, then (on a
# code zxing-cpp found but could not read) squeezing and pyzbar: each step reads a frame
# that the steps before it miss.


def _gray(image: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_GRAYSCALE)


def _jpeg(gray: np.ndarray, quality: int) -> bytes:
    ok, jpeg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return jpeg.tobytes()


def _must_not_run(*args):
    raise AssertionError("a later step ran")


def test_zxing_alone_reads_a_camera_frame_of_the_card(monkeypatch):
    token = issue_token(ALICE, now=NOW)
    code = _gray(qr_png(token, box_size=6))
    frame = np.full((720, 1280), 200, np.uint8)
    frame[150 : 150 + code.shape[0], 600 : 600 + code.shape[1]] = np.where(code < 128, 40, 220)
    monkeypatch.setattr(decoding, "_boost_contrast", _must_not_run)
    monkeypatch.setattr(decoding, "_read_with_zbar", _must_not_run)
    monkeypatch.setattr(decoding, "_read_deblurred", _must_not_run)
    assert decode_qr(_jpeg(cv2.GaussianBlur(frame, (0, 0), 1.0), 85)) == token


def _card_in_frame(token: str, module_px: float) -> bytes:
    """The card `module_px` px a module, turned 20 degrees, in a 1280x720 JPEG, a little soft."""
    code = _gray(qr_png(token, box_size=8))
    frame = np.full((720, 1280), 200, np.uint8)
    frame[150 : 150 + code.shape[0], 500 : 500 + code.shape[1]] = np.where(code < 128, 40, 220)
    centre = (500 + code.shape[1] / 2, 150 + code.shape[0] / 2)
    turn = cv2.getRotationMatrix2D(centre, 20, module_px / 8)
    frame = cv2.warpAffine(frame, turn, (1280, 720), flags=cv2.INTER_AREA, borderValue=200)
    return _jpeg(cv2.GaussianBlur(frame, (0, 0), 0.6), 85)


def test_the_first_look_at_half_size_reads_a_card_of_ordinary_size():
    token = issue_token(ALICE, now=NOW)
    assert decoding._first_look(_gray(_card_in_frame(token, 6))) == token


def test_a_card_too_small_for_the_first_look_is_read_at_full_size():
    token = issue_token(ALICE, now=NOW)
    photo = _card_in_frame(token, 2)  # 1 px a module at half size
    assert decoding._first_look(_gray(photo)) is None
    assert decode_qr(photo) == token


def test_a_small_image_gets_no_first_look():
    code = _gray(qr_png(issue_token(ALICE, now=NOW), box_size=6))
    assert code.size < decoding.HALF_SCALE_FROM_PIXELS
    assert decoding._first_look(code) is None


def _dark_photo(token: str) -> bytes:
    """The card in a dark JPEG: its white 10 levels above its black, a little blur and noise."""
    code = _gray(qr_png(token, box_size=5)).astype(np.float32)
    frame = np.full((720, 1280), 12, np.float32)
    frame[100 : 100 + code.shape[0], 200 : 200 + code.shape[1]] = 2 + code * 10 / 255
    frame = cv2.GaussianBlur(frame, (0, 0), 1.0)
    frame += np.random.default_rng(1).normal(0, 2, frame.shape).astype(np.float32)
    return _jpeg(np.clip(frame, 0, 255).astype(np.uint8), 80)


def test_zxing_after_clahe_reads_a_dark_photo_that_zxing_alone_misses(monkeypatch):
    token = issue_token(ALICE, now=NOW)
    photo = _dark_photo(token)
    assert decoding._read_with_zxing(_gray(photo)) is None
    monkeypatch.setattr(decoding, "_read_with_zbar", _must_not_run)
    assert decode_qr(photo) == token


def _steeply_tilted(token: str) -> bytes:
    """The card turned 72 degrees away from the camera about its vertical axis (a PNG)."""
    code = _gray(qr_png(token))
    side = code.shape[0]
    seen_at = np.float32([[284, 125], [367, 88], [367, 392], [284, 355]])
    square = np.float32([[0, 0], [side, 0], [side, side], [0, side]])
    homography = cv2.getPerspectiveTransform(square, seen_at)
    photo = cv2.warpPerspective(code, homography, (640, 480), borderValue=255)
    ok, png = cv2.imencode(".png", photo)
    assert ok
    return png.tobytes()


def test_a_steeply_tilted_card_that_both_zxing_steps_miss_is_read():
    token = issue_token(ALICE, now=NOW)
    photo = _steeply_tilted(token)
    gray = _gray(photo)
    assert decoding._read_with_zxing(gray) is None
    assert decoding._read_with_zxing(decoding._boost_contrast(gray)) is None
    assert decode_qr(photo) == token


# The last steps read what every reader before them misses: deconvolution, heavily
# blurred frames (the card 6 px a module in a 1280x720 frame, blurred, with a camera's
# noise); squeezing, a code seen at a steep angle.


def _blurred_frame(token: str, blur, noise: float = 2.5) -> bytes:
    code = _gray(qr_png(token, box_size=6))
    frame = np.full((720, 1280), 120, np.float32)
    frame[:, 640:] = 170
    frame[150 : 150 + code.shape[0], 420 : 420 + code.shape[1]] = np.where(code < 128, 30, 225)
    frame = blur(frame) + np.random.default_rng(3).normal(0, noise, frame.shape).astype(np.float32)
    return _jpeg(np.clip(frame, 0, 255).astype(np.uint8), 88)


def _moved(frame: np.ndarray) -> np.ndarray:
    """A motion blur 15 px (2.5 modules) long, at 30 degrees."""
    line = np.zeros((15, 15), np.float32)
    line[7] = 1
    turn = cv2.getRotationMatrix2D((7, 7), 30, 1)
    line = cv2.warpAffine(line, turn, (15, 15))
    return cv2.filter2D(frame, -1, line / line.sum())


def _defocused(frame: np.ndarray) -> np.ndarray:
    """Out of focus: a Gaussian blur of 0.6 module."""
    return cv2.GaussianBlur(frame, (0, 0), 0.6 * 6)


def _far_defocused(frame: np.ndarray) -> np.ndarray:
    """Further out of focus: a Gaussian blur of 0.67 module (with more noise, below)."""
    return cv2.GaussianBlur(frame, (0, 0), 4.0)


def _earlier_steps_miss(photo: bytes) -> bool:
    gray = _gray(photo)
    return not (
        decoding._read_with_zxing(gray)
        or decoding._read_with_zxing(decoding._boost_contrast(gray))
        or decoding._read_with_zbar(gray)
    )


@pytest.mark.parametrize(
    ("blur", "noise"),
    [(_moved, 2.5), (_defocused, 2.5), (_far_defocused, 6)],
    ids=["motion", "defocus", "far defocus and noise"],
)
def test_deconvolution_reads_a_heavily_blurred_frame_that_every_other_step_misses(blur, noise):
    token = issue_token(ALICE, now=NOW)
    photo = _blurred_frame(token, blur, noise)
    assert _earlier_steps_miss(photo)
    assert decode_qr(photo) == token


def test_each_deblurring_try_reads_the_true_text_or_nothing(monkeypatch):
    token = issue_token(ALICE, now=NOW)
    reads = []
    for blur, noise in ((_moved, 2.5), (_far_defocused, 6)):
        frame = _gray(_blurred_frame(token, blur, noise))
        for one_try in decoding.DEBLUR_TRIES:
            monkeypatch.setattr(decoding, "DEBLUR_TRIES", (one_try,))
            reads.append(decoding._read_deblurred(frame))
    assert set(reads) == {token, None}


def _foreshortened_frame(token: str) -> bytes:
    """The card 300 px wide, turned 65 degrees away from a camera close to it (a 550 px
    focal length) about an axis 20 degrees off the horizontal, in a 1280x720 JPEG."""
    code = np.where(_gray(qr_png(token, box_size=8)) < 128, 30, 225).astype(np.uint8)
    half = 150
    corners = np.array([[-half, -half, 0], [half, -half, 0], [half, half, 0], [-half, half, 0]])
    axis = np.radians(20)
    turn = cv2.Rodrigues(np.array([np.cos(axis), np.sin(axis), 0.0]) * np.radians(65))[0]
    turned = corners @ turn.T
    seen_at = turned[:, :2] * (550 / (550 + turned[:, 2]))[:, None] + (640, 360)
    side = code.shape[0]
    square = np.float32([[0, 0], [side, 0], [side, side], [0, side]])
    homography = cv2.getPerspectiveTransform(square, np.float32(seen_at))
    frame = cv2.warpPerspective(code, homography, (1280, 720), borderValue=150)
    frame = cv2.GaussianBlur(frame, (0, 0), 0.8).astype(np.float32)
    frame += np.random.default_rng(3).normal(0, 2.5, frame.shape).astype(np.float32)
    return _jpeg(np.clip(frame, 0, 255).astype(np.uint8), 88)


def test_a_steep_perspective_that_every_other_step_misses_is_read_squeezed():
    token = issue_token(ALICE, now=NOW)
    photo = _foreshortened_frame(token)
    assert _earlier_steps_miss(photo)
    assert decoding._read_deblurred(_gray(photo)) is None
    assert decode_qr(photo) == token


def test_a_blurred_frame_with_no_qr_reads_nothing_and_skips_the_found_code_steps(monkeypatch):
    frame = np.full((720, 1280), 120, np.float32)
    frame[:, 640:] = 170
    frame[200:520, 300:900] = 60  # a dark box, no code
    photo = _jpeg(np.clip(_defocused(frame), 0, 255).astype(np.uint8), 88)
    monkeypatch.setattr(decoding, "_stretched", _must_not_run)
    monkeypatch.setattr(decoding, "_read_with_zbar", _must_not_run)
    assert decode_qr(photo) is None


def test_a_micro_qr_symbol_is_not_read_as_a_card():
    micro = zxingcpp.create_barcode("783518", zxingcpp.BarcodeFormat.MicroQRCode)
    frame = np.full((480, 640), 230, np.uint8)
    frame[100:236, 200:336] = np.asarray(micro.to_image(scale=8))
    photo = _jpeg(frame, 90)
    assert zxingcpp.read_barcode(_gray(photo)).text == "783518"  # it is there to read
    assert decode_qr(photo) is None


@pytest.mark.parametrize("shape", [(3, 3), (1, 300), (20, 20), (33, 500), (70, 2000)])
def test_a_tiny_or_thin_image_has_no_qr(shape):
    noise = np.random.default_rng(1).integers(0, 256, shape).astype(np.uint8)
    ok, png = cv2.imencode(".png", noise)
    assert ok
    assert decode_qr(png.tobytes()) is None


def test_a_blank_image_has_no_qr():
    blank = Image.new("L", (640, 480), 255)
    out = io.BytesIO()
    blank.save(out, format="PNG")
    assert decode_qr(out.getvalue()) is None


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("L", (50, 50), 255).save(out, format="GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"Dear shop,\nplease find my card attached.\n" * 50,
        qr_png("GC1.TRUNCATED")[:300],
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        _gif(),
    ],
    ids=["empty", "hello", "text file", "truncated png", "png signature only", "gif"],
)
def test_what_is_not_a_jpeg_png_or_webp_image_is_refused_quickly(data):
    started = time.perf_counter()
    with pytest.raises(UnreadableImageError) as caught:
        decode_qr(data)
    assert time.perf_counter() - started < 0.5
    assert str(caught.value) == (
        "That file is not an image we can read (use a JPEG, PNG or WebP photo)."
    )
    assert isinstance(caught.value, ValidationError)


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` but holds almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("width", "height"), [(10_000, 5_000), (20_000, 20_000)])
def test_huge_dimensions_are_refused_from_the_header_before_decoding(monkeypatch, width, height):
    def must_not_decode(*args):
        raise AssertionError("decoded a refused image")

    monkeypatch.setattr(decoding.cv2, "imdecode", must_not_decode)
    with pytest.raises(ImageTooLargeError, match="megapixels"):
        decode_qr(_png_claiming(width, height))


def test_a_real_50_megapixel_image_is_refused_quickly():
    out = io.BytesIO()
    Image.new("1", (10_000, 5_000), 1).save(out, format="PNG")
    assert len(out.getvalue()) < get_settings().max_upload_bytes
    started = time.perf_counter()
    with pytest.raises(ImageTooLargeError, match="40 megapixels"):
        decode_qr(out.getvalue())
    assert time.perf_counter() - started < 0.2


def test_an_oversized_file_is_refused_before_anything_else(monkeypatch):
    with pytest.raises(ImageTooLargeError, match="the limit is 8 MB"):
        decode_qr(b"\x00" * (8 * 1024 * 1024 + 1))
    png = qr_png("GC1.SMALL")
    _settings(monkeypatch, max_upload_bytes=len(png) - 1)
    with pytest.raises(ImageTooLargeError, match="too large"):
        decode_qr(png)
