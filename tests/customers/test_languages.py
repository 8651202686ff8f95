"""A new customer's preferred language follows the country of their address, phone or national
number when none is given; a Norwegian contact no longer gets Swedish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from lojal.customers.creation import customers_create_batch
from lojal.customers.models import Customer
from tests import factories
from tests.imports.helpers import run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "language"),
    [
        (
            {
                "addresses": [
                    {"street": "Karl Johans gate 1", "postal_code": "0154", "city": "Oslo", "country": "NO"}
                ]
            },
            "nb",
        ),
        (
            {
                "addresses": [
                    {"street": "Strøget 1", "postal_code": "1160", "city": "København", "country": "DK"}
                ]
            },
            "da",
        ),
        (
            {
                "addresses": [
                    {
                        "street": "Mannerheimintie 1",
                        "postal_code": "00100",
                        "city": "Helsinki",
                        "country": "FI",
                    }
                ]
            },
            "fi",
        ),
        (
            {
                "addresses": [
                    {"street": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm", "country": "SE"}
                ]
            },
            "sv",
        ),
        ({"phones": ["+47 912 34 567"]}, "nb"),
        ({"phones": ["+358 40 123 4567"]}, "fi"),
        ({"national_id": "01010750160", "national_id_country": "NO"}, "nb"),
        (
            {
                "addresses": [
                    {
                        "street": "Unter den Linden 1",
                        "postal_code": "10117",
                        "city": "Berlin",
                        "country": "DE",
                    }
                ]
            },
            "sv",
        ),
        ({}, "sv"),
    ],
)
def test_a_new_customer_speaks_the_language_of_their_country(data: dict[str, Any], language: str) -> None:
    customer = factories.person(**data)

    assert Customer.objects.get(pk=customer.pk).preferred_language == language


def test_a_language_given_wins_over_the_country() -> None:
    customer = factories.person(
        preferred_language="en",
        addresses=[{"street": "Karl Johans gate 1", "postal_code": "0154", "city": "Oslo", "country": "NO"}],
    )

    assert Customer.objects.get(pk=customer.pk).preferred_language == "en"


@override_settings(DEFAULT_COUNTRY="NO")
def test_a_customer_from_elsewhere_gets_the_companys_language() -> None:
    customer = factories.person(phones=["+49 30 1234567"])

    assert Customer.objects.get(pk=customer.pk).preferred_language == "nb"


def test_a_batch_derives_each_customers_language() -> None:
    created = customers_create_batch(
        actor=None,
        items=[
            {"kind": "person", "last_name": "Nordmann", "phones": ["+4791234567"]},
            {"kind": "person", "last_name": "Svensson", "phones": ["+46701234567"]},
            {"kind": "person", "last_name": "Hansen", "phones": ["+4520123456"], "preferred_language": "en"},
        ],
    )

    assert [Customer.objects.get(pk=c.pk).preferred_language for c in created] == ["nb", "sv", "en"]


def test_the_create_form_leaves_the_language_to_the_country_unless_chosen(staff_client: Client) -> None:
    form = {
        "kind": "person",
        "national_id_country": "SE",
        "country": "NO",
        "vip_tier": "none",
        "lifecycle_stage": "lead",
        "street": "Karl Johans gate 1",
        "postal_code": "0154",
        "city": "Oslo",
    }
    staff_client.post("/customers/new/", {**form, "last_name": "Nordmann", "preferred_language": ""})
    staff_client.post("/customers/new/", {**form, "last_name": "Engelsk", "preferred_language": "en"})

    assert Customer.objects.get(last_name="Nordmann").preferred_language == "nb"
    assert Customer.objects.get(last_name="Engelsk").preferred_language == "en"


def test_an_import_gives_norwegian_customers_norwegian(tmp_path: Path) -> None:
    # given an ERP file with a Norwegian and a Swedish customer and no language column
    path = tmp_path / "kunder.csv"
    path.write_text(
        "Förnamn;Efternamn;Telefon;Land\nKari;Nordmann;+47 912 34 567;NO\nSven;Svensson;070-123 45 67;SE\n",
        encoding="utf-8",
    )

    # when it is imported
    job = run("customers", path, source="erp")

    # then each speaks their country's language
    assert job.created_count == 2
    assert Customer.objects.get(last_name="Nordmann").preferred_language == "nb"
    assert Customer.objects.get(last_name="Svensson").preferred_language == "sv"
