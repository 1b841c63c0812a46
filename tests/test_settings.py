"""Settings refuse combinations that would break the product."""

import pytest
from pydantic import ValidationError

from gudcity.settings import Settings


def test_the_qr_code_must_be_renewed_before_it_expires():
    with pytest.raises(ValidationError, match="QR_RENEW_SECONDS must be shorter"):
        Settings(qr_token_ttl_seconds=120, qr_renew_seconds=120, secret_key="s" * 32)
    renewed = Settings(qr_token_ttl_seconds=120, qr_renew_seconds=90, secret_key="s" * 32)
    assert renewed.qr_renew_seconds == 90


def test_the_public_url_defaults_to_localhost_on_the_port_and_decides_secure_cookies():
    default = Settings(port=3100, secret_key="s" * 32)
    assert (default.public_url, default.secure_cookies) == ("http://localhost:3100", False)
    public = Settings(public_url="https://gudcity.example/", secret_key="s" * 32)
    assert (public.public_url, public.secure_cookies) == ("https://gudcity.example", True)
