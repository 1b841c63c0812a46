"""Device cookies: OWASP's "Slow Down Online Guessing Attacks with Device Cookies".

A browser that logged in to an account keeps a cookie `NONCE.SIGNATURE`, the
signature an HMAC (SECRET_KEY) over the account's normalized email and the nonce.
It names no account: it is checked against the email being logged in to. Its
attempts are throttled by its own nonce (services/login.py), so strangers locking
the account out do not lock out its owner's browser.
"""

import hashlib
import hmac
import secrets

from gudcity.settings import get_settings

_PURPOSE = b"gudcity-device-cookie"


def _signature(key: str, email: str, nonce: str) -> str:
    message = b"\x00".join((_PURPOSE, email.encode(), nonce.encode()))
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def new_device_cookie(email: str) -> str:
    """A device cookie for the account with this (normalized) email."""
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_signature(get_settings().secret_key, email, nonce)}"


def device_nonce(cookie: str | None, email: str) -> str | None:
    """The cookie's nonce if it is a valid device cookie for this (normalized) email.

    Keys in PREVIOUS_SECRET_KEYS still verify, so a key rotation keeps devices trusted.
    """
    nonce, _, signature = (cookie or "").partition(".")
    if not nonce or len(nonce) > 64 or not signature.isascii():
        return None
    settings = get_settings()
    for key in (settings.secret_key, *settings.previous_secret_keys):
        if hmac.compare_digest(_signature(key, email, nonce), signature):
            return nonce
    return None
