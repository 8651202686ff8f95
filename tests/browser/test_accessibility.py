"""axe-core (through axe-playwright-python, which bundles the engine) on every page at a laptop and a
phone width, logged in as an administrator (who sees every page) and on the public pages: any
violation, of any impact, fails the test and is printed in words."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from lojal.accounts.models import User
from tests.browser.conftest import PASSWORD
from tests.browser.site import demo_world, pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}
# WCAG 2.1 A and AA plus axe's best practices (landmarks, headings, skip link...).
RUN_ONLY = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def describe(url: str, width: str, violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{url} at {width}: {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"        {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)


def check(page: Any, base: str, urls: list[str], width: str) -> list[str]:
    axe = Axe()
    failures = []
    for url in urls:
        response = page.goto(base + url)
        assert response is not None and response.status == 200, (url, response and response.status)
        page.wait_for_load_state("networkidle")
        results = axe.run(page, options=RUN_ONLY)
        if results.response["violations"]:
            failures.append(describe(url, width, results.response["violations"]))
    return failures


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_has_no_accessibility_violation(
    browser: Any, live_server: Any, make_user: Any, width: str
) -> None:
    staff: User = make_user("administrator")
    world = demo_world(staff)
    staff_urls, public_urls, unmapped = pages(world)
    assert unmapped == [], f"pages with parameters the test does not know how to fill: {unmapped}"
    w, h = WIDTHS[width]

    visitor = browser.new_context(viewport={"width": w, "height": h})
    failures = check(visitor.new_page(), live_server.url, public_urls, width)
    visitor.close()

    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/customers/")
    failures += check(page, live_server.url, staff_urls, width)
    context.close()

    assert len(staff_urls) >= 20 and len(public_urls) == 4, (staff_urls, public_urls)
    assert not failures, "\n" + "\n".join(failures)
