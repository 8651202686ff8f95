"""The favicon at the site root (served by WhiteNoise) and email addresses that wrap at their seams."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

from lojal.core.templatetags.lojal_text import breakable_email


def test_whitenoise_serves_the_favicon_at_the_site_root(settings: Any) -> None:
    settings.WHITENOISE_AUTOREFRESH = True  # no collected static files are needed for the root files
    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))

    response = middleware(RequestFactory().get("/favicon.ico"))

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # type: ignore[attr-defined]


def test_an_email_address_may_break_only_after_the_at_sign_and_before_dots() -> None:
    assert str(breakable_email("jorgen.astrom@exempel-foretaget.se")) == (
        "jorgen<wbr>.astrom@<wbr>exempel-foretaget<wbr>.se"
    )


def test_an_email_address_is_escaped_before_break_points_are_added() -> None:
    assert str(breakable_email('<b>"x"@y.se')) == "&lt;b&gt;&quot;x&quot;@<wbr>y<wbr>.se"
