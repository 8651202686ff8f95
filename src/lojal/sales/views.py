"""The sales panel on the customer page (loaded by htmx): revenue and margin for the last 12 months and
the lifetime, per currency, a monthly chart, the latest transactions and the holdings."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.customers.models import Customer
from lojal.sales import selectors
from lojal.sales.charts import monthly_chart

PANEL_TRANSACTIONS = 10


@allowed_to(Action.CUSTOMER_VIEW)
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    if not Customer.objects.live().filter(pk=customer_id).exists():
        raise Http404
    revenue = selectors.customer_revenue(customer_id=customer_id)
    monthly = selectors.customer_monthly_revenue(customer_id=customer_id)
    charts = []
    for currency, points in monthly.items():
        labels = [formats.date_format(point.month, "M") for point in points]
        charts.append(monthly_chart(currency, points, labels))
    transactions = list(selectors.transaction_list(customer_id=customer_id)[: PANEL_TRANSACTIONS + 1])
    return render(
        request,
        "sales/_customer_panel.html",
        {
            "customer_id": customer_id,
            "revenue": revenue,
            "charts": charts,
            "transactions": transactions[:PANEL_TRANSACTIONS],
            "more_transactions": len(transactions) > PANEL_TRANSACTIONS,
            "holdings": list(selectors.holding_list(customer_id=customer_id)),
        },
    )


@allowed_to(Action.CUSTOMER_VIEW)
def customer_transactions(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = Customer.objects.live().filter(pk=customer_id).first()
    if customer is None:
        raise Http404
    from django.core.paginator import Paginator

    page = Paginator(selectors.transaction_list(customer_id=customer_id), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "sales/transactions.html", {"customer": customer, "page": page})
