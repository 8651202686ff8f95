"""The desk's settings (managers): the hub that leads to every settings page, queues, categories and
macros."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.cases import macros, queues, setup
from lojal.cases.models import Case, Category, Macro, Queue
from lojal.core.errors import LojalError, NotFound


def _int_or_none(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _first_error(error: LojalError) -> tuple[str, str]:
    for field, reasons in error.errors.items():
        if reasons:
            return field, reasons[0]
    return "", error.message


@allowed_to(Action.SERVICE_CONFIGURE)
def settings_hub(request: HttpRequest) -> HttpResponse:
    """Every settings page of the desk on one page; other parts of the desk bring their own pages."""
    return render(
        request,
        "cases/settings.html",
        {
            "queue_count": Queue.objects.count(),
            "category_count": Category.objects.count(),
            "macro_count": Macro.objects.count(),
        },
    )


@allowed_to(Action.SERVICE_CONFIGURE)
def queue_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/queues.html", {"queues": setup.queue_list()})


@allowed_to(Action.SERVICE_CONFIGURE)
def queue_edit(request: HttpRequest, queue_id: int | None = None) -> HttpResponse:
    queue = None
    if queue_id is not None:
        queue = setup.queue_list().filter(pk=queue_id).first()
        if queue is None:
            raise Http404
    error = ("", "")
    if request.method == "POST":
        post = request.POST
        try:
            data = {
                "name": post.get("name", ""),
                "team_id": _int_or_none(post.get("team_id")),
                "calendar_id": _int_or_none(post.get("calendar_id")),
                "sla_policy_id": _int_or_none(post.get("sla_policy_id")),
                "assignment": post.get("assignment", ""),
                "manager_id": _int_or_none(post.get("manager_id")),
                "is_active": post.get("is_active") == "on",
            }
            if queue_id is None:
                queues.queue_create(actor=request.user, data=data)
            else:
                queues.queue_update(actor=request.user, queue_id=queue_id, data=data)
        except LojalError as err:
            error = _first_error(err)
        else:
            messages.success(request, _("Queue saved."))
            return redirect("cases:queues")
    context: dict[str, Any] = {
        "queue": queue,
        "error_field": error[0],
        "error": error[1],
        "posted": request.POST,
        "teams": accounts_selectors.team_list(),
        "calendars": setup.calendar_choices(),
        "policies": setup.sla_policy_list(),
        "staff": accounts_selectors.staff_list(active_only=True),
        "assignments": Queue.Assignment.choices,
    }
    return render(request, "cases/queue_form.html", context, status=422 if error[1] else 200)


@allowed_to(Action.SERVICE_CONFIGURE)
def categories(request: HttpRequest) -> HttpResponse:
    """The category tree, with a form to add one and forms to rename or move each."""
    error = ("", "")
    if request.method == "POST":
        post = request.POST
        try:
            setup.category_save(
                actor=request.user,
                category_id=_int_or_none(post.get("category_id")),
                name=post.get("name", ""),
                parent_id=_int_or_none(post.get("parent_id")),
                position=_int_or_none(post.get("position")) or 0,
                is_active=post.get("is_active", "on") == "on",
                is_customer_visible=post.get("is_customer_visible") == "on"
                if "is_customer_visible" in post
                else None,
            )
        except LojalError as err:
            error = _first_error(err)
        else:
            messages.success(request, _("Category saved."))
            return redirect("cases:categories")
    tree = setup.category_tree()
    return render(
        request,
        "cases/categories.html",
        {"tree": tree, "tops": [top for top, _children in tree], "error": error[1], "posted": request.POST},
        status=422 if error[1] else 200,
    )


@allowed_to(Action.SERVICE_CONFIGURE)
def macro_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/macros.html", {"macros": macros.macro_list(active_only=False)})


@allowed_to(Action.SERVICE_CONFIGURE)
def macro_edit(request: HttpRequest, macro_id: int | None = None) -> HttpResponse:
    macro = None
    if macro_id is not None:
        try:
            macro = macros.macro_get(macro_id=macro_id)
        except NotFound:
            raise Http404 from None
    error = ("", "")
    if request.method == "POST":
        post = request.POST
        try:
            macros.macro_save(
                actor=request.user,
                macro_id=macro_id,
                name=post.get("name", ""),
                texts={language: post.get(f"text_{language}", "") for language in macros.MACRO_LANGUAGES},
                status=post.get("status", ""),
                priority=post.get("priority", ""),
                category_id=_int_or_none(post.get("category_id")),
                tags=[tag.strip() for tag in post.get("tags", "").split(",") if tag.strip()],
                is_active=post.get("is_active") == "on",
            )
        except LojalError as err:
            error = _first_error(err)
        else:
            messages.success(request, _("Macro saved."))
            return redirect("cases:macros")
    language_names = {
        "sv": _("Swedish"),
        "nb": _("Norwegian"),
        "da": _("Danish"),
        "fi": _("Finnish"),
        "en": _("English"),
    }
    texts = []
    for language in macros.MACRO_LANGUAGES:
        value = request.POST.get(f"text_{language}") if request.method == "POST" else None
        if value is None:
            value = macro.texts.get(language, "") if macro else ""
        texts.append((language, language_names[language], value))
    context: dict[str, Any] = {
        "macro": macro,
        "texts": texts,
        "fields": macros.FIELDS,
        "error_field": error[0],
        "error": error[1],
        "posted": request.POST,
        "statuses": Case.Status.choices,
        "priorities": Case.Priority.choices,
        "categories": Category.objects.filter(is_active=True).select_related("parent"),
    }
    return render(request, "cases/macro_form.html", context, status=422 if error[1] else 200)
