"""QR tokens, drawing and decoding QR images, and scanning by token."""

import io
import struct
import time
import zlib
from datetime import UTC, datetime, timedelta

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from sqlmodel import select

from gudcity.domain.errors import PermissionDeniedError, ValidationError
from gudcity.domain.qr_tokens import (
    DamagedQrError,
    ExpiredQrError,
    ForgedQrError,
    FutureQrError,
    InvalidQrError,
    NotGudCityQrError,
    OversizedQrError,
    UnknownCustomerQrError,
    UnsupportedQrVersionError,
)
from gudcity.domain.scans import ScanOutcome
from gudcity.models import ProgramEnrollment, QrScanLog, User
from gudcity.services import decoding, qr_cards, scanning
from gudcity.services.decoding import ImageTooLargeError, UnreadableImageError, decode_qr
from gudcity.services.permissions import Permission
from gudcity.services.qr_cards import issue_token, qr_png, verify_token
from gudcity.settings import get_settings

NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
ALICE = User(public_id="aliceAlice-_1234")


def _settings(monkeypatch, **changes) -> None:
    """Sign, verify and decode with some settings changed."""
    changed = get_settings().model_copy(update=changes)
    monkeypatch.setattr(qr_cards, "get_settings", lambda: changed)
    monkeypatch.setattr(decoding, "get_settings", lambda: changed)


def _flip(token: str, index: int) -> str:
    """The token with one character replaced by another valid base32 character."""
    replacement = "B" if token[index] == "A" else "A"
    return token[:index] + replacement + token[index + 1 :]


def _refusal(token: str, **kwargs) -> InvalidQrError:
    with pytest.raises(InvalidQrError) as caught:
        verify_token(token, **kwargs)
    return caught.value


# --- tokens --------------------------------------------------------------------------


def test_token_round_trip_carries_only_the_public_id_and_time():
    token = issue_token(ALICE, now=NOW)
    assert token.startswith("GC1.")
    assert len(token) <= 80
    assert verify_token(token, now=NOW) == ALICE.public_id
    assert verify_token(token, now=NOW + timedelta(seconds=300)) == ALICE.public_id


def test_a_fresh_token_verifies_at_the_current_time():
    assert verify_token(issue_token(ALICE)) == ALICE.public_id


def test_every_way_of_breaking_a_token_has_its_own_message():
    token = issue_token(ALICE, now=NOW)
    cases = {
        "signature flipped": (_flip(token, -3), ForgedQrError),
        "payload flipped": (_flip(token, 10), ForgedQrError),
        "cut short": (token[:-1], DamagedQrError),
        "cut to a stub": (token[:14], DamagedQrError),
        "not base32": (token[:-3] + "!!!", DamagedQrError),
        "wrong prefix": ("XY1." + token[4:], NotGudCityQrError),
        "no prefix": (token[4:], NotGudCityQrError),
        "a web address": ("https://example.com/card", NotGudCityQrError),
        "empty": ("", NotGudCityQrError),
        "non-ascii junk": ("日本語のテキスト", NotGudCityQrError),
        "non-ascii body": ("GC1.ÄÖÜ€", DamagedQrError),
        "other version": ("GC2." + token[4:], UnsupportedQrVersionError),
        "oversized": ("GC1." + "A" * 253, OversizedQrError),
    }
    for name, (broken, expected) in cases.items():
        error = _refusal(broken, now=NOW)
        assert type(error) is expected, name
        assert str(error) == expected.default_message

    messages = {cls.default_message for _, cls in cases.values()}
    assert len(messages) == len({cls for _, cls in cases.values()})


def test_a_token_signed_with_another_key_is_refused(monkeypatch):
    _settings(monkeypatch, secret_key="some-other-secret-key-entirely")
    token = issue_token(ALICE, now=NOW)
    monkeypatch.undo()
    assert type(_refusal(token, now=NOW)) is ForgedQrError


def test_expired_and_future_tokens_are_refused():
    token = issue_token(ALICE, now=NOW)
    expired = _refusal(token, now=NOW + timedelta(seconds=301))
    assert type(expired) is ExpiredQrError
    assert str(expired) == "This QR code has expired: ask the customer to show it again."

    assert verify_token(token, now=NOW - timedelta(seconds=30)) == ALICE.public_id
    assert type(_refusal(token, now=NOW - timedelta(seconds=31))) is FutureQrError


def test_the_time_to_live_is_a_setting(monkeypatch):
    _settings(monkeypatch, qr_token_ttl_seconds=60)
    token = issue_token(ALICE, now=NOW)
    assert verify_token(token, now=NOW + timedelta(seconds=60)) == ALICE.public_id
    assert type(_refusal(token, now=NOW + timedelta(seconds=61))) is ExpiredQrError


def test_tokens_signed_with_a_previous_key_stay_valid_after_rotation(monkeypatch):
    old_key, new_key = "the-old-secret-key-123", "the-new-secret-key-456"
    _settings(monkeypatch, secret_key=old_key)
    token = issue_token(ALICE, now=NOW)

    _settings(monkeypatch, secret_key=new_key, previous_secret_keys=[old_key])
    assert verify_token(token, now=NOW) == ALICE.public_id
    assert issue_token(ALICE, now=NOW) != token  # new tokens use the new key

    _settings(monkeypatch, secret_key=new_key, previous_secret_keys=[])
    assert type(_refusal(token, now=NOW)) is ForgedQrError


@given(st.text(max_size=300))
def test_random_text_is_refused_with_a_scanning_error(text):
    with pytest.raises(InvalidQrError):
        verify_token(text, now=NOW)


@given(st.integers(min_value=0, max_value=63), st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
def test_any_changed_character_is_refused(index, char):
    token = issue_token(ALICE, now=NOW)
    changed = token[:index] + char + token[index + 1 :]
    if changed != token:
        with pytest.raises(InvalidQrError):
            verify_token(changed, now=NOW)


# --- drawing and decoding ------------------------------------------------------------------


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


# decode_qr tries zxing-cpp, then zxing-cpp after CLAHE, then pyzbar: each step reads a
# frame that the steps before it miss.


def _gray(image: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_GRAYSCALE)


def _jpeg(gray: np.ndarray, quality: int) -> bytes:
    ok, jpeg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return jpeg.tobytes()


def _must_not_run(gray):
    raise AssertionError("a later step ran")


def test_zxing_alone_reads_a_camera_frame_of_the_card(monkeypatch):
    token = issue_token(ALICE, now=NOW)
    code = _gray(qr_png(token, box_size=6))
    frame = np.full((720, 1280), 200, np.uint8)
    frame[150 : 150 + code.shape[0], 600 : 600 + code.shape[1]] = np.where(code < 128, 40, 220)
    monkeypatch.setattr(decoding, "_boost_contrast", _must_not_run)
    monkeypatch.setattr(decoding, "_read_with_zbar", _must_not_run)
    assert decode_qr(_jpeg(cv2.GaussianBlur(frame, (0, 0), 1.0), 85)) == token


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


def test_pyzbar_reads_a_steeply_tilted_card_that_both_zxing_steps_miss():
    token = issue_token(ALICE, now=NOW)
    photo = _steeply_tilted(token)
    gray = _gray(photo)
    assert decoding._read_with_zxing(gray) is None
    assert decoding._read_with_zxing(decoding._boost_contrast(gray)) is None
    assert decode_qr(photo) == token


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


# --- scanning by token ------------------------------------------------------------------


def _logs(session) -> list[QrScanLog]:
    session.expire_all()
    return list(session.exec(select(QrScanLog).order_by(QrScanLog.id)))


def test_a_valid_token_runs_the_scan_workflow(session, make, shop):
    owner, _, program, customer = shop
    result = scanning.scan_token(session, owner, program.id, issue_token(customer), make.key())
    assert result.outcome == ScanOutcome.ENROLLMENT_REQUESTED
    assert result.customer.id == customer.id
    assert result.enrollment_request is not None

    regular = make.customer("Bob")
    make.card(regular, program)
    again = scanning.scan_token(session, owner, program.id, issue_token(regular), make.key())
    assert (again.outcome, again.customer.id) == (ScanOutcome.AWARDED, regular.id)
    assert again.card.balance == 10


def test_a_scan_delivered_again_after_its_token_expired_is_done_once(
    session, make, shop, monkeypatch
):
    owner, _, program, customer = shop
    key, token = make.key(), issue_token(customer)
    first = scanning.scan_token(session, owner, program.id, token, key)
    before = make.counts()
    later = datetime.now(UTC) + timedelta(minutes=10)
    monkeypatch.setattr(qr_cards, "utc_now", lambda: later)
    with pytest.raises(ExpiredQrError):
        verify_token(token)

    again = scanning.scan_token(session, owner, program.id, token, key)

    assert again.outcome == first.outcome == ScanOutcome.ENROLLMENT_REQUESTED
    assert make.counts() == before


@pytest.mark.parametrize(
    ("breaking", "outcome", "error"),
    [
        (lambda token: _flip(token, -3), ScanOutcome.INVALID_TOKEN, ForgedQrError),
        (lambda token: "GC9." + token[4:], ScanOutcome.INVALID_TOKEN, UnsupportedQrVersionError),
        (lambda token: "hello", ScanOutcome.INVALID_TOKEN, NotGudCityQrError),
    ],
    ids=["forged", "wrong version", "not ours"],
)
def test_a_broken_token_is_logged_with_its_reason_and_nothing_else(
    session, make, shop, breaking, outcome, error
):
    owner, business, program, customer = shop
    before = make.counts()
    token = breaking(issue_token(customer))
    with pytest.raises(error):
        scanning.scan_token(session, owner, program.id, token, make.key())

    after = make.counts()
    assert after.pop("qr_scan_logs") == before.pop("qr_scan_logs") + 1
    assert after == before
    [entry] = _logs(session)
    assert (entry.business_id, entry.scanned_by, entry.program_id) == (
        business.id,
        owner.id,
        program.id,
    )
    assert (entry.outcome, entry.detail, entry.customer_id) == (outcome, error.reason, None)


def test_an_expired_token_is_logged_as_expired(session, make, shop):
    owner, _, program, customer = shop
    stale = issue_token(customer, now=datetime.now(UTC) - timedelta(minutes=10))
    before = make.counts()
    with pytest.raises(ExpiredQrError, match="has expired"):
        scanning.scan_token(session, owner, program.id, stale, make.key())
    assert make.counts()["qr_scan_logs"] == before["qr_scan_logs"] + 1
    assert make.counts()["customer_notifications"] == before["customer_notifications"]
    [entry] = _logs(session)
    assert (entry.outcome, entry.detail) == (ScanOutcome.EXPIRED_TOKEN, "expired")
    assert session.exec(select(ProgramEnrollment)).first() is None


def test_a_token_naming_no_customer_is_logged_as_unknown(session, make, shop):
    owner, _, program, _ = shop
    before = make.counts()
    for stranger in (ALICE, owner):  # nobody with that id; a business user, not a customer
        with pytest.raises(UnknownCustomerQrError):
            scanning.scan_token(session, owner, program.id, issue_token(stranger), make.key())
    after = make.counts()
    assert after.pop("qr_scan_logs") == before.pop("qr_scan_logs") + 2
    assert after == before
    assert {entry.outcome for entry in _logs(session)} == {ScanOutcome.UNKNOWN_CUSTOMER}


def test_without_the_scan_permission_nothing_is_written(session, make, shop):
    owner, business, program, customer = shop
    other_owner, _ = make.business()
    awarder = make.staff(owner, business, Permission.AWARD)
    before = make.counts()
    for actor in (other_owner, awarder):
        for token in (issue_token(customer), "forged"):
            with pytest.raises(PermissionDeniedError):
                scanning.scan_token(session, actor, program.id, token, make.key())
    assert make.counts() == before
