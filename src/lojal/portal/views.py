"""My pages for signed-in customers: their cases, one case (conversation, reply, solve, reopen, rate),
a new case with live FAQ suggestions, and their details. Every page goes through :func:`portal_page`
(signed in, the portal's language, the theme); every case id from the URL is read through the
identity (selectors.my_case), so another customer's case is a 404 like one that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from lojal.cases import customer_side
from lojal.core.errors import LojalError, NotFound
from lojal.customers import selectors as customers_selectors
from lojal.knowledge import deflection
from lojal.knowledge.search import article_suggest
from lojal.portal import files as portal_files
from lojal.portal import selectors, services
from lojal.portal.identity import portal_required
from lojal.portal.language import is_portal_language, language_choose, language_cookie_set, portal_languages

SUGGESTION_QUESTION_MAX = 500


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in portal page, rendered in the portal's language for this reader."""

    @portal_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        profile = selectors.my_profile(request.portal)  # type: ignore[attr-defined]
        if profile is None:
            raise Http404
        request.portal_profile = profile  # type: ignore[attr-defined]
        language = language_choose(request, profile)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response

    return wrapper


def portal_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of My pages before signing in (the sign-in pages), in the language the reader chose on
    the page (the portal's language cookie), else the company's default."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = language_choose(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response

    return wrapper


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    base = {
        "theme": selectors.theme_get(),
        "profile": getattr(request, "portal_profile", None),
        "portal_languages": portal_languages(),
        "max_files": portal_files.max_count(),
        "max_megabytes": f"{portal_files.max_bytes() / 1024 / 1024:.0f}",
    }
    return render(request, template, {**base, **context}, status=status)


def _errors(error: LojalError) -> dict[str, str]:
    """The first reason per field, for the form; a general message under "form"."""
    found = {field: reasons[0] for field, reasons in error.errors.items() if reasons}
    return found or {"form": error.message}


def _int_or_none(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


@portal_page
def case_list(request: HttpRequest) -> HttpResponse:
    page = selectors.my_cases(request.portal, page=_int_or_none(request.GET.get("page")) or 1)  # type: ignore[attr-defined]
    rows = [(case, selectors.status_label(case), selectors.expected_answer(case)) for case in page.rows]
    return _render(request, "portal/cases.html", {"rows": rows, "page": page})


def _case_or_404(request: HttpRequest, case_id: int) -> selectors.CaseView:
    try:
        return selectors.my_case_view(request.portal, case_id=case_id)  # type: ignore[attr-defined]
    except NotFound as error:
        raise Http404 from error


def _case_page(
    request: HttpRequest, case_id: int, *, errors: dict[str, str] | None = None, posted: Any = None
) -> HttpResponse:
    view = _case_or_404(request, case_id)
    return _render(
        request,
        "portal/case.html",
        {"view": view, "case": view.case, "errors": errors or {}, "posted": posted or {}},
        status=422 if errors else 200,
    )


@portal_page
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, case_id)


@portal_page
@require_POST
def case_reply(request: HttpRequest, case_id: int) -> HttpResponse:
    _case_or_404(request, case_id)
    try:
        services.my_case_reply(
            request.portal,  # type: ignore[attr-defined]
            case_id=case_id,
            text=request.POST.get("text", ""),
            uploads=request.FILES.getlist("files"),
        )
    except NotFound as error:
        raise Http404 from error
    except LojalError as error:
        return _case_page(request, case_id, errors=_errors(error), posted=request.POST)
    return redirect(reverse("portal:case", args=[case_id]) + "#latest")


def _case_action(
    request: HttpRequest, case_id: int, action: Callable[..., Any], **kwargs: Any
) -> HttpResponse:
    _case_or_404(request, case_id)
    try:
        action(request.portal, case_id=case_id, **kwargs)  # type: ignore[attr-defined]
    except NotFound as error:
        raise Http404 from error
    except LojalError as error:
        return _case_page(request, case_id, errors=_errors(error), posted=request.POST)
    return redirect("portal:case", case_id=case_id)


@portal_page
@require_POST
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_action(request, case_id, services.my_case_close)


@portal_page
@require_POST
def case_reopen(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_action(request, case_id, services.my_case_reopen)


@portal_page
@require_POST
def case_rate(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        services.my_case_rate,
        rating=request.POST.get("rating", ""),
        comment=request.POST.get("comment", ""),
    )


@portal_page
def attachment(request: HttpRequest, case_id: int, attachment_id: int) -> HttpResponse:
    try:
        found = selectors.my_attachment(request.portal, case_id=case_id, attachment_id=attachment_id)  # type: ignore[attr-defined]
    except NotFound as error:
        raise Http404 from error
    response = HttpResponse(
        bytes(found.content), content_type=found.content_type or "application/octet-stream"
    )
    # Always a download, never shown inline: a file is the customer's or ours, not a page of the portal.
    response["Content-Disposition"] = f'attachment; filename="{_ascii_name(found.filename)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _ascii_name(name: str) -> str:
    return "".join(
        char if char.isascii() and char.isprintable() and char not in '"\\' else "_" for char in name
    )[:150]


def _new_case_context(request: HttpRequest, token: str) -> dict[str, Any]:
    identity = request.portal  # type: ignore[attr-defined]
    return {
        "categories": customer_side.customer_categories(),
        "priorities": customer_side.customer_priority_choices(customer_id=identity.customer_id),
        "suggestion_token": token,
    }


@portal_page
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    identity = request.portal  # type: ignore[attr-defined]
    language = translation.get_language() or "en"
    if request.method == "GET":
        token = deflection.suggestion_session_start(
            source="portal", language=language, customer_id=identity.customer_id
        )
        return _render(
            request, "portal/new_case.html", {**_new_case_context(request, token), "errors": {}, "posted": {}}
        )
    token = request.POST.get("suggestion_token", "")[:64]
    try:
        case = services.my_case_open(
            identity,
            subject=request.POST.get("subject", ""),
            description=request.POST.get("description", ""),
            category_id=_int_or_none(request.POST.get("category_id")),
            priority=request.POST.get("priority", "normal"),
            language=language,
            uploads=request.FILES.getlist("files"),
            suggestion_token=token,
        )
    except LojalError as error:
        context = {**_new_case_context(request, token), "errors": _errors(error), "posted": request.POST}
        return _render(request, "portal/new_case.html", context, status=422)
    return redirect("portal:case", case_id=case.pk)


def _article_url(language: str, slug: str, token: str) -> str:
    """The suggested article in the help centre for signed-in customers (portal-only articles open
    there; the public /help/ would answer 404 for them), marked as opened from this form's session."""
    path = reverse("portal-help:article", kwargs={"language": language, "slug": slug})
    return f"{path}?s={token}"


def _suggest(question: str, language: str) -> list[Any]:
    """FAQ articles for the question (published public and portal articles in the page's language)."""
    return list(
        article_suggest(question=question, language=language, limit=3, visibilities=("public", "portal"))
    )


@portal_page
@require_http_methods(["GET", "POST"])
def suggestions(request: HttpRequest) -> HttpResponse:
    """The FAQ panel beside the new-case form (htmx, while the customer types): up to three articles
    for the subject and description, each shown list recorded in the form visit's suggestion session."""
    data = request.POST if request.method == "POST" else request.GET
    token = data.get("suggestion_token", "")[:64]
    question = f"{data.get('subject', '')} {data.get('description', '')}".strip()[:SUGGESTION_QUESTION_MAX]
    language = translation.get_language() or "en"
    found = _suggest(question, language) if len(question) >= 3 else []
    if found and token:
        try:
            deflection.suggestion_shown(token=token, article_ids=[item.article_id for item in found])
        except NotFound:
            token = ""
    items = [{"title": item.title, "url": _article_url(item.language, item.slug, token)} for item in found]
    return _render(request, "portal/_suggestions.html", {"items": items, "asked": bool(question)})


PERSON_DETAIL_FIELDS = ("first_name", "last_name")


def _details_data(request: HttpRequest, kind: str) -> dict[str, Any]:
    """My details' form as the customers app's data: names, the lists of contact points, the language."""
    post = request.POST
    data: dict[str, Any] = {}
    names = PERSON_DETAIL_FIELDS if kind == "person" else ("organisation_name",)
    for name in names:
        data[name] = post.get(name, "")
    data["emails"] = [
        {"address": value.strip(), "is_primary": index == 0}
        for index, value in enumerate(post.getlist("email"))
        if value.strip()
    ]
    data["phones"] = [
        {"number": value.strip(), "is_primary": index == 0}
        for index, value in enumerate(post.getlist("phone"))
        if value.strip()
    ]
    streets, codes, cities, countries = (
        post.getlist(key) for key in ("street", "postal_code", "city", "country")
    )
    data["addresses"] = [
        {
            "street": street.strip(),
            "postal_code": code.strip(),
            "city": city.strip(),
            "country": country,
            "is_primary": index == 0,
        }
        for index, (street, code, city, country) in enumerate(
            zip(streets, codes, cities, countries, strict=False)
        )
        if street.strip() or code.strip() or city.strip()
    ]
    data["preferred_language"] = post.get("preferred_language", "")
    return data


@portal_page
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    identity = request.portal  # type: ignore[attr-defined]
    try:
        customer = selectors.my_customer(identity)
    except NotFound as error:
        raise Http404 from error
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = _details_data(request, customer.kind)
        try:
            services.my_details_update(identity, data=data)
        except LojalError as error:
            errors = _errors(error)
        else:
            response = redirect(reverse("portal:details") + "?saved=1")
            if is_portal_language(data["preferred_language"]):
                language_cookie_set(response, data["preferred_language"])
            return response
    return _render(
        request,
        "portal/details.html",
        {
            "customer": customer,
            "errors": errors,
            "posted": request.POST if errors else None,
            "saved": request.GET.get("saved") == "1" and not errors,
            "languages": portal_languages(),
            "countries": customers_selectors.country_choices(),
            "editable": identity.contact_person_id is None,
        },
        status=422 if errors else 200,
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language chosen on a portal page (kept in the portal's own cookie; no sign-in needed, so
    the sign-in page can offer it too)."""
    code = request.POST.get("language", "")
    target = request.POST.get("next", "") or "/portal/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/portal/"
    response = HttpResponseRedirect(target)
    if is_portal_language(code):
        language_cookie_set(response, code)
    return response


def theme_css(request: HttpRequest) -> HttpResponse:
    """The theme's colours as CSS custom properties (a stylesheet, so the page needs no inline style)."""
    theme = selectors.theme_get()
    css = f":root{{--portal-primary:{theme.primary_colour};--portal-accent:{theme.accent_colour};}}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "max-age=60"
    return response


def theme_logo(request: HttpRequest) -> HttpResponse:
    row = selectors.theme_row()
    if row is None or not row.logo:
        raise Http404
    with row.logo.open("rb") as handle:
        content = handle.read()
    content_type = portal_files.content_type_of(content) or ""
    if content_type not in portal_files.LOGO_TYPES:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
