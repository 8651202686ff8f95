"""Page-side enforcement of the role table: a view names the action it performs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render


def allowed_to(action: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Require sign-in, then answer 403 with a friendly page unless the user's role allows ``action``."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.can(action):  # type: ignore[union-attr]
                return render(request, "403.html", {"action": action}, status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
