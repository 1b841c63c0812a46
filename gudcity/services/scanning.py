"""The scan workflow: a business identifies a customer at the counter.

The customer is identified by the signed token in their QR code (`scan_token`),
by the typed card number, or already by id (`scan_customer`). This module also
draws the QR (`qr_png`) and reads it back from a photo (`decode_qr`).
"""

import base64
import binascii
import hashlib
import hmac
import io
import re
import struct
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import cv2
import numpy as np
import qrcode
import zxingcpp
from PIL import Image, UnidentifiedImageError
from pyzbar import pyzbar
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gudcity.models import (
    ApprovalRequest,
    Business,
    LoyaltyCard,
    LoyaltyProgram,
    NotificationType,
    PointTransaction,
    QrScanLog,
    User,
    UserRole,
    utc_now,
)
from gudcity.services import enrollment, points
from gudcity.services.accounts import Permission, require_business_permission
from gudcity.services.card_numbers import is_valid_card_number, normalize_card_number
from gudcity.services.errors import ConflictError, NotFoundError, ValidationError
from gudcity.services.events import business_topic, customer_topic, publish
from gudcity.services.notifications import notify_customer
from gudcity.services.programs import get_program
from gudcity.services.transaction import atomic
from gudcity.services.visits import record_visit
from gudcity.settings import get_settings


class ScanOutcome(StrEnum):
    AWARDED = "AWARDED"
    COOLDOWN = "COOLDOWN"
    ENROLLMENT_REQUESTED = "ENROLLMENT_REQUESTED"
    UNKNOWN_CARD = "UNKNOWN_CARD"
    INVALID_TOKEN = "INVALID_TOKEN"
    EXPIRED_TOKEN = "EXPIRED_TOKEN"
    UNKNOWN_CUSTOMER = "UNKNOWN_CUSTOMER"


@dataclass(frozen=True)
class ScanResult:
    outcome: str
    customer: User
    program: LoyaltyProgram
    card: LoyaltyCard | None = None
    transaction: PointTransaction | None = None
    enrollment_request: ApprovalRequest | None = None


def _log(
    session: Session,
    actor: User,
    business_id: int,
    outcome: str,
    *,
    customer_id: int | None = None,
    program_id: int | None = None,
    detail: str = "",
    idempotency_key: str | None = None,
) -> QrScanLog:
    entry = QrScanLog(
        business_id=business_id,
        scanned_by=actor.id,
        customer_id=customer_id,
        program_id=program_id,
        outcome=outcome,
        detail=detail[:255],
        idempotency_key=idempotency_key,
    )
    session.add(entry)
    return entry


@atomic
def find_customer_by_card_number(
    session: Session, actor: User, business_id: int, typed: str
) -> User:
    """Typed entry: the customer's GudCity number or one of their program cards.

    A number whose check digit fails is refused before any look-up; an unknown one
    is logged like a failed scan.
    """
    require_business_permission(session, actor, business_id, Permission.SCAN)
    number = normalize_card_number(typed)
    if not is_valid_card_number(number):
        raise ValidationError("That card number is not valid: check the digits.")
    customer = session.exec(
        select(User).where(User.card_number == number, User.role == UserRole.CUSTOMER)
    ).first()
    if customer is None:
        card = session.exec(select(LoyaltyCard).where(LoyaltyCard.card_number == number)).first()
        customer = session.get(User, card.customer_id) if card else None
    if customer is None:
        _log(session, actor, business_id, ScanOutcome.UNKNOWN_CARD, detail=number)
        session.commit()
        raise NotFoundError("No customer has this card number.")
    return customer


KEY_USED_ELSEWHERE = "This request was already used for another scan: scan again."


def _replayed(session: Session, idempotency_key: str, program: LoyaltyProgram) -> QrScanLog | None:
    """The scan already done under this key in this program, if any.

    A key stands for one scan: used in another program (another business's, say),
    it is refused rather than answered with that scan's customer and points.
    """
    entry = session.exec(
        select(QrScanLog).where(QrScanLog.idempotency_key == idempotency_key)
    ).first()
    if entry is not None and entry.program_id != program.id:
        raise ConflictError(KEY_USED_ELSEWHERE)
    return entry


def _result_of(session: Session, entry: QrScanLog, customer: User, program: LoyaltyProgram):
    """Rebuild the result of a scan already done, for a repeated delivery."""
    card = points.card_of(session, customer.id, program.id)
    request = enrollment.pending_enrollment_request(session, customer.id, program.id)
    award = points.find_transaction(session, _scan_award_key(entry.idempotency_key))
    return ScanResult(
        entry.outcome,
        customer,
        program,
        card=card,
        transaction=award,
        enrollment_request=request,
    )


def _derived_key(purpose: str, idempotency_key: str) -> str:
    """The key of a step of a scan (its award, its invitation): short whatever the scan's key.

    Hashed, so that a 128-character scan key still fits the 128-character key columns.
    """
    return f"{purpose}:{hashlib.sha256(idempotency_key.encode()).hexdigest()[:48]}"


def _scan_award_key(idempotency_key: str) -> str:
    return _derived_key("scan-award", idempotency_key)


@atomic
def scan_customer(
    session: Session, actor: User, program_id: int, customer_id: int, idempotency_key: str
) -> ScanResult:
    """Run the workflow for one scan in the chosen program.

    The customer is told their QR was scanned; then either an enrollment request
    goes out (not enrolled) or the program's automatic award is made (enrolled,
    once per cooldown). A repeated `idempotency_key` does nothing again.
    """
    points.check_key(idempotency_key)
    program = get_program(session, program_id)
    business = require_business_permission(session, actor, program.business_id, Permission.SCAN)
    customer = enrollment.get_customer(session, customer_id)
    if not program.is_active:
        raise ValidationError(f"{program.name} is paused.")
    replay = _replayed(session, idempotency_key, program)
    if replay is not None:
        if replay.customer_id != customer.id:
            raise ConflictError(KEY_USED_ELSEWHERE)
        return _result_of(session, replay, customer, program)

    notify_customer(
        session,
        customer.id,
        NotificationType.QR_SCANNED,
        "QR code scanned",
        f"Your QR code was scanned by {business.name}",
        business_id=business.id,
        data={"program_id": program.id},
    )
    record_visit(session, business.id, customer.id, "scan")
    if not points.is_enrolled(session, customer.id, program.id):
        result = _invite(session, actor, business, program, customer, idempotency_key)
    else:
        result = _award_for_scan(session, actor, business, program, customer, idempotency_key)
    _log(
        session,
        actor,
        business.id,
        result.outcome,
        customer_id=customer.id,
        program_id=program.id,
        idempotency_key=idempotency_key,
    )
    publish(
        session,
        [customer_topic(customer.id), business_topic(business.id)],
        "scan.completed",
        {"customer_id": customer.id, "program_id": program.id},
    )
    try:
        session.commit()
    except IntegrityError:
        # The same scan, delivered twice at once: the other delivery did the work.
        session.rollback()
        replay = _replayed(session, idempotency_key, program)
        if replay is None or replay.customer_id != customer.id:
            raise ConflictError(KEY_USED_ELSEWHERE) from None
        return _result_of(session, replay, customer, program)
    return result


def _invite(
    session: Session,
    actor: User,
    business: Business,
    program: LoyaltyProgram,
    customer: User,
    idempotency_key: str,
) -> ScanResult:
    request = enrollment.open_enrollment_request(
        session,
        actor,
        business,
        program,
        customer,
        _derived_key("scan-enroll", idempotency_key),
        points_on_accept=program.points_per_scan,
    )
    return ScanResult(
        ScanOutcome.ENROLLMENT_REQUESTED, customer, program, enrollment_request=request
    )


def _award_for_scan(
    session: Session,
    actor: User,
    business: Business,
    program: LoyaltyProgram,
    customer: User,
    idempotency_key: str,
) -> ScanResult:
    card = points.card_of(session, customer.id, program.id)
    if not points.claim_scan_award(session, card, program):
        return ScanResult(ScanOutcome.COOLDOWN, customer, program, card=card)
    transaction = points.credit_points(
        session,
        points.CardFacts.of(card, program, business),
        program.points_per_scan,
        actor_id=actor.id,
        idempotency_key=_scan_award_key(idempotency_key),
        note="Scan",
    )
    return ScanResult(ScanOutcome.AWARDED, customer, program, card=card, transaction=transaction)


# --- QR tokens -----------------------------------------------------------------
#
# "GC1." + base32 (no padding) of: len(public_id) (1 byte), public_id, issue time
# (4 bytes, unix seconds), then a 16-byte HMAC-SHA256 of everything before it,
# prefix included. Base32 keeps the whole token in the QR alphanumeric alphabet,
# which draws a smaller code than base64's byte mode.

TOKEN_VERSION = "GC1"
MAX_TOKEN_LENGTH = 256
MAC_LENGTH = 16
# Tolerated difference between the clocks of the server that issued a token and the
# one that checks it.
CLOCK_SKEW_SECONDS = 30
_VERSION_TAG = re.compile(r"GC\d{1,4}")


class InvalidQrError(ValidationError):
    """A scanned QR that does not carry a valid GudCity token.

    Each subclass has its own message for the scanner page, a short `reason` for
    the scan log, and the log `outcome`.
    """

    default_message = "This QR code is not valid."
    reason = "invalid"
    outcome = ScanOutcome.INVALID_TOKEN

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class NotGudCityQrError(InvalidQrError):
    default_message = "This is not a GudCity QR code."
    reason = "not a GudCity code"


class UnsupportedQrVersionError(InvalidQrError):
    default_message = (
        "This GudCity QR code has a format this server does not know: "
        "ask the customer to refresh their card."
    )
    reason = "unsupported version"


class DamagedQrError(InvalidQrError):
    default_message = "This QR code is incomplete or damaged: ask the customer to show it again."
    reason = "malformed"


class ForgedQrError(InvalidQrError):
    default_message = "This QR code has been altered or was not issued by GudCity."
    reason = "bad signature"


class ExpiredQrError(InvalidQrError):
    default_message = "This QR code has expired: ask the customer to show it again."
    reason = "expired"
    outcome = ScanOutcome.EXPIRED_TOKEN


class FutureQrError(InvalidQrError):
    default_message = (
        "This QR code is dated in the future: the server clocks disagree, "
        "ask the customer to show it again."
    )
    reason = "issued in the future"


class OversizedQrError(InvalidQrError):
    default_message = "This QR code holds far too much text to be a GudCity card."
    reason = "too long"


class UnknownCustomerQrError(InvalidQrError):
    default_message = "This QR code belongs to no GudCity customer."
    reason = "unknown customer"
    outcome = ScanOutcome.UNKNOWN_CUSTOMER


def _mac(key: str, signed: bytes) -> bytes:
    return hmac.new(key.encode(), signed, hashlib.sha256).digest()[:MAC_LENGTH]


def _seconds(now: datetime | None) -> int:
    return int((now or utc_now()).timestamp())


def issue_token(customer: User, *, now: datetime | None = None) -> str:
    """The signed token a customer's QR code carries: their public id and the time."""
    public_id = customer.public_id.encode()
    body = bytes([len(public_id)]) + public_id + struct.pack(">I", _seconds(now))
    prefix = f"{TOKEN_VERSION}.".encode()
    raw = body + _mac(get_settings().secret_key, prefix + body)
    return prefix.decode() + base64.b32encode(raw).decode().rstrip("=")


def verify_token(token: str, *, now: datetime | None = None) -> str:
    """The public id of the customer the token names, or an `InvalidQrError`.

    The signature is checked before the payload is read, so nothing from an
    unsigned token is ever trusted.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        raise OversizedQrError()
    tag, dot, text = token.strip().partition(".")
    if not dot or not _VERSION_TAG.fullmatch(tag):
        raise NotGudCityQrError()
    if tag != TOKEN_VERSION:
        raise UnsupportedQrVersionError()
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise DamagedQrError() from None
    if len(raw) <= MAC_LENGTH or base64.b32encode(raw).decode().rstrip("=") != text:
        raise DamagedQrError()  # too short, or unused bits set: not a token we wrote
    body, mac = raw[:-MAC_LENGTH], raw[-MAC_LENGTH:]
    settings = get_settings()
    signed = f"{tag}.".encode() + body
    keys = [settings.secret_key, *settings.previous_secret_keys]
    if not any(hmac.compare_digest(mac, _mac(key, signed)) for key in keys):
        raise ForgedQrError()
    if len(body) != 1 + body[0] + 4:  # signed, so only a bug of ours would get here
        raise DamagedQrError()

    (issued_at,) = struct.unpack(">I", body[-4:])
    now_seconds = _seconds(now)
    if issued_at > now_seconds + CLOCK_SKEW_SECONDS:
        raise FutureQrError()
    if now_seconds - issued_at > settings.qr_token_ttl_seconds:
        raise ExpiredQrError()
    return body[1:-4].decode()


@atomic
def scan_token(
    session: Session, actor: User, program_id: int, token: str, idempotency_key: str
) -> ScanResult:
    """Run the scan workflow for the customer named by a scanned QR token.

    A token that fails verification or names no customer is logged (with the
    reason) in the business's scan log and refused; nothing else is written. A
    scan delivered again gets its first result, even once its token has expired.
    """
    points.check_key(idempotency_key)
    program = get_program(session, program_id)
    business = require_business_permission(session, actor, program.business_id, Permission.SCAN)
    replay = _replayed(session, idempotency_key, program)
    if replay is not None and replay.customer_id is not None:
        return scan_customer(session, actor, program.id, replay.customer_id, idempotency_key)
    try:
        public_id = verify_token(token)
        customer = session.exec(
            select(User).where(User.public_id == public_id, User.role == UserRole.CUSTOMER)
        ).first()
        if customer is None:
            raise UnknownCustomerQrError()
    except InvalidQrError as error:
        _log(session, actor, business.id, error.outcome, program_id=program.id, detail=error.reason)
        session.commit()
        raise
    return scan_customer(session, actor, program.id, customer.id, idempotency_key)


# --- QR images -------------------------------------------------------------------

UPLOAD_FORMATS = ("JPEG", "PNG", "WEBP")
CLAHE_CLIP_LIMIT = 2.0
CLAHE_TILES = (8, 8)
# From about a 1280x720 frame up, a JPEG is first decoded at half scale (the decoder
# skips most of its work) and tried with zxing-cpp: a QR code of ordinary size still
# has 3 or more pixels per module there. Only a miss pays for the full decode.
HALF_SCALE_FROM_PIXELS = 800_000


class UnreadableImageError(ValidationError):
    def __init__(self) -> None:
        super().__init__("That file is not an image we can read (use a JPEG, PNG or WebP photo).")


class ImageTooLargeError(ValidationError):
    """A file or an image too big to decode safely (a decompression bomb, or a mistake)."""


def qr_png(text: str, *, box_size: int = 8) -> bytes:
    """Draw `text` as a QR code (error correction M, the standard 4-module border)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4
    )
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return out.getvalue()


def decode_qr(image: bytes) -> str | None:
    """The text of the QR code in a photo, or None when no QR can be read in it.

    Synchronous and CPU-bound: callers run it in a worker thread. The file size
    and the image's dimensions (read from its header alone) are checked before
    any pixel is decoded.

    The readers go cheapest and surest first, each later one only on a photo that
    the ones before it missed. Of the 450 hard camera frames (1280x720 JPEG) of
    bench/decode.py, zxing-cpp reads 418, in about 1 ms at the median; zxing-cpp
    again after CLAHE has stretched the contrast reads 15 more (10 of them dark
    frames), for about 5 ms more; pyzbar reads 5 more (steeply tilted ones), for
    about 25 ms more; 12 stay unread. OpenCV's QRCodeDetector (about 50 ms) reads
    none of those 12, so it is not tried. Decoding a 1280x720 JPEG itself costs 2-3 ms,
    so such a frame is first decoded at half scale (a fraction of that) and tried
    with zxing-cpp: with it the chain reads 439 of the 450 at a median of 2.8 ms.
    """
    settings = get_settings()
    if len(image) > settings.max_upload_bytes:
        limit = settings.max_upload_bytes / (1024 * 1024)
        raise ImageTooLargeError(f"That file is too large: the limit is {limit:g} MB.")
    image_format, pixels = _checked_header(image, settings.max_image_pixels)
    if image_format == "JPEG" and pixels >= HALF_SCALE_FROM_PIXELS:
        text = _read_with_zxing(_decode_pixels(image, cv2.IMREAD_REDUCED_GRAYSCALE_2))
        if text:
            return text
    gray = _decode_pixels(image, cv2.IMREAD_GRAYSCALE)
    return (
        _read_with_zxing(gray) or _read_with_zxing(_boost_contrast(gray)) or _read_with_zbar(gray)
    )


def _checked_header(image: bytes, max_pixels: int) -> tuple[str, int]:
    """(format, pixel count) from the image's header, once they say it is safe to decode."""
    too_large = ImageTooLargeError(
        f"That image is too large: at most {max_pixels / 1e6:g} megapixels, please."
    )
    try:
        with Image.open(io.BytesIO(image), formats=UPLOAD_FORMATS) as header:
            image_format, (width, height) = header.format, header.size
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise UnreadableImageError() from None
    if width * height > max_pixels:
        raise too_large
    return image_format, width * height


def _decode_pixels(image: bytes, mode: int) -> np.ndarray:
    gray = cv2.imdecode(np.frombuffer(image, np.uint8), mode)
    if gray is None or gray.size == 0:
        raise UnreadableImageError()
    return gray


def _read_with_zxing(gray: np.ndarray) -> str | None:
    found = zxingcpp.read_barcode(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    return found.text if found else None


def _boost_contrast(gray: np.ndarray) -> np.ndarray:
    """CLAHE: each tile's histogram stretched, so a dim or washed-out code gets its contrast."""
    return cv2.createCLAHE(clipLimit=CLAHE_CLIP_LIMIT, tileGridSize=CLAHE_TILES).apply(gray)


def _read_with_zbar(gray: np.ndarray) -> str | None:
    found = pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])
    return found[0].data.decode("utf-8", errors="replace") if found else None
