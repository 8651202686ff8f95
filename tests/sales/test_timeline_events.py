"""What sales put on the timeline: refunds and withdrawals read naturally in en, sv and nb with each
language's number format, and holdings are placed at their opening and closing dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext

from lojal.customers.models import Customer
from lojal.imports.models import ImportJob
from lojal.sales import services
from lojal.sales.models import Holding
from lojal.sales.rendering import transaction_summary
from lojal.timeline.models import Event
from tests import factories
from tests.imports.helpers import run

pytestmark = pytest.mark.django_db


def record(customer: Customer, kind: str, amount: str, **extra: str) -> Event:
    services.transaction_record(
        actor=None,
        customer_id=customer.pk,
        data={
            "occurred_at": timezone.now() - dt.timedelta(days=1),
            "kind": kind,
            "amount": amount,
            "currency": "SEK",
            **extra,
        },
    )
    return Event.objects.filter(customer=customer, kind="sales.transaction").latest("id")


@pytest.mark.parametrize(
    ("kind", "amount", "english", "swedish", "norwegian"),
    [
        (
            "refund",
            "-199.00",
            "Refund of 199.00 SEK",
            "Återbetalning på 199,00 SEK",
            "Refusjon på 199,00 SEK",
        ),
        (
            "withdrawal",
            "-12500",
            "Withdrawal of 12,500.00 SEK",
            "Uttag på 12\xa0500,00 SEK",
            "Uttak på 12\xa0500,00 SEK",
        ),
        (
            "purchase",
            "1234.5",
            "Purchase of 1,234.50 SEK",
            "Köp för 1\xa0234,50 SEK",
            "Kjøp for 1\xa0234,50 SEK",
        ),
        ("deposit", "500", "Deposit of 500.00 SEK", "Insättning på 500,00 SEK", "Innskudd på 500,00 SEK"),
        (
            "subscription_payment",
            "149",
            "Subscription payment of 149.00 SEK",
            "Abonnemangsbetalning på 149,00 SEK",
            "Abonnementsbetaling på 149,00 SEK",
        ),
    ],
)
def test_transactions_read_naturally_in_every_language(
    kind: str, amount: str, english: str, swedish: str, norwegian: str
) -> None:
    event = record(factories.person(), kind, amount)
    with translation.override("en"):
        assert event.display_summary == english
    with translation.override("sv"):
        assert event.display_summary == swedish
    with translation.override("nb"):
        assert event.display_summary == norwegian
    assert "-" not in event.summary  # the stored fallback reads the same way


def test_refund_events_from_an_import_read_naturally_too(tmp_path: object) -> None:
    customer = factories.person()
    from pathlib import Path

    path = Path(str(tmp_path)) / "tx.csv"
    path.write_text(
        f"id;Lojal nr;date;kind;amount;currency\nR1;{customer.customer_number};2026-03-01;refund;-199,00;SEK\n",
        encoding="utf-8",
    )
    run("transactions", path)
    event = Event.objects.get(customer=customer, kind="sales.transaction")
    with translation.override("en"):
        assert event.display_summary == "Refund of 199.00 SEK"
    with translation.override("sv"):
        assert event.display_summary == "Återbetalning på 199,00 SEK"


def test_a_holding_opened_by_hand_is_placed_at_its_opening_date() -> None:
    customer = factories.person()
    services.holding_open(
        actor=None, customer_id=customer.pk, data={"name": "Sparkonto", "opened_on": "2024-05-02"}
    )
    event = Event.objects.get(customer=customer, kind="sales.holding_opened")
    assert timezone.localtime(event.occurred_at).date() == dt.date(2024, 5, 2)


def test_closing_a_holding_is_placed_at_its_closing_date() -> None:
    customer = factories.person()
    holding = services.holding_open(
        actor=None, customer_id=customer.pk, data={"name": "Sparkonto", "opened_on": "2024-05-02"}
    )
    services.holding_change(
        actor=None, holding_id=holding.pk, data={"status": "closed", "closed_on": "2025-01-31"}
    )
    closed = Event.objects.get(customer=customer, kind="sales.holding_changed")
    assert timezone.localtime(closed.occurred_at).date() == dt.date(2025, 1, 31)
    # a change that is not an ending happens when it is made
    services.holding_change(actor=None, holding_id=holding.pk, data={"expires_on": "2030-01-01"})
    latest = Event.objects.filter(customer=customer, kind="sales.holding_changed").latest("id")
    assert timezone.now() - latest.occurred_at < dt.timedelta(minutes=1)


def test_a_future_opening_date_is_not_placed_in_the_future() -> None:
    customer = factories.person()
    services.holding_open(
        actor=None,
        customer_id=customer.pk,
        data={"name": "Konto", "opened_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat()},
    )
    event = Event.objects.get(customer=customer, kind="sales.holding_opened")
    assert event.occurred_at <= timezone.now()


def test_imported_holdings_read_in_the_order_things_happened(tmp_path: object) -> None:
    from pathlib import Path

    customer = factories.person()
    path = Path(str(tmp_path)) / "holdings.csv"
    path.write_text(
        "id;Lojal nr;name;status;opened_on;closed_on\n"
        f"H1;{customer.customer_number};Sparkonto;closed;2021-03-04;2023-06-30\n"
        f"H2;{customer.customer_number};Fondkonto;active;2022-09-15;\n",
        encoding="utf-8",
    )
    job = run("holdings", path)
    assert job.status == ImportJob.Status.DONE
    assert Holding.objects.filter(customer=customer).count() == 2
    events = [
        (event.kind, timezone.localtime(event.occurred_at).date())
        for event in Event.objects.filter(customer=customer, kind__startswith="sales.").order_by(
            "occurred_at"
        )
    ]
    assert events == [
        ("sales.holding_opened", dt.date(2021, 3, 4)),
        ("sales.holding_opened", dt.date(2022, 9, 15)),
        ("sales.holding_changed", dt.date(2023, 6, 30)),
    ]


def test_the_monthly_chart_uses_its_whole_height_for_refunds_only_and_for_mixed_months() -> None:
    from decimal import Decimal

    from lojal.sales.charts import BOTTOM, HEIGHT, TOP, monthly_chart
    from lojal.sales.selectors import MonthPoint

    months = [dt.date(2026, m, 1) for m in (1, 2, 3)]
    labels = ["Jan", "Feb", "Mar"]
    refunds = monthly_chart(
        "SEK", [MonthPoint(m, Decimal(v)) for m, v in zip(months, ("0", "-300", "-150"), strict=True)], labels
    )
    assert refunds.baseline == TOP
    assert refunds.bars[1].height == HEIGHT - TOP - BOTTOM and refunds.bars[1].is_negative
    assert refunds.bars[2].height == (HEIGHT - TOP - BOTTOM) / 2
    mixed = monthly_chart(
        "SEK", [MonthPoint(m, Decimal(v)) for m, v in zip(months, ("300", "-100", "0"), strict=True)], labels
    )
    assert mixed.baseline == TOP + (HEIGHT - TOP - BOTTOM) * 0.75
    assert mixed.bars[0].y == TOP and mixed.bars[1].y == mixed.baseline
    empty = monthly_chart("SEK", [MonthPoint(m, Decimal(0)) for m in months], labels)
    assert empty.baseline == HEIGHT - BOTTOM and all(bar.height == 0 for bar in empty.bars)


@pytest.mark.parametrize("language", ["en", "sv", "nb", "da", "fi", "de"])
def test_amounts_in_summaries_are_formatted_as_django_formats_numbers(language: str) -> None:
    amounts = ["0", "0.5", "-0.01", "999.99", "1000", "-1234.5", "1234567.89", "123456789012.34"]
    with translation.override(language):
        shown = [transaction_summary(kind="deposit", amount=Decimal(a), currency="NOK") for a in amounts]
        expected = [
            gettext("Deposit of %(amount)s")
            % {
                "amount": f"{number_format(Decimal(a), decimal_pos=2, use_l10n=True, force_grouping=True)} NOK"
            }
            for a in amounts
        ]
    assert shown == expected
