"""Test data through the real services, so every test customer passes the same validation as real ones."""

from __future__ import annotations

import itertools
from typing import Any

from lojal.customers.creation import customer_create
from lojal.customers.models import Customer

_counter = itertools.count(1)


def person(actor: Any = None, **overrides: Any) -> Customer:
    n = next(_counter)
    data: dict[str, Any] = {"kind": "person", "first_name": f"Test{n}", "last_name": "Person"}
    data.update(overrides)
    return customer_create(actor=actor, data=data)


def organisation(actor: Any = None, **overrides: Any) -> Customer:
    n = next(_counter)
    data: dict[str, Any] = {"kind": "organisation", "organisation_name": f"Testbolaget {n} AB"}
    data.update(overrides)
    return customer_create(actor=actor, data=data)
