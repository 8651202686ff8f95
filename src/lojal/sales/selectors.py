"""Reads for sales: revenue, contribution margin and counts per customer as single SQL aggregates,
the monthly trend, and the transactions and holdings of one customer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Abs, TruncMonth
from django.utils import timezone

from lojal.sales.models import Holding, Transaction, TransactionKind
from lojal.sales.money import converted_total, currency_rates

#: Kinds that are revenue; a refund counts negative whatever sign the source gave it. Deposits and
#: withdrawals move the customer's own money and are counted but are not revenue.
REVENUE_KINDS = (
    TransactionKind.PURCHASE.value,
    TransactionKind.TRADE.value,
    TransactionKind.SUBSCRIPTION_PAYMENT.value,
)
_MONEY = DecimalField(max_digits=20, decimal_places=2)


def _signed(column: str) -> Case:
    return Case(
        When(kind=TransactionKind.REFUND.value, then=-Abs(F(column))),
        When(kind__in=REVENUE_KINDS, then=F(column)),
        default=Value(None),
        output_field=_MONEY,
    )


def _cents(value: Any) -> Decimal:
    """A sum to the cent (SQLite adds decimals as floating point)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


@dataclass
class CurrencyFigures:
    currency: str
    revenue: Decimal
    margin: Decimal
    count: int


@dataclass
class PeriodFigures:
    """Figures of one period, one row per currency; ``converted`` is the revenue in the reporting
    currency, or None when a currency has no configured rate."""

    per_currency: list[CurrencyFigures] = field(default_factory=list)
    converted_revenue: Decimal | None = None
    converted_margin: Decimal | None = None
    reporting_currency: str = ""

    @property
    def count(self) -> int:
        return sum(row.count for row in self.per_currency)


@dataclass
class CustomerRevenue:
    last_12_months: PeriodFigures
    lifetime: PeriodFigures
    first_transaction_at: dt.datetime | None
    last_transaction_at: dt.datetime | None


def revenue_by_customer(
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    customer_ids: list[int] | None = None,
) -> QuerySet[Any, Any]:
    """Revenue, margin and number of transactions per (customer, currency) in [start, end): one
    GROUP BY over the transactions, whatever the period."""
    rows = Transaction.objects.all()
    if start is not None:
        rows = rows.filter(occurred_at__gte=start)
    if end is not None:
        rows = rows.filter(occurred_at__lt=end)
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=customer_ids)
    return (
        rows.values("customer_id", "currency")
        .annotate(revenue=Sum(_signed("amount")), margin=Sum(_signed("margin")), count=Count("id"))
        .order_by()
    )


def _period(
    rows: list[dict[str, Any]], suffix: str, rates: dict[str, Decimal], reporting: str
) -> PeriodFigures:
    figures = PeriodFigures(reporting_currency=reporting)
    for row in rows:
        if not row[f"count_{suffix}"]:
            continue
        figures.per_currency.append(
            CurrencyFigures(
                currency=row["currency"],
                revenue=_cents(row[f"revenue_{suffix}"]),
                margin=_cents(row[f"margin_{suffix}"]),
                count=row[f"count_{suffix}"],
            )
        )
    figures.per_currency.sort(key=lambda row: (-row.count, row.currency))
    if figures.per_currency:
        figures.converted_revenue = converted_total(
            {row.currency: row.revenue for row in figures.per_currency}, rates
        )
        figures.converted_margin = converted_total(
            {row.currency: row.margin for row in figures.per_currency}, rates
        )
    return figures


def customer_revenue(*, customer_id: int, now: dt.datetime | None = None) -> CustomerRevenue:
    """The last 12 months and the lifetime of one customer, per currency, in one query."""
    from django.conf import settings

    since = (now or timezone.now()) - dt.timedelta(days=365)
    recent = Q(occurred_at__gte=since)
    rows: list[Any] = list(
        Transaction.objects.filter(customer_id=customer_id)
        .values("currency")
        .annotate(
            revenue_12m=Sum(_signed("amount"), filter=recent),
            margin_12m=Sum(_signed("margin"), filter=recent),
            count_12m=Count("id", filter=recent),
            revenue_all=Sum(_signed("amount")),
            margin_all=Sum(_signed("margin")),
            count_all=Count("id"),
            first=Min("occurred_at"),
            last=Max("occurred_at"),
        )
        .order_by()
    )
    rates = currency_rates()
    reporting = settings.REPORTING_CURRENCY
    return CustomerRevenue(
        last_12_months=_period(rows, "12m", rates, reporting),
        lifetime=_period(rows, "all", rates, reporting),
        first_transaction_at=min((row["first"] for row in rows), default=None),
        last_transaction_at=max((row["last"] for row in rows), default=None),
    )


@dataclass
class MonthPoint:
    month: dt.date
    revenue: Decimal


def customer_monthly_revenue(
    *, customer_id: int, months: int = 12, now: dt.datetime | None = None
) -> dict[str, list[MonthPoint]]:
    """Revenue per calendar month (in the configured time zone) for the last ``months`` months, per
    currency; months without revenue are present with zero so a chart has no gaps."""
    current = timezone.localtime(now or timezone.now()).date().replace(day=1)
    firsts = [current]
    for _ in range(months - 1):
        firsts.append((firsts[-1] - dt.timedelta(days=1)).replace(day=1))
    firsts.reverse()
    start = timezone.make_aware(dt.datetime.combine(firsts[0], dt.time.min))
    rows = (
        Transaction.objects.filter(customer_id=customer_id, occurred_at__gte=start)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month", "currency")
        .annotate(revenue=Sum(_signed("amount")))
        .order_by()
    )
    found: dict[str, dict[dt.date, Decimal]] = {}
    for row in rows:
        month = row["month"]
        month_date = timezone.localtime(month).date() if isinstance(month, dt.datetime) else month
        found.setdefault(row["currency"], {})[month_date] = _cents(row["revenue"])
    return {
        currency: [MonthPoint(month=first, revenue=values.get(first, Decimal(0))) for first in firsts]
        for currency, values in sorted(found.items())
    }


def transaction_list(*, customer_id: int) -> QuerySet[Transaction]:
    return (
        Transaction.objects.filter(customer_id=customer_id)
        .select_related("product")
        .order_by("-occurred_at", "-id")
    )


def holding_list(*, customer_id: int) -> QuerySet[Holding]:
    return Holding.objects.filter(customer_id=customer_id).select_related("product")
