"""The right of access (GDPR article 15): everything Lojal holds about one person in one zip archive,
``customer.json`` with every section, one CSV per section for spreadsheets, the raw emails and
attachments as files, and a README.txt saying what is where. Written to a temporary file (spooled
to disk past a few megabytes), never held whole in memory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from lojal.core.audit import audit_record
from lojal.core.data_subject import DataSubject, ExportSection, audit_entries_about
from lojal.customers import privacy as customers_privacy
from lojal.customers import selectors as customer_selectors
from lojal.privacy.sections import EXPORT_SECTIONS

#: Past this size the archive moves from memory to a temporary file on disk.
SPOOL_BYTES = 8 * 1024 * 1024
#: Excel in the Nordic countries reads a semicolon-separated file with a byte-order mark as UTF-8
#: columns when opened with a double click (the comma is their decimal separator).
CSV_DELIMITER = ";"
AUDIT_COLUMNS = ("occurred_at", "actor", "action", "object_type", "object_id", "object_label", "changes")


@dataclass
class ExportArchive:
    """The archive of one person's data: an open binary file at its start, and the name to give it."""

    file: IO[bytes]
    filename: str
    size: int
    counts: dict[str, int]


def _audit_rows(subject: DataSubject) -> Iterator[dict[str, Any]]:
    entries = audit_entries_about(
        object_type="customers.customer", object_ids=[str(pk) for pk in subject.customer_ids]
    )
    for entry in entries.iterator(chunk_size=2000):
        yield {
            "occurred_at": entry.occurred_at,
            "actor": str(entry.actor) if entry.actor_id else "",
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_label": entry.object_label,
            "changes": entry.changes,
        }


def export_sections(subject: DataSubject, *, actor: Any) -> list[ExportSection]:
    """Every app's sections for ``subject``, then the audit log's entries about the person."""
    sections = [section for provide in EXPORT_SECTIONS for section in provide(subject, actor=actor)]
    sections.append(
        ExportSection(
            name="audit_entries",
            title="Who created, changed, merged, exported or erased the record, and when",
            columns=AUDIT_COLUMNS,
            rows=lambda: _audit_rows(subject),
        )
    )
    return sections


def _scalar_text(value: Any) -> str | None:
    """A date, time or amount as text, the same in the JSON and the CSV files (None: not one of those)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return None


class _Encoder(DjangoJSONEncoder):
    """Dates as ISO 8601, amounts as exact decimal text, bytes (never expected) as a length note."""

    def default(self, o: Any) -> Any:
        if (text := _scalar_text(o)) is not None:
            return text
        if isinstance(o, bytes | memoryview):
            return f"({len(o)} bytes)"
        return super().default(o)


_ENCODER = _Encoder(ensure_ascii=False)


def _json(value: Any) -> str:
    return _ENCODER.encode(value)


def _cell(value: Any) -> str:
    """One CSV cell: text as is, dates ISO 8601, amounts exact, lists and objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if (text := _scalar_text(value)) is not None:
        return text
    return _json(value)


def _write_json(
    archive: zipfile.ZipFile, sections: list[ExportSection], meta: dict[str, Any]
) -> dict[str, int]:
    """``customer.json``, written section by section and row by row into the archive."""
    counts: dict[str, int] = {}
    with archive.open("customer.json", "w", force_zip64=True) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        out.write("{\n" + f'"export": {_json(meta)}')
        for section in sections:
            out.write(f",\n{_json(section.name)}: ")
            counts[section.name] = 0
            if section.single:
                rows = list(section.rows())
                out.write(_json(rows[0] if rows else None))
                counts[section.name] = len(rows)
                continue
            out.write("[")
            for row in section.rows():
                out.write(("\n  " if counts[section.name] == 0 else ",\n  ") + _json(row))
                counts[section.name] += 1
            out.write("\n]" if counts[section.name] else "]")
        out.write("\n}\n")
        out.flush()
        out.detach()
    return counts


def _write_csv(archive: zipfile.ZipFile, section: ExportSection) -> None:
    with archive.open(f"csv/{section.name}.csv", "w", force_zip64=True) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
        writer.writerow(section.columns)
        for row in section.rows():
            writer.writerow([_cell(row.get(column)) for column in section.columns])
        out.flush()
        out.detach()


def _readme(
    subject: DataSubject, sections: list[ExportSection], counts: dict[str, int], meta: dict[str, Any]
) -> str:
    lines = [
        "Everything Lojal holds about one person (GDPR article 15, right of access)",
        "",
        f"Customer id: {subject.customer_id}",
        f"Made: {meta['made_at']}",
        "",
        "customer.json   every section below in one JSON document (UTF-8); dates in ISO 8601 (UTC),",
        "                amounts as exact decimal text",
        "csv/<name>.csv  the same data, one file per section: UTF-8 with a byte-order mark, columns",
        f"                separated by a semicolon ({CSV_DELIMITER!r}), lists and objects as JSON text",
        "files/          raw emails as received (message.eml) and attachments, by interaction id",
        "",
        "Sections:",
    ]
    for section in sections:
        lines.append(f"  {section.name:<18} {counts.get(section.name, 0):>7}  {section.title}")
        if section.notes:
            lines.append(f"  {'':<18} {'':>7}  {section.notes}")
    return "\n".join(lines) + "\n"


def customer_export(*, customer_id: int, actor: Any) -> ExportArchive:
    """One zip archive of everything about the customer (and the records merged into it); recorded
    in the audit log as ``customer.exported`` with what it held."""
    subject = customers_privacy.data_subject(customer_id=customer_id)
    customer = customer_selectors.customer_record(customer_id=customer_id)
    sections = export_sections(subject, actor=actor)
    made_at = timezone.now()
    meta = {
        "customer_id": customer_id,
        "made_at": made_at,
        "made_by": str(actor) if getattr(actor, "pk", None) else "",
        "format": "lojal-gdpr-export/1",
    }
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (handed to the caller)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        counts = _write_json(archive, sections, meta)
        for section in sections:
            _write_csv(archive, section)
        files = 0
        for section in sections:
            for exported in section.files() if section.files else ():
                archive.writestr(exported.path, exported.content)
                files += 1
        counts["files"] = files
        archive.writestr("README.txt", _readme(subject, sections, counts, meta))
    size = spool.tell()
    spool.seek(0)
    audit_record(actor=actor, action="customer.exported", obj=customer, changes={"counts": counts})
    return ExportArchive(
        file=spool,
        filename=f"customer-{customer.customer_number}-{made_at:%Y%m%d}.zip",
        size=size,
        counts=counts,
    )
