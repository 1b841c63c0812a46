"""The signed token in a QR card, with its keys, time to live and clock given."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.qr_tokens import (
    DamagedQrError,
    ExpiredQrError,
    ForgedQrError,
    FutureQrError,
    InvalidQrError,
    NotGudCityQrError,
    OversizedQrError,
    UnsupportedQrVersionError,
    open_token,
    sign_token,
)

NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
KEY = "the-current-secret-key"
PUBLIC_ID = "aliceAlice-_1234"
TTL = 300


def _open(token: str, *, keys=(KEY,), now=NOW) -> str:
    return open_token(token, keys, TTL, now)


def _refusal(token: str, **kwargs) -> InvalidQrError:
    with pytest.raises(InvalidQrError) as caught:
        _open(token, **kwargs)
    return caught.value


def _flip(token: str, index: int) -> str:
    """The token with one character replaced by another valid base32 character."""
    replacement = "B" if token[index] == "A" else "A"
    return token[:index] + replacement + token[index + 1 :]


def test_a_token_carries_only_the_public_id_and_time():
    token = sign_token(PUBLIC_ID, KEY, NOW)
    assert token.startswith("GC1.")
    assert len(token) <= 80
    assert _open(token) == PUBLIC_ID
    assert _open(token, now=NOW + timedelta(seconds=TTL)) == PUBLIC_ID


def test_every_way_of_breaking_a_token_has_its_own_message():
    token = sign_token(PUBLIC_ID, KEY, NOW)
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
        error = _refusal(broken)
        assert type(error) is expected, name
        assert str(error) == expected.default_message

    messages = {cls.default_message for _, cls in cases.values()}
    assert len(messages) == len({cls for _, cls in cases.values()})


def test_a_token_signed_with_a_key_not_accepted_is_forged():
    token = sign_token(PUBLIC_ID, "some-other-secret-key", NOW)
    assert type(_refusal(token)) is ForgedQrError
    assert _open(token, keys=(KEY, "some-other-secret-key")) == PUBLIC_ID


def test_expired_and_future_tokens_are_refused():
    token = sign_token(PUBLIC_ID, KEY, NOW)
    expired = _refusal(token, now=NOW + timedelta(seconds=TTL + 1))
    assert type(expired) is ExpiredQrError
    assert str(expired) == "This QR code has expired: ask the customer to show it again."

    assert _open(token, now=NOW - timedelta(seconds=30)) == PUBLIC_ID
    assert type(_refusal(token, now=NOW - timedelta(seconds=31))) is FutureQrError


@given(st.text(max_size=300))
def test_random_text_is_refused_with_a_scanning_error(text):
    with pytest.raises(InvalidQrError):
        _open(text)


@given(st.integers(min_value=0, max_value=63), st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
def test_any_changed_character_is_refused(index, char):
    token = sign_token(PUBLIC_ID, KEY, NOW)
    changed = token[:index] + char + token[index + 1 :]
    if changed != token:
        with pytest.raises(InvalidQrError):
            _open(changed)
