"""Streaming readers for the files ERPs export: CSV in UTF-8 (with or without BOM) or Windows-1252,
separated by semicolons, commas, tabs, bars or runs of spaces, with or without a header row; and XLSX
(the first sheet, read row by row). Rows are never all held in memory."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from lojal.core.errors import ValidationError
from lojal.imports.values import cell_text

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (";", ",", "\t", "|")
WHITESPACE = " "
_TOTALS = re.compile(r"^(totalt?|total sum|summa|sum|i alt|yhteensä|grand total)\b", re.I)
_NUMBERISH = re.compile(r"^[-+]?[\d\s.,:/-]+$")
csv.field_size_limit(1024 * 1024)


@dataclass
class Table:
    """An open file: its header names (or "column 1", ... when it has none) and its rows, streamed."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str = ""
    delimiter: str = ""
    has_header: bool = True
    skipped_totals: list[int] = field(default_factory=list)
    _handle: Any = None
    _text: Any = None  # held so the text layer (and with it the file) is not closed when rows run out
    _size: int = 0
    _rows_total: int = 0
    _rows_seen: int = 0

    def fraction_done(self) -> float:
        """How far through the file reading is, 0..1 (by bytes for CSV, by rows for XLSX)."""
        if self._size and self._handle is not None:
            if self._handle.closed:
                return 1.0
            try:
                return min(1.0, self._handle.tell() / self._size)
            except (OSError, ValueError):
                return 0.0
        if self._rows_total:
            return min(1.0, self._rows_seen / self._rows_total)
        return 0.0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sniff_encoding(sample: bytes) -> str:
    """UTF-8 with a BOM, UTF-8, or else Windows-1252 (what Nordic Excel and older ERPs write)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def sniff_delimiter(lines: list[str]) -> str:
    """The separator that splits the sample's lines into the same number (more than one) of fields."""
    lines = [line for line in lines if line.strip()][:50]
    if not lines:
        return ","
    best, best_fields = "", 1
    for delimiter in DELIMITERS:
        counts = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        if len(counts) == 1 and (fields := counts.pop()) > best_fields:
            best, best_fields = delimiter, fields
    if best:
        return best
    counts = {len(line.split()) for line in lines}
    if len(counts) == 1 and counts.pop() > 1:
        return WHITESPACE
    # Ragged lines: the candidate seen most often in the first line.
    first = lines[0]
    return max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","


def looks_like_header(cells: list[str]) -> bool:
    """A header row names columns: some text with letters, and no cell that reads as a number or date."""
    filled = [cell for cell in cells if cell]
    if not filled:
        return False
    return any(any(ch.isalpha() for ch in cell) for cell in filled) and not any(
        _NUMBERISH.match(cell) for cell in filled
    )


def _is_totals(cells: list[str]) -> bool:
    first = next((cell for cell in cells if cell), "")
    return bool(_TOTALS.match(first))


def _numbered(rows: Iterator[list[str]], table: Table, start_line: int) -> Iterator[tuple[int, list[str]]]:
    line = start_line
    for cells in rows:
        line += 1
        table._rows_seen += 1
        if not any(cells):
            continue
        if _is_totals(cells):
            table.skipped_totals.append(line)
            continue
        yield line, cells


def open_csv(path: Path, *, has_header: bool | None = None) -> Table:
    raw = path.open("rb")
    sample = raw.read(SAMPLE_BYTES)
    raw.seek(0)
    encoding = sniff_encoding(sample)
    text_sample = sample.decode(encoding, errors="ignore")
    sample_lines = text_sample.splitlines()[:-1] or text_sample.splitlines()
    delimiter = sniff_delimiter(sample_lines)
    text: IO[str] = io.TextIOWrapper(raw, encoding=encoding, newline="")
    if delimiter == WHITESPACE:
        reader: Iterator[list[str]] = (line.split() for line in text)
    else:
        reader = (
            [cell.strip() for cell in row]
            for row in csv.reader(text, delimiter=delimiter, skipinitialspace=delimiter == ",")
        )
    table = Table(headers=[], rows=iter(()), encoding=encoding, delimiter=delimiter)
    table._handle, table._text, table._size = raw, text, path.stat().st_size
    skipped_blank = 0
    try:
        first = next(reader, None)
        while first is not None and not any(first):
            skipped_blank += 1
            first = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as error:
        raw.close()
        raise ValidationError.for_field(
            "file", _("The file is not readable text: %(error)s") % {"error": error}
        ) from None
    if first is None:
        raw.close()
        raise ValidationError.for_field("file", _("The file is empty."))
    table.has_header = looks_like_header(first) if has_header is None else has_header
    if table.has_header:
        table.headers = [cell or f"column {index + 1}" for index, cell in enumerate(first)]
        table.rows = _numbered(reader, table, start_line=1 + skipped_blank)
    else:
        table.headers = [f"column {index + 1}" for index in range(len(first))]
        table.rows = _numbered(_chain_first(first, reader), table, start_line=skipped_blank)
    return table


def _chain_first(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


def open_xlsx(path: Path, *, has_header: bool | None = None) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise ValidationError.for_field(
            "file", _("Not a readable XLSX file: %(error)s") % {"error": error}
        ) from None
    sheet = workbook.worksheets[0]
    table = Table(headers=[], rows=iter(()), encoding="xlsx", delimiter="")
    table._rows_total = sheet.max_row or 0

    def cells() -> Iterator[list[str]]:
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [cell_text(value) for value in row]
        finally:
            workbook.close()

    reader = cells()
    # Reports often start with a title and blank rows: look at the first rows and take as header the
    # first that is about as wide as the widest and reads as one.
    buffered: list[tuple[int, list[str]]] = []
    line = 0
    for row in reader:
        line += 1
        table._rows_seen += 1
        if any(row):
            while row and not row[-1]:
                row.pop()
            buffered.append((line, row))
            if len(buffered) >= 10:
                break
    if not buffered:
        workbook.close()
        raise ValidationError.for_field("file", _("The file is empty."))
    widest = max(sum(1 for cell in row if cell) for _line, row in buffered)
    header_at = 0
    if has_header is not False:
        header_at = next(
            (
                index
                for index, (_line, row) in enumerate(buffered)
                if sum(1 for cell in row if cell) * 10 >= widest * 6 and looks_like_header(row)
            ),
            -1,
        )
    table.has_header = header_at >= 0 if has_header is None else has_header
    if table.has_header:
        header_at = max(header_at, 0)
        first = buffered[header_at][1]
        table.headers = [cell or f"column {index + 1}" for index, cell in enumerate(first)]
        rest = [row for row_line, row in buffered[header_at + 1 :]]
        lines = [row_line for row_line, _row in buffered[header_at + 1 :]]
    else:
        table.headers = [
            f"column {index + 1}" for index in range(widest and max(len(r) for _l, r in buffered))
        ]
        rest = [row for _line, row in buffered]
        lines = [row_line for row_line, _row in buffered]
    table.rows = _buffered_then(rest, lines, reader, table, line)
    return table


def _buffered_then(
    rows: list[list[str]], lines: list[int], reader: Iterator[list[str]], table: Table, last_line: int
) -> Iterator[tuple[int, list[str]]]:
    for line, cells in zip(lines, rows, strict=True):
        if _is_totals(cells):
            table.skipped_totals.append(line)
            continue
        yield line, cells
    yield from _numbered(reader, table, start_line=last_line)


def open_table(path: Path, *, has_header: bool | None = None) -> Table:
    """Open ``path`` by its content (an XLSX file is a ZIP archive), not by its name."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        return open_xlsx(path, has_header=has_header)
    return open_csv(path, has_header=has_header)
