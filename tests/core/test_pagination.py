"""Every API list pages the same way: ``?cursor=&limit=`` answering ``{"items", "next_cursor"}``, each
item exactly once in the list's order, however rows come and go between pages."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lojal.core.models import AuditEntry
from lojal.customers.duplicates import duplicates_check
from lojal.customers.models import Customer, DuplicateSuspicion
from lojal.imports.models import ImportJob, ImportRejection
from lojal.interactions.models import Interaction
from lojal.interactions.services import interaction_log
from lojal.sales import catalogue
from lojal.sales.models import Product, ProductCategory
from lojal.sales.services import transaction_record
from lojal.timeline.models import Event
from lojal.timeline.services import note_add
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

ITEMS = 7
LIMIT = 3
_names = itertools.count(1)
NOW = timezone.now()


@dataclass
class ListCase:
    """One API list: what to create, where to read it, its order, and how to add one more row."""

    path: Callable[[dict[str, Any]], str]
    make: Callable[[ApiClient], dict[str, Any]]
    expected: Callable[[dict[str, Any]], list[Any]]
    add: Callable[[dict[str, Any]], None]
    key: str = "id"
    params: Callable[[dict[str, Any]], dict[str, Any]] = lambda given: {}


def _people(api: ApiClient) -> dict[str, Any]:
    for n in range(ITEMS):
        factories.person(actor=api.user, first_name=f"Eva{n}", last_name=["Berg", "Ek", "Berg"][n % 3])
    return {}


def _one_customer(api: ApiClient) -> dict[str, Any]:
    return {"customer": factories.person(actor=api.user)}


def _notes(api: ApiClient) -> dict[str, Any]:
    given = _one_customer(api)
    for n in range(ITEMS - 1):  # and the "customer created" event
        note_add(customer_id=given["customer"].pk, text=f"note {n}", actor=api.user)
    return given


def _logged(api: ApiClient) -> dict[str, Any]:
    given = _one_customer(api)
    for n in range(ITEMS):
        interaction_log(
            actor=api.user,
            customer_id=given["customer"].pk,
            channel="call",
            subject=f"call {n}",
            occurred_at=NOW - dt.timedelta(hours=n % 3),  # ties on the time are broken by id
        )
    return given


def _unmatched_one(moment: dt.datetime) -> None:
    Interaction.objects.create(channel="sms", direction="in", occurred_at=moment, body_text="who is this")


def _unmatched(api: ApiClient) -> dict[str, Any]:
    for n in range(ITEMS):
        _unmatched_one(NOW - dt.timedelta(hours=n % 3))
    return {}


def _bought(customer: Customer, days_ago: int) -> None:
    transaction_record(
        actor=None,
        customer_id=customer.pk,
        data={
            "occurred_at": NOW - dt.timedelta(days=days_ago),
            "kind": "purchase",
            "amount": Decimal("100.00"),
            "currency": "SEK",
        },
    )


def _transactions(api: ApiClient) -> dict[str, Any]:
    given = _one_customer(api)
    for n in range(ITEMS):
        _bought(given["customer"], days_ago=n % 3 + 1)
    return given


def _twins(api: ApiClient) -> None:
    email = f"twin{next(_names)}@example.se"
    factories.person(emails=[email])
    factories.person(emails=[email])
    duplicates_check(customer_ids=None)


def _duplicates(api: ApiClient) -> dict[str, Any]:
    for _n in range(ITEMS):
        _twins(api)
    return {"api": api}


def _job() -> ImportJob:
    return ImportJob.objects.create(kind="customers", file_name="x.csv", status=ImportJob.Status.DONE)


def _jobs(api: ApiClient) -> dict[str, Any]:
    for _n in range(ITEMS):
        _job()
    return {}


def _rejections(api: ApiClient) -> dict[str, Any]:
    job = _job()
    ImportRejection.objects.bulk_create(
        ImportRejection(job=job, line=line, field="email", reason="Not an email address.", value="x")
        for line in range(2, ITEMS + 2)
    )
    return {"job": job}


def _products(api: ApiClient) -> dict[str, Any]:
    for n in range(ITEMS):
        catalogue.product_create(actor=api.user, data={"code": f"P-{n}", "name": f"Product {n % 3}"})
    return {}


def _categories(api: ApiClient) -> dict[str, Any]:
    for n in range(ITEMS):
        catalogue.category_create(actor=api.user, name=f"Category {n}")
    return {}


def _ids(rows: Any) -> list[int]:
    return list(rows.values_list("id", flat=True))


LISTS: dict[str, ListCase] = {
    "customers by name": ListCase(
        path=lambda given: "customers",
        make=_people,
        expected=lambda given: _ids(Customer.objects.live().order_by("sort_name", "id")),
        add=lambda given: factories.person(last_name="Aalto") and None,
    ),
    "customers newest first": ListCase(
        path=lambda given: "customers",
        params=lambda given: {"sort": "-created"},
        make=_people,
        expected=lambda given: _ids(Customer.objects.live().order_by("-created_at", "-id")),
        add=lambda given: factories.person() and None,
    ),
    "customers by number": ListCase(
        path=lambda given: "customers",
        params=lambda given: {"sort": "number"},
        make=_people,
        expected=lambda given: _ids(Customer.objects.live().order_by("customer_number")),
        add=lambda given: factories.person() and None,
    ),
    "timeline": ListCase(
        path=lambda given: f"customers/{given['customer'].pk}/timeline",
        make=_notes,
        expected=lambda given: _ids(
            Event.objects.filter(customer=given["customer"]).order_by("-occurred_at", "-id")
        ),
        add=lambda given: note_add(customer_id=given["customer"].pk, text="newest", actor=None) and None,
    ),
    "interactions": ListCase(
        path=lambda given: "interactions",
        params=lambda given: {"customer_id": given["customer"].pk},
        make=_logged,
        expected=lambda given: _ids(
            Interaction.objects.filter(customer=given["customer"]).order_by("-occurred_at", "-id")
        ),
        add=lambda given: (
            interaction_log(actor=None, customer_id=given["customer"].pk, channel="call", subject="new")
            and None
        ),
    ),
    "unmatched inbox": ListCase(
        path=lambda given: "interactions/unmatched",
        make=_unmatched,
        expected=lambda given: _ids(
            Interaction.objects.filter(customer=None).order_by("-occurred_at", "-id")
        ),
        add=lambda given: _unmatched_one(timezone.now()),
    ),
    "transactions": ListCase(
        path=lambda given: f"sales/customers/{given['customer'].pk}/transactions",
        make=_transactions,
        expected=lambda given: _ids(given["customer"].transactions.order_by("-occurred_at", "-id")),
        add=lambda given: _bought(given["customer"], days_ago=0),
    ),
    "audit": ListCase(
        path=lambda given: "audit",
        make=_people,
        expected=lambda given: _ids(AuditEntry.objects.order_by("-id")),
        add=lambda given: factories.person() and None,
    ),
    "duplicates": ListCase(
        path=lambda given: "customers/duplicates",
        make=_duplicates,
        expected=lambda given: _ids(DuplicateSuspicion.objects.order_by("-score", "-id")),
        add=lambda given: _twins(given["api"]),
    ),
    "imports": ListCase(
        path=lambda given: "imports",
        make=_jobs,
        expected=lambda given: _ids(ImportJob.objects.order_by("-id")),
        add=lambda given: _job() and None,
    ),
    "rejected rows": ListCase(
        path=lambda given: f"imports/{given['job'].pk}/rejections",
        make=_rejections,
        expected=lambda given: list(range(2, ITEMS + 2)),
        add=lambda given: ImportRejection.objects.create(job=given["job"], line=99, reason="Late.") and None,
        key="line",
    ),
    "products": ListCase(
        path=lambda given: "sales/products",
        make=_products,
        expected=lambda given: _ids(Product.objects.order_by("id")),
        add=lambda given: catalogue.product_create(actor=None, data={"code": "NEW", "name": "New"}) and None,
    ),
    "product categories": ListCase(
        path=lambda given: "sales/product-categories",
        make=_categories,
        expected=lambda given: _ids(ProductCategory.objects.order_by("name", "id")),
        add=lambda given: catalogue.category_create(actor=None, name="A first one") and None,
    ),
}


def _walk(
    api: ApiClient, case: ListCase, given: dict[str, Any], between: Callable[[], None] | None = None
) -> tuple[list[Any], list[int]]:
    seen: list[Any] = []
    sizes: list[int] = []
    cursor = None
    while True:
        params = {**case.params(given), "limit": LIMIT, **({"cursor": cursor} if cursor else {})}
        response = api.get(case.path(given), **params)
        assert response.status_code == 200, response.content
        page = response.json()
        assert set(page) == {"items", "next_cursor"}
        seen += [item[case.key] for item in page["items"]]
        sizes.append(len(page["items"]))
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, sizes
        if between is not None and len(sizes) == 1:
            between()
        assert len(sizes) < 20, "the cursor never ended"


@pytest.mark.parametrize("case", LISTS.values(), ids=LISTS.keys())
def test_paging_through_a_list_returns_every_item_once_in_order(api: ApiClient, case: ListCase) -> None:
    # given at least ITEMS rows, some tied on the first sort key
    given = case.make(api)
    expected = case.expected(given)
    assert len(expected) >= ITEMS

    # when
    seen, sizes = _walk(api, case, given)

    # then
    assert seen == expected
    assert sum(sizes) == len(expected) and all(size == LIMIT for size in sizes[:-1])


@pytest.mark.parametrize("case", LISTS.values(), ids=LISTS.keys())
def test_a_row_added_between_pages_makes_no_other_skipped_or_repeated(api: ApiClient, case: ListCase) -> None:
    # given
    given = case.make(api)
    before = case.expected(given)

    # when a row is added (first in the order where it can be) after the first page was read
    seen, _sizes = _walk(api, case, given, between=lambda: case.add(given))

    # then every row that was there is seen exactly once, in order
    assert len(seen) == len(set(seen))
    assert [key for key in seen if key in before] == before


@pytest.mark.parametrize("case", LISTS.values(), ids=LISTS.keys())
@pytest.mark.parametrize("cursor", ["junk", "WzZd", "WzZd:forged", "%00"])
def test_a_bad_cursor_is_422_naming_cursor(api: ApiClient, case: ListCase, cursor: str) -> None:
    given = case.make(api)
    response = api.get(case.path(given), **case.params(given), cursor=cursor)
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == ["cursor"]


@pytest.mark.parametrize("limit", [0, 100_000])
def test_a_limit_out_of_bounds_is_422_naming_limit(api: ApiClient, limit: int) -> None:
    response = api.get("audit", limit=limit)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["limit"]


def test_a_cursor_of_one_list_is_refused_by_another(api: ApiClient) -> None:
    # given a cursor from the imports list (ordered by id, newest first, as the audit log is)
    _jobs(api)
    cursor = api.get("imports", limit=1).json()["next_cursor"]

    # when it is sent to the audit log
    response = api.get("audit", cursor=cursor)

    # then
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["cursor"]
