from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PASSWORD
from tests.browser.site import demo_world, pages
from tests.browser.test_accessibility import WIDTHS, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_service_pages(browser: Any, live_server: Any, make_user: Any, width: str) -> None:
    staff = make_user("administrator")
    world = demo_world(staff)
    staff_urls, _public, unmapped = pages(world)
    assert unmapped == []
    urls = [url for url in staff_urls if url.startswith("/service/")]
    urls += ["/service/routing/?channel=email&subject=Fel+p%C3%A5+fakturan&vip_tier=gold#try"]
    print(urls)
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    failures = check(page, live_server.url, urls, width)
    assert not failures, "\n" + "\n".join(failures)
