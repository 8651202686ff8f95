"""Importing transactions: a cheap check per row, then typed rows staged with COPY; the commit is one
INSERT ... SELECT and one UPDATE ... FROM in SQL; the new rows' timeline events are built by the
timeline's builder and written in bulk (COPY on PostgreSQL) a chunk at a time.

A row whose (source, external id) is already stored with the same content hash is unchanged and is
neither parsed nor staged, which is what makes the nightly re-import of a full ERP file cheap."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

import polars as pl
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from lojal.core.errors import Conflict
from lojal.core.frames import frame_insert
from lojal.core.inputs import date_fault
from lojal.core.text import fold
from lojal.customers.services import customer_statistics_refresh
from lojal.imports.base import CustomerResolver, Importer, Row, rows_with_keys
from lojal.imports.columnar.transaction_rows import COLUMNS_FROM, TYPED, TYPED_SCHEMA, typed_rows
from lojal.imports.models import ImportJob, RowOccurrence, StagedTransaction
from lojal.imports.rules.numbers import NumberError, number_parse
from lojal.imports.values import number_error_text, number_locale, parse_moment
from lojal.sales.catalogue import product_stubs_create
from lojal.sales.lifecycle import lifecycle_promote
from lojal.sales.models import Channel, Currency, Product, Transaction, TransactionKind
from lojal.sales.money import amount_fault, quantity_fault
from lojal.timeline import events
from lojal.timeline.services import events_record_frame

STAGED_COLUMNS = (
    "job_id",
    "line",
    "action",
    "target_id",
    "customer_id",
    "occurred_at",
    "kind",
    "product_id",
    "quantity",
    "amount",
    "currency",
    "margin",
    "channel",
    "external_id",
    "row_hash",
    "attributes",
    "product_code",  # staging only: a new article's code, for the commit to make its stub product
    "product_name",  # staging only: the name that stub gets (the file's first description of the code)
)
_EVENT_CHUNK = 50_000  # transactions read back, and their events written, per round
_STAGING_ONLY = {"product_code", "product_name"}
REPORT_CODES = 100  # new article codes named in the report; the count covers them all

_KIND_WORDS = {
    TransactionKind.PURCHASE: [
        "purchase",
        "kop",
        "kjop",
        "sale",
        "sales",
        "order",
        "forsaljning",
        "salg",
        "kob",
        "p",
    ],
    TransactionKind.REFUND: [
        "refund",
        "retur",
        "return",
        "kreditering",
        "credit",
        "kredit",
        "aterbetalning",
        "refusjon",
    ],
    TransactionKind.DEPOSIT: ["deposit", "insattning", "innskudd", "indbetaling", "insats"],
    TransactionKind.WITHDRAWAL: ["withdrawal", "uttag", "uttak", "udbetaling", "hævning", "haevning"],
    TransactionKind.TRADE: ["trade", "handel", "affar", "avslut", "buy", "sell", "kop salj"],
    TransactionKind.SUBSCRIPTION_PAYMENT: [
        "subscription",
        "subscription payment",
        "abonnemang",
        "prenumeration",
        "abonnement",
    ],
}
_CHANNEL_WORDS = {
    Channel.WEB: [
        "web",
        "webb",
        "online",
        "e handel",
        "ehandel",
        "nett",
        "nettbutikk",
        "internet",
        "app",
        "webshop",
    ],
    Channel.STORE: ["store", "butik", "butikk", "shop", "kassa", "kasse", "in store"],
    Channel.PHONE: ["phone", "telefon", "tele", "call center", "kundtjanst"],
    Channel.PARTNER: ["partner", "aterforsaljare", "forhandler", "reseller", "agent"],
}
_KIND_BY_FOLDED = {
    fold(word): kind.value for kind, words in _KIND_WORDS.items() for word in [kind.value, *words]
}
_CHANNEL_BY_FOLDED = {
    fold(word): channel.value for channel, words in _CHANNEL_WORDS.items() for word in [channel.value, *words]
}
CURRENCIES = set(Currency.values)


@lru_cache(maxsize=1024)
def kind_of(text: str) -> str:
    """The transaction kind a source calls ``text`` ("Köp", "Retur", "Insättning"), or ""."""
    return _KIND_BY_FOLDED.get(fold(text), "")


@lru_cache(maxsize=1024)
def channel_of(text: str) -> str:
    return _CHANNEL_BY_FOLDED.get(fold(text), "")


CENT = Decimal("0.01")
THOUSANDTH = Decimal("0.001")
_PLACES = {CENT: 2, THOUSANDTH: 3}


@lru_cache(maxsize=64)
def _currency(text: str) -> str:
    return text.strip().upper()


REFERENCE_FIELDS = ("customer_external_id", "customer_number", "customer_national_id", "customer_email")


@dataclass
class Prepared:
    """A batch as :meth:`TransactionImporter.prepare` leaves it for the check."""

    read: list[tuple[int, list[str], str]]  # (line, cells, content hash)
    bad: list[Row]  # rows with a NUL character, to reject
    stored: dict[str, tuple[int, str]] | None = None  # external id -> (id, hash) already stored
    customers: dict[tuple[str, str], int | None] | None = None  # the changed rows' customers


class TransactionImporter(Importer):
    """The check is the hot path of a large import: each row is hashed from its cells, only new and
    changed rows are parsed, with the translated messages looked up once per batch, not once per row;
    the look-ups of stored rows and customers run ahead in the reader's thread."""

    prepares_ahead = True

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
        self.indexes = [index for index, _name in self.columns]
        # The mapped cells of a row as a tuple, taken in C (one getter rather than a loop per row).
        self.cells_of: Callable[[list[str]], Sequence[str]] = (
            itemgetter(*self.indexes)
            if len(self.indexes) > 1
            else lambda cells: [cells[index] for index in self.indexes]
        )
        self.references = [(name, self.position[name]) for name in REFERENCE_FIELDS if name in self.position]
        self.reference_cells = [(name, self.indexes[at]) for name, at in self.references]
        self.key_index = (
            self.indexes[self.position["external_id"]] if "external_id" in self.position else None
        )
        self.width = 1 + max(
            [index for index, _name in self.columns] + [i for i, _h in self.attribute_columns]
        )

    def _read(self, rows: Sequence[Row]) -> tuple[list[tuple[int, list[str], str]], list[Row]]:
        """(line, cells padded to the mapped width, content hash) per row, and apart the rows with a NUL
        character in a cell the import reads (rejected by :meth:`Importer.map_rows`). The hash is the
        one :meth:`Importer.map` gives, computed without building the row's values, which only rows
        that turn out new or changed need."""
        cells_of, attribute_columns, width = self.cells_of, self.attribute_columns, self.width
        tail, md5 = "\x1f" + self.job.default_currency, hashlib.md5
        join = "\x1f".join
        read, bad = [], []
        for line, cells in rows:
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            text = join(cells_of(cells))
            if attribute_columns:
                text = join([text, *(cells[index] for index, _h in attribute_columns if cells[index])])
            text += tail
            if "\x00" in text:
                bad.append((line, cells))
                continue
            read.append((line, cells, md5(text.encode(), usedforsecurity=False).hexdigest()))
        return read, bad

    def _stored(self, keys: list[str]) -> dict[str, tuple[int, str]]:
        """external id -> (id, content hash) of this source's transactions with these ids."""
        return {
            external_id: (pk, row_hash)
            for external_id, pk, row_hash in rows_with_keys(
                f"SELECT external_id, id, row_hash FROM {Transaction._meta.db_table} "
                "WHERE source = %s AND NOT (external_id = '') AND external_id IN {keys}",
                [self.source],
                keys,
            )
        }

    def prepare(self, rows: Sequence[Row]) -> Prepared:
        """Hash each row, find which are stored unchanged, and look up the customers of the others: all
        of it reads only what earlier imports stored, so it runs ahead of the check in the reader's
        thread. A file without an id column is prepared no further than the hashes."""
        read, bad = self._read(rows)
        key_index = self.key_index
        if key_index is None:
            return Prepared(read, bad)
        stored = self._stored([key for _line, cells, _d in read if 0 < len(key := cells[key_index]) <= 100])
        changed = [
            cells for _line, cells, digest in read if (stored.get(cells[key_index]) or (0, ""))[1] != digest
        ]
        wanted = {
            name: {value for cells in changed if (value := cells[index])}
            for name, index in self.reference_cells
        }
        return Prepared(read, bad, stored, self.resolver.lookup(wanted))

    def check(self, rows: Sequence[Row], prepared: Any = None) -> None:
        job = self.job
        ready: Prepared = prepared if prepared is not None else self.prepare(rows)
        if ready.bad:
            self.map_rows(ready.bad)
        pending: list[tuple[int, list[str], str, str]] = []
        key_index, read = self.key_index, ready.read
        if key_index is None:
            # No id column: the row's content is its identity; identical rows are told apart by
            # occurrence, counted in the database so that memory does not grow with the file.
            seen = _occurrences_add(job.pk, Counter(digest for _line, _cells, digest in read))
        for line, cells, digest in read:
            if key_index is not None:
                key = cells[key_index]
            else:
                seen[digest] += 1
                key = f"row:{digest}:{seen[digest]}"
            if not key:
                self.reject(line, "external_id", _("The transaction id is empty."))
            elif len(key) > 100:
                self.reject(line, "external_id", _("At most 100 characters."), key)
            else:
                pending.append((line, cells, digest, key))
        keys = [row[3] for row in pending]
        stored = ready.stored if ready.stored is not None else self._stored(keys)
        earlier: dict[str, int] = dict(
            rows_with_keys(
                f"SELECT external_id, line FROM {StagedTransaction._meta.db_table} "
                "WHERE job_id = %s AND external_id IN {keys}",
                [job.pk],
                keys,
            )
        )
        duplicate = _("Duplicate: the same transaction id is on line %(line)d.")
        indexes, attribute_columns = self.indexes, self.attribute_columns
        to_parse: list[tuple[int, list[str], dict[str, str], str, str, int | None]] = []
        unchanged = 0
        for line, cells, digest, key in pending:
            if key in earlier:
                self.reject(line, "external_id", duplicate % {"line": earlier[key]}, key)
                continue
            earlier[key] = line
            found = stored.get(key)
            if found is not None and found[1] == digest:
                unchanged += 1
                continue
            attributes = (
                {header: cells[index] for index, header in attribute_columns if cells[index]}
                if attribute_columns
                else {}
            )
            values = [cells[index] for index in indexes]
            to_parse.append((line, values, attributes, digest, key, found[0] if found else None))
        self.counts.unchanged += unchanged
        if ready.customers is not None:
            self.resolver.found = ready.customers
        else:
            wanted: dict[str, set[str]] = {}
            for name, at in self.references:
                wanted[name] = {value for row in to_parse if (value := row[1][at])}
            self.resolver.load_wanted(wanted)
        self._stage(to_parse)
        self.flush_rejections()

    def _stage(self, to_parse: list[tuple[int, list[str], dict[str, str], str, str, int | None]]) -> None:
        """Type the rows and stage those that pass, in file order: the rows written in the common forms
        as columns at once, the others one by one by :meth:`_parse`, which says why a value is refused."""
        if not to_parse:
            return
        if len(to_parse) >= COLUMNS_FROM:
            typed = self._typed(to_parse)
        else:
            size = len(to_parse)
            typed = pl.DataFrame(
                [pl.Series(name, [None] * size, dtype) for name, dtype in TYPED_SCHEMA.items()]
                + [pl.Series("taken", [False] * size, pl.Boolean)]
            )
        taken = typed.get_column("taken")
        slow_at: list[int] = []
        slow_rows: list[tuple[Any, ...]] = []
        for at, ((line, cells, *_rest), ok) in enumerate(zip(to_parse, taken.to_list(), strict=True)):
            if not ok and (parsed := self._parse(line, cells)) is not None:
                slow_at.append(at)
                # The moment in UTC, as the columns hold it (the scalar check gives it in local time).
                slow_rows.append((parsed[0], parsed[1].astimezone(dt.UTC), *parsed[2:]))
        code_at = self.position.get("product_code")
        self._names_note(to_parse, code_at)
        size = len(to_parse)
        meta = pl.DataFrame(
            {
                "line": pl.Series([row[0] for row in to_parse], dtype=pl.Int64),
                "target_id": pl.Series([row[5] for row in to_parse], dtype=pl.Int64),
                "external_id": pl.Series([row[4] for row in to_parse], dtype=pl.String),
                "row_hash": pl.Series([row[3] for row in to_parse], dtype=pl.String),
                "attributes": pl.Series(
                    [json.dumps(row[2], ensure_ascii=False) if row[2] else "{}" for row in to_parse]
                    if self.attribute_columns
                    else ["{}"] * size,
                    dtype=pl.String,
                ),
                "product_code": pl.Series(
                    [row[1][code_at] for row in to_parse] if code_at is not None else [""] * size,
                    dtype=pl.String,
                ),
            }
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
        for code in staged.filter(pl.col("product_code") != "")["product_code"].unique(maintain_order=True):
            self.new_products.setdefault(code, None)
        updated = int(staged["target_id"].is_not_null().sum())
        self.counts.updated += updated
        self.counts.created += staged.height - updated
        frame_insert(StagedTransaction, staged.select(STAGED_COLUMNS))

    def _names_note(
        self, to_parse: list[tuple[int, list[str], dict[str, str], str, str, int | None]], code_at: int | None
    ) -> None:
        """Remember the first description the file gives for each code the catalogue does not have, from
        every row read (one rejected for its amount describes its article just as well). Once noted a
        name never changes, so every staged row of a code that carries one carries the same."""
        name_at = self.position.get("product_name")
        if code_at is None or name_at is None:
            return
        names, products = self.product_names, self.products
        for _line, values, *_rest in to_parse:
            code = values[code_at]
            if (
                code
                and code not in names
                and code not in products
                and (name := " ".join(values[name_at].split()))
            ):
                names[code] = name[:200]  # a product's name holds 200 characters

    def _names_of(self, codes: pl.Expr) -> pl.Expr:
        if not self.product_names:
            return pl.lit("", pl.String)
        return codes.replace_strict(
            list(self.product_names), list(self.product_names.values()), default="", return_dtype=pl.String
        )

    def _typed(
        self, to_parse: list[tuple[int, list[str], dict[str, str], str, str, int | None]]
    ) -> pl.DataFrame:
        """The columns of :data:`TYPED` and ``taken`` per row (false: left to :meth:`_parse`)."""
        columns = list(zip(*(row[1] for row in to_parse), strict=True))
        cells = {name: columns[at] for name, at in self.position.items()}
        customers = None
        if len(self.references) == 1:
            name, at = self.references[0]
            cells["customer"] = columns[at]
            customers = {
                value: found for (field, value), found in self.resolver.found.items() if field == name
            }
        return typed_rows(
            pl.DataFrame({name: pl.Series(name, values, dtype=pl.String) for name, values in cells.items()}),
            locale=self.number_locale,
            zone_name=self.zone_name,
            default_currency=self.job.default_currency,
            customers=customers,
            products=self.products,
            kind_of=kind_of,
            channel_of=channel_of,
            currency_of=_currency,
            currencies=CURRENCIES,
        )

    def _customer(self, values: list[str]) -> tuple[int | None, str, str, str]:
        """(customer id, field, reason when not found, the value looked for) of a row, as
        :meth:`CustomerResolver.resolve` gives them; one reference column, the usual case, is looked up
        directly."""
        if len(self.references) != 1:
            reference = {name: values[at] for name, at in self.references}
            customer_id, field, reason = self.resolver.resolve(reference)
            return customer_id, field, reason, reference.get(field, "")
        name, at = self.references[0]
        value = values[at]
        if not value:
            return None, "customer", _("No customer is given on this row."), ""
        key = (name, value)
        if key not in self.resolver.found:
            return None, name, _("No customer with %(value)s.") % {"value": value}, value
        customer_id = self.resolver.found[key]
        if customer_id is None:
            return None, name, _("Several customers have this email; give a customer id or number."), value
        return customer_id, name, "", value

    def report(self) -> dict[str, Any]:
        report = super().report()
        if shown := list(self.new_products)[:REPORT_CODES]:
            report.update(new_products=shown, new_product_count=len(self.new_products))
            if names := {code: self.product_names[code] for code in shown if code in self.product_names}:
                report["new_product_names"] = names
        return report

    def _number(self, text: str) -> Decimal:
        try:
            return number_parse(text, self.number_locale)
        except NumberError as error:
            raise ValueError(number_error_text(error)) from None

    def _exact(self, text: str, places: Decimal) -> Decimal:
        """The number in ``text`` to ``places``; one with more decimals is refused, never rounded
        (\"1.234\" in a file is more likely a thousand than a krona and 23 öre)."""
        number = self._number(text)
        exact = number.quantize(places)
        if exact != number:
            raise ValueError(
                _("Too many decimals: %(value)s (at most %(places)d).")
                % {"value": text[:40], "places": _PLACES[places]}
            )
        return exact

    def _parse(self, line: int, values: list[str]) -> tuple[Any, ...] | None:
        """The row's typed values, or None when it is rejected (every bad field is reported)."""
        at = self.position
        ok = True
        customer_id, field, reason, looked_for = self._customer(values)
        if customer_id is None:
            self.reject(line, field, reason, looked_for)
            ok = False
        occurred_at = amount = margin = None
        quantity = Decimal(1)
        text = values[at["occurred_at"]] if "occurred_at" in at else ""
        try:
            occurred_at = parse_moment(text, self.zone_name)
            if fault := date_fault(occurred_at):
                raise ValueError(fault)
        except ValueError as error:
            self.reject(line, "occurred_at", str(error), text)
            ok = False
        amount_text = values[at["amount"]] if "amount" in at else ""
        try:
            amount = self._exact(amount_text, CENT)
        except ValueError as error:
            self.reject(line, "amount", str(error), amount_text)
            ok = False
        if "quantity" in at and (text := values[at["quantity"]]):
            try:
                quantity = self._exact(text, THOUSANDTH)
                if fault := quantity_fault(quantity):
                    raise ValueError(fault)
            except ValueError as error:
                self.reject(line, "quantity", str(error), text)
                ok = False
        money_texts: dict[str, str] = {}
        for name in ("margin", "cost"):
            if name in at and (text := values[at[name]]):
                try:
                    number = self._exact(text, CENT)
                except ValueError as error:
                    self.reject(line, name, str(error), text)
                    ok = False
                    continue
                money_texts[name] = text
                if name == "margin":
                    margin = number
                elif margin is None and amount is not None:
                    margin = amount - number
        kind = TransactionKind.PURCHASE.value
        if "kind" in at and (text := values[at["kind"]]):
            kind = kind_of(text)
            if not kind:
                self.reject(
                    line, "kind", _("Unknown kind of transaction: %(value)s") % {"value": text[:40]}, text
                )
                ok = False
        elif amount is not None and amount < 0:
            # An invoice-line export without a kind writes a credit note as a negative amount.
            kind = TransactionKind.REFUND.value
        channel = ""
        if "channel" in at and (text := values[at["channel"]]):
            channel = channel_of(text)
            if not channel:
                self.reject(line, "channel", _("Unknown channel: %(value)s") % {"value": text[:40]}, text)
                ok = False
        currency = (values[at["currency"]] if "currency" in at else "") or self.job.default_currency
        currency = _currency(currency)
        if currency not in CURRENCIES:
            self.reject(
                line, "currency", _("Unknown currency: %(value)s") % {"value": currency[:10]}, currency
            )
            ok = False
        # Checked once kind and currency are known; stored exactly, never rounded to fit.
        if amount is not None:
            if fault := amount_fault(amount, currency=currency, kind=kind):
                self.reject(line, "amount", fault, amount_text)
                ok = False
            else:
                amount = amount.quantize(CENT)
        if margin is not None:
            if fault := amount_fault(margin, currency=currency):
                name = "margin" if "margin" in money_texts else "cost"
                self.reject(line, name, fault, money_texts.get(name, ""))
                ok = False
            else:
                margin = margin.quantize(CENT)
        product_id = None
        if "product_code" in at and (code := values[at["product_code"]]):
            product_id = self.products.get(code)
            # An article the catalogue does not have yet keeps its row: the commit makes a stub.
            if product_id is None and len(code) > 60:
                self.reject(line, "product_code", _("At most 60 characters."), code)
                ok = False
        if not ok:
            return None
        return (customer_id, occurred_at, kind, product_id, quantity, amount, currency, margin, channel)

    def apply(self, actor: Any) -> None:
        job, quote = self.job, connection.ops.quote_name
        now = timezone.now()
        actor_id = actor.pk if getattr(actor, "pk", None) else None
        staged = quote(StagedTransaction._meta.db_table)
        target = quote(Transaction._meta.db_table)
        columns = [
            name
            for name in STAGED_COLUMNS[STAGED_COLUMNS.index("customer_id") :]
            if name not in _STAGING_ONLY
        ]
        if (job.created_count or job.updated_count) and not StagedTransaction.objects.filter(
            job_id=job.pk
        ).exists():
            # Staging is unlogged on PostgreSQL: a database crash since the check emptied it.
            raise Conflict(
                _("The checked rows are gone (the database restarted since the check): check again.")
            )
        with connection.cursor() as cursor:
            # Each code's staged names are all "" or its one first description, so the largest is it.
            names = dict(
                StagedTransaction.objects.filter(job_id=job.pk)
                .exclude(product_code="")
                .values("product_code")
                .annotate(name=Max("product_name"))
                .values_list("product_code", "name")
            )
            if job.report.get("new_product_count") and product_stubs_create(
                actor=actor, codes=list(names), names=names
            ):
                cursor.execute(
                    f"UPDATE {staged} SET product_id = p.id FROM {quote(Product._meta.db_table)} AS p "
                    f"WHERE {staged}.job_id = %s AND {staged}.product_code <> '' "
                    f"AND p.code = {staged}.product_code",
                    [job.pk],
                )
            if job.updated_count:
                if connection.vendor == "postgresql":
                    # Statistics as they are now: right after a large import they may still say the
                    # table is empty, and the join below would then be planned as a scan per row.
                    cursor.execute(f"ANALYZE {target}")
                assignments = ", ".join(
                    f"{column} = s.{column}" for column in columns if column != "external_id"
                )
                cursor.execute(
                    f"UPDATE {target} SET {assignments} FROM {staged} AS s "
                    f"WHERE s.job_id = %s AND s.action = 'update' AND {target}.id = s.target_id",
                    [job.pk],
                )
            if _other_commits_since_check(job):
                # Another import of this source committed since this one was checked: rows staged as
                # new may exist by now, and are dropped rather than doubled.
                cursor.execute(
                    f"DELETE FROM {staged} WHERE job_id = %s AND action = 'create' AND EXISTS "
                    f"(SELECT 1 FROM {target} t WHERE t.source = %s AND t.external_id = {staged}.external_id)",
                    [job.pk, job.source],
                )
            # The rows inserted next are those above this id with this source and creation time.
            before_insert = Transaction.objects.aggregate(last=Max("pk"))["last"] or 0
            # No ON CONFLICT: the check found these ids new, and imports of a source commit one at a
            # time. Only a transaction recorded by other means since the check can collide; then the
            # whole commit stops and changes nothing.
            # created_at is stored as the ORM stores it (naive UTC text on SQLite), which the read
            # back of these rows for their events compares with.
            try:
                with transaction.atomic():
                    cursor.execute(
                        f"INSERT INTO {target} ({', '.join(columns)}, source, created_at) "
                        f"SELECT {', '.join(columns)}, %s, %s FROM {staged} "
                        "WHERE job_id = %s AND action = 'create'",
                        [job.source, connection.ops.adapt_datetimefield_value(now), job.pk],
                    )
            except IntegrityError:
                raise Conflict(
                    _("Transactions with some of these ids were recorded since the check: check again.")
                ) from None
        _events_record(source=job.source, created_at=now, after_id=before_insert, actor_id=actor_id)
        if job.created_count:
            # Customers imported just before may not be in the statistics yet: the promotion's look-up
            # of the staged rows' customers was then planned for an empty table, and at 20,000
            # customers and 200,000 rows took a minute instead of a second.
            customer_statistics_refresh()
        lifecycle_promote(
            among=StagedTransaction.objects.filter(
                job_id=job.pk, action="create", kind__in=settings.QUALIFYING_TRANSACTION_KINDS
            ).values("customer_id"),
            among_qualified=True,  # each of these rows was just inserted
        )


def _events_record(*, source: str, created_at: Any, after_id: int, actor_id: int | None) -> None:
    """The timeline events of the transactions just inserted, from the set-based form of the builder
    a transaction recorded through the API takes (so both read alike), written a chunk at a time: the
    rows are read back with their ids and product names as frames, never held all at once."""
    last = after_id
    while (facts := _new_transactions(source=source, created_at=created_at, after_id=last)).height:
        last = int(facts["transaction_id"].max())  # type: ignore[arg-type]
        events_record_frame(events.transactions_recorded(facts, actor_id=actor_id))


def _new_transactions(*, source: str, created_at: Any, after_id: int) -> pl.DataFrame:
    """Up to :data:`_EVENT_CHUNK` transactions of ``source`` inserted at ``created_at`` with ids above
    ``after_id``, in id order, as a frame of :data:`lojal.timeline.events.TRANSACTION_FACTS`."""
    schema = events.TRANSACTION_FACTS
    if connection.vendor == "postgresql":
        # Read out with COPY: one text stream for the chunk, parsed by polars, no Python row objects.
        query = sql.SQL(
            "COPY (SELECT t.id, t.customer_id, (extract(epoch FROM t.occurred_at) * 1000000)::bigint, "
            "t.kind, t.amount, t.currency, coalesce(p.name, '') FROM {transactions} t "
            "LEFT JOIN {products} p ON p.id = t.product_id "
            "WHERE t.source = {source} AND t.created_at = {created_at} AND t.id > {after} "
            "ORDER BY t.id LIMIT {limit}) TO STDOUT (FORMAT csv)"
        ).format(
            transactions=sql.Identifier(Transaction._meta.db_table),
            products=sql.Identifier(Product._meta.db_table),
            source=sql.Literal(source),
            created_at=sql.Literal(created_at),
            after=sql.Literal(after_id),
            limit=sql.Literal(_EVENT_CHUNK),
        )
        buffer = bytearray()
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(query) as copy,
        ):
            for block in copy:
                buffer += block
        if not buffer:
            return pl.DataFrame(schema=schema)
        read = pl.read_csv(
            bytes(buffer),
            has_header=False,
            new_columns=list(schema),
            schema_overrides={**schema, "occurred_at": pl.Int64, "amount": pl.String},
        )
        return read.with_columns(
            pl.col("occurred_at").cast(pl.Datetime("us", "UTC")),
            pl.col("amount").cast(schema["amount"]),
            pl.col("product").fill_null(""),
        ).select(list(schema))
    rows = list(
        Transaction.objects.filter(source=source, created_at=created_at, pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", "customer_id", "occurred_at", "kind", "amount", "currency", "product__name")[
            :_EVENT_CHUNK
        ]
    )
    frame = pl.DataFrame(rows, schema=list(schema), orient="row")
    return (
        frame.with_columns(
            pl.col("occurred_at").dt.convert_time_zone("UTC").cast(schema["occurred_at"]),
            pl.col("product").fill_null(""),
            *(
                pl.col(name).cast(dtype)
                for name, dtype in schema.items()
                if name not in ("occurred_at", "product")
            ),
        )
        if rows
        else pl.DataFrame(schema=schema)
    )


def _occurrences_add(job_id: int, counts: Counter[str]) -> Counter[str]:
    """Add a batch's count of each row hash to the job's running counts; returns, per hash, how often
    it was seen before this batch."""
    table = connection.ops.quote_name(RowOccurrence._meta.db_table)
    upsert = f"ON CONFLICT (job_id, digest) DO UPDATE SET seen = {table}.seen + excluded.seen RETURNING digest, seen"
    digests = list(counts)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (job_id, digest, seen) SELECT %s, d, n "
                f"FROM unnest(%s::text[], %s::int[]) AS x (d, n) {upsert}",
                [job_id, digests, [counts[d] for d in digests]],
            )
        else:
            cursor.execute(
                f"INSERT INTO {table} (job_id, digest, seen) SELECT %s, json_extract(value, '$[0]'), json_extract(value, '$[1]') "
                f"FROM json_each(%s) WHERE true {upsert}",
                [job_id, json.dumps([[d, counts[d]] for d in digests])],
            )
        return Counter({digest: total - counts[digest] for digest, total in cursor.fetchall()})


def _other_commits_since_check(job: ImportJob) -> bool:
    """Whether another import of this source finished after this one was created (so before or during
    its check): then rows this check saw as new may be stored by now."""
    return (
        ImportJob.objects.filter(
            source=job.source,
            kind=job.kind,
            status=ImportJob.Status.DONE,
            finished_at__gte=job.created_at,
        )
        .exclude(pk=job.pk)
        .exists()
    )
