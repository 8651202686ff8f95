"""Importing products and holdings: small tables, checked row by row against what is stored and
written through the sales services at commit (holdings record their timeline events there)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from lojal.core.bulk import bulk_insert
from lojal.core.text import fold
from lojal.imports.base import CustomerResolver, Importer, Row
from lojal.imports.customers import STAGED_COLUMNS
from lojal.imports.models import ImportJob, StagedRow
from lojal.imports.values import number_locale, parse_bool, parse_date, parse_decimal
from lojal.sales.models import Currency, Holding, HoldingStatus, Product, ProductCategory
from lojal.sales.services import holding_change, holding_open

_STATUS_WORDS = {
    HoldingStatus.OPENED: ["opened", "open", "oppnad", "ny", "new", "not funded", "ofinansierad"],
    HoldingStatus.ACTIVE: ["active", "aktiv", "in use", "i bruk", "lopande", "running"],
    HoldingStatus.CLOSED: [
        "closed",
        "stangd",
        "avslutad",
        "avsluttet",
        "lukket",
        "cancelled",
        "uppsagd",
        "terminated",
    ],
    HoldingStatus.EXPIRED: ["expired", "utgangen", "utlopt", "forfallen", "udlobet"],
}
STATUS_BY_WORD = {
    fold(word): status.value for status, words in _STATUS_WORDS.items() for word in [status.value, *words]
}


class ProductImporter(Importer):
    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.stored: dict[str, dict[str, Any]] = {
            row["code"]: dict(row)
            for row in Product.objects.values(
                "pk", "code", "name", "category__name", "unit_price", "currency", "is_active"
            )
        }

    def check(self, rows: Sequence[Row], prepared: Any = None) -> None:
        job = self.job
        mapped_rows = self.map_rows(rows)
        codes = [m.values.get("code", "") for m in mapped_rows]
        earlier = dict(StagedRow.objects.filter(job_id=job.pk, key__in=codes).values_list("key", "line"))
        staged: list[tuple[Any, ...]] = []
        for mapped in mapped_rows:
            values, line = mapped.values, mapped.line
            code, name = values.get("code", ""), values.get("name", "")
            problems = 0
            if not code or len(code) > 60:
                self.reject(line, "code", _("Give a product code of at most 60 characters."), code)
                problems += 1
            elif code in earlier:
                self.reject(
                    line,
                    "code",
                    _("Duplicate: the same code is on line %(line)d.") % {"line": earlier[code]},
                    code,
                )
                continue
            if not name or len(name) > 200:
                self.reject(line, "name", _("Give a name of at most 200 characters."), name)
                problems += 1
            data: dict[str, Any] = {"code": code, "name": name}
            if "category" in self.mapped_fields:
                data["category"] = values.get("category", "")[:100]
            if values.get("unit_price"):
                try:
                    data["unit_price"] = str(
                        parse_decimal(values["unit_price"], number_locale(self.job.number_locale)).quantize(
                            Decimal("0.01")
                        )
                    )
                except ValueError as error:
                    self.reject(line, "unit_price", str(error), values["unit_price"])
                    problems += 1
            if "currency" in self.mapped_fields or "unit_price" in data:
                currency = (values.get("currency") or job.default_currency).upper()
                if currency not in Currency.values:
                    self.reject(
                        line,
                        "currency",
                        _("Unknown currency: %(value)s") % {"value": currency[:10]},
                        currency,
                    )
                    problems += 1
                data["currency"] = currency
            if values.get("is_active"):
                try:
                    data["is_active"] = parse_bool(values["is_active"])
                except ValueError as error:
                    self.reject(line, "is_active", str(error), values["is_active"])
                    problems += 1
            if problems:
                continue
            earlier[code] = line
            current = self.stored.get(code)
            if current is None:
                action = "create"
                self.counts.created += 1
            elif any(
                str(current["category__name"] or "") != value
                if name_ == "category"
                else (str(current[name_]) if current[name_] is not None else "") != str(value)
                for name_, value in data.items()
                if name_ != "code"
            ):
                action = "update"
                self.counts.updated += 1
            else:
                self.counts.unchanged += 1
                continue
            staged.append(
                (job.pk, line, action, current["pk"] if current else None, code, "", mapped.row_hash, data)
            )
        bulk_insert(StagedRow, STAGED_COLUMNS, staged)
        self.flush_rejections()

    def apply(self, actor: Any) -> None:
        rows = list(StagedRow.objects.filter(job_id=self.job.pk).order_by("pk"))
        names = {row.data["category"] for row in rows if row.data.get("category")}
        existing = {c.name: c for c in ProductCategory.objects.filter(name__in=names)}
        ProductCategory.objects.bulk_create([ProductCategory(name=n) for n in names - set(existing)])
        categories = {c.name: c.pk for c in ProductCategory.objects.filter(name__in=names)}
        creates, updates = [], []
        for row in rows:
            data = dict(row.data)
            category = data.pop("category", None)
            if category is not None:
                data["category_id"] = categories.get(category) if category else None
            if "unit_price" in data:
                data["unit_price"] = Decimal(data["unit_price"])
            if row.action == "create":
                creates.append(Product(**data))
            else:
                product = Product(pk=row.target_id, **data)
                updates.append((product, [k for k in data if k != "code"]))
        Product.objects.bulk_create(creates, batch_size=1000)
        for product, fields in updates:
            product.save(update_fields=[*fields, "updated_at"])


class HoldingImporter(Importer):
    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.resolver = CustomerResolver(source=job.source, fields=self.mapped_fields)
        self.products = dict(Product.objects.values_list("code", "pk"))

    def check(self, rows: Sequence[Row], prepared: Any = None) -> None:
        job = self.job
        mapped_rows = self.map_rows(rows)
        keys = [m.values.get("external_id", "") for m in mapped_rows if m.values.get("external_id")]
        stored = {h.external_id: h for h in Holding.objects.filter(source=job.source, external_id__in=keys)}
        earlier = dict(StagedRow.objects.filter(job_id=job.pk, key__in=keys).values_list("key", "line"))
        self.resolver.load(m.values for m in mapped_rows)
        staged: list[tuple[Any, ...]] = []
        for mapped in mapped_rows:
            values, line = mapped.values, mapped.line
            key = values.get("external_id", "")[:100]
            if key and key in earlier:
                self.reject(
                    line,
                    "external_id",
                    _("Duplicate: the same holding id is on line %(line)d.") % {"line": earlier[key]},
                    key,
                )
                continue
            bad = False
            customer_id, field, reason = self.resolver.resolve(values)
            if customer_id is None:
                self.reject(line, field, reason, values.get(field, ""))
                bad = True
            data: dict[str, Any] = {"external_id": key, "source": job.source}
            for name in ("opened_on", "closed_on", "expires_on"):
                if values.get(name):
                    try:
                        data[name] = parse_date(values[name]).isoformat()
                    except ValueError as error:
                        self.reject(line, name, str(error), values[name])
                        bad = True
                elif name in self.mapped_fields:
                    data[name] = None
            if not data.get("opened_on") and not values.get("opened_on"):
                self.reject(line, "opened_on", _("This field is required."))
                bad = True
            if values.get("status"):
                status = STATUS_BY_WORD.get(fold(values["status"]))
                if status is None:
                    self.reject(
                        line,
                        "status",
                        _("Unknown status: %(value)s") % {"value": values["status"][:40]},
                        values["status"],
                    )
                    bad = True
                data["status"] = status
            elif data.get("closed_on"):
                data["status"] = HoldingStatus.CLOSED.value
            if code := values.get("product_code"):
                if code not in self.products:
                    self.reject(
                        line, "product_code", _("No product with code %(code)s.") % {"code": code[:60]}, code
                    )
                    bad = True
                data["product_code"] = code
            if values.get("name"):
                data["name"] = values["name"][:200]
            elif not values.get("product_code"):
                self.reject(line, "name", _("Name the holding or give its product code."))
                bad = True
            if bad:
                continue
            if key:
                earlier[key] = line
            data["customer_id"] = customer_id
            current = stored.get(key) if key else None
            if current is None:
                action = "create"
                self.counts.created += 1
            elif (
                current.status != data.get("status", current.status)
                or str(current.closed_on or "") != str(data.get("closed_on", current.closed_on) or "")
                or str(current.expires_on or "") != str(data.get("expires_on", current.expires_on) or "")
            ):
                action = "update"
                self.counts.updated += 1
            else:
                self.counts.unchanged += 1
                continue
            staged.append(
                (job.pk, line, action, current.pk if current else None, key, "", mapped.row_hash, data)
            )
        bulk_insert(StagedRow, STAGED_COLUMNS, staged)
        self.flush_rejections()

    def apply(self, actor: Any) -> None:
        for row in list(StagedRow.objects.filter(job_id=self.job.pk).order_by("pk")):
            data = dict(row.data)
            customer_id = data.pop("customer_id")
            if row.action == "create":
                holding_open(actor=actor, customer_id=customer_id, data=data)
            else:
                assert row.target_id is not None
                holding_change(
                    actor=actor,
                    holding_id=row.target_id,
                    data={k: v for k, v in data.items() if k in ("status", "closed_on", "expires_on")},
                )
