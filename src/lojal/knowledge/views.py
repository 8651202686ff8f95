"""The knowledge base's staff pages at /knowledge/: the article list (filters), the editor (Markdown
with a live preview, category, tags, visibility, translations, files), the versions with their
differences and restore. Every role that sees customers reads; writing takes ``knowledge.edit``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.core.errors import LojalError, NotFound
from lojal.core.htmx import wants_fragment
from lojal.core.lists import Column, ListSpec, list_response, list_state
from lojal.knowledge import selectors, services
from lojal.knowledge.attachments import IMAGE_TYPES
from lojal.knowledge.forms import ArticleForm, AttachmentForm
from lojal.knowledge.markdown import markdown_render
from lojal.knowledge.models import Article, ArticleLanguage

ARTICLE_LIST = ListSpec(
    key="knowledge",
    columns=(
        Column("title", _lazy("Title"), order_by=("title", "id"), required=True),
        Column("language", _lazy("Language"), order_by=("language", "title", "id")),
        Column("status", _lazy("Status"), order_by=("status", "title", "id")),
        Column("visibility", _lazy("Visibility"), order_by=("visibility", "title", "id"), wide_only=True),
        Column("category", _lazy("Category"), order_by=("category__name", "title", "id"), wide_only=True),
        Column("updated", _lazy("Changed"), order_by=("updated_at", "id"), wide_only=True),
    ),
    default_sort="-updated",
    filters=("q", "language", "status", "visibility", "category", "tag"),
)
#: How much Markdown the preview renders (an article's whole body).
PREVIEW_MAX_LENGTH = 100_000


def _article_or_404(article_id: int) -> Article:
    try:
        return selectors.article_get(article_id=article_id)
    except NotFound:
        raise Http404 from None


def _may_edit(request: HttpRequest) -> bool:
    return bool(request.user.can(Action.KNOWLEDGE_EDIT))  # type: ignore[union-attr]


def _forbidden(request: HttpRequest, action: str) -> HttpResponse:
    return render(request, "403.html", {"action": action}, status=403)


@allowed_to(Action.CUSTOMER_VIEW)
def article_list(request: HttpRequest) -> HttpResponse:
    listing = list_state(ARTICLE_LIST, request.GET, path=request.path)
    filters = selectors.article_filters_from_query(request.GET)
    page = listing.paginate(selectors.article_list(filters=filters, order_by=listing.order_by()))
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "no_category": selectors.NO_CATEGORY,
        "count_template": "knowledge/_count.html",
        "form_id": "article-filters",
    }
    if not wants_fragment(request):
        context |= {
            "categories": selectors.category_choices(),
            "article_languages": ArticleLanguage.choices,
            "statuses": Article.Status.choices,
            "visibilities": Article.Visibility.choices,
        }
    return list_response(
        request,
        listing,
        page_template="knowledge/list.html",
        results_template="knowledge/_results.html",
        context=context,
    )


def _save(form: ArticleForm, write: Any) -> Article | None:
    if not form.is_valid():
        return None
    try:
        return write(form.service_data())
    except LojalError as error:
        form.add_lojal_error(error)
    return None


@allowed_to(Action.KNOWLEDGE_EDIT)
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    """A new article; ``?translation_of=<id>&language=<code>`` starts a translation of another."""
    source = None
    translation_of = (request.POST or request.GET).get("translation_of", "")
    if translation_of.isdigit() and len(translation_of) < 19:
        source = _article_or_404(int(translation_of))
    initial: dict[str, Any] = {"visibility": Article.Visibility.PUBLIC}
    if source is not None:
        initial = ArticleForm.initial_for(source) | {"slug": "", "language": request.GET.get("language", "")}
    form = ArticleForm(
        request.POST or None, initial=initial, categories=selectors.category_choices(), language_fixed=False
    )
    if request.method == "POST":
        article = _save(
            form,
            lambda data: services.article_create(
                actor=request.user, translation_of=source.pk if source else None, **data
            ),
        )
        if article is not None:
            messages.success(request, _("Article saved as a draft."))
            return redirect("knowledge:article", article_id=article.pk)
    return render(
        request,
        "knowledge/edit.html",
        {"form": form, "article": None, "source": source, "may_edit": True},
    )


@allowed_to(Action.CUSTOMER_VIEW)
@require_http_methods(["GET", "POST"])
def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    """The article: its editor for those who may write, the rendered text for the others."""
    article = _article_or_404(article_id)
    may_edit = _may_edit(request)
    if request.method == "POST" and not may_edit:
        return _forbidden(request, Action.KNOWLEDGE_EDIT)
    form = ArticleForm(
        request.POST or None,
        initial=ArticleForm.initial_for(article),
        categories=selectors.category_choices(include_id=article.category_id),
        language_fixed=True,
    )
    if request.method == "POST":
        saved = _save(
            form,
            lambda data: services.article_update(actor=request.user, article_id=article.pk, changes=data),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("knowledge:article", article_id=article.pk)
    translations = selectors.article_translations(article=article)
    return render(
        request,
        "knowledge/edit.html",
        {
            "form": form,
            "article": article,
            "may_edit": may_edit,
            "translations": translations,
            "missing_languages": [
                (code, ArticleLanguage(code).label)
                for code in selectors.article_missing_languages(article=article, translations=translations)
            ],
            "attachments": list(selectors.article_attachments(article_id=article.pk)),
            "attachment_form": AttachmentForm(),
            "image_types": IMAGE_TYPES,
        },
    )


@allowed_to(Action.KNOWLEDGE_EDIT)
@require_POST
def article_preview(request: HttpRequest) -> HttpResponse:
    """The Markdown of the editor rendered and sanitised as readers will get it (htmx, while typing)."""
    body = request.POST.get("body", "")[:PREVIEW_MAX_LENGTH]
    return render(request, "knowledge/_preview.html", {"html": markdown_render(body)})


@allowed_to(Action.KNOWLEDGE_EDIT)
@require_POST
def article_status(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article_or_404(article_id)
    change = {
        "publish": (services.article_publish, _("Article published.")),
        "unpublish": (services.article_unpublish, _("Article unpublished: it is a draft again.")),
        "archive": (services.article_archive, _("Article archived.")),
    }.get(request.POST.get("to", ""))
    if change is None:
        messages.error(request, _("Choose publish, unpublish or archive."))
        return redirect("knowledge:article", article_id=article.pk)
    write, done = change
    try:
        write(actor=request.user, article_id=article.pk)
    except LojalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("knowledge:article", article_id=article.pk)


def _version_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _field_changes(diff: selectors.VersionDiff) -> list[tuple[str, str, str]]:
    """The changed fields of a comparison in words: (label, before, after)."""
    labels = {
        "title": _("Title"),
        "tags": _("Tags"),
        "visibility": _("Visibility"),
        "category_id_at_save": _("Category"),
    }
    names = dict(selectors.category_choices(include_id=None)) if "category_id_at_save" in diff.fields else {}
    visibilities = dict(Article.Visibility.choices)

    def shown(name: str, value: Any) -> str:
        if name == "tags":
            return ", ".join(value) or "—"
        if name == "category_id_at_save":
            return str(names.get(value, value)) if value is not None else "—"
        if name == "visibility":
            return str(visibilities.get(value, value))
        return str(value) or "—"

    return [
        (str(labels[name]), shown(name, old), shown(name, new)) for name, (old, new) in diff.fields.items()
    ]


@allowed_to(Action.CUSTOMER_VIEW)
def article_versions(request: HttpRequest, article_id: int) -> HttpResponse:
    """The versions, newest first, and the difference between two of them (``?old=&new=``; by default
    the latest against the one before)."""
    article = _article_or_404(article_id)
    versions = list(selectors.article_versions(article_id=article.pk))
    new = _version_number(request.GET.get("new")) or article.version
    old = _version_number(request.GET.get("old")) or max(new - 1, 1)
    diff = None
    if old != new:
        try:
            diff = selectors.version_diff(article_id=article.pk, old=old, new=new)
        except LojalError as error:
            messages.error(request, error.message)
    return render(
        request,
        "knowledge/versions.html",
        {
            "article": article,
            "versions": versions,
            "diff": diff,
            "old": old,
            "new": new,
            "field_changes": _field_changes(diff) if diff else [],
            "may_edit": _may_edit(request),
        },
    )


@allowed_to(Action.KNOWLEDGE_EDIT)
@require_POST
def article_restore(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    article = _article_or_404(article_id)
    try:
        restored = services.article_restore(actor=request.user, article_id=article.pk, number=number)
    except LojalError as error:
        messages.error(request, error.message)
        return redirect("knowledge:versions", article_id=article.pk)
    messages.success(
        request,
        _("Version %(old)d restored as version %(new)d.") % {"old": number, "new": restored.version},
    )
    return redirect("knowledge:article", article_id=article.pk)


@allowed_to(Action.KNOWLEDGE_EDIT)
@require_POST
def attachment_add(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article_or_404(article_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect("knowledge:article", article_id=article.pk)
    upload = form.cleaned_data["file"]
    try:
        # Read one byte past the limit at most: the service tells "too large" from the length.
        content = upload.read(services.attachment_max_bytes() + 1)
        attachment = services.article_attachment_add(
            actor=request.user, article_id=article.pk, name=upload.name or "", content=content
        )
    except LojalError as error:
        messages.error(
            request,
            "; ".join(reason for reasons in error.errors.values() for reason in reasons) or error.message,
        )
    else:
        messages.success(request, _("%(name)s attached.") % {"name": attachment.name})
    return redirect("knowledge:article", article_id=article.pk)


@allowed_to(Action.KNOWLEDGE_EDIT)
@require_POST
def attachment_remove(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        attachment = selectors.attachment_get(attachment_id=attachment_id)
        services.article_attachment_remove(actor=request.user, attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("%(name)s removed.") % {"name": attachment.name})
    return redirect("knowledge:article", article_id=attachment.article_id)


def attachment_file(request: HttpRequest, attachment_id: int, name: str) -> HttpResponseBase:
    """An article's file: to staff always, to anyone when the article is published for the public (so
    the help centre shows its images). Images inline, anything else as a download, never run."""
    try:
        attachment = selectors.attachment_get(attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    article = attachment.article
    public = article.status == Article.Status.PUBLISHED and article.visibility == Article.Visibility.PUBLIC
    user = request.user
    if not public and not (user.is_authenticated and user.can(Action.CUSTOMER_VIEW)):
        raise Http404
    if not attachment.file.storage.exists(str(attachment.file.name)):
        raise Http404
    image = attachment.content_type in IMAGE_TYPES
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type if image else "application/octet-stream",
    )
    disposition = "inline" if image else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(attachment.name, safe='')}"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
