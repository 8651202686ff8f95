"""The columnar reader reads every file exactly as reading.open_table does: the same headers, cells,
line numbers and skipped totals rows, batch by batch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from lojal.core.errors import ValidationError
from lojal.imports.columnar import frames
from lojal.imports.columnar.frames import LINE, open_frames, transcode_to_utf8
from lojal.imports.reading import open_table
from tests.imports.helpers import FIXTURES

Rows = list[tuple[int, list[str]]]


def _via_table(path: Path, has_header: bool | None = None) -> tuple[list[str], Rows, list[int], str, str]:
    with open_table(path, has_header=has_header) as table:
        width = len(table.headers)
        rows = [(line, (cells + [""] * width)[:width]) for line, cells in table.rows]
        return table.headers, rows, table.skipped_totals, table.encoding, table.delimiter


def _via_frames(
    path: Path, has_header: bool | None = None, batch_rows: int = 100_000
) -> tuple[list[str], Rows, list[int], str, str]:
    source = open_frames(path, has_header=has_header, batch_rows=batch_rows)
    rows: Rows = []
    for frame in source.batches():
        assert frame.columns == [LINE, *source.columns]
        assert frame.height <= batch_rows
        assert all(dtype == pl.String for dtype in frame.dtypes[1:])
        rows.extend((row[0], list(row[1:])) for row in frame.iter_rows())
    return source.headers, rows, source.skipped_totals, source.encoding, source.delimiter


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.csv")), ids=lambda path: path.name)
def test_every_fixture_file_reads_the_same_as_through_open_table(path: Path) -> None:
    expected = _via_table(path)
    assert expected[1], "the fixture has rows"
    assert _via_frames(path) == expected


def _write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


CASES = {
    "blank lines, a quoted line break, ragged rows and totals": (
        'Kundnr;Namn;Belopp\n\nK-1;Åsa;1 234,50\n;;\nK-2;"Björn\nÄngström";-99,90\nK-3;Eva\n'
        "K-4;Per;12;extra\nSumma;;1 147,60\n",
        "utf-8",
    ),
    "Windows-1252 with totals rows in four languages": (
        "Kundnr;Ort;Belopp\nK-1;Göteborg;100\nTotalt;;100\nI alt;;100\nK-2;Malmö;5\nSumma;;105\n",
        "cp1252",
    ),
    "UTF-8 with BOM, commas and quotes": (
        '\ufeffcustomer id,city,amount\nN-1,"Oslo, sentrum","1,234.50"\nN-2,Bergen,7\nYhteensä,,8\n',
        "utf-8",
    ),
    "tabs with CRLF": ("Kundnr\tOrt\r\nK-1\tUmeå\r\n\r\nK-2\tLuleå\r\n", "utf-8"),
    "bars": ("Kundnr|Ort\nK-1|Umeå\nK-2|Luleå\n", "utf-8"),
    "runs of spaces": ("Kundnr   Ort     Belopp\nK-1      Umeå    100\nK-2  Luleå  7\n", "utf-8"),
    "no header": ("K-1;2026-03-14;100,00\nK-2;2026-03-15;7,50\n", "utf-8"),
    "UTF-16": ("Kundnr;Ort\nK-1;Umeå\nK-2;Kiruna\n", "utf-16"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_files_read_the_same_as_through_open_table(tmp_path: Path, case: str) -> None:
    text, encoding = CASES[case]
    path = _write(tmp_path, text, encoding)
    expected = _via_table(path)
    assert expected[1]
    assert _via_frames(path, batch_rows=2) == expected


def test_windows_1252_file_is_transcoded_and_its_skipped_totals_reported(tmp_path: Path) -> None:
    text, encoding = CASES["Windows-1252 with totals rows in four languages"]
    path = _write(tmp_path, text, encoding)
    headers, rows, totals, sniffed, delimiter = _via_frames(path)
    assert (sniffed, delimiter, headers) == ("cp1252", ";", ["Kundnr", "Ort", "Belopp"])
    assert rows == [(2, ["K-1", "Göteborg", "100"]), (5, ["K-2", "Malmö", "5"])]
    assert totals == [3, 4, 6]


def test_the_temporary_utf8_copy_is_removed_when_reading_ends(tmp_path: Path, monkeypatch) -> None:
    made: list[Path] = []
    original = frames.transcode_to_utf8
    monkeypatch.setattr(frames, "transcode_to_utf8", lambda *a: made.append(original(*a)) or made[-1])
    path = _write(tmp_path, "Kundnr;Ort\nK-1;Göteborg\n", "cp1252")
    source = open_frames(path)
    assert made[0].read_text(encoding="utf-8") == "Kundnr;Ort\nK-1;Göteborg\n"
    list(source.batches())
    assert not made[0].exists()


def test_transcoding_decodes_characters_cut_between_chunks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(frames, "TRANSCODE_CHUNK", 3)
    text = "Ort;Namn\nUmeå;Åsa Öberg\n" * 5
    path = _write(tmp_path, text, "utf-16")
    copy = transcode_to_utf8(path, "utf-16")
    try:
        assert copy.read_text(encoding="utf-8") == text
    finally:
        copy.unlink()


def test_a_file_larger_than_one_batch_streams_in_batches_with_file_line_numbers(tmp_path: Path) -> None:
    body = "".join(f"V-{index};{index},50\n" + ("\n" if index % 7 == 0 else "") for index in range(1, 251))
    path = _write(tmp_path, "Verifikation;Belopp\n" + body + "Summa;31 375,00\n")
    source = open_frames(path, batch_rows=64)
    sizes = [frame.height for frame in source.batches()]
    assert len(sizes) > 3 and max(sizes) <= 64 and sum(sizes) == 250
    assert _via_frames(path, batch_rows=64) == _via_table(path)
    assert source.skipped_totals == [_via_table(path)[2][0]]


@pytest.mark.parametrize("piece_bytes", [1, 7, 64])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_file_read_in_small_pieces_reads_as_in_one(
    tmp_path: Path, case: str, piece_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is read a piece at a time, cut only where a record ends: never inside a quoted cell
    with a line break or a doubled quote, so any piece size gives the same rows and line numbers."""
    text, encoding = CASES[case]
    text += 'K-9;"Dubbel ""citat""\növer två rader";1\nK-10;"a;b";2\n' if ";" in text else ""
    path = _write(tmp_path, text, encoding)
    expected = _via_table(path)
    monkeypatch.setattr(frames, "PIECE_BYTES", piece_bytes)
    assert _via_frames(path, batch_rows=3) == expected


def test_header_can_be_forced_either_way(tmp_path: Path) -> None:
    path = _write(tmp_path, "K-1;2026-03-14\nK-2;2026-03-15\n")
    for has_header in (True, False):
        assert _via_frames(path, has_header=has_header) == _via_table(path, has_header=has_header)
    assert _via_frames(path, has_header=True)[0] == ["K-1", "2026-03-14"]


def test_an_empty_file_is_refused_as_open_table_refuses_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "\n\n")
    with pytest.raises(ValidationError) as error:
        open_frames(path)
    assert error.value.errors == {"file": ["The file is empty."]}


def test_bytes_that_are_no_text_in_windows_1252_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(b"Kundnr;Ort\nK-1;G\xf6teborg\x81\n")
    with pytest.raises(ValidationError):
        open_frames(path)


def test_invalid_utf8_after_the_sniffed_sample_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(b"Kundnr;Ort\n" + b"K-1;Ume\xc3\xa5\n" * 8000 + b"K-2;G\xf6teborg\n")
    source = open_frames(path)
    with pytest.raises(ValidationError) as error:
        list(source.batches())
    assert list(error.value.errors) == ["file"]


def _workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Försäljning mars 2026"])
    sheet.append([])
    sheet.append(["Verifikation", "Kundnr", "Datum", "Belopp", "Antal"])
    sheet.append(["V-1", "K-1001", dt.date(2026, 3, 14), 1234.5, 2])
    sheet.append(["V-2", "K-1002", dt.datetime(2026, 3, 15, 13, 45), -99.9, 1])
    sheet.append([None, None, None, None, None])
    sheet.append(["V-3", None, "14.3.2026", "12 500", 3.0])
    sheet.append(["Summa", None, None, 13635.6, 6])
    workbook.save(path)
    return path


def test_xlsx_reads_the_same_as_through_open_table(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "sales.xlsx")
    expected = _via_table(path)
    assert expected[0] == ["Verifikation", "Kundnr", "Datum", "Belopp", "Antal"]
    assert expected[2] == [8]
    assert _via_frames(path, batch_rows=2) == expected
    assert _via_frames(path)[1][1] == (5, ["V-2", "K-1002", "2026-03-15 13:45:00", "-99.9", "1"])
