"""Importing transactions: a cheap check per row, then typed rows staged with COPY; the commit is one
INSERT ... SELECT, one UPDATE ... FROM and one INSERT of timeline events, all in SQL.

A row whose (source, external id) is already stored with the same content hash is unchanged and is
neither parsed nor staged, which is what makes the nightly re-import of a full ERP file cheap."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.bulk import bulk_insert
from lojal.core.text import fold
from lojal.imports.base import CustomerResolver, Importer, Mapped, Row, rows_with_keys
from lojal.imports.models import ImportJob, StagedTransaction
from lojal.imports.values import parse_decimal, parse_moment
from lojal.sales.lifecycle import lifecycle_promote
from lojal.sales.models import Channel, Currency, Product, Transaction, TransactionKind
from lojal.timeline.models import Event

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
)
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


class TransactionImporter(Importer):
    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.source = job.source
        self.resolver = CustomerResolver(source=job.source, fields=self.mapped_fields)
        self.products = dict(Product.objects.values_list("code", "pk"))
        self.derived_ids: Counter[str] = Counter()
        self.zone_name = settings.TIME_ZONE

    def _key(self, mapped: Mapped) -> str:
        external_id = mapped.values.get("external_id", "")
        if external_id or "external_id" in self.mapped_fields:
            return external_id
        # No id column: the row's content is its identity; identical rows are told apart by occurrence.
        self.derived_ids[mapped.row_hash] += 1
        return f"row:{mapped.row_hash}:{self.derived_ids[mapped.row_hash]}"

    def check(self, rows: Sequence[Row]) -> None:
        job = self.job
        pending: list[tuple[Mapped, str]] = []
        for mapped in self.map_rows(rows):
            key = self._key(mapped)
            if not key:
                self.reject(mapped.line, "external_id", _("The transaction id is empty."))
            elif len(key) > 100:
                self.reject(mapped.line, "external_id", _("At most 100 characters."), key)
            else:
                pending.append((mapped, key))
        keys = [key for _mapped, key in pending]
        stored = {
            external_id: (pk, row_hash)
            for external_id, pk, row_hash in rows_with_keys(
                f"SELECT external_id, id, row_hash FROM {Transaction._meta.db_table} "
                "WHERE source = %s AND NOT (external_id = '') AND external_id IN {keys}",
                [self.source],
                keys,
            )
        }
        earlier = dict(
            rows_with_keys(
                f"SELECT external_id, line FROM {StagedTransaction._meta.db_table} "
                "WHERE job_id = %s AND external_id IN {keys}",
                [job.pk],
                keys,
            )
        )
        to_parse: list[tuple[Mapped, str, int | None]] = []
        for mapped, key in pending:
            if self.seen_or_unchanged(
                mapped, key, earlier, stored, _("Duplicate: the same transaction id is on line %(line)d.")
            ):
                continue
            found = stored.get(key)
            to_parse.append((mapped, key, found[0] if found else None))
        self.resolver.load(mapped.values for mapped, _key, _target in to_parse)
        staged: list[tuple[Any, ...]] = []
        for mapped, key, target_id in to_parse:
            parsed = self._parse(mapped)
            if parsed is None:
                continue
            staged.append(
                (
                    job.pk,
                    mapped.line,
                    "update" if target_id else "create",
                    target_id,
                    *parsed,
                    key,
                    mapped.row_hash,
                    mapped.attributes,
                )
            )
            if target_id:
                self.counts.updated += 1
            else:
                self.counts.created += 1
        bulk_insert(StagedTransaction, STAGED_COLUMNS, staged)
        self.flush_rejections()

    def _parse(self, mapped: Mapped) -> tuple[Any, ...] | None:
        values, line = mapped.values, mapped.line
        ok = True
        customer_id, field, reason = self.resolver.resolve(values)
        if customer_id is None:
            self.reject(line, field, reason, values.get(field, ""))
            ok = False
        occurred_at = amount = margin = None
        quantity = Decimal(1)
        try:
            occurred_at = parse_moment(values.get("occurred_at", ""), self.zone_name)
        except ValueError as error:
            self.reject(line, "occurred_at", str(error), values.get("occurred_at"))
            ok = False
        try:
            amount = parse_decimal(values.get("amount", "")).quantize(CENT)
        except ValueError as error:
            self.reject(line, "amount", str(error), values.get("amount"))
            ok = False
        if values.get("quantity"):
            try:
                quantity = parse_decimal(values["quantity"]).quantize(THOUSANDTH)
            except ValueError as error:
                self.reject(line, "quantity", str(error), values["quantity"])
                ok = False
        for name in ("margin", "cost"):
            if values.get(name):
                try:
                    number = parse_decimal(values[name]).quantize(CENT)
                except ValueError as error:
                    self.reject(line, name, str(error), values[name])
                    ok = False
                    continue
                if name == "margin":
                    margin = number
                elif margin is None and amount is not None:
                    margin = amount - number
        kind = TransactionKind.PURCHASE.value
        if text := values.get("kind"):
            kind = kind_of(text)
            if not kind:
                self.reject(
                    line, "kind", _("Unknown kind of transaction: %(value)s") % {"value": text[:40]}, text
                )
                ok = False
        channel = ""
        if text := values.get("channel"):
            channel = channel_of(text)
            if not channel:
                self.reject(line, "channel", _("Unknown channel: %(value)s") % {"value": text[:40]}, text)
                ok = False
        currency = (values.get("currency") or self.job.default_currency).strip().upper()
        if currency not in CURRENCIES:
            self.reject(
                line, "currency", _("Unknown currency: %(value)s") % {"value": currency[:10]}, currency
            )
            ok = False
        product_id = None
        if code := values.get("product_code"):
            product_id = self.products.get(code)
            if product_id is None:
                self.reject(
                    line, "product_code", _("No product with code %(code)s.") % {"code": code[:60]}, code
                )
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
        columns = list(STAGED_COLUMNS[STAGED_COLUMNS.index("customer_id") :])
        with connection.cursor() as cursor:
            if _other_commits_since_check(job):
                # Another import of this source committed since this one was checked: rows staged as
                # new may exist by now, and are dropped rather than doubled.
                cursor.execute(
                    f"DELETE FROM {staged} WHERE job_id = %s AND action = 'create' AND EXISTS "
                    f"(SELECT 1 FROM {target} t WHERE t.source = %s AND t.external_id = {staged}.external_id)",
                    [job.pk, job.source],
                )
            cursor.execute(
                f"INSERT INTO {target} ({', '.join(columns)}, source, created_at) "
                f"SELECT {', '.join(columns)}, %s, %s FROM {staged} WHERE job_id = %s AND action = 'create' "
                "ON CONFLICT (source, external_id) WHERE NOT (external_id = '') DO NOTHING",
                [job.source, now, job.pk],
            )
            assignments = ", ".join(f"{column} = s.{column}" for column in columns if column != "external_id")
            cursor.execute(
                f"UPDATE {target} SET {assignments} FROM {staged} AS s "
                f"WHERE s.job_id = %s AND s.action = 'update' AND {target}.id = s.target_id",
                [job.pk],
            )
            if connection.vendor == "postgresql":
                summary = "s.kind || ' ' || s.amount::text || ' ' || s.currency"
                data = "json_build_object('kind', s.kind, 'amount', s.amount::text, 'currency', s.currency)"
            else:
                summary = "s.kind || ' ' || printf('%%.2f', s.amount) || ' ' || s.currency"
                data = (
                    "json_object('kind', s.kind, 'amount', printf('%%.2f', s.amount), 'currency', s.currency)"
                )
            cursor.execute(
                f"INSERT INTO {quote(Event._meta.db_table)} "
                "(customer_id, occurred_at, kind, summary, body, data, actor_id) "
                f"SELECT s.customer_id, s.occurred_at, %s, {summary}, '', {data}, %s "
                f"FROM {staged} AS s WHERE s.job_id = %s AND s.action = 'create'",
                [Event.Kind.TRANSACTION_RECORDED.value, actor_id, job.pk],
            )
        lifecycle_promote(
            among=StagedTransaction.objects.filter(
                job_id=job.pk, action="create", kind__in=settings.QUALIFYING_TRANSACTION_KINDS
            ).values("customer_id")
        )


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
