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


def test_public_url_defaults_to_localhost_on_the_port_with_its_loopback_twin():
    settings = Settings(port=4321, secret_key="s" * 32)

    assert settings.public_url == "http://localhost:4321"
    assert settings.allowed_origins == ["http://localhost:4321", "http://127.0.0.1:4321"]


def test_a_public_url_is_the_only_allowed_origin():
    settings = Settings(public_url="https://gudcity.example/loyalty/", secret_key="s" * 32)

    assert settings.public_url == "https://gudcity.example/loyalty"
    assert settings.allowed_origins == ["https://gudcity.example"]
    with pytest.raises(ValidationError, match="PUBLIC_URL must be an http"):
        Settings(public_url="gudcity.example", secret_key="s" * 32)


def test_a_reward_codes_time_at_the_counter_comes_from_the_environment(monkeypatch):
    assert Settings(secret_key="s" * 32).redemption_code_ttl_minutes == 30
    monkeypatch.setenv("REDEMPTION_CODE_TTL_MINUTES", "45")
    assert Settings(secret_key="s" * 32).redemption_code_ttl_minutes == 45
    with pytest.raises(ValidationError):
        Settings(secret_key="s" * 32, redemption_code_ttl_minutes=0)
