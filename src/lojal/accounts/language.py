"""The pages' language remembered per member of staff: chosen in the menu, stored on the user, and
applied on every request of theirs, so it follows them to another browser and survives logging out
and in (a cookie alone stays in one browser)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from lojal.accounts.services import user_language_set
from lojal.core.middleware import is_token_api_request


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (the cookie and the redirect back), which also remembers the choice
    for the signed-in user."""
    response = set_language(request)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        user_language_set(user=user, language=request.POST.get("language", ""))
    return response


class UserLanguageMiddleware:
    """Shows a signed-in user's pages in their remembered language, whatever the browser sends, and
    puts it in the language cookie so the login page after logging out speaks it too. Runs after the
    authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_token_api_request(request):
            return self.get_response(request)
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if not language or language not in {code for code, _name in settings.LANGUAGES}:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
