"""The sales app's part of a data subject's rights: transactions, holdings and the source systems'
customer ids in the export. An erasure keeps every amount (aggregates stay, docs/gdpr.md) and drops
only the free attributes copied from the source file and the ids that would tie the shell back to
the person's record in the source system."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lojal.core.audit import audit_entries_erase
from lojal.core.data_subject import DataSubject, ExportSection
from lojal.sales.models import CustomerSourceKey, Holding, Transaction

TRANSACTION_COLUMNS = (
    "id",
    "occurred_at",
    "kind",
    "product_code",
    "product_name",
    "quantity",
    "amount",
    "currency",
    "margin",
    "channel",
    "source",
    "external_id",
    "attributes",
)
HOLDING_COLUMNS = (
    "id",
    "product_code",
    "name",
    "status",
    "opened_on",
    "closed_on",
    "expires_on",
    "source",
    "external_id",
)
SOURCE_KEY_COLUMNS = ("source", "external_id")


def _product(row: Any) -> dict[str, str]:
    product = row.product
    return {"product_code": product.code if product else "", "product_name": product.name if product else ""}


def _transaction_rows(customer_ids: tuple[int, ...]) -> Iterator[dict[str, Any]]:
    rows = Transaction.objects.filter(customer_id__in=customer_ids).select_related("product")
    for row in rows.order_by("occurred_at", "id").iterator(chunk_size=2000):
        yield {
            "id": row.pk,
            "occurred_at": row.occurred_at,
            "kind": row.kind,
            **_product(row),
            "quantity": row.quantity,
            "amount": row.amount,
            "currency": row.currency,
            "margin": row.margin,
            "channel": row.channel,
            "source": row.source,
            "external_id": row.external_id,
            "attributes": row.attributes,
        }


def _holding_rows(customer_ids: tuple[int, ...]) -> Iterator[dict[str, Any]]:
    for row in Holding.objects.filter(customer_id__in=customer_ids).select_related("product").order_by("id"):
        yield {
            "id": row.pk,
            "product_code": row.product.code if row.product else "",
            "name": str(row),
            "status": row.status,
            "opened_on": row.opened_on,
            "closed_on": row.closed_on,
            "expires_on": row.expires_on,
            "source": row.source,
            "external_id": row.external_id,
        }


def export_sections(subject: DataSubject, *, actor: Any) -> list[ExportSection]:
    ids = subject.customer_ids
    return [
        ExportSection(
            name="transactions",
            title="Transactions",
            columns=TRANSACTION_COLUMNS,
            rows=lambda: _transaction_rows(ids),
        ),
        ExportSection(
            name="holdings", title="Holdings", columns=HOLDING_COLUMNS, rows=lambda: _holding_rows(ids)
        ),
        ExportSection(
            name="source_keys",
            title="The customer's ids in the systems it was imported from",
            columns=SOURCE_KEY_COLUMNS,
            rows=lambda: (
                CustomerSourceKey.objects.filter(customer_id__in=ids)
                .order_by("source", "external_id")
                .values(*SOURCE_KEY_COLUMNS)
                .iterator()
            ),
        ),
    ]


def sales_erase(subject: DataSubject) -> dict[str, int]:
    """Drop the person's transactions' free attributes (and what the audit log copied of them) and the
    source systems' ids of the person; amounts, kinds, dates, products and holdings stay."""
    ids = subject.customer_ids
    with_attributes = Transaction.objects.filter(customer_id__in=ids).exclude(attributes={})
    changed = list(with_attributes.values_list("pk", flat=True))
    Transaction.objects.filter(pk__in=changed).update(attributes={})
    transaction_ids = list(Transaction.objects.filter(customer_id__in=ids).values_list("pk", flat=True))
    return {
        "transaction_attributes": len(changed),
        "source_keys": CustomerSourceKey.objects.filter(customer_id__in=ids).delete()[0],
        # A recorded transaction's audit entry copies its attributes; amounts stay in the table.
        "audit_entries": audit_entries_erase(
            object_type=Transaction._meta.label_lower, object_ids=transaction_ids
        ),
    }
