"""Pages for the signed-in user's own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lojal.accounts import selectors, services
from lojal.core.errors import LojalError


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    new_secret = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                services.token_revoke(user=request.user, token_id=int(request.POST["revoke"]))  # type: ignore[arg-type]
                messages.success(request, _("Token revoked."))
                return redirect("accounts:tokens")
            issued = services.token_create(user=request.user, name=request.POST.get("name", ""))  # type: ignore[arg-type]
            new_secret = issued.secret
        except (LojalError, ValueError) as error:
            messages.error(request, getattr(error, "message", str(error)))
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": selectors.token_list(user=request.user), "new_secret": new_secret},  # type: ignore[arg-type]
    )
