"""The one search box: names (prefixes, typos, missing diacritics), customer numbers, emails, phones in
any spelling and national numbers with or without separators; never deleted customers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation

from lojal.customers.creation import customers_create_batch
from lojal.customers.models import Customer
from lojal.customers.search import SearchHit, customer_search_ids
from lojal.customers.selectors import customer_search
from lojal.customers.services import customer_delete, customer_update
from tests import factories

pytestmark = pytest.mark.django_db


def found(query: str, limit: int = 20) -> list[tuple[int, str]]:
    return [(hit.customer_id, hit.matched_on) for hit in customer_search_ids(query=query, limit=limit)]


@pytest.fixture
def anna() -> Customer:
    return factories.person(
        first_name="Anna",
        last_name="Åström",
        national_id="880320-0016",
        emails=["Anna.Astrom@Example.SE"],
        phones=["070-123 45 67"],
        addresses=[{"street": "Storgatan 1", "postal_code": "411 38", "city": "Göteborg"}],
    )


@pytest.fixture
def others() -> list[Customer]:
    return [
        factories.person(
            first_name="Bertil",
            last_name="Lindqvist",
            addresses=[{"street": "Drottninggatan 5", "postal_code": "111 51", "city": "Stockholm"}],
        ),
        factories.person(
            first_name="Cecilia", last_name="Ek", emails=["cecilia@example.se"], phones=["08-123 456 78"]
        ),
        factories.organisation(organisation_name="Volvo Personvagnar AB", national_id="556036-0793"),
    ]


@pytest.mark.parametrize(
    "query", ["Åström", "astrom", "Astrom", "ÅSTRÖM", "Anna Åström", "anna astrom", "Ast"]
)
def test_name_is_found_with_or_without_diacritics_and_by_prefix(
    anna: Customer, others: list[Customer], query: str
) -> None:
    assert found(query) == [(anna.pk, "name")]


def test_city_without_diacritics_finds_the_customer(anna: Customer, others: list[Customer]) -> None:
    assert found("Goteborg") == [(anna.pk, "name")]
    assert found("anna göteborg") == [(anna.pk, "name")]


@pytest.mark.parametrize(
    ("query", "name"), [("Bertil Lindkvist", "Lindqvist"), ("Lindqvsit", "Lindqvist"), ("Åsström", "Åström")]
)
def test_a_name_with_a_typo_is_found_by_the_fuzzy_fallback(
    anna: Customer, others: list[Customer], query: str, name: str
) -> None:
    expected = anna if name == "Åström" else others[0]
    assert found(query) == [(expected.pk, "name_fuzzy")]


def test_a_surname_with_one_letter_changed_is_found_on_its_own(
    anna: Customer, others: list[Customer]
) -> None:
    assert found("Lindkvist") == [(others[0].pk, "name_fuzzy")]


def test_text_far_from_every_name_finds_nothing(anna: Customer, others: list[Customer]) -> None:
    assert found("Xylofon") == []
    assert found("zzz qqq") == []


def test_customer_number_is_found(anna: Customer, others: list[Customer]) -> None:
    assert found(str(anna.customer_number)) == [(anna.pk, "customer_number")]
    assert found(f"  {others[2].customer_number} ") == [(others[2].pk, "customer_number")]


@pytest.mark.parametrize(
    "query", ["anna.astrom@example.se", "ANNA.ASTROM@EXAMPLE.SE", "Anna.Astrom@Example.se"]
)
def test_email_is_found_exactly_in_any_case(anna: Customer, others: list[Customer], query: str) -> None:
    assert found(query) == [(anna.pk, "email")]


def test_start_of_an_email_address_is_found(anna: Customer, others: list[Customer]) -> None:
    assert found("anna.astrom@") == [(anna.pk, "email")]
    assert found("nobody@example.se") == []


@pytest.mark.parametrize(
    "query", ["070-123 45 67", "+46 70 123 45 67", "0046701234567", "0701234567", "+46701234567"]
)
def test_phone_in_any_spelling_is_found(anna: Customer, others: list[Customer], query: str) -> None:
    assert found(query) == [(anna.pk, "phone")]


@pytest.mark.parametrize("query", ["8803200016", "880320-0016", "19880320-0016", "198803200016"])
def test_personal_number_with_or_without_separators_is_found(
    anna: Customer, others: list[Customer], query: str
) -> None:
    assert found(query) == [(anna.pk, "national_id")]


@pytest.mark.parametrize("query", ["556036-0793", "5560360793"])
def test_organisation_number_is_found(anna: Customer, others: list[Customer], query: str) -> None:
    assert found(query) == [(others[2].pk, "national_id")]


def test_deleted_customer_is_found_by_nothing(anna: Customer, others: list[Customer]) -> None:
    # when
    customer_delete(actor=None, customer_id=anna.pk)

    # then
    for query in (
        "Åström",
        "Astrom",
        "Asrtöm",
        "Goteborg",
        str(anna.customer_number),
        "anna.astrom@example.se",
        "anna.astrom@",
        "070-123 45 67",
        "880320-0016",
    ):
        assert found(query) == [], query


def test_a_changed_name_is_found_by_the_new_name_only(anna: Customer) -> None:
    customer_update(actor=None, customer_id=anna.pk, data={"last_name": "Berglund"})
    assert found("Berglund") == [(anna.pk, "name")]
    assert found("Åström") == []


def test_whole_word_matches_come_before_prefix_matches() -> None:
    anna_ek = factories.person(first_name="Anna", last_name="Ek")
    ann_berg = factories.person(first_name="Ann", last_name="Berg")
    assert found("Ann") == [(ann_berg.pk, "name"), (anna_ek.pk, "name")]


def test_a_rare_name_among_many_is_found_alone() -> None:
    # given fifty customers with common names, and one rare one
    common = [
        ("Erik", "Andersson"),
        ("Maria", "Johansson"),
        ("Lars", "Karlsson"),
        ("Karin", "Nilsson"),
        ("Anders", "Eriksson"),
    ]
    items = [
        {
            "first_name": common[n % 5][0],
            "last_name": f"{common[n % 5][1]}",
            "emails": [f"kund{n}@example.se"],
        }
        for n in range(50)
    ]
    customers_create_batch(
        actor=None, items=[*items[:25], {"first_name": "Zacharias", "last_name": "Quist"}, *items[25:]]
    )
    rare = Customer.objects.get(last_name="Quist")

    # when, then
    assert found("Quist") == [(rare.pk, "name")]
    assert found("zacharias quist") == [(rare.pk, "name")]
    assert found("Quisst") == [(rare.pk, "name_fuzzy")]
    assert len(found("Andersson", limit=100)) == 10
    assert len(found("Andersson", limit=3)) == 3


def test_empty_or_punctuation_only_queries_find_nothing(anna: Customer) -> None:
    for query in ("", "   ", "!!!", "-", "@"):
        assert customer_search_ids(query=query) == [], query


def test_selector_returns_customers_in_hit_order_with_what_matched(
    anna: Customer, others: list[Customer]
) -> None:
    results = customer_search(query="0701234567")
    assert [(customer.pk, hit) for customer, hit in results] == [(anna.pk, SearchHit(anna.pk, "phone"))]


# --- PostgreSQL: the tsvector trigger, per-language stemming and pg_trgm ------------------------


def search_vector(customer_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM customers_customer WHERE id = %s", [customer_id])
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_search_vector_is_filled_by_the_trigger_on_insert_and_update() -> None:
    # given
    company = factories.organisation(
        organisation_name="Åströms AB", industry="Konsulter", preferred_language="sv"
    )

    # then the folded search text (name and industry; simple, weight A) and the Swedish stems of it and the
    # industry as typed (weight B) are there
    assert search_vector(company.pk) == "'ab':2A,5B 'astrom':4B 'astroms':1A 'konsult':6B,7B 'konsulter':3A"

    # when the industry changes, the vector follows
    customer_update(actor=None, customer_id=company.pk, data={"industry": "Bagerier"})
    assert search_vector(company.pk) == "'ab':2A,5B 'astrom':4B 'astroms':1A 'bageri':6B,7B 'bagerier':3A"


@pytest.mark.postgres
def test_bulk_created_customers_get_a_search_vector_too() -> None:
    [created] = customers_create_batch(actor=None, items=[{"first_name": "Britt", "last_name": "Öberg"}])
    assert search_vector(created.pk).startswith("'britt':1A")


@pytest.mark.postgres
def test_swedish_stemming_finds_an_industry_in_another_inflection() -> None:
    # given
    company = factories.organisation(
        organisation_name="Svensson & Co", industry="Konsulter", preferred_language="sv"
    )
    factories.organisation(organisation_name="Annat AB", industry="Bagerier", preferred_language="sv")

    # when someone using Swedish searches for "konsulten" (the consultant), which is no prefix of it
    with translation.override("sv"):
        hits = found("konsulten")

    # then the stemmed word matches
    assert hits == [(company.pk, "name")]


@pytest.mark.postgres
def test_swedish_stemming_finds_an_industry_with_diacritics() -> None:
    company = factories.organisation(
        organisation_name="Färg & Form AB", industry="Målerier", preferred_language="sv"
    )
    with translation.override("sv"):
        assert found("målerierna") == [(company.pk, "name")]


@pytest.mark.postgres
def test_pg_trgm_fuzzy_fallback_finds_the_close_spelling_only() -> None:
    # given
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
    lindgren = factories.person(first_name="Bertil", last_name="Lindgren")
    lindqvist = factories.person(first_name="Bertil", last_name="Lindqvist")
    factories.person(first_name="Cecilia", last_name="Ek")

    # when
    hits = found("Bertil Lindkvist")

    # then the close spelling is found; another surname that shares the first letters is not
    assert hits == [(lindqvist.pk, "name_fuzzy")]
    assert lindgren.pk not in [pk for pk, _why in hits]


@pytest.mark.django_db
def test_finnish_number_of_someone_born_in_the_2000s_is_found() -> None:
    aino = factories.person(first_name="Aino", national_id="270602A5052", national_id_country="FI")
    assert found("270602A5052") == [(aino.pk, "national_id")]
    assert found("270602a5052") == [(aino.pk, "national_id")]


@pytest.mark.django_db
def test_norwegian_local_number_is_found_on_a_swedish_install() -> None:
    ola = factories.person(first_name="Ola", phones=["+47 412 34 567"])
    assert found("412 34 567") == [(ola.pk, "phone")]
    assert found("41234567") == [(ola.pk, "phone")]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_word_list_for_typo_search_follows_new_and_changed_names() -> None:
    ylva = factories.person(first_name="Ylva", last_name="Quist")
    customer_update(actor=None, customer_id=ylva.pk, data={"last_name": "Qvarnström"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM customer_search_word WHERE word IN ('ylva', 'quist', 'qvarnstrom')")
        assert sorted(row[0] for row in cursor.fetchall()) == ["quist", "qvarnstrom", "ylva"]
    assert found("Qvarnstrmö") == [(ylva.pk, "name_fuzzy")]


def test_a_customer_is_found_by_the_id_of_any_source_it_came_from(
    anna: Customer, others: list[Customer]
) -> None:
    from lojal.sales.models import CustomerSourceKey

    # given the ERP's and the web shop's ids, as the imports write them
    CustomerSourceKey.objects.create(customer=anna, source="fortnox", external_id="K-1001")
    CustomerSourceKey.objects.create(customer=anna, source="shop", external_id="web-77")
    CustomerSourceKey.objects.create(customer=others[0], source="fortnox", external_id="K-1002")
    gone = factories.person(first_name="Gustav", last_name="Borta")
    CustomerSourceKey.objects.create(customer=gone, source="fortnox", external_id="K-1003")
    customer_delete(actor=None, customer_id=gone.pk)
    # then the whole id finds its customer, first, whatever the source; a part or a deleted one does not
    assert found("K-1001")[:1] == [(anna.pk, "external_id")]
    assert found(" web-77 ")[:1] == [(anna.pk, "external_id")]
    assert found("K-1002")[:1] == [(others[0].pk, "external_id")]
    assert (anna.pk, "external_id") not in found("K-100")
    assert found("K-1003") == []
