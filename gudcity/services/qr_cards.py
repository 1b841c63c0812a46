"""A customer's QR card: the token it carries, signed with the app's keys, and its image."""

import io
from datetime import datetime

import qrcode

from gudcity.domain.qr_tokens import open_token, sign_token
from gudcity.models import User, utc_now
from gudcity.settings import get_settings


def issue_token(customer: User, *, now: datetime | None = None) -> str:
    """The signed token a customer's QR code carries: their public id and the time."""
    return sign_token(customer.public_id, get_settings().secret_key, now or utc_now())


def verify_token(token: str, *, now: datetime | None = None) -> str:
    """The public id of the customer the token names, or an `InvalidQrError`.

    Tokens signed with a key of `PREVIOUS_SECRET_KEYS` still verify, so a key
    rotation does not void the cards on screen.
    """
    settings = get_settings()
    keys = [settings.secret_key, *settings.previous_secret_keys]
    return open_token(token, keys, settings.qr_token_ttl_seconds, now or utc_now())


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
