"""axe-core (through axe-playwright-python, which bundles the engine) on every page at a laptop and a
phone width, logged in as an administrator (who sees every page) and on the public pages: any
violation, of any impact, fails the test and is printed in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lojal.accounts.models import User
from tests.browser.conftest import PASSWORD
from tests.browser.site import demo_world, pages
from tests.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}
# WCAG 2.1 A and AA plus axe's best practices (landmarks, headings, skip link...).
RUN_ONLY = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
}


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
        # Nothing pushes the page sideways (wide tables scroll inside their own container or stack).
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            failures.append(f"{url} at {width}: the page is {overflow}px wider than the window")
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
    page.wait_for_url(f"{live_server.url}/")  # My day
    failures += check(page, live_server.url, staff_urls, width)
    context.close()

    # The login, web form, chat and chat session, and the help centre's five (tests/browser/help_site.py).
    assert len(staff_urls) >= 20 and len(public_urls) == 4 + 5, (staff_urls, public_urls)
    assert not failures, "\n" + "\n".join(failures)


def axe_violations(page: Any) -> str:
    results = Axe().run(page, options=RUN_ONLY)
    return describe(page.url, "this width", results.response["violations"])


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(
    logged_in: Callable[..., Any],
) -> None:
    page = logged_in()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_arrow_keys_on_the_language_menu_do_not_reload_and_enter_switches_keeping_focus(
    logged_in: Callable[..., Any],
) -> None:
    page = logged_in()
    page.evaluate("window.notReloaded = true")
    page.focus("#language-select")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.keyboard.press("Enter")
    expect(page.locator("html")).not_to_have_attribute("lang", "en")
    assert page.evaluate("window.notReloaded === undefined")
    assert page.evaluate("document.activeElement.id") == "language-select"


def test_choosing_a_language_with_the_mouse_switches_at_once(logged_in: Callable[..., Any]) -> None:
    page = logged_in()
    page.select_option("#language-select", "nb")
    expect(page.locator("html")).to_have_attribute("lang", "nb")


def test_the_result_count_after_a_search_is_announced(logged_in: Callable[..., Any]) -> None:
    person(first_name="Ingrid", last_name="Sjöberg")
    person(first_name="Nils", last_name="Holm")
    page = logged_in()
    expect(page.locator("#announcer")).to_have_attribute("role", "status")
    page.fill("#search", "Sjöberg")
    expect(page.locator("#announcer")).to_have_text("1 customer")


def test_on_a_phone_the_menu_opens_from_a_button_and_the_user_menu_has_api_tokens(
    logged_in: Callable[..., Any], live_server: Any
) -> None:
    page = logged_in()
    page.set_viewport_size({"width": 390, "height": 844})
    nav = page.locator("#mainnav")
    button = page.get_by_role("button", name="Menu")
    expect(nav).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Service desk")).to_be_visible()
    assert axe_violations(page) == ""
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()

    page.locator(".usermenu summary").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert axe_violations(page) == ""
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url(f"{live_server.url}/account/tokens/")


def test_a_form_showing_errors_has_no_violation_and_links_each_error(logged_in: Callable[..., Any]) -> None:
    page = logged_in()
    page.click("text=New customer")
    page.fill("#id_emails", "not-an-email")
    page.click("button:has-text('Create customer')")
    expect(page.locator(".field-emails .error")).to_be_visible()
    expect(page.locator("#id_emails")).to_have_attribute(
        "aria-describedby", "id_emails_helptext id_emails_error"
    )
    assert page.locator("#id_emails_error").count() == 1
    assert axe_violations(page) == ""


HEADER_ROWS = """() => {
  const parts = [".brand", "#mainnav", ".global-search", ".topbar-right"]
    .map((selector) => document.querySelector(selector))
    .filter((element) => element && element.offsetParent !== null);
  const tops = parts.map((element) => Math.round(element.getBoundingClientRect().top));
  const bar = document.querySelector(".topbar").getBoundingClientRect();
  return { tops, height: Math.round(bar.height), names: parts.map((element) => element.className) };
}"""


#: Whether the language box shows the chosen language whole: the text, the box's padding and its arrow
#: (about 20 px) fit inside it. A select's scrollWidth does not grow with a cut-off text, so measure it.
LANGUAGE_FITS = """() => {
  const select = document.querySelector("#language-select");
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const text = context.measureText(select.selectedOptions[0].text).width;
  return text + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 16 <= select.clientWidth;
}"""


def _demo_administrator(page: Any, live_server: Any) -> None:
    """Sign in as the demo's administrator would be: the demo's name and role, a member of a team, with
    unread notifications on the bell and every menu entry (the header a helper's short test user did
    not show: it stayed one row for "Administrator-1" without a count on the bell)."""
    from django.utils import timezone

    from lojal.accounts.services import team_create, user_create
    from lojal.activities import services as activity_services
    from lojal.demo.management.commands.demo import DEMO_STAFF

    username, role, first_name, last_name = DEMO_STAFF[0]
    user = user_create(
        username=username, password=PASSWORD, role=role, first_name=first_name, last_name=last_name
    )
    colleague = user_create(username="maria", password=PASSWORD, role="manager", first_name="Maria")
    team = team_create(actor=user, name="Kundtjänst", member_ids=[user.pk, colleague.pk])
    for subject in ("Ring om förnyelse av avtalet", "Skicka offert på 20 licenser", "Kreditera fakturan"):
        activity_services.activity_create(
            actor=colleague, subject=subject, owner_team_id=team.pk, due_date=timezone.localdate()
        )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".bell-count .bell-badge")).to_have_text("3")


@pytest.mark.parametrize("language", ["en", "sv", "nb"])
def test_the_header_is_one_row_at_1366_and_fits_a_phone(page: Any, live_server: Any, language: str) -> None:
    _demo_administrator(page, live_server)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.select_option("#language-select", language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#mainnav")).to_be_visible()
    expect(page.locator(".bell-count .bell-badge")).to_have_text("3")
    header = page.evaluate(HEADER_ROWS)
    assert len(header["tops"]) == 4, header
    assert max(header["tops"]) - min(header["tops"]) <= 8 and header["height"] < 60, header
    assert page.evaluate(
        "document.querySelector('#mainnav').scrollWidth <= document.querySelector('#mainnav').clientWidth"
    )
    assert page.evaluate(LANGUAGE_FITS), language

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#mainnav")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    assert page.evaluate(LANGUAGE_FITS), language
    page.get_by_role("button", name=page.locator(".menu-text").inner_text()).click()
    expect(page.locator("#mainnav")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
