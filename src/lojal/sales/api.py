"""API for sales: a customer's revenue, transactions and holdings; recording them; setting a stage by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from lojal.accounts.api_auth import staff, staff_user
from lojal.accounts.roles import Action
from lojal.core.errors import Conflict, NotFound
from lojal.core.inputs import Attributes, DecimalNumber, SaneDate, SaneDateTime, Text
from lojal.core.openapi import raises
from lojal.core.pagination import Keyset, keyset_paginate
from lojal.customers.selectors import customer_exists
from lojal.sales import selectors, services
from lojal.sales.models import Currency, Holding, Transaction, TransactionKind

router = Router(tags=["sales"])


def _customer_exists(customer_id: int) -> None:
    if not customer_exists(customer_id=customer_id):
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})


class CurrencyFiguresOut(Schema):
    currency: str
    revenue: Decimal
    margin: Decimal
    count: int


class PeriodOut(Schema):
    per_currency: list[CurrencyFiguresOut]
    converted_revenue: Decimal | None = Field(
        None, description="in the reporting currency; null when a rate is missing"
    )
    converted_margin: Decimal | None
    reporting_currency: str


class MonthOut(Schema):
    month: dt.date
    revenue: Decimal


class RevenueOut(Schema):
    last_12_months: PeriodOut
    lifetime: PeriodOut
    first_transaction_at: dt.datetime | None
    last_transaction_at: dt.datetime | None
    monthly: dict[str, list[MonthOut]]


class TransactionIn(Schema):
    occurred_at: SaneDateTime
    # Choices are checked by the service (422 naming the field) and listed here for the document.
    kind: Text = Field(..., json_schema_extra={"enum": list(TransactionKind.values)})
    amount: DecimalNumber
    currency: Text = Field(..., max_length=3, json_schema_extra={"enum": list(Currency.values)})
    quantity: DecimalNumber = Decimal(1)
    margin: DecimalNumber | None = None
    channel: Text = ""
    product_code: Text = Field("", max_length=60)
    source: Text = Field("", max_length=60)
    external_id: Text = Field("", max_length=100)
    attributes: Attributes = {}


class TransactionOut(Schema):
    id: int
    occurred_at: dt.datetime
    kind: str
    amount: Decimal
    currency: str
    quantity: Decimal
    margin: Decimal | None
    channel: str
    product_code: str | None
    product_name: str | None
    source: str
    external_id: str
    attributes: dict[str, Any]


class HoldingIn(Schema):
    product_code: Text = Field("", max_length=60)
    name: Text = Field("", max_length=200)
    status: Text = ""
    opened_on: SaneDate
    closed_on: SaneDate | None = None
    expires_on: SaneDate | None = None
    source: Text = Field("", max_length=60)
    external_id: Text = Field("", max_length=100)


class HoldingPatch(Schema):
    status: Text | None = None
    closed_on: SaneDate | None = None
    expires_on: SaneDate | None = None


class HoldingOut(Schema):
    id: int
    customer_id: int
    product_code: str | None
    name: str
    status: str
    opened_on: dt.date
    closed_on: dt.date | None
    expires_on: dt.date | None
    source: str
    external_id: str


class StageIn(Schema):
    stage: Text
    reason: Text = Field(..., max_length=300)


class StageOut(Schema):
    id: int
    lifecycle_stage: str


def _transaction_out(row: Transaction) -> dict[str, Any]:
    return {
        "id": row.pk,
        "occurred_at": row.occurred_at,
        "kind": row.kind,
        "amount": row.amount,
        "currency": row.currency,
        "quantity": row.quantity,
        "margin": row.margin,
        "channel": row.channel,
        "product_code": row.product.code if row.product else None,
        "product_name": row.product.name if row.product else None,
        "source": row.source,
        "external_id": row.external_id,
        "attributes": row.attributes,
    }


def _holding_out(row: Holding) -> dict[str, Any]:
    return {
        "id": row.pk,
        "customer_id": row.customer_id,
        "product_code": row.product.code if row.product else None,
        "name": row.name,
        "status": row.status,
        "opened_on": row.opened_on,
        "closed_on": row.closed_on,
        "expires_on": row.expires_on,
        "source": row.source,
        "external_id": row.external_id,
    }


@router.get(
    "/customers/{customer_id}/revenue",
    auth=staff(Action.CUSTOMER_VIEW),
    response=RevenueOut,
    summary="Revenue, contribution margin and transactions: last 12 months, lifetime, by month; per currency",
)
def customer_revenue(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    _customer_exists(customer_id)
    figures = selectors.customer_revenue(customer_id=customer_id)
    monthly = selectors.customer_monthly_revenue(customer_id=customer_id)
    return {
        "last_12_months": figures.last_12_months.__dict__
        | {"per_currency": [r.__dict__ for r in figures.last_12_months.per_currency]},
        "lifetime": figures.lifetime.__dict__
        | {"per_currency": [r.__dict__ for r in figures.lifetime.per_currency]},
        "first_transaction_at": figures.first_transaction_at,
        "last_transaction_at": figures.last_transaction_at,
        "monthly": {currency: [p.__dict__ for p in points] for currency, points in monthly.items()},
    }


@router.get(
    "/customers/{customer_id}/transactions",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[TransactionOut],
    summary="A customer's transactions, newest first",
)
@keyset_paginate(max_limit=500)
def customer_transactions(request: HttpRequest, customer_id: int) -> Keyset:
    _customer_exists(customer_id)
    rows = selectors.transaction_list(customer_id=customer_id)
    return Keyset(rows, show=lambda page: [_transaction_out(row) for row in page])


@router.post(
    "/customers/{customer_id}/transactions",
    auth=staff(Action.SALES_RECORD),
    response={201: TransactionOut},
    summary="Record a transaction",
)
@raises(Conflict)
def transaction_create(
    request: HttpRequest, customer_id: int, payload: TransactionIn
) -> Status[dict[str, Any]]:
    actor = staff_user(request)
    row = services.transaction_record(actor=actor, customer_id=customer_id, data=payload.model_dump())
    return Status(201, _transaction_out(row))


@router.get(
    "/customers/{customer_id}/holdings",
    auth=staff(Action.CUSTOMER_VIEW),
    response=list[HoldingOut],
    summary="A customer's holdings",
)
def customer_holdings(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    _customer_exists(customer_id)
    return [_holding_out(row) for row in selectors.holding_list(customer_id=customer_id)]


@router.post(
    "/customers/{customer_id}/holdings",
    auth=staff(Action.SALES_RECORD),
    response={201: HoldingOut},
    summary="Open a holding",
)
def holding_create(request: HttpRequest, customer_id: int, payload: HoldingIn) -> Status[dict[str, Any]]:
    actor = staff_user(request)
    row = services.holding_open(actor=actor, customer_id=customer_id, data=payload.model_dump())
    return Status(201, _holding_out(row))


@router.patch(
    "/holdings/{holding_id}",
    auth=staff(Action.SALES_RECORD),
    response=HoldingOut,
    summary="Change a holding's status or dates",
)
def holding_update(request: HttpRequest, holding_id: int, payload: HoldingPatch) -> dict[str, Any]:
    actor = staff_user(request)
    row = services.holding_change(
        actor=actor, holding_id=holding_id, data=payload.model_dump(exclude_unset=True)
    )
    return _holding_out(row)


@router.post(
    "/customers/{customer_id}/stage",
    auth=staff(Action.CUSTOMER_CHANGE),
    response=StageOut,
    summary="Set the lifecycle stage by hand, with a reason",
)
def stage_set(request: HttpRequest, customer_id: int, payload: StageIn) -> dict[str, Any]:
    actor = staff_user(request)
    customer = services.customer_stage_set(
        actor=actor, customer_id=customer_id, stage=payload.stage, reason=payload.reason
    )
    return {"id": customer.pk, "lifecycle_stage": customer.lifecycle_stage}


def _add_catalogue() -> None:
    from lojal.sales.catalogue_api import router as catalogue_router

    router.add_router("", catalogue_router)


_add_catalogue()
