"""The knowledge base's set-up pages at /knowledge/: categories (the help centre's sections, a name per
language) and the synonym list of each language. Everyone who sees customers reads them; changing them
takes ``knowledge.manage``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError, NotFound
from lojal.knowledge import selectors, services
from lojal.knowledge.forms import CategoryForm, SynonymsForm
from lojal.knowledge.models import ArticleLanguage, KnowledgeCategory


def _may_manage(request: HttpRequest) -> bool:
    return bool(request.user.can(Action.KNOWLEDGE_MANAGE))  # type: ignore[union-attr]


def _parents(excluding: int | None = None) -> list[tuple[int, str]]:
    return [
        (node.category.pk, node.category.name)
        for node in selectors.category_tree()
        if node.category.pk != excluding
    ]


def _save_category(form: CategoryForm, write: Any) -> KnowledgeCategory | None:
    if not form.is_valid():
        return None
    try:
        return write(form.service_data())
    except LojalError as error:
        form.add_lojal_error(error)
    return None


@allowed_to(Action.CUSTOMER_VIEW)
@require_http_methods(["GET", "POST"])
def category_list(request: HttpRequest) -> HttpResponse:
    """The category tree with its article counts, and a form to add one for those who may."""
    form = CategoryForm(request.POST or None, parents=_parents())
    if request.method == "POST":
        if not _may_manage(request):
            return render(request, "403.html", {"action": Action.KNOWLEDGE_MANAGE}, status=403)
        category = _save_category(
            form,
            lambda data: services.category_create(
                actor=request.user, **{key: value for key, value in data.items() if key != "is_active"}
            ),
        )
        if category is not None:
            messages.success(request, _("Category %(name)s created.") % {"name": category.name})
            return redirect("knowledge:categories")
    return render(
        request,
        "knowledge/categories.html",
        {"form": form, "tree": selectors.category_tree(), "may_manage": _may_manage(request)},
    )


@allowed_to(Action.KNOWLEDGE_MANAGE)
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, category_id: int) -> HttpResponse:
    try:
        category = selectors.category_get(category_id=category_id)
    except NotFound:
        raise Http404 from None
    initial = {
        "name": category.name,
        "slug": category.slug,
        "parent_id": category.parent_id,
        "position": category.position,
        "is_active": category.is_active,
    } | {f"name_{code}": name for code, name in category.names.items()}
    form = CategoryForm(request.POST or None, initial=initial, parents=_parents(excluding=category.pk))
    if request.method == "POST":
        saved = _save_category(
            form,
            lambda data: services.category_update(actor=request.user, category_id=category.pk, changes=data),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("knowledge:categories")
    return render(request, "knowledge/category_form.html", {"form": form, "category": category})


@allowed_to(Action.CUSTOMER_VIEW)
@require_http_methods(["GET", "POST"])
def synonyms(request: HttpRequest) -> HttpResponse:
    """The synonym list of one language (``?language=sv``), as a text box of comma-separated lines."""
    language = (request.POST or request.GET).get("language", "")
    if language not in ArticleLanguage.values:
        language = ArticleLanguage.SWEDISH.value
    form = SynonymsForm(request.POST or None, initial={"text": selectors.synonyms_text(language=language)})
    if request.method == "POST":
        if not _may_manage(request):
            return render(request, "403.html", {"action": Action.KNOWLEDGE_MANAGE}, status=403)
        if form.is_valid():
            try:
                services.synonyms_set(actor=request.user, language=language, text=form.cleaned_data["text"])
            except LojalError as error:
                form.add_lojal_error(error)
            else:
                messages.success(request, _("Synonyms saved."))
                return redirect(f"{request.path}?language={language}")
    return render(
        request,
        "knowledge/synonyms.html",
        {
            "form": form,
            "language": language,
            "article_languages": ArticleLanguage.choices,
            "counts": selectors.synonym_counts(),
            "may_manage": _may_manage(request),
        },
    )
