"""The customer list as staff work in it: sort by a header, pick columns and page size, page by number
or load more, filter by a tag chip, open saved views; and its query count, whatever the page size."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.saved_views import saved_view_create
from lojal.customers.creation import customers_create_batch

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sixty(make_user: Callable[..., User]) -> list[Any]:
    managers = [make_user(Role.SALES) for _ in range(3)]
    return customers_create_batch(
        actor=None,
        items=[
            {
                "last_name": f"Kund {n:02}",
                "tags": ["VIP"] if n % 2 else ["Mässa"],
                "account_manager_id": managers[n % 3].pk,
                "emails": [f"k{n}@example.se"],
                "lifecycle_stage": "customer" if n < 10 else "lead",
            }
            for n in range(60)
        ],
    )


def names(response: Any) -> list[str]:
    return [customer.display_name for customer in response.context["page"]]


def headers(page: str) -> list[str]:
    """The column headers, without the selection checkbox's column (shown to bulk changers)."""
    head = page.split("<thead>")[1].split("</thead>")[0]
    cells = re.findall(r"<th(?! scope=\"col\" class=\"select\")[^>]*>(.*?)</th>", head)
    return [re.sub(r"<[^>]+>|[▲▼↕]", "", cell).strip() for cell in cells]


def test_a_header_sorts_and_says_so_and_a_second_click_reverses(
    staff_client: Client, sixty: list[Any]
) -> None:
    page = staff_client.get("/customers/").content.decode()
    assert (
        '<th scope="col" class="" aria-sort="ascending"><a class="sort" href="/customers/?sort=-name"' in page
    )
    assert 'href="/customers/?sort=number"' in page
    reversed_page = staff_client.get("/customers/?sort=-name")
    assert names(reversed_page)[:2] == ["Kund 59", "Kund 58"]
    assert 'aria-sort="descending"><a class="sort" href="/customers/"' in reversed_page.content.decode()


def test_the_columns_shown_are_the_ones_picked(staff_client: Client, sixty: list[Any]) -> None:
    assert headers(staff_client.get("/customers/").content.decode()) == [
        "Name",
        "Number",
        "Email",
        "Phone",
        "City",
        "Stage",
        "Account manager",
        "Tags",
    ]
    picked = staff_client.get("/customers/?columns=stage&columns=created").content.decode()
    assert headers(picked) == ["Name", "Stage", "Created"]
    assert "k1@example.se" not in picked
    assert (
        '<input type="checkbox" id="customers-column-email" name="columns" value="email" form="customer-filters">'
        in picked
    )


def test_page_size_and_numbered_pages_keep_the_filters(staff_client: Client, sixty: list[Any]) -> None:
    response = staff_client.get("/customers/?kind=person&per_page=50&q=")
    assert len(names(response)) == 50
    page = response.content.decode()
    assert 'href="/customers/?kind=person&amp;per_page=50&amp;page=2"' in page
    assert "?&amp;" not in page and "?&" not in page
    assert '<option value="50" selected>50</option>' in page
    assert len(names(staff_client.get("/customers/?per_page=100"))) == 60
    assert len(names(staff_client.get("/customers/?per_page=7"))) == 25


def test_load_more_asks_for_the_next_page_and_appends_its_rows(
    staff_client: Client, sixty: list[Any]
) -> None:
    page = staff_client.get("/customers/?stage=lead").content.decode()
    assert (
        '<button type="button" id="customers-more" hx-get="/customers/?stage=lead&amp;page=2" '
        'hx-target="#customers-rows" hx-swap="beforeend" hx-select="#customers-rows > tr" '
        'hx-select-oob="#customers-pager">'
    ) in page
    more = staff_client.get("/customers/?stage=lead&page=2", HTTP_HX_TRIGGER="customers-more", **HTMX)
    assert names(more) == [f"Kund {n}" for n in range(35, 60)]
    assert "HX-Push-Url" not in more


def test_a_tag_chip_filters_the_list_by_its_tag(staff_client: Client, sixty: list[Any]) -> None:
    page = staff_client.get("/customers/?stage=lead&tag=Mässa").content.decode()
    assert '<a class="tag" href="/customers/?stage=lead&amp;tag=VIP"' not in page  # only Mässa rows shown
    page = staff_client.get("/customers/?stage=lead").content.decode()
    assert '<a class="tag" href="/customers/?stage=lead&amp;tag=VIP"' in page
    assert '<a class="tag" href="/customers/?stage=lead&amp;tag=M%C3%A4ssa"' in page
    tagged = staff_client.get("/customers/?stage=lead&tag=VIP")
    assert len(names(tagged)) == 25 and all(int(name[-2:]) % 2 for name in names(tagged))


def test_an_htmx_answer_shows_a_tidy_address_and_varies_on_htmx(
    staff_client: Client, sixty: list[Any]
) -> None:
    response = staff_client.get(
        "/customers/?q=&stage=lead&tier=&sort=name&columns=name&columns=number&columns=email&columns=phone"
        "&columns=city&columns=stage&columns=manager&columns=tags&per_page=25",
        **HTMX,
    )
    assert response["HX-Push-Url"] == "/customers/?stage=lead"
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in staff_client.get("/customers/")["Vary"]
    page = response.content.decode()
    assert '<div hx-swap-oob="innerHTML:#customers-status">' in page and "50 customers" in page


def test_the_count_is_marked_for_the_pages_one_status_region(staff_client: Client, sixty: list[Any]) -> None:
    # app.js copies a swapped ".result-count" into #announcer (the browser test hears it): one live
    # region per page, so a screen reader does not read the count twice.
    page = staff_client.get("/customers/?stage=customer").content.decode()
    assert '<p id="customers-status" class="muted count result-count">10 customers</p>' in page.replace(
        "\n", ""
    )
    assert page.count('role="status"') == 1
    assert (
        '<div id="announcer" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">'
        in page
    )


def test_saved_views_offered_are_ones_own_and_the_shared_ones(
    staff_client: Client, make_user: Callable[..., User], sixty: list[Any]
) -> None:
    me = User.objects.get(pk=staff_client.session["_auth_user_id"])
    other = make_user(Role.SALES, "olle")
    saved_view_create(owner=me, list_key="customers", name="Mina leads", filters="stage=lead", sort="-name")
    saved_view_create(owner=other, list_key="customers", name="VIP", filters="tag=VIP", is_shared=True)
    saved_view_create(owner=other, list_key="customers", name="Olles egna", filters="tag=x")
    page = staff_client.get("/customers/?stage=lead&sort=-name").content.decode()
    assert '<a href="/customers/?stage=lead&amp;sort=-name" aria-current="true">Mina leads</a>' in page
    assert '<a href="/customers/?tag=VIP">VIP</a>' in page and "(shared by Olle)" in page
    assert "Olles egna" not in page
    assert page.count('action="/lists/views/') == 2  # save, and delete only one's own view


def test_the_bulk_bar_and_the_export_links_show_only_to_staff_allowed_to_use_them(
    client: Client, make_user: Callable[..., User], sixty: list[Any]
) -> None:
    client.force_login(make_user(Role.SALES))  # neither customer.bulk_change nor list.export
    page = client.get("/customers/").content.decode()
    assert 'id="customer-bulk"' not in page and "data-select-row" not in page
    assert 'class="select"' not in page and 'name="scope"' not in page
    assert "/customers/export/" not in page
    assert headers(page)[0] == "Name"

    client.force_login(make_user(Role.MANAGER))
    page = client.get("/customers/").content.decode()
    assert page.count('id="customer-bulk"') == 1 and page.count("data-select-row") == 25
    assert 'href="/customers/export/?format=csv&amp;' in page


# --- query counts ---------------------------------------------------------------------------------

# session, user, count, the page's customers, their tags, saved views, tag choices, staff choices.
CUSTOMER_LIST_QUERIES = 8
# the same without the choices of the filter form.
CUSTOMER_RESULTS_QUERIES = 6


@pytest.mark.parametrize("per_page", [25, 100])
def test_customer_list_queries_do_not_grow_with_the_page_size(
    staff_client: Client, sixty: list[Any], per_page: int, django_assert_num_queries: Any
) -> None:
    customers_create_batch(actor=None, items=[{"last_name": f"Extra {n}", "tags": ["Ny"]} for n in range(60)])
    with django_assert_num_queries(CUSTOMER_LIST_QUERIES):
        response = staff_client.get(f"/customers/?per_page={per_page}&columns=tags&columns=manager")
    assert len(names(response)) == per_page
    with django_assert_num_queries(CUSTOMER_RESULTS_QUERIES):
        staff_client.get(f"/customers/?per_page={per_page}&stage=lead", **HTMX)


def test_the_bulk_bar_sends_the_filters_the_scope_and_the_picked_rows(
    staff_client: Client, sixty: list[Any]
) -> None:
    page = staff_client.get("/customers/?stage=customer&sort=-name").content.decode()
    assert '<form id="customer-bulk" class="bulk-bar" method="post" action="/customers/bulk/"' in page
    assert '<input type="hidden" name="query" value="stage=customer" form="customer-bulk">' in page
    assert page.count('data-select-row aria-label="Select ') == 10
    assert "All 10 matches" in page
    first = sixty[9]
    assert f'name="ids" value="{first.pk}" form="customer-bulk"' in page


def test_the_export_query_carries_the_filters_sort_and_shown_columns() -> None:
    from django.http import QueryDict

    from lojal.core.lists import list_state
    from lojal.customers.listing import CUSTOMER_LIST, export_query

    listing = list_state(
        CUSTOMER_LIST,
        QueryDict("stage=lead&sort=-created&columns=manager&columns=created"),
        path="/customers/",
    )
    assert export_query(listing) == "stage=lead&sort=-created&columns=name%2Caccount_manager"
