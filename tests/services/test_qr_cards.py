"""QR cards as the app signs them: its SECRET_KEY, the key rotation, the time to live."""

from datetime import UTC, datetime, timedelta

import pytest

from gudcity.domain.qr_tokens import ExpiredQrError, ForgedQrError, InvalidQrError
from gudcity.models import User
from gudcity.services import qr_cards
from gudcity.services.qr_cards import issue_token, verify_token
from gudcity.settings import get_settings

NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
ALICE = User(public_id="aliceAlice-_1234")


def _settings(monkeypatch, **changes) -> None:
    changed = get_settings().model_copy(update=changes)
    monkeypatch.setattr(qr_cards, "get_settings", lambda: changed)


def _refusal(token: str, **kwargs) -> InvalidQrError:
    with pytest.raises(InvalidQrError) as caught:
        verify_token(token, **kwargs)
    return caught.value


def test_a_fresh_token_verifies_at_the_current_time():
    assert verify_token(issue_token(ALICE)) == ALICE.public_id


def test_a_token_signed_with_another_key_is_refused(monkeypatch):
    _settings(monkeypatch, secret_key="some-other-secret-key-entirely")
    token = issue_token(ALICE, now=NOW)
    monkeypatch.undo()
    assert type(_refusal(token, now=NOW)) is ForgedQrError


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
