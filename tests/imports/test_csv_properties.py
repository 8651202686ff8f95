"""Property test of the CSV readers: any table of cells that Python's csv module writes, in UTF-8 or
Windows-1252, separated by ';' or ',', reads back as the very same cells, line by line, through the
row reader (reading.open_csv) and the columnar reader (columnar.frames.open_frames) alike.

What the readers deliberately do to cells is left out of the generated tables: surrounding spaces
are trimmed, blank rows and totals rows ("Summa", "Total", ...) are skipped, and a cell holding the
other separator would make the separator itself ambiguous."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lojal.imports import reading
from lojal.imports.columnar.frames import LINE, open_frames

NORDIC = "abcåäöæøéüABCÅÄÖÆØÉÜ€0123456789-./:%'"


def _cell(delimiter: str) -> st.SearchStrategy[str]:
    # Quotes, the separator itself and line breaks inside a cell make the writer quote it.
    alphabet = st.sampled_from([*NORDIC, " ", '"', delimiter, "\n"])
    return st.text(alphabet, max_size=12).map(str.strip)


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, str, list[str], list[list[str]]]:
    encoding = draw(st.sampled_from(["utf-8", "cp1252"]))
    delimiter = draw(st.sampled_from([";", ","]))
    width = draw(st.integers(2, 5))
    headers = draw(
        st.lists(
            st.text("KundnrOtBelpåäö", min_size=1, max_size=8), min_size=width, max_size=width, unique=True
        )
    )
    rows = draw(st.lists(st.lists(_cell(delimiter), min_size=width, max_size=width), min_size=1, max_size=15))
    return encoding, delimiter, headers, rows


def _kept(row: list[str]) -> bool:
    first = next((cell for cell in row if cell), "")
    return bool(first) and not reading._TOTALS.match(first)


def _via_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with reading.open_csv(path, has_header=True) as table:
        return table.headers, list(table.rows)


def _via_frames(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open_frames(path, has_header=True, batch_rows=4) as source:
        found: list[tuple[int, list[str]]] = []
        for frame in source.batches():
            for record in frame.iter_rows(named=True):
                found.append((record[LINE], [record[name] for name in source.columns]))
        return source.headers, found


@settings(max_examples=150, deadline=None, database=None)
@given(table=tables())
def test_any_table_written_with_csv_reads_back_as_the_same_cells_through_both_readers(
    table: tuple[str, str, list[str], list[list[str]]],
) -> None:
    encoding, delimiter, headers, rows = table
    assume(any(_kept(row) for row in rows))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([headers, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))

        read_headers, read_rows = _via_rows(path)
        frame_headers, frame_rows = _via_frames(path)

    expected = [row for row in rows if _kept(row)]
    assert read_headers == headers
    assert [cells for _line, cells in read_rows] == expected
    assert (frame_headers, frame_rows) == (read_headers, read_rows)
