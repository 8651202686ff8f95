"""On PostgreSQL an import's new customers are written by SQL from what the dry run prepared; they
come out exactly as the Python path (``customers_create_validated``) writes them: every column,
contact point, tag, source key, audit entry and timeline event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from lojal.core.models import AuditEntry
from lojal.customers.models import Customer
from lojal.imports import customers as customer_import
from lojal.sales.models import CustomerSourceKey
from lojal.timeline.models import Event
from tests.imports.helpers import run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

FILE = (
    "Kundnr;Typ;Förnamn;Efternamn;Företag;Bransch;Personnummer;E-post;Telefon;Adress;Postnr;Ort;Land;"
    "Språk;VIP;Födelsedatum;Taggar\n"
    "K-1;person;Åsa;Öberg;;;811228-9874;asa@example.se;070-765 43 21;Storgatan 1;111 22;Göteborg;SE;"
    "svenska;gold;;Nyhetsbrev, VIP\n"
    "K-2;person;Kari;Nordmann;;;;kari@example.no;412 34 567;Karl Johans gate 1;0154;Oslo;NO;norsk;;"
    "1985-04-02;vip\n"
    "K-3;företag;;;Fjällräven Handel AB;Detaljhandel;556036-0793;info@fjall.example.se;;Industrivägen 3;"
    "831 48;Östersund;SE;;;;Återförsäljare\n"
    "K-4;person;Olle;;;;;;;;;Kiruna;SE;;;;\n"
    "K-5;person;;Ångström;;;19121212-1212;;+46 8 123 456 78;;;;;english;silver;;\n"
)


class _Rollback(Exception):
    pass


def _state() -> list[dict[str, Any]]:
    customers = []
    for customer in Customer.objects.order_by("customer_number"):
        fields = {
            f.attname: getattr(customer, f.attname)
            for f in Customer._meta.concrete_fields
            if f.attname not in ("id", "customer_number", "created_at", "updated_at", "search_vector")
        }
        number = str(customer.customer_number)
        audit = list(
            AuditEntry.objects.filter(
                object_type="customers.customer", object_id=str(customer.pk)
            ).values_list("action", "actor_id", "object_label", "changes")
        )
        customers.append(
            {
                "fields": fields,
                "created_equals_updated": customer.created_at == customer.updated_at,
                "emails": list(customer.emails.values_list("address", "label", "is_primary")),
                "phones": list(customer.phones.values_list("number", "label", "is_primary")),
                "addresses": list(
                    customer.addresses.values_list(
                        "label",
                        "street",
                        "postal_code",
                        "city",
                        "municipality",
                        "region",
                        "country",
                        "is_primary",
                        "match_key",
                    )
                ),
                "tags": sorted(customer.tags.values_list("name", flat=True)),
                "keys": list(
                    CustomerSourceKey.objects.filter(customer=customer).values_list("source", "external_id")
                ),
                "audit": [
                    (a, actor, label.replace(number, "<n>"), changes) for a, actor, label, changes in audit
                ],
                "events": list(
                    Event.objects.filter(customer=customer).values_list("kind", "summary", "body", "data")
                ),
            }
        )
    return customers


def _import(path: Path, in_sql: bool, monkeypatch: pytest.MonkeyPatch, actor: Any) -> list[dict[str, Any]]:
    monkeypatch.setattr(customer_import, "creates_in_sql", lambda: in_sql)
    try:
        with transaction.atomic():
            job = run("customers", path, actor=actor, source="erp")
            assert (job.status, job.created_count) == ("done", 5), job.error
            state = _state()
            raise _Rollback
    except _Rollback:
        pass
    return state


def test_new_customers_written_by_sql_equal_the_python_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, admin_user: Any
) -> None:
    assert connection.vendor == "postgresql"
    path = tmp_path / "customers.csv"
    path.write_text(FILE, encoding="utf-8")
    in_sql = _import(path, True, monkeypatch, admin_user)
    in_python = _import(path, False, monkeypatch, admin_user)
    assert len(in_sql) == 5
    assert in_sql == in_python
    # And the cases the file has really came through: tags, a place without an address, birth dates.
    by_name = {c["fields"]["display_name"]: c for c in in_sql}
    assert by_name["Åsa Öberg"]["tags"] == ["Nyhetsbrev", "VIP"]
    assert by_name["Kari Nordmann"]["tags"] == ["VIP"]
    assert (by_name["Olle"]["fields"]["city"], by_name["Olle"]["addresses"]) == ("Kiruna", [])
    assert str(by_name["Åsa Öberg"]["fields"]["birth_date"]) == "1981-12-28"
    assert by_name["Fjällräven Handel AB"]["fields"]["kind"] == "organisation"
