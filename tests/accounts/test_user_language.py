"""The pages' language is remembered per member of staff: chosen in the menu, kept on the user and
applied on every request of theirs, in any browser, after logging out and in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_choosing_a_language_remembers_it_for_the_user(make_user: Callable[..., User]) -> None:
    user = make_user(Role.SALES)
    client = Client()
    client.force_login(user)

    response = client.post("/i18n/setlang/", {"language": "nb", "next": "/customers/"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "nb"
    user.refresh_from_db()
    assert user.language == "nb"


def test_the_remembered_language_follows_the_user_to_another_browser(make_user: Callable[..., User]) -> None:
    user = make_user(Role.SALES)
    user.language = "nb"
    user.save(update_fields=["language"])

    # a browser that asks for Swedish, with no cookie
    other = Client(HTTP_ACCEPT_LANGUAGE="sv")
    other.force_login(user)
    response = other.get("/customers/")

    assert '<html lang="nb">' in response.content.decode()
    assert response.cookies["django_language"].value == "nb"  # the login page after logout speaks it too


def test_a_language_lojal_does_not_have_is_not_remembered(make_user: Callable[..., User]) -> None:
    user = make_user(Role.SALES)
    client = Client()
    client.force_login(user)

    client.post("/i18n/setlang/", {"language": "de", "next": "/customers/"})

    user.refresh_from_db()
    assert user.language == ""


def test_a_visitor_not_signed_in_only_gets_the_cookie(make_user: Callable[..., User]) -> None:
    user = make_user(Role.SALES)
    response = Client().post("/i18n/setlang/", {"language": "nb", "next": "/login/"})

    assert response.cookies["django_language"].value == "nb"
    user.refresh_from_db()
    assert user.language == ""


def test_without_a_remembered_language_the_browser_decides(make_user: Callable[..., User]) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(make_user(Role.SALES))

    response = client.get("/customers/")

    assert '<html lang="sv">' in response.content.decode()
    assert "django_language" not in response.cookies


def test_a_request_in_the_users_language_leaves_the_threads_language_as_it_was(
    make_user: Callable[..., User],
) -> None:
    """The language a request activates ends with it: what the thread does next (a task run in
    process, the next test) speaks the language it spoke before, not the last visitor's."""
    from django.utils import translation

    user = make_user(Role.SALES)
    user.language = "nb"
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="nb")
    client.force_login(user)

    with translation.override("sv"):
        response = client.get("/customers/")
        during = translation.get_language()
    translation.deactivate()
    client.get("/customers/")
    after = translation.get_language()

    assert '<html lang="nb">' in response.content.decode()
    assert (during, after) == ("sv", "en")
