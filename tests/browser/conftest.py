"""Playwright on Debian's Chromium against the live test server (no browser download is possible)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lojal.accounts.models import User
from lojal.accounts.roles import Role

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "not-a-real-password-1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(reason="Chromium is not installed at /usr/bin/chromium")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def logged_in(page: Any, live_server: Any, make_user: Callable[..., User]) -> Callable[..., Any]:
    """Log a fresh user of ``role`` in through the real login form (which lands on My day), then open
    ``start`` (the customer list unless told otherwise); returns the page."""

    def login(role: str = Role.ADMINISTRATOR, start: str | None = "/customers/") -> Any:
        user = make_user(role)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")  # My day
        if start is not None:
            page.goto(f"{live_server.url}{start}")
        return page

    return login
