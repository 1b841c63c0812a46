"""The code in a referral link: the referrer's card id and a signature over it.

A link names the card that shares it and cannot be made up for another card; it
needs no table, and stays the same for the card (until the key is rotated, which
ends old links unless the old key is kept among the previous ones). Pure: the keys
are the caller's (services/referrals.py passes the settings').
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence

MAC_LENGTH = 8
MAX_CODE_LENGTH = 40
_CODE = re.compile(r"([1-9][0-9]{0,9})-([a-z2-7]{13})")


def _mac(card_id: int, key: str) -> str:
    digest = hmac.new(key.encode(), f"referral:{card_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:MAC_LENGTH]).decode().rstrip("=").lower()


def referral_code(card_id: int, key: str) -> str:
    """`<card id>-<signature>`: letters and digits a URL carries as they are."""
    return f"{card_id}-{_mac(card_id, key)}"


def card_of_code(code: object, keys: Sequence[str]) -> int | None:
    """The card id a code was made for with one of `keys`, or None for anything else."""
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH:
        return None
    match = _CODE.fullmatch(code.strip().lower())
    if match is None:
        return None
    card_id = int(match.group(1))
    signature = match.group(2)
    if any(hmac.compare_digest(_mac(card_id, key), signature) for key in keys):
        return card_id
    return None
