"""Puts what the signed-in user may do into every template, so pages hide what they cannot use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lojal.accounts.roles import Action


def permissions(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"perms_lojal": {}}
    return {"perms_lojal": {action.value.replace(".", "_"): user.can(action.value) for action in Action}}
