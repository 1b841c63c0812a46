"""The signed token in a customer's QR code.

"GC1." + base32 (no padding) of: len(public_id) (1 byte), public_id, issue time
(4 bytes, unix seconds), then a 16-byte HMAC-SHA256 of everything before it,
prefix included. Base32 keeps the whole token in the QR alphanumeric alphabet,
which draws a smaller code than base64's byte mode.

Pure: the keys, the time to live and the clock are the caller's
(`gudcity.services.qr_cards` passes the settings').
"""

import base64
import binascii
import hashlib
import hmac
import re
import struct
from collections.abc import Sequence
from datetime import datetime

from gudcity.domain.errors import ValidationError
from gudcity.domain.scans import ScanOutcome
from gudcity.i18n.catalogue import N_

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

    default_message = N_("This QR code is not valid.")
    reason = "invalid"
    outcome = ScanOutcome.INVALID_TOKEN

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class NotGudCityQrError(InvalidQrError):
    default_message = N_("This is not a GudCity QR code.")
    reason = "not a GudCity code"


class UnsupportedQrVersionError(InvalidQrError):
    default_message = N_(
        "This GudCity QR code has a format this server does not know: "
        "ask the customer to refresh their card."
    )
    reason = "unsupported version"


class DamagedQrError(InvalidQrError):
    default_message = N_(
        "This QR code is incomplete or damaged: ask the customer to show it again."
    )
    reason = "malformed"


class ForgedQrError(InvalidQrError):
    default_message = N_("This QR code has been altered or was not issued by GudCity.")
    reason = "bad signature"


class ExpiredQrError(InvalidQrError):
    default_message = N_("This QR code has expired: ask the customer to show it again.")
    reason = "expired"
    outcome = ScanOutcome.EXPIRED_TOKEN


class FutureQrError(InvalidQrError):
    default_message = N_(
        "This QR code is dated in the future: the server clocks disagree, "
        "ask the customer to show it again."
    )
    reason = "issued in the future"


class OversizedQrError(InvalidQrError):
    default_message = N_("This QR code holds far too much text to be a GudCity card.")
    reason = "too long"


class UnknownCustomerQrError(InvalidQrError):
    default_message = N_("This QR code belongs to no GudCity customer.")
    reason = "unknown customer"
    outcome = ScanOutcome.UNKNOWN_CUSTOMER


def _mac(key: str, signed: bytes) -> bytes:
    return hmac.new(key.encode(), signed, hashlib.sha256).digest()[:MAC_LENGTH]


def sign_token(public_id: str, key: str, issued_at: datetime) -> str:
    """The token naming the customer with `public_id`, issued at `issued_at`."""
    raw_id = public_id.encode()
    body = bytes([len(raw_id)]) + raw_id + struct.pack(">I", int(issued_at.timestamp()))
    prefix = f"{TOKEN_VERSION}.".encode()
    raw = body + _mac(key, prefix + body)
    return prefix.decode() + base64.b32encode(raw).decode().rstrip("=")


def open_token(token: str, keys: Sequence[str], ttl_seconds: int, now: datetime) -> str:
    """The public id the token names, or an `InvalidQrError` saying what is wrong.

    `keys` are every key still accepted (the current one first). The signature is
    checked before the payload is read, so nothing from an unsigned token is trusted.
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
    signed = f"{tag}.".encode() + body
    if not any(hmac.compare_digest(mac, _mac(key, signed)) for key in keys):
        raise ForgedQrError()
    if len(body) != 1 + body[0] + 4:  # signed, so only a bug of ours would get here
        raise DamagedQrError()
    (issued_at,) = struct.unpack(">I", body[-4:])
    now_seconds = int(now.timestamp())
    if issued_at > now_seconds + CLOCK_SKEW_SECONDS:
        raise FutureQrError()
    if now_seconds - issued_at > ttl_seconds:
        raise ExpiredQrError()
    return body[1:-4].decode()
