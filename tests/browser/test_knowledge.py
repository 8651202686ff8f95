"""The knowledge base's staff pages in a real browser: axe-core finds nothing on any of them at a laptop
and a phone width, and the editor's preview follows the Markdown as it is typed, sanitised."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.knowledge.models import Article
from tests.browser.knowledge_site import knowledge_pages
from tests.browser.test_accessibility import WIDTHS, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_knowledge_pages_have_no_accessibility_violation(
    logged_in: Callable[..., Any], live_server: Any, width: str
) -> None:
    mapped = knowledge_pages()
    urls = [url for url in mapped.values() if url] + [
        "/knowledge/",
        "/knowledge/new/",
        "/knowledge/categories/",
        "/knowledge/synonyms/",
        f"{mapped['knowledge:versions']}?old=1&new=2",
    ]
    page = logged_in(start=None)
    page.set_viewport_size({"width": WIDTHS[width][0], "height": WIDTHS[width][1]})
    failures = check(page, live_server.url, urls, width)
    assert not failures, "\n" + "\n".join(failures)


def test_the_preview_follows_the_markdown_while_typing(
    logged_in: Callable[..., Any], live_server: Any
) -> None:
    page = logged_in(start="/knowledge/")
    page.click("nav >> text=Knowledge base")
    page.click("text=New article")
    page.fill("#id_title", "Byta lösenord")
    page.fill("#id_body", "Välj **Inställningar** <img src=x onerror=alert(1)>")
    expect(page.locator("#preview strong")).to_have_text("Inställningar")
    expect(page.locator("#preview img")).to_have_count(0)
    expect(page.locator("#preview")).to_contain_text("<img src=x onerror=alert(1)>")
    page.click("button:has-text('Save draft')")
    expect(page.locator(".messages")).to_contain_text("Article saved as a draft.")
    assert Article.objects.get().slug == "byta-losenord"
    page.click("button:has-text('Publish')")
    expect(page.locator(".messages")).to_contain_text("Article published.")
