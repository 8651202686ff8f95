"""Fixtures shared by every test: staff users per role, signed-in clients, API clients with tokens."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.accounts.services import token_create, user_create

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _desk_setup_forgotten() -> Any:
    """Each test starts without the desk setup a previous test's (rolled back) database left in this
    process's memory (lojal.cases.desk_setup)."""
    from lojal.cases.desk_setup import desk_setup_forget

    desk_setup_forget()
    yield
    desk_setup_forget()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = bool(os.environ.get("LOJAL_TEST_ON_POSTGRES"))
    skip_pg = pytest.mark.skip(reason="PostgreSQL run only (set LOJAL_TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(role: str = Role.ADMINISTRATOR, username: str | None = None) -> User:
        name = username or f"{role}-{User.objects.count() + 1}"
        return user_create(
            username=name, password="not-a-real-password-1", role=role, first_name=name.title()
        )

    return make


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMINISTRATOR, "admin")


class ApiClient:
    """A test client that speaks JSON to /api/v1 with a bearer token."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.token = token_create(user=user, name="tests").secret
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def _call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        handler = getattr(self.client, method)
        if body is None:
            return handler(url, params or None) if method == "get" else handler(url)
        return handler(url, json.dumps(body), content_type="application/json")

    def get(self, path: str, **params: Any) -> Any:
        return self._call("get", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self._call("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self._call("patch", path, body)

    def delete(self, path: str) -> Any:
        return self._call("delete", path)


@pytest.fixture
def api(admin_user: User) -> ApiClient:
    return ApiClient(admin_user)


@pytest.fixture
def api_as(make_user: Callable[..., User]) -> Callable[[str], ApiClient]:
    return lambda role: ApiClient(make_user(role))


@pytest.fixture
def staff_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"
