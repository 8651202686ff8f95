"""The public help centre's pages (/help/, no sign-in): the home page with search and category cards, a
category, search results and the article page with "Did this help? yes / no".

The language is the address's (/help/<language>/...) and never changes while browsing: every link
keeps it, and an article without a translation in it is shown in the default language with a note
and links to the translations there are (Zammad #5145 switches language; this does not). The pages'
own words are in that language too.

Which articles a reader may see is the ``visibilities`` argument the URL configuration passes
(:func:`lojal.knowledge.help_urls.help_patterns`): the public help centre passes public only; My
pages mount the same views for signed-in customers with the portal's articles added."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_GET, require_POST

from lojal.core.errors import LojalError
from lojal.knowledge import deflection, feedback
from lojal.knowledge import help_selectors as reads
from lojal.knowledge.help_selectors import PUBLIC
from lojal.knowledge.search import article_search

#: Results per search page.
PAGE_SIZE = 20
QUERY_MAX_LENGTH = 200
#: Accept-Language codes that mean Norwegian Bokmål to the help centre.
_ALIASES = {"no": "nb", "nn": "nb"}


def _reverse(request: HttpRequest, name: str, **kwargs: Any) -> str:
    """An address of the help centre instance that answered (the public one, or the portal's)."""
    namespace = request.resolver_match.namespace if request.resolver_match else "knowledge-help"
    return reverse(f"{namespace or 'knowledge-help'}:{name}", kwargs=kwargs)


def reader_language(request: HttpRequest, available: Sequence[str]) -> str:
    """The first language of the browser's Accept-Language that has articles, else the default."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        base = _ALIASES.get(base, base)
        if base in available:
            return base
    default = reads.default_language()
    if default in available or not available:
        return default
    return available[0]


@require_GET
def help_root(request: HttpRequest, visibilities: Sequence[str] = PUBLIC, **_kwargs: Any) -> HttpResponse:
    """/help/: to the reader's language among the languages that have articles."""
    language = reader_language(request, reads.help_languages(visibilities=visibilities))
    response = HttpResponseRedirect(_reverse(request, "home", language=language))
    response["Vary"] = "Accept-Language"
    return response


def _render(
    request: HttpRequest,
    template: str,
    language: str,
    visibilities: Sequence[str],
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """The page in the address's language: its words and every link."""
    available = reads.help_languages(visibilities=visibilities)
    with translation.override(language):
        response = render(
            request,
            template,
            {
                "language": language,
                "language_name": reads.language_name(language),
                "other_languages": [
                    {"code": code, "name": reads.language_name(code)}
                    for code in available
                    if code != language
                ],
                "query": "",
                **context,
            },
            status=status,
        )
    response["Content-Language"] = language
    return response


@require_GET
def home(
    request: HttpRequest, language: str, visibilities: Sequence[str] = PUBLIC, **_kwargs: Any
) -> HttpResponse:
    return _render(
        request,
        "knowledge/help/home.html",
        language,
        visibilities,
        {
            "categories": reads.help_categories(language=language, visibilities=visibilities),
            "popular": reads.popular_articles(language=language, visibilities=visibilities),
        },
    )


@require_GET
def category(
    request: HttpRequest, language: str, slug: str, visibilities: Sequence[str] = PUBLIC, **_kwargs: Any
) -> HttpResponse:
    found = reads.help_category(slug=slug)
    if found is None:
        raise Http404("No such category.")
    articles = reads.category_articles(category_id=found.pk, language=language, visibilities=visibilities)
    if not articles:
        raise Http404("No such category.")
    return _render(
        request,
        "knowledge/help/category.html",
        language,
        visibilities,
        {"category_name": reads.category_name(found, language), "articles": articles},
    )


def _search(query: str, language: str, visibilities: Sequence[str], offset: int) -> list[int]:
    allowed = reads.reader_visibilities(visibilities)
    if not allowed:
        return []
    hits = article_search(
        query=query, language=language, visibilities=allowed, limit=PAGE_SIZE + 1, offset=offset
    )
    return [hit.article_id for hit in hits]


@require_GET
def search(
    request: HttpRequest, language: str, visibilities: Sequence[str] = PUBLIC, **_kwargs: Any
) -> HttpResponse:
    """Results in the address's language; when it has none, the default language's with a note. A search
    with results starts a suggestion session, so opening a result and answering "Did this help?"
    count in the deflection figures."""
    query = " ".join(request.GET.get("q", "").split())[:QUERY_MAX_LENGTH]
    page_text = request.GET.get("page", "1")
    page = int(page_text) if page_text.isdigit() and 0 < len(page_text) < 4 else 1
    page = max(page, 1)
    results: list[reads.HelpArticle] = []
    searched_in = language
    has_more = False
    token = ""
    if query:
        ids = _search(query, language, visibilities, (page - 1) * PAGE_SIZE)
        fallback = reads.default_language()
        if not ids and page == 1 and fallback != language:
            ids, searched_in = _search(query, fallback, visibilities, 0), fallback
        has_more = len(ids) > PAGE_SIZE
        results = reads.articles_in_language(
            article_ids=ids[:PAGE_SIZE], language=language, visibilities=visibilities
        )
        if results:
            token = deflection.suggestion_session_start(source="help", language=language)
            deflection.suggestion_shown(token=token, article_ids=[item.article_id for item in results])
    return _render(
        request,
        "knowledge/help/search.html",
        language,
        visibilities,
        {
            "query": query,
            "results": results,
            "searched_in": searched_in,
            "searched_in_name": reads.language_name(searched_in),
            "token": token,
            "page": page,
            "next_query": urlencode({"q": query, "page": page + 1}) if has_more else "",
            "previous_query": urlencode({"q": query, "page": page - 1}) if page > 1 else "",
        },
    )


def _token(value: str | None) -> str:
    """A suggestion session token as the page carries it (anything else is dropped)."""
    text = (value or "").strip()
    return text if 0 < len(text) <= 64 and text.replace("-", "").replace("_", "").isalnum() else ""


@require_GET
def article(
    request: HttpRequest, language: str, slug: str, visibilities: Sequence[str] = PUBLIC, **_kwargs: Any
) -> HttpResponse:
    found = reads.article_for_reader(language=language, slug=slug, visibilities=visibilities)
    if found is None:
        raise Http404("No such article.")
    token = _token(request.GET.get("s"))
    if found.redirect_slug:
        target = _reverse(request, "article", language=language, slug=found.redirect_slug)
        return HttpResponseRedirect(target + (f"?{urlencode({'s': token})}" if token else ""))
    voted = request.GET.get("voted") in {"yes", "no"}
    if not voted:  # the page again after a vote without JavaScript is no new reading
        feedback.article_view_record(article_id=found.article.pk, token=token, visibilities=visibilities)
    related = []
    if found.article.category_id:
        related = [
            item
            for item in reads.category_articles(
                category_id=found.article.category_id, language=language, visibilities=visibilities
            )
            if item.article_id != found.article.pk
        ][:5]
    return _render(
        request,
        "knowledge/help/article.html",
        language,
        visibilities,
        {
            "found": found,
            "article": found.article,
            "shown_name": reads.language_name(found.article.language),
            "category_name": reads.category_name(found.category, language) if found.category else "",
            "related": related,
            "token": token,
            "voted": voted,
        },
    )


@require_POST
def article_feedback(
    request: HttpRequest,
    language: str,
    slug: str,
    visibilities: Sequence[str] = PUBLIC,
    source: str = "help",
    **_kwargs: Any,
) -> HttpResponse:
    """ "Did this help?": htmx swaps the question for the thanks; without JavaScript the form posts and
    the article page comes back with the thanks."""
    found = reads.article_for_reader(language=language, slug=slug, visibilities=visibilities)
    if found is None or found.redirect_slug:
        raise Http404("No such article.")
    answer = request.POST.get("helped", "")
    token = _token(request.POST.get("s"))
    context: dict[str, Any] = {"article": found.article, "token": token, "slug": slug}
    try:
        with translation.override(language):  # a refusal's words in the page's language
            feedback.article_feedback_record(
                article_id=found.article.pk,
                helped=answer,
                source=source,
                token=token,
                visibilities=visibilities,
            )
    except LojalError as error:
        context["error"] = next(iter(error.errors.values()), [error.message])[0]
        if request.htmx:  # type: ignore[attr-defined]
            return _render(
                request, "knowledge/help/_feedback.html", language, visibilities, context, status=422
            )
        return _render(
            request,
            "knowledge/help/article.html",
            language,
            visibilities,
            {
                **context,
                "found": found,
                "shown_name": reads.language_name(found.article.language),
                "category_name": reads.category_name(found.category, language) if found.category else "",
                "related": [],
            },
            status=422,
        )
    if request.htmx:  # type: ignore[attr-defined]
        return _render(
            request,
            "knowledge/help/_feedback.html",
            language,
            visibilities,
            {**context, "voted": True, "helped": answer == "yes"},
        )
    target = _reverse(request, "article", language=language, slug=slug)
    return HttpResponseRedirect(f"{target}?{urlencode({'voted': answer})}#feedback")
