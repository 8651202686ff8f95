"""Reading files as ERPs export them: encodings, separators, header rows, XLSX with a totals row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from lojal.core.errors import ValidationError
from lojal.imports.mapping import mapping_check, mapping_guess
from lojal.imports.reading import open_table, sniff_delimiter, sniff_encoding
from tests.imports.helpers import CDNOW, FIXTURES


def test_semicolon_windows_1252_file_is_sniffed_and_read() -> None:
    with open_table(FIXTURES / "customers_semicolon_cp1252.csv") as table:
        assert (table.encoding, table.delimiter, table.has_header) == ("cp1252", ";", True)
        assert table.headers[:3] == ["Kundnr", "Förnamn", "Efternamn"]
        rows = list(table.rows)
    assert [line for line, _cells in rows] == [2, 3, 4]
    assert rows[0][1][1:3] == ["Åsa", "Öberg"]
    assert rows[2][1][3] == "Fjällräven Handel AB"


def test_utf8_file_with_bom_loses_the_bom_from_its_first_header() -> None:
    with open_table(FIXTURES / "customers_utf8_bom.csv") as table:
        assert table.encoding == "utf-8-sig"
        assert table.delimiter == ","
        assert table.headers[0] == "customer id"


def test_encoding_sniffing() -> None:
    assert sniff_encoding("Kund;Ort\nÅsa;Göteborg\n".encode()) == "utf-8"
    assert sniff_encoding("Kund;Ort\nÅsa;Göteborg\n".encode("cp1252")) == "cp1252"
    assert sniff_encoding(b"\xef\xbb\xbfKund") == "utf-8-sig"
    # A multi-byte character cut off at the end of the sample is still UTF-8.
    assert sniff_encoding("abc å".encode()[:-1]) == "utf-8"


def test_delimiter_sniffing_prefers_the_separator_that_splits_every_line_alike() -> None:
    assert sniff_delimiter(["a;b;c", "1,5;2;3"]) == ";"
    assert sniff_delimiter(["a,b,c", '1,"x;y",3']) == ","
    assert sniff_delimiter(["a\tb", "1\t2"]) == "\t"
    assert sniff_delimiter([" 00004 0001 19970101  2   29.33", " 00004 0001 19970118  2   29.73"]) == " "


def test_headerless_whitespace_file_gets_numbered_columns() -> None:
    with open_table(CDNOW) as table:
        assert table.has_header is False
        assert table.headers == ["column 1", "column 2", "column 3", "column 4", "column 5"]
        first = next(table.rows)
    assert first == (1, ["00004", "0001", "19970101", "2", "29.33"])


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\n\n")
    with pytest.raises(ValidationError) as error:
        open_table(empty)
    assert error.value.errors == {"file": ["The file is empty."]}


def build_xlsx(path: Path) -> Path:
    """An ERP's spreadsheet: a title row, a blank row, the header, data (real dates and numbers), a totals row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Försäljning mars 2026"])
    sheet.append([])
    sheet.append(["Ordernummer", "Kundnr", "Orderdatum", "Belopp", "Valuta"])
    sheet.append(["O-1", "K-1001", dt.datetime(2026, 3, 1), 1234.5, "SEK"])
    sheet.append(["O-2", "K-1002", dt.datetime(2026, 3, 2, 14, 30), 99, "SEK"])
    sheet.append(["Summa", None, None, 1333.5, None])
    workbook.save(path)
    return path


def test_xlsx_title_rows_are_skipped_and_the_totals_row_is_not_data(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "orders.xlsx")
    with open_table(path) as table:
        rows = list(table.rows)
        assert table.skipped_totals == [6]
    assert table.headers == ["Ordernummer", "Kundnr", "Orderdatum", "Belopp", "Valuta"]
    assert rows == [
        (4, ["O-1", "K-1001", "2026-03-01", "1234.5", "SEK"]),
        (5, ["O-2", "K-1002", "2026-03-02 14:30:00", "99", "SEK"]),
    ]


def test_xlsx_with_the_header_on_the_first_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Ordernummer", "Kundnr", "Orderdatum", "Belopp"])
    sheet.append(["O-1", "K-1001", dt.datetime(2026, 3, 1), 1234.5])
    sheet.append(["Totalt", None, None, 1234.5])
    workbook.save(tmp_path / "o.xlsx")
    with open_table(tmp_path / "o.xlsx") as table:
        assert table.headers == ["Ordernummer", "Kundnr", "Orderdatum", "Belopp"]
        assert list(table.rows) == [(2, ["O-1", "K-1001", "2026-03-01", "1234.5"])]
        assert table.skipped_totals == [3]
        assert table.fraction_done() == 1.0


def test_headers_in_swedish_norwegian_and_english_are_mapped() -> None:
    assert mapping_guess(
        "transactions", ["Verifikation", "Kundnr", "Datum", "Belopp", "Valuta", "TB", "Kanal"]
    ) == {
        "Verifikation": "external_id",
        "Kundnr": "customer_external_id",
        "Datum": "occurred_at",
        "Belopp": "amount",
        "Valuta": "currency",
        "TB": "margin",
        "Kanal": "channel",
    }
    assert mapping_guess("customers", ["Fornavn", "Etternavn", "E-post", "Poststed", "Mystery"]) == {
        "Fornavn": "first_name",
        "Etternavn": "last_name",
        "E-post": "email",
        "Poststed": "city",
        "Mystery": "attribute",
    }


def test_a_saved_mapping_wins_over_the_guess_and_a_field_is_taken_once() -> None:
    guess = mapping_guess(
        "transactions", ["Datum", "Leveransdatum", "Summa"], {"Leveransdatum": "occurred_at"}
    )
    assert guess == {"Leveransdatum": "occurred_at", "Datum": "attribute", "Summa": "amount"}


def test_a_mapping_without_required_fields_or_with_a_field_twice_is_refused() -> None:
    problems = mapping_check("transactions", ["A", "B"], {"A": "amount", "B": "amount"})
    assert problems["mapping.B"] == ["Amount is already taken by column A."]
    assert any("Date and time" in reason for reason in problems["mapping"])
    assert any("Customer" in reason for reason in problems["mapping"])
    assert mapping_check("customers", ["A"], {"A": "nonsense"}) == {"mapping.A": ["Unknown field: nonsense"]}
