"""What the hardening middleware costs an API read: ``GET /api/v1/customers/{id}`` with a bearer token,
in process through Django's handler (no HTTP), with the full middleware stack and with the stack less
the three hardening layers (Content-Security-Policy, rate limits, login lockout), alternating rounds
in the same process so both see the same machine. Also the cost of counting one rate-limited request
(the counter's upsert), as a token request with its limit on and off.

    .venv/bin/python -m bench.security_cost --database sqlite
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from bench.customers import _load_average
from bench.databases import RESULTS, bench_database
from bench.loading import django_setup

HARDENING = (
    "lojal.core.csp.ContentSecurityPolicyMiddleware",
    "lojal.core.ratelimit.RateLimitMiddleware",
    "axes.middleware.AxesMiddleware",
)


def _per_request(client: Any, call: Any, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        response = call(client)
        assert response.status_code < 500, response.status_code
    return (time.perf_counter() - start) / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.security_cost", description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--name", default="lojal_security_cost", help="PostgreSQL database to (re)create")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=300, help="requests per round (default 300)")
    args = parser.parse_args(argv)
    database = bench_database(args.database, name=args.name)
    database.create()
    django_setup(
        {
            "LOJAL_DATABASE_URL": database.url,
            "LOJAL_SECRET_KEY": "bench",
            "LOJAL_VAR_DIR": str(RESULTS / f"var-security-cost-{args.database}"),
            "LOJAL_LOG_LEVEL": "ERROR",
            "LOJAL_ALLOWED_HOSTS": "testserver",
            "LOJAL_DEMO": "",
        }
    )
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from lojal.accounts.services import token_create, user_create
    from lojal.customers.creation import customer_create

    call_command("migrate", verbosity=0)
    user = user_create(username="bench-admin", password="not-a-real-password-1", role="administrator")
    token = token_create(user=user, name="bench").secret
    customer = customer_create(
        actor=user, data={"kind": "person", "first_name": "Bench", "last_name": "Mark"}
    )
    full = list(settings.MIDDLEWARE)
    without = [name for name in full if name not in HARDENING]

    def read(client: Any) -> Any:
        return client.get(f"/api/v1/customers/{customer.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")

    def token_post(client: Any) -> Any:
        # A token request without fields: a 422 before any password is hashed, so the upsert shows.
        return client.post("/api/v1/auth/token", "{}", content_type="application/json")

    timings: dict[str, list[float]] = {"full": [], "without": [], "limited": [], "unlimited": []}
    for round_number in range(args.rounds + 1):
        for label, stack in (("full", full), ("without", without)):
            settings.MIDDLEWARE = stack
            seconds = _per_request(Client(), read, args.requests)
            if round_number:  # the first round warms up
                timings[label].append(seconds)
        settings.MIDDLEWARE = full
        for label, rate in (("limited", "1000000/minute"), ("unlimited", "")):
            settings.LOJAL_RATE_TOKEN = rate
            seconds = _per_request(Client(), token_post, args.requests)
            if round_number:
                timings[label].append(seconds)
    median = {label: statistics.median(values) * 1000 for label, values in timings.items()}
    layers = _layer_cost(customer.pk, token)
    print(
        f"API read on {args.database}, {args.rounds} rounds of {args.requests}: median "
        f"{median['full']:.3f} ms/request with the hardening middleware, {median['without']:.3f} ms without "
        f"({median['full'] - median['without']:+.3f} ms, {(median['full'] / median['without'] - 1) * 100:+.1f}%)"
    )
    print(
        f"Token request (422, no fields) on {args.database}: median {median['limited']:.3f} ms counted by "
        f"the rate limit, {median['unlimited']:.3f} ms with it off "
        f"({median['limited'] - median['unlimited']:+.3f} ms); load average {_load_average()}"
    )
    print(
        "The hardening layers' own work on an API read, alone (best of 5 x 20,000): "
        + ", ".join(f"{name} {micro:.1f} µs" for name, micro in layers.items())
    )
    return 0


def _layer_cost(customer_id: int, token: str) -> dict[str, float]:
    """Microseconds per request of what each hardening layer does to an API read, without the rest."""
    import timeit

    from axes.middleware import AxesMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    from lojal.core.csp import ContentSecurityPolicyMiddleware
    from lojal.core.ratelimit import RateLimitMiddleware

    request = RequestFactory().get(f"/api/v1/customers/{customer_id}", HTTP_AUTHORIZATION=f"Bearer {token}")
    response = HttpResponse(b"{}", content_type="application/json")
    layers = {
        "CSP header": ContentSecurityPolicyMiddleware(lambda r: response),
        "rate-limit check": RateLimitMiddleware(lambda r: response),
        "axes": AxesMiddleware(lambda r: response),
    }
    cost: dict[str, float] = {}
    for name, layer in layers.items():

        def call(layer: Any = layer) -> None:
            if hasattr(response, "headers"):
                response.headers.pop("Content-Security-Policy", None)
            layer(request)

        cost[name] = min(timeit.repeat(call, number=20_000, repeat=5)) / 20_000 * 1e6
    return cost


if __name__ == "__main__":
    raise SystemExit(main())
