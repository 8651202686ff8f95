"""A list view as a CSV or XLSX file. Any list (customers, products, the audit log) exports by registering
a *source*: a function that reads the list's query string (filters, sort, ``columns``) for a user and
returns an :class:`ExportPlan`, its columns and its rows in keyset batches. This module writes the
files: CSV streamed as it is made (UTF-8 with a byte-order mark, semicolons, as the GDPR export, so
Excel in the Nordic countries opens it with a double click) and XLSX through
XlsxWriter in constant-memory mode (rows go to a temporary file as they are written; memory stays flat
however long the list).

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
#: The rows an XLSX sheet holds below its heading (Excel's limit is 1,048,576 including it).
XLSX_MAX_ROWS = 1_048_575
#: Rows read from the database per query.
BATCH_ROWS = 2000
#: Text a spreadsheet would run as a formula when the CSV is opened ("=HYPERLINK(...)", "@SUM(...)"):
#: such a cell is written with a leading apostrophe. A phone number ("+46 70 ...") or a negative
#: number is left alone.
_FORMULA_START = re.compile(r"^[=@\t\r]|^[+-](?![\d ().-]*$)")
_RISKY_FIRST = frozenset("=@\t\r+-")
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
    # Text and whole numbers, nearly every cell, take the first two branches.
    kind = type(value)
    if kind is str:
        return f"'{value}" if value[:1] in _RISKY_FIRST and _FORMULA_START.match(value) else value
    if kind is int:
        return str(value)
    value = _text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return str(value)
    text = str(value)
    return f"'{text}" if _FORMULA_START.match(text) else text


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
    """The XLSX file, one sheet, through XlsxWriter in constant-memory mode: each row goes to the
    sheet's temporary file as it is written, strings inline (no shared-strings table growing in
    memory), and the file is zipped at the end. Numbers, dates and times are typed cells; text is never
    read as a formula, a number or a link."""
    import xlsxwriter

    if plan.total > XLSX_MAX_ROWS:
        raise ValidationError.for_field("format", xlsx_too_long())
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet(plan.source[:31])
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(plan.columns):
        sheet.write_string(0, index, str(column.label), bold)
    line, done = 1, 0
    for batch in plan.batches():
        for row in batch:
            for index, column in enumerate(plan.columns):
                value = column.read(row)
                kind = type(value)
                if kind is str:
                    if value:
                        sheet.write_string(line, index, _XML_ILLEGAL.sub("\ufffd", value))
                elif kind is int or kind is float:
                    sheet.write_number(line, index, value)
                elif value is not None:
                    _xlsx_other(sheet, line, index, _text(value), day, moment)
            line += 1
        done += len(batch)
        if progress is not None:
            progress(done)
    workbook.close()


def _xlsx_other(sheet: Any, line: int, index: int, value: Any, day: Any, moment: Any) -> None:
    if isinstance(value, bool):
        sheet.write_boolean(line, index, value)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(line, index, value.replace(tzinfo=None), moment)
    elif isinstance(value, dt.date):
        sheet.write_datetime(line, index, value, day)
    elif isinstance(value, Decimal) and Decimal(repr(float(value))) == value:
        sheet.write_number(line, index, float(value))
    elif value is not None and value != "":
        # A Decimal a spreadsheet's binary number cannot hold exactly stays text, never rounded.
        sheet.write_string(line, index, _XML_ILLEGAL.sub("\ufffd", str(value)))


def xlsx_too_long() -> str:
    return _("An XLSX sheet holds at most %(max)s rows: narrow the list or export CSV.") % {
        "max": f"{XLSX_MAX_ROWS:,}"
    }
