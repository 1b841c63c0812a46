"""The code a customer shows at the counter for a redeemed reward."""

import secrets

# No 0/O or 1/I: a code read aloud or typed from a phone cannot be misread.
REDEMPTION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REDEMPTION_CODE_LENGTH = 8


def new_redemption_code() -> str:
    return "".join(secrets.choice(REDEMPTION_ALPHABET) for _ in range(REDEMPTION_CODE_LENGTH))
