"""The list component: reading a list's address, writing tidy ones, sort headers, pages, the count cap."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict

from lojal.core.lists import CappedPaginator, Column, ListSpec, list_state
from lojal.core.models import AuditEntry

SPEC = ListSpec(
    key="things",
    columns=(
        Column("name", "Name", order_by=("name", "id"), required=True),
        Column("number", "Number", order_by=("-number", "id")),
        Column("email", "Email"),
        Column("created", "Created", order_by=("created_at",), default=False),
    ),
    default_sort="name",
    filters=("q", "tag"),
)


def state(query: str = "") -> Any:
    return list_state(SPEC, QueryDict(query), path="/things/")


def test_defaults_when_the_address_says_nothing() -> None:
    listing = state()
    assert (listing.sort, listing.columns, listing.per_page, listing.filters) == (
        "name",
        ["name", "number", "email"],
        25,
        [],
    )
    assert listing.url() == "/things/"


@pytest.mark.parametrize(
    ("query", "sort", "columns", "per_page"),
    [
        ("sort=-number&columns=created&per_page=100", "-number", ["name", "created"], 100),
        ("sort=email", "name", ["name", "number", "email"], 25),  # not sortable
        ("sort=--name", "name", ["name", "number", "email"], 25),
        ("sort=nonsense&per_page=33", "name", ["name", "number", "email"], 25),
        ("columns=nonsense", "name", ["name"], 25),
        ("per_page=%00", "name", ["name", "number", "email"], 25),
    ],
)
def test_unknown_settings_fall_back_to_the_defaults(
    query: str, sort: str, columns: list[str], per_page: int
) -> None:
    listing = state(query)
    assert (listing.sort, listing.columns, listing.per_page) == (sort, columns, per_page)


def test_links_carry_the_filters_without_empty_values_or_a_stray_ampersand() -> None:
    listing = state("q=&tag=VIP&other=x&per_page=50&page=3")
    assert listing.filters == [("tag", "VIP")]
    assert listing.query(page=2) == "tag=VIP&per_page=50&page=2"
    assert listing.url(page=1) == "/things/?tag=VIP&per_page=50"
    assert "?&" not in state("q=").url(page=2)
    assert state("q=").url(page=2) == "/things/?page=2"
    assert listing.filter_query == "tag=VIP"


def test_descending_reverses_every_key_of_the_ordering() -> None:
    assert state("sort=number").order_by() == ("-number", "id")
    assert state("sort=-number").order_by() == ("number", "-id")
    assert state("sort=-name").order_by() == ("-name", "-id")


def test_headers_say_the_sort_and_toggle_it() -> None:
    headers = {header.column.key: header for header in state("q=anna").headers}
    assert (headers["name"].aria_sort, headers["name"].url) == ("ascending", "/things/?q=anna&sort=-name")
    assert (headers["number"].aria_sort, headers["number"].url) == ("none", "/things/?q=anna&sort=number")
    assert (headers["email"].aria_sort, headers["email"].url) == ("", "")
    descending = {header.column.key: header for header in state("sort=-name").headers}
    assert (descending["name"].aria_sort, descending["name"].url) == ("descending", "/things/")


def test_hidden_columns_have_no_header_and_the_choice_names_every_optional_column() -> None:
    listing = state("columns=email")
    assert [header.column.key for header in listing.headers] == ["name", "email"]
    assert listing.shown == {"name": True, "number": False, "email": True, "created": False}
    assert [(column.key, shown) for column, shown in listing.column_choices] == [
        ("number", False),
        ("email", True),
        ("created", False),
    ]
    assert listing.url() == "/things/?columns=name&columns=email"


@pytest.mark.django_db
def test_numbered_pages_elide_the_middle_and_load_more_points_at_the_next_page() -> None:
    AuditEntry.objects.bulk_create(
        [AuditEntry(action="create", object_type="x.y", object_id=str(n)) for n in range(260)]
    )
    listing = state("tag=a&page=6")
    page = listing.paginate(AuditEntry.objects.order_by("id"))
    assert (page.number, page.paginator.num_pages, len(page.object_list)) == (6, 11, 25)
    numbers = [link.number for link in listing.page_links]
    assert numbers == [1, None, 4, 5, 6, 7, 8, None, 11]
    assert [link.url for link in listing.page_links if link.current] == ["/things/?tag=a&page=6"]
    assert listing.next_url == "/things/?tag=a&page=7"
    assert listing.previous_url == "/things/?tag=a&page=5"
    assert state("page=99").paginate(AuditEntry.objects.order_by("id")).number == 11


@pytest.mark.django_db
def test_the_capped_paginator_counts_only_up_to_its_cap() -> None:
    AuditEntry.objects.bulk_create(
        [AuditEntry(action="create", object_type="x.y", object_id=str(n)) for n in range(30)]
    )
    paginator = CappedPaginator(AuditEntry.objects.order_by("id"), 4, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (11, True, 3)
    exact = CappedPaginator(AuditEntry.objects.order_by("id"), 4, cap=100)
    assert (exact.count, exact.capped, exact.num_pages) == (30, False, 8)


def test_a_saved_view_opens_with_its_filters_sort_and_columns_and_is_marked_when_open() -> None:
    class View:
        def __init__(self, filters: str, sort: str, columns: list[str], owner_id: int) -> None:
            self.filters, self.sort, self.columns, self.owner_id = filters, sort, columns, owner_id

    listing = state("tag=VIP&sort=-number")
    listing.offer_saved_views(
        [View("tag=VIP", "-number", ["name", "number", "email"], 1), View("q=x", "name", ["name"], 2)],
        user_id=1,
    )
    links = [(link.url, link.current, link.own) for link in listing.saved_views]
    assert links == [
        ("/things/?tag=VIP&sort=-number", True, True),
        ("/things/?q=x&columns=name", False, False),
    ]
