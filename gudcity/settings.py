"""Every setting GudCity reads, taken from the environment once.

`get_settings()` is the only way the rest of the code reads configuration, so a
test can build a `Settings` of its own and nothing reads `os.environ` behind it.
"""

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_FILE = PROJECT_ROOT / ".secret_key"


def _development_secret() -> str:
    """Return the secret stored on first run, creating it if needed.

    Production sets SECRET_KEY; a developer's machine gets a random key that
    survives restarts, so QR codes and sessions stay valid between runs.
    """
    if DEV_SECRET_FILE.exists():
        return DEV_SECRET_FILE.read_text().strip()
    secret = secrets.token_urlsafe(48)
    # Created 0600, never readable by others, even for a moment.
    with os.fdopen(os.open(DEV_SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        f.write(secret)
    return secret


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'gudcity.db'}"
    secret_key: str = Field(default_factory=_development_secret, min_length=16)
    redis_url: str | None = None
    port: int = 3000
    # The address users reach the app at; its origin is the only one whose pages may call
    # the backend, and https makes the cookies Secure. Empty: http://localhost:{port}.
    public_url: str = ""

    session_ttl_hours: int = Field(default=24 * 14, gt=0)
    # Failed log-ins allowed per account and per address within the window, then refused.
    login_failures_per_account: int = Field(default=5, gt=0)
    login_failures_per_address: int = Field(default=20, gt=0)
    login_failure_window_minutes: int = Field(default=15, gt=0)
    # A browser that logged in to an account before (its device cookie) is not held back
    # by the account's limit; it has this many failures of its own in the window.
    login_failures_per_device: int = Field(default=5, gt=0)
    device_cookie_days: int = Field(default=365, gt=0)
    # From a checked password to the session cookie: the browser's one trip to /auth/session.
    login_ticket_ttl_seconds: int = Field(default=60, gt=0)
    enrollment_request_ttl_hours: int = Field(default=72, gt=0)
    deduction_request_ttl_minutes: int = Field(default=30, gt=0)
    # A redeemed reward's code waits this long at the counter; then its points go back.
    redemption_code_ttl_minutes: int = Field(default=30, gt=0)
    # How often each worker expires the codes whose time is up (the page reads expire too).
    reward_code_sweep_seconds: int = Field(default=30, gt=0)
    # How often each worker grants the birthday rewards that are due (at most once a year each).
    birthday_sweep_seconds: int = Field(default=900, gt=0)
    # How often each worker writes the points expiries that are due (and the warnings),
    # and how many days before its points expire a customer is warned.
    expiry_sweep_seconds: float = Field(default=3600, gt=0)
    expiry_warning_days: int = Field(default=7, ge=0, le=60)
    # A business may invite one customer this often a day, and anyone this often an hour:
    # enough for a busy counter, too few to spam customers from a throwaway business.
    invitations_per_customer_per_day: int = Field(default=3, gt=0)
    invitations_per_business_per_hour: int = Field(default=100, gt=0)
    max_points_per_transaction: int = Field(default=100_000, gt=0)
    # The dashboard's per-day aggregates are kept with each change (services/analytics_log.py).
    # Off only to measure what keeping them costs (bench/awards.py); then rebuild-analytics.
    analytics_maintained: bool = True

    # Mail: smtp://user:pass@host:port (smtps:// for TLS from the first byte). Unset
    # (development): each mail is written to the log, its links with it.
    smtp_url: str | None = None
    mail_from: str = "GudCity <no-reply@localhost>"
    # The outbox worker looks for mails due this often; a failed send waits
    # mail_retry_seconds, doubling each time up to mail_retry_max_seconds, and is
    # given up after mail_max_attempts.
    mail_poll_seconds: float = Field(default=2.0, gt=0)
    mail_retry_seconds: int = Field(default=30, gt=0)
    mail_retry_max_seconds: int = Field(default=3600, gt=0)
    mail_max_attempts: int = Field(default=15, gt=0)
    # A send that has not reported back after this long (the worker died) is due again.
    mail_send_timeout_seconds: int = Field(default=60, gt=0)
    # A password-reset link works once, for this long, and only the newest one.
    password_reset_ttl_minutes: int = Field(default=60, gt=0)
    # Reset links sent per account and per address within the window; further
    # requests get the same answer and send nothing.
    password_resets_per_account: int = Field(default=3, gt=0)
    password_resets_per_address: int = Field(default=20, gt=0)
    password_reset_window_minutes: int = Field(default=60, gt=0)
    # A link confirming a new email address works once, for this long.
    email_change_ttl_hours: int = Field(default=24, gt=0)
    # Changes one account may ask for a day: each mails a stranger's address.
    email_changes_per_day: int = Field(default=5, gt=0)
    # Sent (or given up) mails stay in the outbox this long, then are deleted.
    mail_keep_days: int = Field(default=7, gt=0)

    # A QR token is refused this long after it was issued, so a photo of a card goes stale.
    qr_token_ttl_seconds: int = Field(default=300, gt=0)
    # /cards draws a fresh QR code this often, so the one on screen never expires.
    qr_renew_seconds: int = Field(default=240, gt=0)
    # Old SECRET_KEYs still accepted when verifying QR tokens (never used to sign), so a
    # key rotation does not void the cards on screen. From the environment: a JSON list.
    previous_secret_keys: list[str] = []
    max_upload_bytes: int = Field(default=8 * 1024 * 1024, gt=0)
    # Checked from the image header before decoding: a small file can claim a huge image.
    max_image_pixels: int = Field(default=40_000_000, gt=0)
    # Threads that decode photos and camera frames: a pool of their own, so decoding never
    # takes a thread from the service calls. More decodes than this wait, up to a few each.
    decode_threads: int = Field(default=1, gt=0, le=8)
    # An argon2-cffi profile; tests use CHEAPEST so that thousands of logins stay quick.
    password_hash_profile: Literal["RFC_9106_LOW_MEMORY", "RFC_9106_HIGH_MEMORY", "CHEAPEST"] = (
        "RFC_9106_LOW_MEMORY"
    )

    @model_validator(mode="after")
    def _renew_before_expiry(self) -> "Settings":
        if self.qr_renew_seconds >= self.qr_token_ttl_seconds:
            raise ValueError("QR_RENEW_SECONDS must be shorter than QR_TOKEN_TTL_SECONDS.")
        return self

    @model_validator(mode="after")
    def _smtp_url_is_smtp(self) -> "Settings":
        if self.smtp_url:
            parts = urlsplit(self.smtp_url)
            if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
                raise ValueError(
                    "SMTP_URL must look like smtp://user:pass@host:port (or smtps://)."
                )
        return self

    @model_validator(mode="after")
    def _public_url_is_an_origin(self) -> "Settings":
        if not self.public_url:
            self.public_url = f"http://localhost:{self.port}"
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("PUBLIC_URL must be an http(s) address, like https://gudcity.example.")
        self.public_url = self.public_url.rstrip("/")
        return self

    @property
    def secure_cookies(self) -> bool:
        """Whether the session and device cookies are marked Secure: behind https."""
        return self.public_url.startswith("https://")

    @property
    def allowed_origins(self) -> list[str]:
        """The origins whose pages may call the backend: PUBLIC_URL's only.

        On localhost, its 127.0.0.1 twin too: a developer's browser (and the browser
        tests) may open either, and both are this machine.
        """
        parts = urlsplit(self.public_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.hostname != "localhost":
            return [origin]
        return [origin, f"{parts.scheme}://{parts.netloc.replace('localhost', '127.0.0.1', 1)}"]


@lru_cache
def get_settings() -> Settings:
    return Settings()
