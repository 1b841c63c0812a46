"""The code a customer shows at the counter for a redeemed reward.

Eight characters of an alphabet without 0/O or 1/I, shown as text and as a QR
code that carries `REWARD_QR_PREFIX` + the code (the scanner tells it from a
customer's card QR, `GC1.`, by that prefix). Staff may type it in any case, with
spaces or dashes between the characters.
"""

import secrets

from gudcity.i18n.catalogue import N_
from gudcity.models.enums import RewardCodeStatus

# No 0/O or 1/I: a code read aloud or typed from a phone cannot be misread.
REDEMPTION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REDEMPTION_CODE_LENGTH = 8
REWARD_QR_PREFIX = "GCR."

# msgids: shown through the reader's translator.
CODE_STATE_LABELS = {
    RewardCodeStatus.WAITING: N_("Waiting"),
    RewardCodeStatus.DELIVERED: N_("Delivered"),
    RewardCodeStatus.CANCELLED: N_("Cancelled"),
    RewardCodeStatus.EXPIRED: N_("Expired"),
}


def new_redemption_code() -> str:
    return "".join(secrets.choice(REDEMPTION_ALPHABET) for _ in range(REDEMPTION_CODE_LENGTH))


def reward_qr_payload(code: str) -> str:
    """What a reward code's QR carries."""
    return REWARD_QR_PREFIX + code


def is_reward_qr(text: str) -> bool:
    """Whether decoded QR text is a reward code's (rather than a customer's card)."""
    return isinstance(text, str) and text.strip().upper().startswith(REWARD_QR_PREFIX)


def normalize_code(typed: str) -> str:
    """The code as stored: upper case, without spaces, dashes or the QR's prefix."""
    text = typed.strip().upper() if isinstance(typed, str) else ""
    if text.startswith(REWARD_QR_PREFIX):
        text = text[len(REWARD_QR_PREFIX) :]
    return "".join(c for c in text if not c.isspace() and c not in "-_.")


def is_well_formed(code: str) -> bool:
    """Whether a normalized code could be one: the length and the alphabet."""
    return len(code) == REDEMPTION_CODE_LENGTH and all(c in REDEMPTION_ALPHABET for c in code)
