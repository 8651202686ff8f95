"""Transactions, holdings, the revenue selector and lifecycle stages that follow the transactions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.core.models import AuditEntry
from lojal.customers.duplicates import customers_merge
from lojal.customers.models import Customer, Stage
from lojal.sales import lifecycle, selectors, services
from lojal.sales.models import CustomerSourceKey, Holding, Product, Transaction
from lojal.sales.money import converted_total, currency_rates
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


def record(
    customer: Customer,
    amount: str,
    currency: str = "SEK",
    kind: str = "purchase",
    days_ago: int = 10,
    **extra: Any,
) -> Transaction:
    return services.transaction_record(
        actor=None,
        customer_id=customer.pk,
        data={
            "occurred_at": NOW - dt.timedelta(days=days_ago),
            "kind": kind,
            "amount": amount,
            "currency": currency,
            **extra,
        },
    )


def test_a_recorded_transaction_is_on_the_timeline_and_in_the_audit_log(admin_user: Any) -> None:
    customer = factories.person(lifecycle_stage="registrant")
    row = services.transaction_record(
        actor=admin_user,
        customer_id=customer.pk,
        data={
            "occurred_at": NOW,
            "kind": "purchase",
            "amount": "499.00",
            "currency": "SEK",
            "channel": "store",
            "margin": "120.50",
            "attributes": {"store": "Göteborg Nordstan"},
        },
    )
    event = Event.objects.get(kind="sales.transaction")
    assert event.data == {"kind": "purchase", "amount": "499.00", "currency": "SEK", "transaction_id": row.pk}
    assert event.occurred_at == NOW
    assert event.actor == admin_user
    assert AuditEntry.objects.filter(object_type="sales.transaction", object_id=str(row.pk)).exists()


def test_registrant_becomes_customer_on_first_qualifying_transaction() -> None:
    customer = factories.person(lifecycle_stage="registrant")
    record(customer, "100.00", kind="refund")
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "registrant"
    record(customer, "100.00", kind="deposit")
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "customer"
    change = Event.objects.get(customer=customer, kind="customer.stage_changed")
    assert change.data == {
        "from": "registrant",
        "to": "customer",
        "reason": "first qualifying transaction",
        "reason_code": "stage.first_qualifying_transaction",
        "reason_params": {},
    }
    record(customer, "50.00")
    assert Event.objects.filter(customer=customer, kind="customer.stage_changed").count() == 1


def test_qualifying_kinds_are_configurable(settings: Any) -> None:
    settings.QUALIFYING_TRANSACTION_KINDS = ["subscription_payment"]
    customer = factories.person(lifecycle_stage="registrant")
    record(customer, "100.00", kind="purchase")
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "registrant"
    record(customer, "99.00", kind="subscription_payment")
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "customer"


def test_customer_without_open_holdings_and_recent_transactions_becomes_former() -> None:
    quiet = factories.person(lifecycle_stage="registrant")
    record(quiet, "100.00", days_ago=400)
    recent = factories.person(lifecycle_stage="registrant")
    record(recent, "100.00", days_ago=30)
    holder = factories.person(lifecycle_stage="registrant")
    record(holder, "100.00", days_ago=400)
    services.holding_open(
        actor=None, customer_id=holder.pk, data={"name": "Sparkonto", "opened_on": "2024-01-01"}
    )
    closed = factories.person(lifecycle_stage="registrant")
    record(closed, "100.00", days_ago=500)
    holding = services.holding_open(
        actor=None, customer_id=closed.pk, data={"name": "Kort", "opened_on": "2024-01-01"}
    )
    services.holding_change(actor=None, holding_id=holding.pk, data={"status": "closed"})
    assert lifecycle.lifecycle_retire_inactive(now=NOW + dt.timedelta(days=1)) == 2
    stages = {c.pk: c.lifecycle_stage for c in Customer.objects.all()}
    assert stages == {quiet.pk: "former", recent.pk: "customer", holder.pk: "customer", closed.pk: "former"}
    event = Event.objects.get(customer=quiet, kind="customer.stage_changed", data__to="former")
    assert event.data["reason"] == "no open holding and no transaction for 365 days"
    assert lifecycle.lifecycle_retire_inactive(now=NOW + dt.timedelta(days=1)) == 0
    # A former customer who buys again is a customer again.
    record(quiet, "10.00", days_ago=0)
    quiet.refresh_from_db()
    assert quiet.lifecycle_stage == "customer"


def test_stage_changes_are_made_a_chunk_at_a_time_and_none_is_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Promoting many customers at once (an import) holds only their ids; every one is changed and
    gets its event and audit entry, across chunk boundaries."""
    customers = [factories.person(lifecycle_stage="registrant") for _ in range(5)]
    for customer in customers:
        Transaction.objects.create(
            customer=customer, occurred_at=NOW, kind="purchase", amount=Decimal("1.00"), currency="SEK"
        )
    monkeypatch.setattr(lifecycle, "_STAGE_CHUNK", 2)
    assert lifecycle.lifecycle_promote() == 5
    assert set(Customer.objects.values_list("lifecycle_stage", flat=True)) == {"customer"}
    promoted = Event.objects.filter(kind="customer.stage_changed", data__to="customer")
    assert sorted(promoted.values_list("customer_id", flat=True)) == sorted(c.pk for c in customers)
    audited = AuditEntry.objects.filter(
        object_type="customers.customer", action="update", changes__has_key="reason"
    )
    assert sorted(int(pk) for pk in audited.values_list("object_id", flat=True)) == sorted(
        c.pk for c in customers
    )


def test_the_inactivity_period_is_configurable(settings: Any) -> None:
    settings.FORMER_CUSTOMER_AFTER_DAYS = 20
    customer = factories.person(lifecycle_stage="registrant")
    record(customer, "100.00", days_ago=30)
    assert lifecycle.lifecycle_retire_inactive(now=NOW) == 1


def test_lifecycle_command_runs_the_sweep() -> None:
    import io

    from django.core.management import call_command

    customer = factories.person(lifecycle_stage="registrant")
    record(customer, "100.00", days_ago=3000)
    out = io.StringIO()
    call_command("lifecycle", stdout=out)
    assert "1 became former customers" in out.getvalue()
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "former"


def test_stage_set_by_hand_needs_a_reason(admin_user: Any) -> None:
    customer = factories.person()
    with pytest.raises(ValidationError) as error:
        services.customer_stage_set(actor=admin_user, customer_id=customer.pk, stage="customer", reason=" ")
    assert error.value.errors == {"reason": ["Say why the stage changes."]}
    services.customer_stage_set(
        actor=admin_user, customer_id=customer.pk, stage="at_risk", reason="Complained twice"
    )
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "at_risk"
    event = Event.objects.get(customer=customer, kind="customer.stage_changed")
    assert event.data == {"from": "lead", "to": "at_risk", "reason": "Complained twice"}


def test_bad_transaction_input_names_every_field_and_writes_nothing() -> None:
    customer = factories.person()
    with pytest.raises(ValidationError) as error:
        services.transaction_record(
            actor=None,
            customer_id=customer.pk,
            data={
                "occurred_at": "yesterday",
                "kind": "gift",
                "amount": "lots",
                "currency": "XXX",
                "channel": "pigeon",
                "quantity": "many",
            },
        )
    assert set(error.value.errors) == {"occurred_at", "kind", "amount", "currency", "channel", "quantity"}
    with pytest.raises(NotFound):
        record(Customer(pk=999999), "1.00")
    with pytest.raises(ValidationError):
        record(customer, "1.00", product_code="NOPE")
    assert Transaction.objects.count() == 0
    assert not Event.objects.filter(kind="sales.transaction").exists()


def test_the_same_external_id_twice_is_a_conflict() -> None:
    customer = factories.person()
    record(customer, "1.00", source="erp", external_id="V-1")
    with pytest.raises(Conflict):
        record(customer, "2.00", source="erp", external_id="V-1")
    record(customer, "2.00", source="shop", external_id="V-1")
    assert Transaction.objects.count() == 2


def test_holdings_open_change_and_close_on_the_timeline() -> None:
    customer = factories.person()
    Product.objects.create(code="GIFT", name="Presentkort")
    holding = services.holding_open(
        actor=None,
        customer_id=customer.pk,
        data={"product_code": "GIFT", "opened_on": "2026-01-05", "expires_on": "2027-01-05"},
    )
    assert (holding.name, holding.status) == ("Presentkort", "active")
    services.holding_change(actor=None, holding_id=holding.pk, data={"status": "closed"})
    holding.refresh_from_db()
    assert holding.status == "closed"
    assert holding.closed_on == timezone.localdate()
    kinds = list(Event.objects.filter(customer=customer).order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == ["sales.holding_opened", "sales.holding_changed"]
    with pytest.raises(ValidationError) as error:
        services.holding_open(
            actor=None, customer_id=customer.pk, data={"opened_on": "soon", "status": "lost"}
        )
    assert set(error.value.errors) == {"opened_on", "status", "name"}


def test_revenue_per_currency_refunds_negative_deposits_not_revenue() -> None:
    customer = factories.person()
    record(customer, "1000.00", margin="300.00", days_ago=10)
    record(customer, "200.00", kind="refund", margin="50.00", days_ago=5)
    record(customer, "5000.00", kind="deposit", days_ago=3)
    record(customer, "100.00", currency="EUR", margin="40.00", days_ago=20)
    record(customer, "700.00", days_ago=500)
    other = factories.person()
    record(other, "999.00")
    figures = selectors.customer_revenue(customer_id=customer.pk, now=NOW)
    recent = {row.currency: row for row in figures.last_12_months.per_currency}
    assert recent["SEK"].revenue == Decimal("800.00")
    assert recent["SEK"].margin == Decimal("250.00")
    assert recent["SEK"].count == 3
    assert recent["EUR"].revenue == Decimal("100.00")
    lifetime = {row.currency: row for row in figures.lifetime.per_currency}
    assert lifetime["SEK"].revenue == Decimal("1500.00")
    assert lifetime["SEK"].count == 4
    # No rate for EUR is configured: no total is made rather than a wrong one.
    assert figures.last_12_months.converted_revenue is None
    assert figures.first_transaction_at == NOW - dt.timedelta(days=500)


def test_totals_over_currencies_use_configured_rates(settings: Any) -> None:
    settings.CURRENCY_RATES = "EUR=11.50, NOK=0.98, junk, XYZ=-1"
    assert currency_rates() == {"SEK": Decimal(1), "EUR": Decimal("11.50"), "NOK": Decimal("0.98")}
    customer = factories.person()
    record(customer, "1000.00", days_ago=1)
    record(customer, "100.00", currency="EUR", days_ago=1)
    figures = selectors.customer_revenue(customer_id=customer.pk, now=NOW)
    assert figures.last_12_months.converted_revenue == Decimal("2150.00")
    assert converted_total({"DKK": Decimal(1)}, currency_rates()) is None


def test_revenue_by_customer_is_one_grouped_query(django_assert_num_queries: Any) -> None:
    first, second = factories.person(), factories.person()
    record(first, "100.00", days_ago=1)
    record(first, "50.00", currency="EUR", days_ago=1)
    record(second, "10.00", days_ago=400)
    with django_assert_num_queries(1):
        rows = list(selectors.revenue_by_customer(start=NOW - dt.timedelta(days=365), end=NOW))
    found = {(row["customer_id"], row["currency"]): (row["revenue"], row["count"]) for row in rows}
    assert {key: (Decimal(v[0]).quantize(Decimal("0.01")), v[1]) for key, v in found.items()} == {
        (first.pk, "SEK"): (Decimal("100.00"), 1),
        (first.pk, "EUR"): (Decimal("50.00"), 1),
    }


def test_monthly_revenue_has_every_month_of_the_last_year() -> None:
    customer = factories.person()
    record(customer, "100.00", days_ago=1)
    record(customer, "40.00", days_ago=45)
    months = selectors.customer_monthly_revenue(customer_id=customer.pk, now=NOW)
    assert list(months) == ["SEK"]
    points = months["SEK"]
    assert len(points) == 12
    assert points[-1].month == dt.date(2026, 11, 1)
    assert points[-1].revenue == Decimal("100.00")
    assert points[-2].month == dt.date(2026, 10, 1)
    assert points[-2].revenue == Decimal("40.00")
    assert sum(p.revenue for p in points[:-2]) == 0


def test_a_merge_keeps_transactions_holdings_and_source_keys(admin_user: Any) -> None:
    keep = factories.person(first_name="Anna", last_name="Lind")
    other = factories.person(first_name="Ana", last_name="Lind")
    record(other, "100.00")
    services.holding_open(actor=None, customer_id=other.pk, data={"name": "Konto", "opened_on": "2026-01-01"})
    CustomerSourceKey.objects.create(customer=other, source="erp", external_id="K-1")
    customers_merge(actor=admin_user, keep_id=keep.pk, other_id=other.pk)
    assert list(Transaction.objects.values_list("customer_id", flat=True)) == [keep.pk]
    assert list(Holding.objects.values_list("customer_id", flat=True)) == [keep.pk]
    assert CustomerSourceKey.objects.get(external_id="K-1").customer_id == keep.pk
    assert selectors.customer_revenue(customer_id=keep.pk, now=NOW).lifetime.count == 1


def test_stage_enum_matches_lifecycle_constants() -> None:
    assert set(lifecycle.PROMOTABLE_STAGES) | set(lifecycle.CUSTOMER_STAGES) == set(Stage.values)


def test_the_sweep_books_its_next_run_for_the_night() -> None:
    from lojal.sales.tasks import next_sweep_at

    evening = dt.datetime(2026, 11, 20, 21, 0, tzinfo=dt.UTC)  # 22:00 in Stockholm
    assert timezone.localtime(next_sweep_at(evening)).isoformat() == "2026-11-21T03:00:00+01:00"
    early = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
    assert timezone.localtime(next_sweep_at(early)).isoformat() == "2026-11-20T03:00:00+01:00"


def test_the_sweep_task_moves_stages() -> None:
    from lojal.sales.tasks import lifecycle_sweep_task

    customer = factories.person(lifecycle_stage="registrant")
    Transaction.objects.create(customer=customer, occurred_at=NOW, kind="purchase", amount=1, currency="SEK")
    result = lifecycle_sweep_task.enqueue()
    assert result.return_value == "1 promoted, 0 retired"


def test_sales_events_read_in_the_readers_language() -> None:
    from django.utils import translation

    customer = factories.person()
    record(customer, "1234.50")
    event = Event.objects.get(kind="sales.transaction")
    assert event.display_summary == "Purchase of 1,234.50 SEK"
    with translation.override("sv"):
        assert event.display_summary == "Köp för 1\xa0234,50 SEK"
