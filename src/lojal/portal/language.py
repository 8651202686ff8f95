"""Which language My pages speak: the reader's choice on the page (a cookie), else the customer's
preferred language, else the company's default; one of PORTAL_LANGUAGES (en, sv, nb, da, fi), which
is wider than the staff pages' LANGUAGES."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

#: The cookie a language chosen on a portal page is kept in (not the staff pages' language cookie).
COOKIE_NAME = "lojal_portal_language"


def portal_languages() -> list[tuple[str, str]]:
    return [
        (str(code), str(name)) for code, name in getattr(settings, "PORTAL_LANGUAGES", [("en", "English")])
    ]


def is_portal_language(code: str) -> bool:
    return code in {known for known, _name in portal_languages()}


def language_choose(request: HttpRequest, profile: Any = None) -> str:
    chosen = request.COOKIES.get(COOKIE_NAME, "")
    if is_portal_language(chosen):
        return chosen
    preferred = getattr(profile, "language", "") if profile is not None else ""
    if preferred and is_portal_language(preferred):
        return str(preferred)
    default = str(settings.LANGUAGE_CODE).split("-")[0]
    return default if is_portal_language(default) else portal_languages()[0][0]


def language_cookie_set(response: HttpResponse, code: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )
