"""CSV files a spreadsheet opens safely: UTF-8 with a BOM, ISO dates, no formulas.

A text cell starting with `=`, `+`, `-`, `@` (or a tab or carriage return, which
some spreadsheets skip before those) would be run as a formula when the file is
opened (CSV injection): such a cell is prefixed with `'`, which spreadsheets show
as plain text. Numbers are written as they are, so `-25` stays a number.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows written into one chunk of the stream.
CHUNK_ROWS = 1000


def safe_cell(value: object) -> str | int:
    """A value as a cell: '' for None, ISO 8601 for dates, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_chunks(
    header: Iterable[str], rows: Iterable[Iterable[object]], chunk_rows: int = CHUNK_ROWS
) -> Iterator[bytes]:
    """The file as UTF-8 chunks of `chunk_rows` rows each, the BOM and header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(value) for value in row])
        if count % chunk_rows == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
