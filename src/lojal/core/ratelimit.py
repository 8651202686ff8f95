"""Rate limits on the doors anyone can knock on: the login form, token creation, the public web forms and
the chat. Counted with the `limits` library's fixed-window strategy in a table of this database
(RateCounter), so that every web process and host counts the same hits without a cache server; one
atomic upsert per limited request, nothing at all for other requests. Past the limit the answer is 429
with Retry-After: a problem document under /api/, a page elsewhere."""

from __future__ import annotations

import ipaddress
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from limits import RateLimitItem, parse
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

from lojal.core.models import RateCounter
from lojal.core.problems import problem_response

# One statement, so two processes counting the same key at once both count: the row's window restarts
# when it has expired, otherwise its hits grow. Works on SQLite >= 3.35 and PostgreSQL alike.
_INCREMENT_SQL = (
    'INSERT INTO core_ratecounter ("key", hits, expires_at) VALUES (%s, %s, %s) '
    'ON CONFLICT ("key") DO UPDATE SET '
    "hits = CASE WHEN core_ratecounter.expires_at <= %s THEN excluded.hits "
    "ELSE core_ratecounter.hits + excluded.hits END, "
    "expires_at = CASE WHEN core_ratecounter.expires_at <= %s THEN excluded.expires_at "
    "ELSE core_ratecounter.expires_at END "
    "RETURNING hits"
)
# About one limited request in this many also deletes the counters whose windows ended long ago.
_PURGE_ONE_IN = 200
_PURGE_AFTER_SECONDS = 3600


def _clock() -> float:
    """Seconds since the epoch (one place, so tests can move time on)."""
    return time.time()


class DatabaseStorage(Storage):
    """A `limits` storage on the RateCounter table (fixed windows only)."""

    STORAGE_SCHEME = ["lojal-database"]

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return DatabaseError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = _clock()
        with connection.cursor() as cursor:
            cursor.execute(_INCREMENT_SQL, [key, amount, now + expiry, now, now])
            row = cursor.fetchone()
        if secrets.randbelow(_PURGE_ONE_IN) == 0:
            rate_counters_purge()
        return int(row[0])

    def get(self, key: str) -> int:
        hits = (
            RateCounter.objects.filter(key=key, expires_at__gt=_clock())
            .values_list("hits", flat=True)
            .first()
        )
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        expires_at = RateCounter.objects.filter(key=key).values_list("expires_at", flat=True).first()
        return float(expires_at) if expires_at is not None else _clock()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        deleted, _ = RateCounter.objects.all().delete()
        return deleted

    def clear(self, key: str) -> None:
        RateCounter.objects.filter(key=key).delete()


def rate_counters_purge(*, older_than_seconds: float = _PURGE_AFTER_SECONDS) -> int:
    """Deletes counters whose windows ended more than ``older_than_seconds`` ago; returns how many."""
    deleted, _ = RateCounter.objects.filter(expires_at__lt=_clock() - older_than_seconds).delete()
    return deleted


_storage = DatabaseStorage()
limiter = FixedWindowRateLimiter(_storage)


def first_use(key: str, *, seconds: int) -> bool:
    """True the first time ``key`` is seen within ``seconds``, False after that, in every process alike
    (a signed webhook call is accepted once)."""
    return _storage.incr(f"once/{key}", seconds) == 1


def limit_hit(*, group: str, key: str, rate: str) -> int | None:
    """Count one hit of ``key`` (an email address, a client address ...) against ``rate`` ("5/hour") in
    ``group``, for limits a service keeps on what a request carries rather than on its path; the seconds
    to wait when past the limit, None otherwise (and always None when ``rate`` is empty: turned off)."""
    rate = (rate or "").strip()
    if not rate:
        return None
    item = parse(rate)
    if limiter.hit(item, group, key):
        return None
    reset_at = limiter.get_window_stats(item, group, key).reset_time
    return max(1, math.ceil(reset_at - _clock()))


UNKNOWN_ADDRESS = "0.0.0.0"


def client_address(request: HttpRequest) -> str:
    """The address a request came from, as rate limits and login lockout count it. REMOTE_ADDR unless
    LOJAL_PROXY_COUNT says how many proxies of one's own stand in front (then the X-Forwarded-For entry
    that the outermost of them added); an IPv6 address counts as its /64 network (its first address), which one host holds.
    An address that is not one (a server on a Unix socket passes none) counts as 0.0.0.0: such requests
    share one count, and the login lockout, which stores addresses in an address column, can store it."""
    address = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "LOJAL_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return UNKNOWN_ADDRESS
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


@dataclass(frozen=True)
class Rule:
    """One limited door: the requests it covers and the setting holding its rate ("10/minute")."""

    group: str
    methods: frozenset[str]
    path: re.Pattern[str]
    setting: str

    def matches(self, request: HttpRequest) -> bool:
        return request.method in self.methods and self.path.match(request.path_info) is not None

    def item(self) -> RateLimitItem | None:
        rate = str(getattr(settings, self.setting, "") or "").strip()
        return parse(rate) if rate else None


def _rule(group: str, methods: str, path: str, setting: str) -> Rule:
    return Rule(group, frozenset(methods.split()), re.compile(path), setting)


RULES: tuple[Rule, ...] = (
    _rule("login", "POST", r"^/login/$", "LOJAL_RATE_LOGIN"),
    _rule("token", "POST", r"^/api/v1/auth/token$", "LOJAL_RATE_TOKEN"),
    _rule("token-page", "POST", r"^/account/tokens/$", "LOJAL_RATE_TOKEN"),
    _rule("webform", "POST", r"^/forms/[^/]+/$", "LOJAL_RATE_WEBFORM"),
    _rule("chat-start", "POST", r"^/chat/$", "LOJAL_RATE_CHAT_START"),
    _rule("chat-send", "POST", r"^/chat/s/[^/]+/(send|end)/$", "LOJAL_RATE_CHAT_SEND"),
    _rule("chat-poll", "GET", r"^/chat/s/[^/]+/$", "LOJAL_RATE_CHAT_POLL"),
)
# Cheap first test: every rule is a POST, or a GET under /chat/s/.
_LIMITED_GET_PREFIX = "/chat/s/"


def rate_limit_check(request: HttpRequest) -> int | None:
    """Counts this request against the rule that covers it; the seconds to wait when over the limit."""
    if request.method != "POST" and not request.path_info.startswith(_LIMITED_GET_PREFIX):
        return None
    for rule in RULES:
        if not rule.matches(request):
            continue
        item = rule.item()
        if item is None:
            return None
        address = client_address(request)
        if limiter.hit(item, rule.group, address):
            return None
        reset_at = limiter.get_window_stats(item, rule.group, address).reset_time
        return max(1, math.ceil(reset_at - _clock()))
    return None


def too_many_response(
    request: HttpRequest, *, retry_after: int, message: Callable[[], str] | None = None
) -> HttpResponse:
    """429 with Retry-After: a problem document under /api/ (or for a JSON client), a page elsewhere.
    ``message`` gives the explanation in the reader's language (by default: too many attempts)."""
    with translation.override(translation.get_language_from_request(request)):
        minutes = max(1, math.ceil(retry_after / 60))
        detail = (message() + " " if message else _("Too many attempts.") + " ") + _(
            "Try again in %(minutes)s minute(s)."
        ) % {"minutes": minutes}
        if request.path_info.startswith("/api/") or "json" in request.headers.get("Accept", ""):
            response = problem_response(
                status=429, title="Too many requests", detail=detail, extra={"retry_after": retry_after}
            )
        else:
            response = HttpResponse(
                render_to_string("429.html", {"detail": detail}, request=request), status=429
            )
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Answers 429 for a request over its door's rate (RULES); every other request passes untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        retry_after = rate_limit_check(request)
        if retry_after is not None:
            return too_many_response(request, retry_after=retry_after)
        return self.get_response(request)
