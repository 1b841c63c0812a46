"""What a business tells its customers (address, phone, opening hours), and the rule
every typed name keeps: plain text, no control characters.

Pure rules: each returns the text as it is stored, or raises a ValidationError
whose message says what to change.
"""

import re
import unicodedata
from typing import Any

from gudcity.domain.errors import ValidationError
from gudcity.i18n.catalogue import N_, Message

MAX_ADDRESS_LENGTH = 200
MAX_PHONE_LENGTH = 30
# E.164 allows at most 15 digits; fewer than 5 is no phone number anywhere.
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 5, 15
MAX_HOURS_LENGTH = 400
MAX_HOURS_LINES = 7

# Digits, spaces and the marks people write numbers with: +44 (20) 7946-0958, 030.123.
_PHONE_CHARACTERS = re.compile(r"[0-9 +()\-./]*")


def refuse_control_characters(text: Any, what: str) -> str:
    """`text`, if it is text holding no control character (NUL, escape, bell, a newline).

    `what` names the field: a msgid (marked with N_ by the caller).
    """
    if not isinstance(text, str):
        raise ValidationError("{what} must be text.", what=Message(what))
    if "\x00" in text:  # which PostgreSQL cannot even compare
        raise ValidationError("{what} must not contain NUL characters.", what=Message(what))
    if any(unicodedata.category(character) == "Cc" for character in text):
        raise ValidationError("{what} must not contain control characters.", what=Message(what))
    return text


def one_line(text: Any, what: str) -> str:
    """The text with its runs of whitespace (tabs, newlines too) folded to single spaces."""
    if not isinstance(text, str):
        raise ValidationError("{what} must be text.", what=Message(what))
    return refuse_control_characters(" ".join(text.split()), what)


def clean_address(text: Any) -> str:
    """One line; "" says no address is shown."""
    address = one_line(text, N_("Address"))
    if len(address) > MAX_ADDRESS_LENGTH:
        raise ValidationError(
            "Address must be at most {count} characters.", count=MAX_ADDRESS_LENGTH
        )
    return address


def clean_phone(text: Any) -> str:
    """A number as people write it; "" says no phone is shown."""
    phone = one_line(text, N_("Phone"))
    if not phone:
        return ""
    if len(phone) > MAX_PHONE_LENGTH or not _PHONE_CHARACTERS.fullmatch(phone):
        raise ValidationError(
            "Phone may hold only digits, spaces and + ( ) - . / (at most {count} characters).",
            count=MAX_PHONE_LENGTH,
        )
    digits = sum(character.isdigit() for character in phone)
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        raise ValidationError(
            "Phone must have {least} to {most} digits.",
            least=MIN_PHONE_DIGITS,
            most=MAX_PHONE_DIGITS,
        )
    return phone


def clean_opening_hours(text: Any) -> str:
    """Up to a line per day; blank lines dropped, each line's spaces folded."""
    if not isinstance(text, str):
        raise ValidationError("Opening hours must be text.")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [refuse_control_characters(line, N_("Opening hours")) for line in lines if line]
    hours = "\n".join(lines)
    if len(lines) > MAX_HOURS_LINES:
        raise ValidationError(
            "Opening hours may have at most {count} lines.", count=MAX_HOURS_LINES
        )
    if len(hours) > MAX_HOURS_LENGTH:
        raise ValidationError(
            "Opening hours must be at most {count} characters.", count=MAX_HOURS_LENGTH
        )
    return hours
