"""Card numbers people can type: 12 digits, the last a Luhn check digit.

The check digit catches every single mistyped digit and most swapped neighbours
before any lookup is made.
"""

import re
import secrets

CARD_NUMBER_LENGTH = 12


def luhn_check_digit(digits: str) -> str:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def new_card_number() -> str:
    body = str(
        secrets.randbelow(9 * 10 ** (CARD_NUMBER_LENGTH - 2)) + 10 ** (CARD_NUMBER_LENGTH - 2)
    )
    return body + luhn_check_digit(body)


def normalize_card_number(text: str) -> str:
    """Drop the spaces and dashes people type between digit groups."""
    return re.sub(r"[\s-]", "", text or "")


def is_valid_card_number(number: str) -> bool:
    return (
        len(number) == CARD_NUMBER_LENGTH
        and number.isascii()
        and number.isdigit()
        and luhn_check_digit(number[:-1]) == number[-1]
    )


def format_card_number(number: str) -> str:
    """`123456789012` -> `1234 5678 9012`, for reading aloud."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
