"""An owner's CSV exports: exact rows, spreadsheet-safe, a period, only their business."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from gudcity.domain.errors import PermissionDeniedError
from gudcity.domain.spreadsheet import BOM, csv_chunks, safe_cell
from gudcity.models import PointTransaction, ProgramEnrollment, ProgramKind, utc_now
from gudcity.services import awards, exports, programs, redemptions
from gudcity.services.exports import CUSTOMER_COLUMNS, LEDGER_COLUMNS
from gudcity.services.permissions import Permission


def read_csv(export: exports.CsvExport) -> list[list[str]]:
    data = b"".join(csv_chunks(export.header, export.rows, chunk_rows=2)).decode()
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :])))


@pytest.fixture
def books(session, make, shop):
    """Alice (30 points, a reward redeemed by her, 10 awarded by staff) and =Bob (2 stamps)."""
    owner, business, program, alice = shop
    clerk = make.staff(owner, business, Permission.AWARD)
    reward = programs.add_reward(session, owner, program.id, name="Free latte", cost=20)
    card = make.card(alice, program, balance=40)
    awards.award_points(session, clerk, card.id, 10, make.key())
    code = redemptions.redeem_reward(session, alice, card.id, reward.id, make.key())
    stamps = make.program(owner, business, name="Cake Card", kind=ProgramKind.STAMPS)
    bob = make.customer('=HYPERLINK("http://evil")')
    bob_card = make.card(bob, stamps, balance=2)
    rival_owner, rival = make.business("Rival Roasters")
    make.card(make.customer("Zed"), make.program(rival_owner, rival), balance=7)
    return owner, business, clerk, alice, card, bob, bob_card, code.redemption_code


def test_the_customers_csv_lists_each_enrolled_customer_and_program(session, books):
    owner, business, _clerk, alice, _card, bob, _bob_card, _code = books
    header, *rows = read_csv(exports.customers_csv(session, owner, business.id))

    assert tuple(header) == CUSTOMER_COLUMNS
    assert [row[:8] for row in rows] == [
        ["'=HYPERLINK(\"http://evil\")", bob.email, bob.card_number, "Cake Card", "stamps", "2",
         "2", ""],
        ["Alice", alice.email, alice.card_number, "Coffee Club", "points", "30", "50", ""],
    ]  # fmt: skip
    for row in rows:
        assert utc_now() - _parse(row[8]) < timedelta(minutes=5)


def test_the_ledger_csv_holds_every_row_of_the_business_oldest_first(session, books):
    owner, business, clerk, alice, _card, bob, _bob_card, code = books
    header, *rows = read_csv(exports.ledger_csv(session, owner, business.id))

    assert tuple(header) == LEDGER_COLUMNS
    coffee = ["Alice", alice.card_number, "Coffee Club"]
    assert [row[1:] for row in rows] == [
        [*coffee, "EARN", "40", "points", owner.name, "", "", ""],
        [*coffee, "EARN", "10", "points", clerk.name, "", "", ""],
        [*coffee, "REDEEM", "-20", "points", "Alice", "Free latte", code, "Free latte"],
        ["'=HYPERLINK(\"http://evil\")", bob.card_number, "Cake Card", "EARN", "2", "stamps",
         owner.name, "", "", ""],
    ]  # fmt: skip
    assert [_parse(row[0]) for row in rows] == sorted(_parse(row[0]) for row in rows)
    assert "Zed" not in str(rows)


def test_a_period_narrows_both_exports(session, books):
    owner, business, _clerk, _alice, card, _bob, _bob_card, _code = books
    long_ago = utc_now() - timedelta(days=40)
    session.execute(
        update(PointTransaction)
        .where(PointTransaction.card_id == card.id)
        .values(created_at=long_ago)
    )
    session.execute(
        update(ProgramEnrollment)
        .where(ProgramEnrollment.customer_id == card.customer_id)
        .values(created_at=long_ago)
    )
    session.commit()
    recent = utc_now() - timedelta(days=30)

    _, *ledger = read_csv(exports.ledger_csv(session, owner, business.id, since=recent))
    _, *old = read_csv(exports.ledger_csv(session, owner, business.id, until=recent))
    _, *joined = read_csv(exports.customers_csv(session, owner, business.id, since=recent))

    assert [row[4] for row in ledger] == ["EARN"] and ledger[0][3] == "Cake Card"
    assert [row[4] for row in old] == ["EARN", "EARN", "REDEEM"]
    assert [row[3] for row in joined] == ["Cake Card"]


@pytest.mark.parametrize("export", [exports.customers_csv, exports.ledger_csv])
def test_only_the_owner_and_staff_with_reports_export(session, make, books, export):
    owner, business, clerk, alice, *_ = books
    rival_owner, rival = make.business("Other")
    others = [p for p in Permission if p != Permission.REPORTS]
    everything_else = make.staff(owner, business, *others)
    rival_reporter = make.staff(rival_owner, rival, Permission.REPORTS)
    for actor in (None, alice, clerk, everything_else, rival_owner, rival_reporter):
        with pytest.raises(PermissionDeniedError):
            export(session, actor, business.id)
    reporter = make.staff(owner, business, Permission.REPORTS)

    assert read_csv(export(session, reporter, business.id)) == read_csv(
        export(session, owner, business.id)
    )


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+31 6", "'+31 6"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (-25, -25),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_text(value, cell):
    assert safe_cell(value) == cell


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_an_arabic_export_has_arabic_headers_and_units(session, books):
    owner, business, *_ = books
    header, *rows = read_csv(exports.customers_csv(session, owner, business.id, language="ar"))

    assert header[:5] == ["العميل", "البريد الإلكتروني", "رقم البطاقة", "البرنامج", "الوحدة"]
    assert [row[4] for row in rows] == ["أختام", "نقاط"]
