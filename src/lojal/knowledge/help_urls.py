"""The help centre's addresses (namespace ``knowledge-help``), mounted at /help/ by lojal.urls:

- ``root``      /help/                          to the reader's language
- ``home``      /help/<language>/               search box and category cards
- ``search``    /help/<language>/search/?q=     results
- ``category``  /help/<language>/c/<slug>/      a category's articles
- ``article``   /help/<language>/<slug>/        an article (``?s=<token>``: opened from suggestions)
- ``feedback``  /help/<language>/<slug>/feedback/  "Did this help?" (POST)

Other pages reach an article with ``reverse("knowledge-help:article", kwargs={"language": ..., "slug":
...})``. My pages mount the same views for signed-in customers with :func:`help_patterns`::

    path("portal/help/", include((help_patterns(wrap=portal_required, visibilities=PORTAL_CUSTOMER,
         source="portal"), "knowledge-help"), namespace="portal-help"))

and every link of those pages then stays under the portal's address (the templates' ``{% url %}``
follows the namespace that answered)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.urls import URLPattern, path, register_converter

from lojal.knowledge import help_views
from lojal.knowledge.help_selectors import LANGUAGES, PUBLIC


class HelpLanguageConverter:
    """Only the article languages are help centre addresses (/help/xx/ is a 404, not an empty page)."""

    regex = "|".join(LANGUAGES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(HelpLanguageConverter, "helplanguage")


def help_patterns(
    *,
    visibilities: Sequence[str] = PUBLIC,
    source: str = "help",
    wrap: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
) -> list[URLPattern]:
    """The help centre's URL patterns showing ``visibilities``; ``wrap`` decorates every view (My
    pages' sign-in check), ``source`` names where "Did this help?" answers come from."""

    def view(function: Callable[..., Any]) -> Callable[..., Any]:
        return wrap(function) if wrap is not None else function

    options = {"visibilities": tuple(visibilities), "source": source}
    return [
        path("", view(help_views.help_root), options, name="root"),
        path("<helplanguage:language>/", view(help_views.home), options, name="home"),
        # Before the article's address: "search" would otherwise be read as an article's slug.
        path("<helplanguage:language>/search/", view(help_views.search), options, name="search"),
        path("<helplanguage:language>/c/<slug:slug>/", view(help_views.category), options, name="category"),
        path("<helplanguage:language>/<slug:slug>/", view(help_views.article), options, name="article"),
        path(
            "<helplanguage:language>/<slug:slug>/feedback/",
            view(help_views.article_feedback),
            options,
            name="feedback",
        ),
    ]


app_name = "knowledge-help"
urlpatterns = help_patterns()
