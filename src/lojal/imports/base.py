"""What every kind of import shares: the row mapping, hashing, rejections, and the customer reference
that transactions and holdings rows carry (source id, customer number, national number or email)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from psycopg import sql

from lojal.core.bulk import bulk_insert
from lojal.core.contact_points import email_normalise
from lojal.core.errors import ValidationError
from lojal.core.nordic_ids import national_id_parse
from lojal.customers.models import Customer, EmailAddress
from lojal.imports.mapping import ATTRIBUTE, IGNORE
from lojal.imports.models import ImportJob, ImportRejection
from lojal.sales.models import CustomerSourceKey

Row = tuple[int, list[str]]
# Service field names as the file's columns are called in a customers import.
_FILE_FIELD = {"emails": "email", "phones": "phone", "national_id_country": "country"}
REJECTION_COLUMNS = ("job_id", "line", "field", "reason", "value")


def rows_with_keys(statement: str, params: list[Any], keys: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run ``statement`` whose ``{keys}`` stands for a set of many keys passed as one parameter (text
    keys as one text split by the server on PostgreSQL, numbers as an array; a JSON array on SQLite):
    no per-key placeholders to build or plan. The keys are a set joined to the table, so its index is
    used however many there are."""
    if not keys:
        return []
    value: Any
    if connection.vendor == "postgresql" and not all(isinstance(key, str) for key in keys):
        key_set, value = "(SELECT unnest(%s))", list(keys)
    elif connection.vendor == "postgresql":
        joined = "\x1f".join(keys)
        if joined.count("\x1f") == len(keys) - 1:
            # One text to send, split by the server: dumping a list of thousands of strings as an
            # array costs the client more than the query.
            key_set, value = "(SELECT unnest(string_to_array(%s, chr(31))))", joined
        else:
            key_set, value = "(SELECT unnest(%s::text[]))", list(keys)
    else:
        key_set, value = "(SELECT value FROM json_each(%s))", json.dumps(list(keys))
    text = sql.SQL(statement).format(keys=sql.SQL(key_set)).as_string()
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(text, [*params, value])
            return cursor.fetchall()
        # Planned for each batch's keys, never as a prepared generic plan: this runs once per 5,000
        # rows, so planning costs nothing, and a generic plan can miss the partial index.
        server = connection.connection
        threshold, server.prepare_threshold = server.prepare_threshold, None
        try:
            cursor.execute(text, [*params, value])
        finally:
            server.prepare_threshold = threshold
        return cursor.fetchall()


@dataclass
class Mapped:
    line: int
    values: dict[str, str]
    attributes: dict[str, str]
    row_hash: str


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


class Importer:
    """One kind of import. ``check`` takes a batch of rows and stages or rejects each; ``apply``
    writes what was staged, inside the commit's transaction."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.counts = Counts()
        self.columns: list[tuple[int, str]] = []
        self.attribute_columns: list[tuple[int, str]] = []
        for index, header in enumerate(job.headers):
            name = job.mapping.get(header, IGNORE)
            if name == ATTRIBUTE:
                self.attribute_columns.append((index, header))
            elif name != IGNORE:
                self.columns.append((index, name))
        self.mapped_fields = {name for _index, name in self.columns}
        self._rejections: list[tuple[Any, ...]] = []
        self._rejected_lines: set[int] = set()

    def map(self, row: Row) -> Mapped:
        line, cells = row
        width = len(cells)
        values = {name: cells[index] if index < width else "" for index, name in self.columns}
        attributes = {
            header: cells[index] for index, header in self.attribute_columns if index < width and cells[index]
        }
        digest = hashlib.md5(
            "\x1f".join([*values.values(), *attributes.values(), self.job.default_currency]).encode(),
            usedforsecurity=False,
        ).hexdigest()
        return Mapped(line=line, values=values, attributes=attributes, row_hash=digest)

    def map_rows(self, rows: Sequence[Row]) -> list[Mapped]:
        """The rows mapped to fields; a row with a NUL character (never valid text) is rejected."""
        mapped_rows = []
        for row in rows:
            mapped = self.map(row)
            if "\x00" in "".join(row[1]):
                bad = next((name for name, value in mapped.values.items() if "\x00" in value), "attributes")
                if bad == "attributes" and not any("\x00" in v for v in mapped.attributes.values()):
                    mapped_rows.append(mapped)  # the NUL is in a column the import ignores
                    continue
                self.reject(mapped.line, bad, _("Contains a NUL character, which is never valid."))
                continue
            mapped_rows.append(mapped)
        return mapped_rows

    def reject(self, line: int, field: str, reason: str, value: Any = "") -> None:
        self._rejections.append((self.job.pk, line, field[:60], str(reason)[:300], str(value or "")[:200]))
        if line not in self._rejected_lines:
            self._rejected_lines.add(line)
            self.counts.rejected += 1

    def seen_or_unchanged(
        self,
        mapped: Mapped,
        key: str,
        earlier: dict[str, int],
        stored: dict[str, tuple[Any, str]],
        duplicate: str,
    ) -> bool:
        """True when the row needs no more work: its id was on an earlier line of the file (rejected
        with ``duplicate``, which names that line as ``%(line)d``) or its content is unchanged since the
        last import (counted). Otherwise remembers the id's line and returns False."""
        if key in earlier:
            self.reject(mapped.line, "external_id", duplicate % {"line": earlier[key]}, key)
            return True
        earlier[key] = mapped.line
        found = stored.get(key)
        if found is not None and found[1] == mapped.row_hash:
            self.counts.unchanged += 1
            return True
        return False

    def reject_errors(self, line: int, error: ValidationError, values: dict[str, str]) -> None:
        for name, reasons in error.errors.items():
            field = _FILE_FIELD.get(name.split("[")[0].split(".")[0], name.split(".")[-1])
            for reason in reasons:
                self.reject(line, field, reason, values.get(field, ""))

    def flush_rejections(self) -> None:
        # Stored in file order (a batch finds duplicates before bad values), so reading by id is by line.
        self._rejections.sort(key=lambda rejection: rejection[1])
        bulk_insert(ImportRejection, REJECTION_COLUMNS, self._rejections)
        self._rejections = []
        self._rejected_lines = set()

    #: Whether :meth:`prepare` may run in the file reader's thread, on a connection of its own, while
    #: the previous batch is checked (it reads only committed data: what earlier imports stored).
    prepares_ahead = False

    def prepare(self, rows: Sequence[Row]) -> Any:
        """Work on a batch that needs no result of the batches before it; given to :meth:`check`."""
        return None

    #: Whether the check reads the file as polars frames (:mod:`lojal.imports.columnar.frames`: a
    #: ``line`` column and the cells as text columns ``c0``, ``c1``, ...) rather than as rows of cells;
    #: then :meth:`prepare_frame` and :meth:`check_frame` take the batches.
    reads_frames = False

    def prepare_frame(self, frame: Any) -> Any:
        """As :meth:`prepare`, for an importer that :attr:`reads_frames`."""
        return None

    def check_frame(self, frame: Any, prepared: Any = None) -> None:
        """As :meth:`check`, for an importer that :attr:`reads_frames`."""
        raise NotImplementedError

    def check(self, rows: Sequence[Row], prepared: Any = None) -> None:
        """Stage or reject each row of a batch; ``prepared`` is what :meth:`prepare` gave for it, when
        it ran ahead in the reader's thread (else the check prepares the batch itself)."""
        raise NotImplementedError

    def apply(self, actor: Any) -> None:
        raise NotImplementedError

    def report(self) -> dict[str, Any]:
        """What the dry run tells besides counts and rejections (new products, say), for the job."""
        return (
            {"attribute_columns": [h for _i, h in self.attribute_columns]} if self.attribute_columns else {}
        )


@dataclass
class CustomerResolver:
    """Finds the customers a batch of rows refers to, with one query per kind of reference."""

    source: str
    fields: set[str]
    found: dict[tuple[str, str], int | None] = field(default_factory=dict)

    def keys(self, values: dict[str, str]) -> list[tuple[str, str]]:
        """The references a row gives, most specific first."""
        keys: list[tuple[str, str]] = []
        for name in ("customer_external_id", "customer_number", "customer_national_id", "customer_email"):
            if name in self.fields and (value := values.get(name, "")):
                keys.append((name, value))
        return keys

    def load(self, rows: Iterable[dict[str, str]]) -> None:
        wanted: dict[str, set[str]] = {}
        for values in rows:
            for name, value in self.keys(values):
                wanted.setdefault(name, set()).add(value)
        self.load_wanted(wanted)

    def load_wanted(self, wanted: dict[str, set[str]]) -> None:
        """Look up the customers behind each kind of reference (field name -> the values seen)."""
        self.found = self.lookup(wanted)

    def lookup(self, wanted: dict[str, set[str]]) -> dict[tuple[str, str], int | None]:
        """(field, value) -> customer id (None: several customers have that email) for the references
        found; touches no state, so it may run in another thread."""
        found: dict[tuple[str, str], int | None] = {}
        if ids := wanted.get("customer_external_id"):
            keys_table, customers_table = CustomerSourceKey._meta.db_table, Customer._meta.db_table
            for external_id, customer_id in rows_with_keys(
                f"SELECT k.external_id, k.customer_id FROM {keys_table} k JOIN {customers_table} c "
                "ON c.id = k.customer_id AND c.deleted_at IS NULL "
                "WHERE k.source = %s AND k.external_id IN {keys}",
                [self.source],
                sorted(ids),
            ):
                found[("customer_external_id", external_id)] = customer_id
        if numbers := wanted.get("customer_number"):
            as_int = {text: int(text) for text in numbers if text.isdigit() and len(text) < 18}
            by_number = dict(
                Customer.objects.live()
                .filter(customer_number__in=as_int.values())
                .values_list("customer_number", "pk")
            )
            for text, number in as_int.items():
                if number in by_number:
                    found[("customer_number", text)] = by_number[number]
        if national := wanted.get("customer_national_id"):
            compact: dict[str, str] = {}
            for text in national:
                for holder in ("person", "organisation"):
                    try:
                        compact[text] = national_id_parse(
                            country=settings.DEFAULT_COUNTRY,
                            holder=holder,
                            value=text,
                        ).compact
                        break
                    except ValidationError:
                        continue
            by_id = dict(
                Customer.objects.live()
                .filter(national_id__in=set(compact.values()))
                .values_list("national_id", "pk")
            )
            for text, compact_id in compact.items():
                if compact_id in by_id:
                    found[("customer_national_id", text)] = by_id[compact_id]
        if emails := wanted.get("customer_email"):
            normal = {}
            for text in emails:
                try:
                    normal[text] = email_normalise(text)
                except ValidationError:
                    continue
            owners: dict[str, set[int]] = {}
            for address, customer_id in (
                EmailAddress.objects.of_live_customers()
                .filter(address__in=set(normal.values()))
                .values_list("address", "customer_id")
            ):
                owners.setdefault(address, set()).add(customer_id)
            for text, address in normal.items():
                if address in owners:
                    ids_found = owners[address]
                    found[("customer_email", text)] = next(iter(ids_found)) if len(ids_found) == 1 else None
        return found

    def resolve(self, values: dict[str, str]) -> tuple[int | None, str, str]:
        """(customer id, field, reason when not found)."""
        keys = self.keys(values)
        if not keys:
            return None, "customer", _("No customer is given on this row.")
        for key in keys:
            if key in self.found:
                customer_id = self.found[key]
                if customer_id is None:
                    return None, key[0], _("Several customers have this email; give a customer id or number.")
                return customer_id, key[0], ""
        return None, keys[0][0], _("No customer with %(value)s.") % {"value": keys[0][1]}
