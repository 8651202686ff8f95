"""The transaction check on columns: each batch is a polars frame from ``columnar.frames.open_frames``.
The content hash is an expression; stored rows are found by an anti-join of (external id, hash)
against the stored keys of the batch's ids (never all stored keys at once); duplicates inside the
file by a window over the batch and a look-up of the ids staged by earlier batches; customers are
resolved with one query per kind of reference per batch; values are typed as columns
(``columnar.transaction_rows.typed_rows``), and only the rows the columns could not type go through
the row-by-row ``RowTyping._parse``, so every rejection names line, field, value and reason as before.
The batch is staged as one frame (COPY on PostgreSQL).

A row whose (source, external id) is already stored with the same content hash is unchanged and is
neither typed nor staged, which is what makes the nightly re-import of a full ERP file cheap."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from lojal.core.frames import frame_insert
from lojal.imports.base import CustomerResolver, Row, rows_with_keys
from lojal.imports.columnar.frames import LINE, column_names
from lojal.imports.columnar.transaction_rows import TYPED, TYPED_SCHEMA, typed_rows
from lojal.imports.columnar.values import row_hash_expr
from lojal.imports.models import ImportJob, RowOccurrence, StagedTransaction
from lojal.imports.transactions.commit import WRITTEN, transactions_apply
from lojal.imports.transactions.rows import RowTyping
from lojal.imports.transactions.words import CURRENCIES, channel_of, currency_of, kind_of
from lojal.imports.values import number_locale
from lojal.sales.models import Product, Transaction

STAGED_COLUMNS = (
    "job_id",
    "line",
    "action",
    "target_id",
    *WRITTEN,
    "product_code",  # staging only: a new article's code, for the commit to make its stub product
    "product_name",  # staging only: the name that stub gets (the file's first description of the code)
)
REPORT_CODES = 100  # new article codes named in the report; the count covers them all
REFERENCE_FIELDS = ("customer_external_id", "customer_number", "customer_national_id", "customer_email")
_KEY, _HASH, _TARGET, _STORED_HASH, _NUL = "_key", "_row_hash", "_target_id", "_stored_hash", "_nul"


@dataclass
class Prepared:
    """A batch as :meth:`TransactionImporter.prepare_frame` leaves it for the check: the mapped cells
    named by field, the content hash and, with an id column, the stored id and hash of each row's id
    and the customers of the rows that are not stored unchanged."""

    rows: pl.DataFrame
    customers: dict[tuple[str, str], int | None] | None = None


class TransactionImporter(RowTyping):
    """The check is the hot path of a large import; the preparation (hash, stored keys, customers)
    reads only what earlier imports stored, so it runs ahead in the reader's thread."""

    prepares_ahead = True
    reads_frames = True

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.source = job.source
        self.resolver = CustomerResolver(source=job.source, fields=self.mapped_fields)
        self.products = dict(Product.objects.values_list("code", "pk"))
        self.zone_name = settings.TIME_ZONE
        self.number_locale = number_locale(job.number_locale)
        self.new_products: dict[str, None] = {}  # article codes new to the catalogue, in file order
        self.product_names: dict[str, str] = {}  # a new code's first description in the file
        self.position = {name: place for place, (_index, name) in enumerate(self.columns)}
        self.references = [(name, self.position[name]) for name in REFERENCE_FIELDS if name in self.position]
        self.fields = [name for _index, name in self.columns]
        self.attribute_names = [f"_attribute{place}" for place in range(len(self.attribute_columns))]
        self.has_ids = "external_id" in self.position

    # -- preparing a batch (may run in the reader's thread: it touches no state of the check) --------

    def prepare_frame(self, frame: pl.DataFrame) -> Prepared:
        present = set(frame.columns)

        def cell(index: int) -> pl.Expr:
            name = f"c{index}"
            return pl.col(name) if name in present else pl.lit("")

        cells = [cell(index).alias(name) for index, name in self.columns]
        attributes = [
            cell(index).alias(name)
            for (index, _header), name in zip(self.attribute_columns, self.attribute_names, strict=True)
        ]
        read = frame.select(LINE, *cells, *attributes)
        nul = pl.any_horizontal(
            [
                pl.col(name).str.contains("\x00", literal=True)
                for name in [*self.fields, *self.attribute_names]
            ]
        )
        rows = read.with_columns(
            row_hash_expr(
                self.fields, optional=self.attribute_names, suffix="\x1f" + self.job.default_currency
            ).alias(_HASH),
            nul.alias(_NUL),
        )
        if not self.has_ids:
            return Prepared(rows)
        rows = self._with_stored(rows.with_columns(pl.col("external_id").alias(_KEY)))
        changed = rows.filter(
            ~pl.col(_NUL) & (pl.col(_STORED_HASH).is_null() | (pl.col(_STORED_HASH) != pl.col(_HASH)))
        )
        return Prepared(rows, self.resolver.lookup(self._wanted(changed)))

    def _with_stored(self, rows: pl.DataFrame) -> pl.DataFrame:
        """``rows`` with the id and content hash stored for each row's id in this source (null: new)."""
        # A row with a NUL character is rejected, never looked up (no database text holds one).
        looked_up = (pl.col(_KEY) != "") & (pl.col(_KEY).str.len_chars() <= 100) & ~pl.col(_NUL)
        keys = rows.filter(looked_up)[_KEY].unique()
        stored = rows_with_keys(
            f"SELECT external_id, id, row_hash FROM {Transaction._meta.db_table} "
            "WHERE source = %s AND NOT (external_id = '') AND external_id IN {keys}",
            [self.source],
            keys.to_list(),
        )
        found = pl.DataFrame(
            stored,
            schema={_KEY: pl.String, _TARGET: pl.Int64, _STORED_HASH: pl.String},
            orient="row",
        )
        return rows.join(found, on=_KEY, how="left", maintain_order="left")

    def _wanted(self, rows: pl.DataFrame) -> dict[str, set[str]]:
        """Per customer reference field, the values ``rows`` give."""
        return {
            name: set(rows[name].unique().to_list()) - {""} for name, _at in self.references if rows.height
        }

    # -- the check ------------------------------------------------------------------------------------

    def check(self, rows: Sequence[Row], prepared: Any = None) -> None:
        """Rows as lists of cells (the shared interface) are checked as one frame."""
        width = len(self.job.headers)
        columns: list[list[str]] = [[] for _ in range(width)]
        for _line, cells in rows:
            for index in range(width):
                columns[index].append(cells[index] if index < len(cells) else "")
        frame = pl.DataFrame(
            {LINE: pl.Series([line for line, _cells in rows], dtype=pl.Int64)}
            | {
                name: pl.Series(values, dtype=pl.String)
                for name, values in zip(column_names(width), columns, strict=True)
            }
        )
        self.check_frame(frame)

    def check_frame(self, frame: pl.DataFrame, prepared: Any = None) -> None:
        ready: Prepared = prepared if prepared is not None else self.prepare_frame(frame)
        rows = ready.rows
        if rows[_NUL].any():
            self.map_rows(
                [
                    (line, list(values))
                    for line, *values in rows.filter(pl.col(_NUL))
                    .select(LINE, *self._cells_by_index())
                    .rows()
                ]
            )
            rows = rows.filter(~pl.col(_NUL))
        if not self.has_ids:
            # No id column: the row's content is its identity; identical rows are told apart by
            # occurrence, counted in the database so that memory does not grow with the file.
            rows = self._with_stored(self._occurrence_keys(rows))
        rows = self._keys_checked(rows)
        rows = self._duplicates_rejected(rows)
        unchanged = pl.col(_STORED_HASH).is_not_null() & (pl.col(_STORED_HASH) == pl.col(_HASH))
        self.counts.unchanged += int(rows.select(unchanged.sum()).item())
        rows = rows.filter(~unchanged)
        self.resolver.found = (
            ready.customers if ready.customers is not None else self.resolver.lookup(self._wanted(rows))
        )
        self._stage(rows)
        self.flush_rejections()

    def _cells_by_index(self) -> list[pl.Expr]:
        """A row's cells in the file's order, as the shared row mapping reads them."""
        by_index = dict(self.columns) | {
            index: name
            for (index, _header), name in zip(self.attribute_columns, self.attribute_names, strict=True)
        }
        width = len(self.job.headers)
        return [
            pl.col(by_index[index]) if index in by_index else pl.lit("").alias(f"_empty{index}")
            for index in range(width)
        ]

    def _occurrence_keys(self, rows: pl.DataFrame) -> pl.DataFrame:
        counts = rows.group_by(_HASH, maintain_order=True).len()
        before = _occurrences_add(self.job.pk, counts[_HASH].to_list(), counts["len"].to_list())
        seen = pl.col(_HASH).replace_strict(before, default=0, return_dtype=pl.Int64)
        occurrence = seen + pl.col(_HASH).cum_count().over(_HASH)
        return rows.with_columns(
            pl.concat_str([pl.lit("row:"), pl.col(_HASH), pl.lit(":"), occurrence.cast(pl.String)]).alias(
                _KEY
            )
        )

    def _keys_checked(self, rows: pl.DataFrame) -> pl.DataFrame:
        """Rows with an empty or too long id rejected; the others."""
        empty, long = pl.col(_KEY) == "", pl.col(_KEY).str.len_chars() > 100
        for line, key, is_empty in rows.filter(empty | long).select(LINE, _KEY, empty.alias("_empty")).rows():
            if is_empty:
                self.reject(line, "external_id", _("The transaction id is empty."))
            else:
                self.reject(line, "external_id", _("At most 100 characters."), key)
        return rows.filter(~(empty | long))

    def _duplicates_rejected(self, rows: pl.DataFrame) -> pl.DataFrame:
        """Rows whose id is on an earlier line (of this batch, or staged by an earlier one) rejected
        naming that line; the others."""
        staged = rows_with_keys(
            f"SELECT external_id, line FROM {StagedTransaction._meta.db_table} "
            "WHERE job_id = %s AND external_id IN {keys}",
            [self.job.pk],
            rows[_KEY].to_list(),
        )
        earlier = pl.DataFrame(staged, schema={_KEY: pl.String, "_staged_line": pl.Int64}, orient="row")
        first = pl.col(LINE).first().over(_KEY)
        marked = rows.join(earlier, on=_KEY, how="left", maintain_order="left").with_columns(
            pl.coalesce(pl.col("_staged_line"), pl.when(pl.col(LINE) != first).then(first)).alias("_earlier")
        )
        duplicate = _("Duplicate: the same transaction id is on line %(line)d.")
        for line, key, earlier_line in (
            marked.filter(pl.col("_earlier").is_not_null()).select(LINE, _KEY, "_earlier").rows()
        ):
            self.reject(line, "external_id", duplicate % {"line": earlier_line}, key)
        return marked.filter(pl.col("_earlier").is_null()).drop("_staged_line", "_earlier")

    # -- typing and staging ----------------------------------------------------------------------------

    def _stage(self, rows: pl.DataFrame) -> None:
        """Type the rows and stage those that pass, in file order: the rows written in the common forms
        as columns at once, the others one by one by :meth:`_parse`, which says why a value is refused."""
        if not rows.height:
            return
        typed = self._typed(rows)
        taken = typed.get_column("taken")
        self._names_note(rows)
        slow_at: list[int] = []
        slow_rows: list[tuple[Any, ...]] = []
        untaken = rows.with_row_index("_at").filter(~taken).select("_at", LINE, *self.fields)
        for at, line, *values in untaken.rows():
            if (parsed := self._parse(line, values)) is not None:
                slow_at.append(at)
                # The moment in UTC, as the columns hold it (the scalar check gives it in local time).
                slow_rows.append((parsed[0], parsed[1].astimezone(dt.UTC), *parsed[2:]))
        code = pl.col("product_code") if "product_code" in self.position else pl.lit("")
        meta = rows.select(
            pl.col(LINE).cast(pl.Int64).alias("line"),
            pl.col(_TARGET).alias("target_id"),
            pl.col(_KEY).alias("external_id"),
            pl.col(_HASH).alias("row_hash"),
            self._attributes_json(rows).alias("attributes"),
            code.alias("product_code"),
        )
        typed_values = typed.select(TYPED)
        parts = [pl.concat([meta, typed_values], how="horizontal").filter(taken)]
        if slow_rows:
            slow = pl.DataFrame(slow_rows, schema=typed_values.schema, orient="row")
            parts.append(pl.concat([meta[slow_at], slow], how="horizontal"))
        staged = (
            pl.concat(parts)
            .sort("line")
            .with_columns(
                job_id=pl.lit(self.job.pk, pl.Int64),
                action=pl.when(pl.col("target_id").is_null())
                .then(pl.lit("create"))
                .otherwise(pl.lit("update")),
                # Kept only for an article the catalogue does not have: the commit makes its stub.
                product_code=pl.when(pl.col("product_id").is_null())
                .then(pl.col("product_code"))
                .otherwise(pl.lit("")),
            )
            .with_columns(product_name=self._names_of(pl.col("product_code")))
        )
        for new_code in staged.filter(pl.col("product_code") != "")["product_code"].unique(
            maintain_order=True
        ):
            self.new_products.setdefault(new_code, None)
        updated = int(staged["target_id"].is_not_null().sum())
        self.counts.updated += updated
        self.counts.created += staged.height - updated
        frame_insert(StagedTransaction, staged.select(STAGED_COLUMNS))

    def _attributes_json(self, rows: pl.DataFrame) -> pl.Expr:
        """The free attributes of each row as the JSON text ``json.dumps`` gives for the dict of the
        non-empty unmapped cells by header; each distinct cell is encoded once."""
        if not self.attribute_columns:
            return pl.lit("{}", pl.String)
        pairs = []
        for (_index, header), name in zip(self.attribute_columns, self.attribute_names, strict=True):
            distinct = rows[name].unique().to_list()
            encoded = {text: json.dumps(text, ensure_ascii=False) for text in distinct if text}
            pairs.append(
                pl.when(pl.col(name) != "").then(
                    pl.concat_str(
                        [
                            pl.lit(json.dumps(header, ensure_ascii=False) + ": "),
                            pl.col(name).replace_strict(encoded, default="", return_dtype=pl.String),
                        ]
                    )
                )
            )
        body = pl.concat_str(pairs, separator=", ", ignore_nulls=True).fill_null("")
        return pl.concat_str([pl.lit("{"), body, pl.lit("}")])

    def _names_note(self, rows: pl.DataFrame) -> None:
        """Remember the first description the file gives for each code the catalogue does not have, from
        every row read (one rejected for its amount describes its article just as well). Once noted a
        name never changes, so every staged row of a code that carries one carries the same."""
        if "product_code" not in self.position or "product_name" not in self.position:
            return
        known = [*self.products, *self.product_names]
        first = (
            rows.lazy()
            .select(
                pl.col("product_code").alias("code"),
                # " ".join(text.split()), cut to the 200 characters a product's name holds
                pl.col("product_name").str.replace_all(r"\s+", " ").str.strip_chars().alias("name"),
            )
            .filter((pl.col("code") != "") & (pl.col("name") != "") & ~pl.col("code").is_in(known))
            .unique("code", keep="first", maintain_order=True)
            .collect()
        )
        for code, name in first.rows():
            self.product_names[code] = name[:200]

    def _names_of(self, codes: pl.Expr) -> pl.Expr:
        if not self.product_names:
            return pl.lit("", pl.String)
        return codes.replace_strict(
            list(self.product_names), list(self.product_names.values()), default="", return_dtype=pl.String
        )

    def _typed(self, rows: pl.DataFrame) -> pl.DataFrame:
        """The columns of :data:`TYPED` and ``taken`` per row (false: left to :meth:`_parse`)."""
        cells = rows.select(self.fields)
        customers = None
        if len(self.references) == 1:
            name, _at = self.references[0]
            cells = cells.with_columns(pl.col(name).alias("customer"))
            customers = {
                value: found for (field, value), found in self.resolver.found.items() if field == name
            }
        if not cells.height:
            return pl.DataFrame(schema={**TYPED_SCHEMA, "taken": pl.Boolean})
        return typed_rows(
            cells,
            locale=self.number_locale,
            zone_name=self.zone_name,
            default_currency=self.job.default_currency,
            customers=customers,
            products=self.products,
            kind_of=kind_of,
            channel_of=channel_of,
            currency_of=currency_of,
            currencies=CURRENCIES,
        )

    def report(self) -> dict[str, Any]:
        report = super().report()
        if shown := list(self.new_products)[:REPORT_CODES]:
            report.update(new_products=shown, new_product_count=len(self.new_products))
            if names := {code: self.product_names[code] for code in shown if code in self.product_names}:
                report["new_product_names"] = names
        return report

    def apply(self, actor: Any) -> None:
        transactions_apply(job=self.job, actor=actor)


def _occurrences_add(job_id: int, digests: list[str], counts: list[int]) -> dict[str, int]:
    """Add a batch's count of each row hash to the job's running counts; returns, per hash, how often
    it was seen before this batch."""
    table = connection.ops.quote_name(RowOccurrence._meta.db_table)
    upsert = f"ON CONFLICT (job_id, digest) DO UPDATE SET seen = {table}.seen + excluded.seen RETURNING digest, seen"
    added = dict(zip(digests, counts, strict=True))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (job_id, digest, seen) SELECT %s, d, n "
                f"FROM unnest(%s::text[], %s::int[]) AS x (d, n) {upsert}",
                [job_id, digests, counts],
            )
        else:
            cursor.execute(
                f"INSERT INTO {table} (job_id, digest, seen) SELECT %s, json_extract(value, '$[0]'), json_extract(value, '$[1]') "
                f"FROM json_each(%s) WHERE true {upsert}",
                [job_id, json.dumps([[d, n] for d, n in added.items()])],
            )
        return {digest: total - added[digest] for digest, total in cursor.fetchall()}
