"""CSV for spreadsheets: any text comes back as written, and never as a formula."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.spreadsheet import BOM, FORMULA_STARTS, csv_chunks

CELLS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["=1+2", "+1", "-1", "@A1", "\t=1", "\r=1", '"quoted", and, commas', "a\nb"]),
    st.integers(min_value=-(10**9), max_value=10**9),
)


@given(rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=30))
def test_any_cells_read_back_as_written_and_never_start_a_formula(rows):
    data = b"".join(csv_chunks(("a", "b", "c"), rows, chunk_rows=7)).decode("utf-8")

    assert data.startswith(BOM)
    header, *read = list(csv.reader(io.StringIO(data[len(BOM) :], newline="")))
    assert header == ["a", "b", "c"]
    assert len(read) == len(rows)
    for written, cells in zip(rows, read, strict=True):
        for value, cell in zip(written, cells, strict=True):
            if isinstance(value, int):
                assert cell == str(value)
            elif value.startswith(FORMULA_STARTS):
                assert cell == f"'{value}"
            else:
                assert cell == value
            assert not (isinstance(value, str) and cell.startswith(FORMULA_STARTS))


def test_an_empty_export_is_the_bom_and_the_header():
    assert b"".join(csv_chunks(("a", "b"), [])) == f"{BOM}a,b\r\n".encode()
