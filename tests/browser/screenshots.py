"""Screenshots of every page at 1366 and 390 px in en, sv and nb: a tool to look at, not a test.

    LOJAL_SCREENSHOTS=/tmp/shots .venv/bin/python -m pytest -q -p no:cacheprovider tests/browser/screenshots.py

It builds the same demo-like data as the accessibility test (``tests/browser/site.py``), logs in
and saves full-page PNGs named ``<language>-<width>-<page>.png``. pytest does not collect this
module on its own (its name does not start with ``test_``); naming the file runs it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from lojal.accounts.models import User
from tests.browser.conftest import PASSWORD
from tests.browser.site import demo_world, pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {1366: 900, 390: 844}
LANGUAGES = ("en", "sv", "nb")


def _name(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-")[:60] or "home"


def test_take_screenshots(browser: Any, live_server: Any, make_user: Any) -> None:
    out = Path(os.environ.get("LOJAL_SCREENSHOTS", "screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    only = os.environ.get("LOJAL_SCREENSHOTS_ONLY", "")  # a part of the address, to shoot fewer pages
    staff: User = make_user("administrator")
    staff_urls, public_urls, _ = pages(demo_world(staff))
    for language in LANGUAGES:
        for width, height in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            host = live_server.url.split("//")[1].split(":")[0]
            context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
            page = context.new_page()
            for url in public_urls:
                if only in url:
                    page.goto(live_server.url + url)
                    page.screenshot(path=out / f"{language}-{width}-public-{_name(url)}.png", full_page=True)
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", staff.username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            for url in staff_urls:
                if only in url:
                    page.goto(live_server.url + url)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=out / f"{language}-{width}-{_name(url)}.png", full_page=True)
            context.close()
