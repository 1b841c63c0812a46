"""The words of expiring points: a date kept in a notification reads in any language later."""

import json
from datetime import date

from gudcity.domain.expiry_words import expire_on_message, expiring_messages
from gudcity.domain.stored_messages import loaded, stored
from gudcity.i18n.catalogue import translator
from gudcity.models.enums import ProgramKind

DAY = date(2027, 3, 31)


def test_a_stored_warning_keeps_its_date_for_every_language():
    _, message = expiring_messages(ProgramKind.POINTS, 20, "Coffee Club", "Bean There", DAY)
    kept = loaded(json.loads(json.dumps(stored(message))), "")

    assert kept == message
    assert translator("en").message(kept) == (
        "20 points on your Coffee Club card at Bean There expire on Mar 31, 2027."
    )
    assert translator("fr").message(kept) == (
        "20 points de votre carte Coffee Club chez Bean There expirent le 31 mars 2027."
    )
    assert "Coffee Club" in translator("ar").message(kept)


def test_one_point_or_stamp_is_singular():
    en = translator("en")
    assert en.message(expire_on_message(ProgramKind.POINTS, 1, DAY)) == (
        "1 point expires on Mar 31, 2027"
    )
    assert en.message(expire_on_message(ProgramKind.STAMPS, 3, DAY)) == (
        "3 stamps expire on Mar 31, 2027"
    )
    assert translator("es").message(expire_on_message(ProgramKind.STAMPS, 3, DAY)) == (
        "3 sellos caducan el 31 mar 2027"
    )
