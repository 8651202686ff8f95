"""Pages a company puts on its own website: the contact form (in an iframe, or through a one-line script)
and the chat widget. No sign-in; no CSRF token, since they are posted from another site's page: spam is
kept out by the honeypot, the signed time trap and the rate limits instead."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from lojal.core.errors import LojalError, NotFound
from lojal.interactions import chat, webforms

_EMBED = """(function () {
  var script = document.currentScript;
  var frame = document.createElement("iframe");
  frame.src = %(url)s;
  frame.title = %(title)s;
  frame.loading = "lazy";
  frame.style.cssText = "width:100%%;max-width:560px;height:620px;border:0;";
  script.parentNode.insertBefore(frame, script);
})();
"""

_CHAT_WIDGET = """(function () {
  if (window.lojalChat) return;
  window.lojalChat = true;
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = %(label)s;
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483000;padding:12px 18px;" +
    "border:0;border-radius:999px;background:#2450d8;color:#fff;font:600 15px system-ui,sans-serif;" +
    "box-shadow:0 4px 14px rgba(0,0,0,.2);cursor:pointer";
  var frame = document.createElement("iframe");
  frame.src = %(url)s;
  frame.title = %(label)s;
  frame.style.cssText = "position:fixed;right:20px;bottom:76px;z-index:2147483000;width:360px;" +
    "max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 120px);border:1px solid #e4e7ec;" +
    "border-radius:12px;background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.18);display:none";
  button.addEventListener("click", function () {
    var open = frame.style.display === "none";
    frame.style.display = open ? "block" : "none";
    button.setAttribute("aria-expanded", String(open));
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
"""


def _framable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page other sites may show in a frame: no X-Frame-Options, and the Content-Security-Policy's
    frame-ancestors from LOJAL_PUBLIC_FRAME_ANCESTORS (any site unless the setting names some)."""

    @wraps(view)
    def framed(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        # None drops the directive: no restriction, as a page with no X-Frame-Options has.
        ancestors = list(settings.LOJAL_PUBLIC_FRAME_ANCESTORS) or None
        response._csp_replace = {"frame-ancestors": ancestors}  # type: ignore[attr-defined]
        return response

    return xframe_options_exempt(framed)


def _with_retry_after(response: HttpResponse) -> HttpResponse:
    """A 429 for a sender past their hourly limit says when to try again."""
    if response.status_code == 429:
        response["Retry-After"] = str(webforms.TooMany.retry_after)
    return response


def _remote_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


@csrf_exempt
@_framable
@require_http_methods(["GET", "POST"])
def webform(request: HttpRequest, key: str) -> HttpResponse:
    try:
        form = webforms.webform_get(key=key)
    except NotFound as error:
        raise Http404(error.message) from None
    with translation.override(form.language if form.language in {"sv", "nb", "en"} else "sv"):
        errors: dict[str, list[str]] = {}
        message = ""
        status = 200
        if request.method == "POST":
            try:
                webforms.webform_submit(form=form, data=request.POST, remote_address=_remote_address(request))
            except LojalError as error:
                errors, message, status = error.errors, error.message, error.status
            else:
                return render(request, "interactions/public/form_done.html", {"form": form})
        return _with_retry_after(
            render(
                request,
                "interactions/public/form.html",
                {
                    "form": form,
                    "fields": webforms.form_fields(form),
                    "values": request.POST if request.method == "POST" else {},
                    "errors": errors,
                    "message": message if not errors else "",
                    "started": webforms.time_trap_token(),
                },
                status=status,
            )
        )


def webform_embed(request: HttpRequest, key: str) -> HttpResponse:
    try:
        form = webforms.webform_get(key=key)
    except NotFound as error:
        raise Http404(error.message) from None
    url = request.build_absolute_uri(reverse("public:webform", args=[form.key]))
    script = _EMBED % {"url": json.dumps(url), "title": json.dumps(form.name)}
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")


def chat_widget(request: HttpRequest) -> HttpResponse:
    url = request.build_absolute_uri(reverse("public:chat_start"))
    label = request.GET.get("label", "Chat")[:40]
    script = _CHAT_WIDGET % {"url": json.dumps(url), "label": json.dumps(label)}
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")


@csrf_exempt
@_framable
@require_http_methods(["GET", "POST"])
def chat_start(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            session = chat.chat_start(
                name=request.POST.get("name", ""),
                email=request.POST.get("email", ""),
                text=request.POST.get("text", ""),
            )
        except LojalError as error:
            errors = error.errors or {"text": [error.message]}
            status = error.status
        else:
            return redirect("public:chat_session", token=session.token)
    return _with_retry_after(
        render(
            request,
            "interactions/public/chat_start.html",
            {"errors": errors, "values": request.POST, "online": chat.agents_online()},
            status=status,
        )
    )


def _session(token: str) -> chat.ChatSession:
    try:
        return chat.session_for_visitor(token=token)
    except NotFound as error:
        raise Http404(error.message) from None


@_framable
def chat_session(request: HttpRequest, token: str) -> HttpResponse:
    session = _session(token)
    context = {"session": session, "chat_lines": chat.messages_after(session=session)}
    if request.headers.get("HX-Request"):
        # 286 tells htmx to stop polling: an ended chat gets no more lines.
        status = 200 if session.state == chat.ChatSession.State.OPEN else 286
        return render(request, "interactions/public/_chat_messages.html", context, status=status)
    return render(request, "interactions/public/chat.html", context)


@csrf_exempt
@_framable
@require_POST
def chat_send(request: HttpRequest, token: str) -> HttpResponse:
    session = _session(token)
    error = ""
    try:
        chat.chat_say(session=session, text=request.POST.get("text", ""))
    except LojalError as problem:
        error = problem.message
    context = {"session": session, "chat_lines": chat.messages_after(session=session), "error": error}
    if request.headers.get("HX-Request"):
        return render(
            request, "interactions/public/_chat_messages.html", context, status=422 if error else 200
        )
    return redirect("public:chat_session", token=session.token)


@csrf_exempt
@_framable
@require_POST
def chat_end(request: HttpRequest, token: str) -> HttpResponse:
    session = _session(token)
    chat.chat_close(session_id=session.pk)
    return redirect("public:chat_session", token=session.token)
