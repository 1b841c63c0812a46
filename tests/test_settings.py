"""Settings refuse combinations that would break the product."""

import pytest
from pydantic import ValidationError

from gudcity.settings import Settings


def test_the_qr_code_must_be_renewed_before_it_expires():
    with pytest.raises(ValidationError, match="QR_RENEW_SECONDS must be shorter"):
        Settings(qr_token_ttl_seconds=120, qr_renew_seconds=120, secret_key="s" * 32)
    renewed = Settings(qr_token_ttl_seconds=120, qr_renew_seconds=90, secret_key="s" * 32)
    assert renewed.qr_renew_seconds == 90
