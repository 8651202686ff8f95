"""Names sort as in a Nordic phone book: the extra letters after z, in each alphabet's own order."""

from __future__ import annotations

import pytest
from django.test import override_settings

from lojal.core.text import sort_key
from lojal.customers.models import Customer
from lojal.customers.selectors import CustomerFilters, customer_list_for_page
from tests import factories

SWEDISH = ["Zetterberg", "Andersson", "Öberg", "Åberg", "Ärlig", "Ahlström", "Olsson"]
NORWEGIAN = ["Ås", "Øvre", "Ærlig", "Zahl", "Aas", "Olsen"]


def test_swedish_order_puts_a_ring_a_umlaut_o_umlaut_after_z() -> None:
    ordered = sorted(SWEDISH, key=lambda name: sort_key(name, "SE"))
    assert ordered == ["Ahlström", "Andersson", "Olsson", "Zetterberg", "Åberg", "Ärlig", "Öberg"]


def test_norwegian_and_danish_order_is_ae_o_slash_a_ring() -> None:
    for country in ("NO", "DK"):
        ordered = sorted(NORWEGIAN, key=lambda name: sort_key(name, country))
        assert ordered == ["Aas", "Olsen", "Zahl", "Ærlig", "Øvre", "Ås"]


def test_finnish_follows_the_swedish_alphabet_and_other_accents_fold() -> None:
    assert sort_key("Öhman", "FI") > sort_key("Zilliacus", "FI")
    assert sort_key("Émile Côté", "SE") == "emile cote"
    assert sort_key("  Müller-Lüdenscheidt  AB ", "SE") == "muller ludenscheidt ab"


@pytest.mark.parametrize("country", ["SE", "NO"])
def test_the_customer_list_sorts_in_the_configured_alphabet(db: object, country: str) -> None:
    with override_settings(DEFAULT_COUNTRY=country):
        for name in ("Åkesson", "Ødegård", "Zorn", "Ärnström"):
            factories.person(first_name="Test", last_name=name)
        listed = customer_list_for_page(filters=CustomerFilters(), sort="name")
        names = [customer.last_name for customer in listed]
        reverse = [
            customer.last_name for customer in customer_list_for_page(filters=CustomerFilters(), sort="-name")
        ]
    if country == "SE":
        assert names == ["Zorn", "Åkesson", "Ärnström", "Ødegård"]
    else:
        assert names == ["Zorn", "Ärnström", "Ødegård", "Åkesson"]
    assert reverse == names[::-1]
    assert Customer.objects.count() == 4


@pytest.mark.postgres
def test_postgres_compares_sort_keys_byte_by_byte(db: object) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'customers_customer' AND column_name = 'sort_name'"
        )
        assert cursor.fetchone()[0] == "C"


def test_sort_keys_follow_a_change_of_country(db: object) -> None:
    from io import StringIO

    from django.core.management import call_command

    with override_settings(DEFAULT_COUNTRY="SE"):
        factories.person(first_name="Test", last_name="Ärnström")
        factories.person(first_name="Test", last_name="Åkesson")
    with override_settings(DEFAULT_COUNTRY="NO"):
        out = StringIO()
        call_command("sort_keys", stdout=out)
        assert out.getvalue().startswith("2 sort keys changed")
        names = [c.last_name for c in customer_list_for_page(filters=CustomerFilters(), sort="name")]
    assert names == ["Ärnström", "Åkesson"]
