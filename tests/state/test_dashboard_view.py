"""The dashboard's words and digits, made from a Dashboard read (pure: no database)."""

from datetime import date

import pytest

from gudcity.domain.analytics import Kpi, Period
from gudcity.i18n.catalogue import translator
from gudcity.models import ProgramKind
from gudcity.state.dashboard_view import change_label, kpi_tiles, range_label

ENGLISH = translator("en")


@pytest.mark.parametrize(
    ("value", "previous", "rate", "label"),
    [
        (112, 100, False, "+12%"),
        (95, 100, False, "-5%"),
        (1001, 1000, False, "+<1%"),
        (999, 1000, False, "-<1%"),
        (3, 0, False, "new"),
        (0, 0, False, "no change"),
        (40, 40, False, "no change"),
        (0, 8, False, "-100%"),
        (45, 42, True, "+3 pts"),
        (40, 42, True, "-2 pts"),
        (5, 0, True, "+5 pts"),
        (None, 3, False, ""),
        (3, None, False, ""),
    ],
)
def test_the_change_against_the_period_before(value, previous, rate, label):
    key = "repeat_rate" if rate else "visits"
    assert change_label(Kpi(key, value, previous), ENGLISH) == label


def test_a_range_names_the_year_once_unless_it_spans_two():
    def shown(start: date, end: date, language: str = "en") -> str:
        return range_label(Period(start, end), translator(language))

    dash = "\u2009\u2013\u2009"  # CLDR's: an en dash between thin spaces
    assert shown(date(2026, 11, 3), date(2026, 12, 2)) == f"Nov 3{dash}Dec 2, 2026"
    assert shown(date(2025, 12, 30), date(2026, 1, 5)) == f"Dec 30, 2025{dash}Jan 5, 2026"
    assert shown(date(2026, 12, 2), date(2026, 12, 2)) == "Dec 2, 2026"
    assert shown(date(2026, 11, 3), date(2026, 12, 2), "fr") == f"3 nov.{dash}2 d\u00e9c. 2026"


def test_the_tiles_speak_the_tabs_language():
    tiles = {
        t.test_id: t
        for t in kpi_tiles(
            [
                Kpi("points_issued", 120, 100, ProgramKind.POINTS),
                Kpi("points_issued", 14, 14, ProgramKind.STAMPS),
                Kpi("visits", 0, 0, None),
            ],
            translator("fr"),
        )
    }
    issued = tiles["kpi-points-issued"]
    assert (issued.title, issued.value, issued.note) == ("Points \u00e9mis", "120", "et 14 tampons")
    assert (tiles["kpi-visits"].title, tiles["kpi-visits"].change) == ("Visites", "inchang\u00e9")


def _tiles(*kpis: Kpi) -> dict:
    return {t.test_id: t for t in kpi_tiles(kpis, ENGLISH)}


def test_point_tiles_hold_the_points_programs_figure_and_name_the_stamps_beside():
    tiles = _tiles(
        Kpi("points_issued", 120, 100, ProgramKind.POINTS),
        Kpi("points_issued", 14, 14, ProgramKind.STAMPS),
    )

    issued = tiles["kpi-points-issued"]
    assert (issued.title, issued.value, issued.change) == ("Points issued", "120", "+20%")
    assert issued.note == "and 14 stamps"


def test_a_stamps_only_business_sees_stamps_in_the_point_tiles():
    tiles = _tiles(Kpi("points_outstanding", 1, 0, ProgramKind.STAMPS))

    outstanding = tiles["kpi-points-outstanding"]
    assert (outstanding.title, outstanding.value, outstanding.note) == (
        "Stamps outstanding",
        "1",
        "",
    )


def test_a_figure_the_read_has_not_got_is_a_dash_never_a_zero():
    tiles = _tiles(Kpi("redemption_rate", None, 50, None), Kpi("repeat_rate", 25, 20, None))

    assert (tiles["kpi-redemption-rate"].value, tiles["kpi-redemption-rate"].change) == ("—", "")
    assert tiles["kpi-redemption-rate"].suffix == ""
    assert (tiles["kpi-repeat-rate"].value, tiles["kpi-repeat-rate"].suffix) == ("25", "%")
    assert tiles["kpi-repeat-rate"].change == "+5 pts"
    # No read of a key at all (no points programs yet): a dash too.
    assert tiles["kpi-points-issued"].value == "—"
