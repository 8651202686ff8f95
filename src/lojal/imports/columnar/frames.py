"""Import files as streamed polars batches: the same files, sniffing, header and totals rules as
lojal.imports.reading (which decides encoding, separator and header here too, from the file's first
rows), but each batch is a frame of text columns read by polars' CSV reader instead of Python lists.

A batch has the column ``line`` (the row's 1-based line in the file, counted as reading.py counts:
one per CSV record) and one text column per header, ``c0``, ``c1``, ... (headers may repeat or be
blank, so they are not column names; ``FrameSource.headers`` holds them in the same order). Cells are
stripped, never null ("" when empty or missing), and no type is inferred. Blank rows are dropped and
totals rows ("Summa", "Totalt", "I alt", "Yhteensä", ...) are dropped and their lines reported.

Cells beyond the first row's width are dropped: no header names them, so no mapping can use them."""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from lojal.core.errors import ValidationError
from lojal.imports import reading

LINE = "line"
TRANSCODE_CHUNK = 1024 * 1024
PIECE_BYTES = 2 * 1024 * 1024
_TOTALS = f"(?i){reading._TOTALS.pattern}"


def column_names(width: int) -> list[str]:
    return [f"c{index}" for index in range(width)]


@dataclass
class FrameSource:
    """An open file: its headers, what was sniffed, and its rows as frames of at most ``batch_rows``."""

    headers: list[str]
    encoding: str
    delimiter: str
    has_header: bool
    batch_rows: int
    skipped_totals: list[int] = field(default_factory=list)
    _frames: Iterator[pl.DataFrame] = field(default_factory=lambda: iter(()))
    _cleanup: list[Path] = field(default_factory=list)
    _lines_expected: float = 0.0  # a CSV file's size over the bytes per line of its first megabyte
    _last_line: int = 0
    _finished: bool = False
    _fraction_of: Callable[[], float] | None = None  # an XLSX table's own, by rows

    def fraction_done(self) -> float:
        """How far through the file reading is, 0..1, for progress: by lines against the number the
        file's size suggests for CSV (so never quite 1 until the end), by rows for XLSX."""
        if self._finished:
            return 1.0
        if self._fraction_of is not None:
            return self._fraction_of()
        if self._lines_expected:
            return min(0.99, self._last_line / self._lines_expected)
        return 0.0

    @property
    def columns(self) -> list[str]:
        return column_names(len(self.headers))

    def batches(self) -> Iterator[pl.DataFrame]:
        """The rows, batch by batch; totals rows are added to ``skipped_totals`` as they pass."""
        try:
            for frame in _readable(self._frames):
                if frame.height:
                    self._last_line = int(frame[LINE].max())  # type: ignore[arg-type]
                totals = _first_filled(self.columns).str.contains(_TOTALS).fill_null(False)
                found = frame.filter(totals)
                if found.height:
                    self.skipped_totals.extend(found[LINE].to_list())
                    frame = frame.filter(~totals)
                if frame.height:
                    yield frame
            self._finished = True
        finally:
            self.close()

    def close(self) -> None:
        for path in self._cleanup:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self._cleanup.clear()

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class UnreadableText(ValidationError):
    """Bytes past the sniffed sample that are no text in the file's encoding; ``detail`` says what."""

    def __init__(self, detail: str) -> None:
        reason = _("The file is not readable text: %(error)s") % {"error": detail}
        super().__init__(f"file: {reason}", errors={"file": [reason]})
        self.detail = detail


def _readable(frames: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    try:
        yield from frames
    except (pl.exceptions.ComputeError, UnicodeDecodeError) as error:
        raise UnreadableText(str(error).splitlines()[0]) from None


def _first_filled(columns: list[str]) -> pl.Expr:
    return pl.coalesce([pl.when(pl.col(name) != "").then(pl.col(name)) for name in columns])


def open_frames(path: Path, *, has_header: bool | None = None, batch_rows: int = 100_000) -> FrameSource:
    """Open ``path`` by its content, as reading.open_table does; raises what it raises on an empty or
    unreadable file."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        return _open_xlsx(path, has_header=has_header, batch_rows=batch_rows)
    return _open_csv(path, has_header=has_header, batch_rows=batch_rows)


def _open_csv(path: Path, *, has_header: bool | None, batch_rows: int) -> FrameSource:
    # reading.open_csv reads no further than the first record: its sniffing and header rule decide.
    with reading.open_csv(path, has_header=has_header) as table:
        source = FrameSource(
            headers=table.headers,
            encoding=table.encoding,
            delimiter=table.delimiter,
            has_header=table.has_header,
            batch_rows=batch_rows,
        )
    text_path = path
    if table.encoding not in ("utf-8", "utf-8-sig"):
        try:
            text_path = transcode_to_utf8(path, table.encoding)
        except UnicodeDecodeError as error:
            raise ValidationError.for_field(
                "file", _("The file is not readable text: %(error)s") % {"error": error}
            ) from None
        source._cleanup.append(text_path)
    source._lines_expected = _lines_expected(text_path)
    source._frames = _csv_frames(text_path, source)
    return source


def _lines_expected(path: Path) -> float:
    """The lines a file of this size holds if all are as long as those of its first megabyte."""
    with path.open("rb") as handle:
        sample = handle.read(TRANSCODE_CHUNK)
    lines = sample.count(b"\n") or 1
    return path.stat().st_size / (len(sample) / lines)


def transcode_to_utf8(path: Path, encoding: str) -> Path:
    """A temporary UTF-8 copy of ``path``, decoded a chunk at a time (never the whole file in memory)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    handle, name = tempfile.mkstemp(prefix="lojal-import-", suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out, path.open("rb") as raw:
            while chunk := raw.read(TRANSCODE_CHUNK):
                out.write(decoder.decode(chunk).encode("utf-8"))
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _csv_frames(path: Path, source: FrameSource) -> Iterator[pl.DataFrame]:
    """The file's records as frames of exactly ``source.batch_rows`` (the last one fewer), the header
    row and blank rows taken out. The file is read a few megabytes at a time, cut where a record ends,
    and each piece parsed by polars from memory: ``scan_csv`` maps the whole file into the process,
    which made its resident memory grow with the file's size."""
    columns = source.columns
    whitespace = source.delimiter == reading.WHITESPACE
    if whitespace:
        # Runs of spaces: each line is one field, split below (polars splits on one byte only).
        schema = {"raw": pl.String}
        separator, quote = "\x1f", None
    else:
        schema = dict.fromkeys(columns, pl.String)
        separator, quote = source.delimiter, '"'
    header_pending = source.has_header
    size = source.batch_rows
    pending: list[pl.DataFrame] = []
    held = 0
    records = 0
    for piece in _record_pieces(path, quoted=quote is not None):
        read = pl.read_csv(
            piece,
            has_header=False,
            separator=separator,
            quote_char=quote,
            schema=schema,
            infer_schema=False,
            empty_string_is_null=False,
            truncate_ragged_lines=True,
            # A piece may begin with a short or a long row: the schema, not its first row, sets the width.
            missing_columns="insert",
            extra_columns="ignore",
            row_index_name=LINE,
            row_index_offset=records + 1,
            encoding="utf8",
        )
        records += read.height
        if whitespace:
            fields = pl.col("raw").str.extract_all(r"\S+")
            read = read.select(
                LINE,
                *(fields.list.get(index, null_on_oob=True).alias(name) for index, name in enumerate(columns)),
            )
        frame = read.select(
            pl.col(LINE).cast(pl.Int64), *(pl.col(name).fill_null("").str.strip_chars() for name in columns)
        ).filter(pl.any_horizontal([pl.col(name) != "" for name in columns]))
        if header_pending and frame.height:
            frame, header_pending = frame.slice(1), False
        pending.append(frame)
        held += frame.height
        while held >= size:
            joined = pl.concat(pending) if len(pending) > 1 else pending[0]
            yield joined.slice(0, size)
            rest = joined.slice(size)
            pending, held = [rest], rest.height
    if held:
        yield pl.concat(pending) if len(pending) > 1 else pending[0]


def _record_pieces(path: Path, *, quoted: bool) -> Iterator[bytes]:
    """The UTF-8 file in pieces of about :data:`PIECE_BYTES`, each ending where a record ends: at a line
    break outside quotes (an even number of quote marks before it, as a doubled quote inside a quoted
    cell counts two). A piece that has no such line break is read on until one comes."""
    carried = b""
    with path.open("rb") as handle:
        first = True
        while chunk := handle.read(PIECE_BYTES):
            if first and chunk.startswith(codecs.BOM_UTF8):
                chunk = chunk[len(codecs.BOM_UTF8) :]
            first = False
            data = carried + chunk
            cut = _record_end(data, quoted=quoted)
            if cut < 0:
                carried = data
                continue
            yield data[: cut + 1]
            carried = data[cut + 1 :]
    if carried:
        yield carried


def _record_end(data: bytes, *, quoted: bool) -> int:
    """The position of the last line break in ``data`` that ends a record, or -1."""
    at = data.rfind(b"\n")
    if not quoted:
        return at
    quotes = data.count(b'"')
    while at >= 0:
        if (quotes - data.count(b'"', at)) % 2 == 0:
            return at
        at = data.rfind(b"\n", 0, at)
    return -1


def _open_xlsx(path: Path, *, has_header: bool | None, batch_rows: int) -> FrameSource:
    """XLSX through reading.open_xlsx (openpyxl, read-only: one row at a time, title rows above the
    header skipped), gathered into frames of the same shape as a CSV file's."""
    table = reading.open_xlsx(path, has_header=has_header)
    source = FrameSource(
        headers=table.headers,
        encoding=table.encoding,
        delimiter=table.delimiter,
        has_header=table.has_header,
        batch_rows=batch_rows,
    )
    # The table skips totals rows itself; the source reports what the table found.
    source.skipped_totals = table.skipped_totals
    source._fraction_of = table.fraction_done

    def frames() -> Iterator[pl.DataFrame]:
        width = len(source.headers)
        columns = source.columns
        try:
            lines: list[int] = []
            cells: list[list[str]] = [[] for _ in range(width)]
            for line, row in table.rows:
                lines.append(line)
                for index in range(width):
                    cells[index].append(row[index] if index < len(row) else "")
                if len(lines) == batch_rows:
                    yield _frame(lines, cells, columns)
                    lines, cells = [], [[] for _ in range(width)]
            if lines:
                yield _frame(lines, cells, columns)
        finally:
            table.close()

    source._frames = frames()
    return source


def _frame(lines: list[int], cells: list[list[str]], columns: list[str]) -> pl.DataFrame:
    data: dict[str, pl.Series] = {LINE: pl.Series(LINE, lines, dtype=pl.Int64)}
    for name, values in zip(columns, cells, strict=True):
        data[name] = pl.Series(name, values, dtype=pl.String)
    return pl.DataFrame(data)
