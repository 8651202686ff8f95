"""Security headers on pages and API answers, and cookies that stay on TLS in production."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client

from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db
PASSWORD = "not-a-real-password-1"


def _assert_common_headers(response: Any) -> None:
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_carry_the_security_headers() -> None:
    response = Client().get("/login/")

    assert response.status_code == 200
    _assert_common_headers(response)
    assert response["X-Frame-Options"] == "DENY"


def test_api_answers_carry_the_security_headers(api: ApiClient) -> None:
    response = api.get("customers")

    assert response.status_code == 200
    _assert_common_headers(response)


def test_errors_and_refusals_carry_them_too() -> None:
    _assert_common_headers(Client().get("/api/v1/customers"))  # 401


def test_public_pages_may_be_framed_by_the_configured_sites_only(settings: Any) -> None:
    settings.LOJAL_PUBLIC_FRAME_ANCESTORS = ["https://shop.example"]

    response = Client().get("/chat/")

    assert "frame-ancestors https://shop.example" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response


def test_hsts_is_sent_over_tls_only(settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000

    over_tls = Client().get("/login/", secure=True)
    plain = Client().get("/login/")

    assert over_tls["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain


def test_cookies_are_secure_httponly_and_samesite_in_production(settings: Any, make_user: Any) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    make_user(username="anna")
    client = Client(enforce_csrf_checks=False)

    response = client.post("/login/", {"username": "anna", "password": PASSWORD}, secure=True)

    assert response.status_code == 302
    session, csrf = response.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"
    assert csrf["secure"] is True and csrf["httponly"] is True and csrf["samesite"] == "Lax"


def _settings_with(extra_env: dict[str, str]) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOJAL_")}
    env.update({"DJANGO_SETTINGS_MODULE": "lojal.settings", "LOJAL_TESTING": "1", **extra_env})
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.split()


def test_lojal_https_turns_on_secure_cookies_and_hsts() -> None:
    assert _settings_with({}) == ["False", "False", "0", "False"]
    assert _settings_with({"LOJAL_HTTPS": "1"}) == ["True", "True", "31536000", "False"]
    assert _settings_with({"LOJAL_HTTPS": "1", "LOJAL_HSTS_SECONDS": "600", "LOJAL_SSL_REDIRECT": "1"}) == [
        "True",
        "True",
        "600",
        "True",
    ]


def test_the_policy_built_once_follows_a_changed_setting(settings: Any) -> None:
    Client().get("/login/")  # the site policy is built and kept
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["https://img.example"]}
    }

    response = Client().get("/login/")

    assert "img-src https://img.example" in response["Content-Security-Policy"]
