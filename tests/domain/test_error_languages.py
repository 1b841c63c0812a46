"""A refusal is worded once, in English, and read in the reader's language."""

from datetime import date

import pytest

from gudcity.domain.analytics import custom_period
from gudcity.domain.contact import clean_address, clean_opening_hours
from gudcity.domain.errors import ServiceError, ValidationError
from gudcity.domain.qr_tokens import ExpiredQrError
from gudcity.i18n.catalogue import NP_, translator


def _refusal(call, *args) -> ServiceError:
    with pytest.raises(ValidationError) as refused:
        call(*args)
    return refused.value


def test_a_field_refusal_names_the_field_in_the_readers_language():
    error = _refusal(clean_opening_hours, "Mon 9-5\x00")
    assert error.message == "Opening hours must not contain NUL characters."
    assert translator("fr").message(error.translatable) == (
        "Le champ « Horaires d’ouverture » ne doit pas contenir de caractère NUL."  # noqa: RUF001
    )


def test_numbers_in_a_refusal_are_the_languages():
    error = _refusal(clean_address, "x" * 201)
    assert error.message == "Address must be at most 200 characters."
    assert translator("ar").message(error.translatable) == "يجب ألا يتجاوز العنوان 200 حرف."
    too_long = _refusal(custom_period, date(2025, 1, 1), date(2026, 6, 30))
    assert translator("fr").message(too_long.translatable) == (
        "Une période peut durer au plus 366 jours."
    )


def test_a_plural_refusal_takes_each_languages_form():
    forms = NP_(
        "Too many failed log-ins. Try again in {count} minute.",
        "Too many failed log-ins. Try again in {count} minutes.",
    )
    arabic = translator("ar")
    said = {n: arabic.message(ServiceError(forms, count=n).translatable) for n in (1, 2, 5, 15)}
    assert said[1].endswith("بعد دقيقة واحدة.") and said[2].endswith("بعد دقيقتين.")
    assert said[5].endswith("بعد 5 دقائق.") and said[15].endswith("بعد 15 دقيقة.")
    assert ServiceError(forms, count=1).message.endswith("in 1 minute.")


def test_a_qr_refusal_is_translated():
    assert translator("es").message(ExpiredQrError().translatable) == (
        "Este código QR ha caducado: pide al cliente que vuelva a mostrarlo."
    )
