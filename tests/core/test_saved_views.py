"""Saved views of a list: private or shared, replaced by name, deleted only by their owner."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.errors import NotFound, ValidationError
from lojal.core.models import SavedView
from lojal.core.saved_views import saved_view_create, saved_view_delete, saved_view_list

pytestmark = pytest.mark.django_db


def test_a_view_keeps_its_filters_sort_and_columns_without_the_page(make_user: Callable[..., User]) -> None:
    owner = make_user(Role.SALES)
    view = saved_view_create(
        owner=owner,
        list_key="customers",
        name="  Gold   leads ",
        filters="?stage=lead&tier=gold&q=&page=3&sort=name",
        sort="-created",
        columns=["name", "email"],
    )
    assert (view.name, view.filters, view.sort, view.columns, view.is_shared) == (
        "Gold leads",
        "stage=lead&tier=gold",
        "-created",
        ["name", "email"],
        False,
    )


def test_saving_again_under_the_same_name_replaces_the_view(make_user: Callable[..., User]) -> None:
    owner = make_user(Role.SALES)
    saved_view_create(owner=owner, list_key="customers", name="Mine", filters="stage=lead")
    saved_view_create(owner=owner, list_key="customers", name="Mine", filters="stage=customer")
    assert list(SavedView.objects.values_list("name", "filters")) == [("Mine", "stage=customer")]


@pytest.mark.parametrize(("name", "field"), [("", "name"), ("   ", "name"), ("x" * 81, "name")])
def test_a_view_without_a_proper_name_is_refused_and_nothing_is_saved(
    make_user: Callable[..., User], name: str, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        saved_view_create(owner=make_user(Role.SALES), list_key="customers", name=name)
    assert list(error.value.errors) == [field]
    assert SavedView.objects.count() == 0


def test_staff_see_their_own_views_and_the_shared_ones_of_that_list(make_user: Callable[..., User]) -> None:
    anna, bo = make_user(Role.SALES, "anna"), make_user(Role.SALES, "bo")
    saved_view_create(owner=anna, list_key="customers", name="Anna private")
    saved_view_create(owner=anna, list_key="customers", name="Anna shared", is_shared=True)
    saved_view_create(owner=bo, list_key="customers", name="Bo private")
    saved_view_create(owner=anna, list_key="products", name="Anna products", is_shared=True)
    assert [view.name for view in saved_view_list(user=bo, list_key="customers")] == [
        "Anna shared",
        "Bo private",
    ]
    assert [view.name for view in saved_view_list(user=anna, list_key="customers")] == [
        "Anna private",
        "Anna shared",
    ]


def test_only_the_owner_deletes_a_view(make_user: Callable[..., User]) -> None:
    anna, bo = make_user(Role.SALES, "anna"), make_user(Role.SALES, "bo")
    shared = saved_view_create(owner=anna, list_key="customers", name="Shared", is_shared=True)
    with pytest.raises(NotFound):
        saved_view_delete(actor=bo, view_id=shared.pk)
    assert SavedView.objects.filter(pk=shared.pk).exists()
    saved_view_delete(actor=anna, view_id=shared.pk)
    assert not SavedView.objects.filter(pk=shared.pk).exists()


def test_the_save_and_delete_endpoints_go_back_to_the_list(make_user: Callable[..., User]) -> None:
    user = make_user(Role.SALES)
    client = Client()
    client.force_login(user)
    response = client.post(
        "/lists/views/",
        {
            "list": "customers",
            "name": "Leads",
            "filters": "stage=lead",
            "sort": "-created",
            "columns": ["name", "stage"],
            "shared": "on",
            "next": "/customers/?junk=1",
            "current": "stage=lead&sort=-created",
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/customers/?stage=lead&sort=-created")
    view = SavedView.objects.get()
    assert (view.owner_id, view.is_shared, view.columns) == (user.pk, True, ["name", "stage"])
    response = client.post(f"/lists/views/{view.pk}/delete/", {"next": "https://evil.example/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert SavedView.objects.count() == 0


def test_saving_needs_a_signed_in_user_and_a_post() -> None:
    assert Client().post("/lists/views/", {"list": "customers", "name": "X"}).status_code == 302
    assert SavedView.objects.count() == 0
