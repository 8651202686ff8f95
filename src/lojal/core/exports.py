"""A list view as a CSV or XLSX file. Any list (customers, products, the audit log) exports by registering
a *source*: a function that reads the list's query string (filters, sort, ``columns``) for a user and
returns an :class:`ExportPlan`, its columns and its rows in keyset batches. This module writes the
files: CSV streamed as it is made (UTF-8 with a byte-order mark, semicolons, as the GDPR export, so
Excel in the Nordic countries opens it with a double click) and XLSX through openpyxl's write-only
workbook (rows go to a temporary file as they are written; memory stays flat however long the list).

Exports carry personal data: each is recorded in the audit log (who, which list, filters, columns,
rows) before the first row leaves, and the pages allow them only to roles with ``list.export``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from lojal.core.audit import audit_read
from lojal.core.errors import ValidationError

CSV_DELIMITER = ";"
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Rows read from the database per query.
BATCH_ROWS = 2000
#: Text a spreadsheet would run as a formula when the CSV is opened ("=HYPERLINK(...)", "@SUM(...)"):
#: such a cell is written with a leading apostrophe. A phone number ("+46 70 ...") or a negative
#: number is left alone.
_FORMULA_START = re.compile(r"^[=@\t\r]|^[+-](?![\d ().-]*$)")
#: Control characters an XLSX cell cannot hold (XML 1.0).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    """One column of an export: its key in the query string's ``columns``, its heading, and how a
    row's value is read (by default ``row[key]``)."""

    key: str
    label: str | Promise
    value: Callable[[Row], Any] | None = None

    def read(self, row: Row) -> Any:
        return self.value(row) if self.value is not None else row.get(self.key)


@dataclass
class ExportPlan:
    """What one export writes: a file name stem, the chosen columns, how many rows, the rows in
    batches (a generator function, so that it can be started when the file is written), and what the
    audit log says about the request (filters and sort, as given)."""

    source: str
    columns: Sequence[Column]
    total: int
    batches: Callable[[], Iterator[Sequence[Row]]]
    described: dict[str, Any] = field(default_factory=dict)
    #: What the audit log names as the object exported ("customers.customer").
    object_type: str = ""


Builder = Callable[[Mapping[str, Any], Any], ExportPlan]
_SOURCES: dict[str, Builder] = {}


def export_source_register(key: str, builder: Builder) -> None:
    """Declare a list that can be exported (from the owning app's AppConfig.ready): ``builder(params,
    user)`` reads the list's query string for ``user`` and returns the plan, or raises ValidationError."""
    _SOURCES[key] = builder


def export_plan(*, source: str, params: Mapping[str, Any], user: Any) -> ExportPlan:
    builder = _SOURCES.get(source)
    if builder is None:
        raise ValidationError.for_field("source", _("This list cannot be exported."))
    return builder(params, user)


def file_format(params: Mapping[str, Any]) -> str:
    value = str(params.get("format", "csv") or "csv").lower()
    if value not in FORMATS:
        raise ValidationError.for_field(
            "format", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(FORMATS)}
        )
    return value


def columns_chosen(
    params: Mapping[str, Any], *, available: Sequence[Column], default: Sequence[str]
) -> list[Column]:
    """The columns named by ``columns`` (comma-separated, in the order given), or ``default``; an
    unknown name is refused, naming it and what exists."""
    raw = params.get("columns", "")
    names = [name.strip() for name in str(raw or "").split(",") if name.strip()] or list(default)
    by_key = {column.key: column for column in available}
    unknown = [name for name in names if name not in by_key]
    if unknown:
        raise ValidationError.for_field(
            "columns",
            _("Unknown column %(names)s; the columns are: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(by_key)},
        )
    return [by_key[name] for name in dict.fromkeys(names)]


def file_name(plan: ExportPlan, fmt: str, *, now: dt.datetime | None = None) -> str:
    moment = timezone.localtime(now or timezone.now())
    return f"{plan.source}-{moment:%Y%m%d-%H%M}.{fmt}"


def export_audit(*, plan: ExportPlan, fmt: str, actor: Any, job_id: int | None = None) -> None:
    """Record that ``actor`` exported ``plan``: which list, format, filters, columns and how many rows."""
    details: dict[str, Any] = {
        "format": fmt,
        "filters": plan.described,
        "columns": [column.key for column in plan.columns],
        "rows": plan.total,
    }
    if job_id is not None:
        details["job"] = job_id
    audit_read(
        actor=actor,
        action="export",
        object_type=plan.object_type or plan.source,
        object_id="list",
        label=_("%(source)s list export") % {"source": plan.source},
        details=details,
    )


def _text(value: Any) -> Any:
    """A value as a cell holds it: lists joined, times in the local zone, everything else as is."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, Promise):
        return str(value)
    return value


def _csv_cell(value: Any) -> str:
    value = _text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | Decimal | int | float):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    text = str(value)
    return f"'{text}" if _FORMULA_START.match(text) else text


def _xlsx_cell(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def csv_stream(plan: ExportPlan, *, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The CSV file as chunks of bytes, one per batch of rows: the byte-order mark and the heading
    first, so a download starts before the first query's rows are read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in plan.columns])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    done = 0
    for batch in plan.batches():
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_cell(column.read(row)) for column in plan.columns] for row in batch)
        done += len(batch)
        if progress is not None:
            progress(done)
        yield buffer.getvalue().encode("utf-8")


def csv_write(plan: ExportPlan, target: IO[bytes], *, progress: Callable[[int], None] | None = None) -> None:
    for chunk in csv_stream(plan, progress=progress):
        target.write(chunk)


def xlsx_write(
    plan: ExportPlan, target: IO[bytes] | Path, *, progress: Callable[[int], None] | None = None
) -> None:
    """The XLSX file, one sheet, through openpyxl's write-only workbook: each row is written to the
    sheet's temporary file as it comes, strings inline (no shared-strings table growing in memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=plan.source[:31])
    bold = Font(bold=True)
    heading = []
    for column in plan.columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    sheet.freeze_panes = "A2"
    done = 0
    for batch in plan.batches():
        for row in batch:
            sheet.append([_xlsx_cell(column.read(row)) for column in plan.columns])
        done += len(batch)
        if progress is not None:
            progress(done)
    workbook.save(target)
