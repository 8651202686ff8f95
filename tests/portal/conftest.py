"""Portal test helpers: customers with an address, clients signed in to My pages, the rate limits
cleared between tests (they count in the database)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lojal.core.models import RateCounter
from lojal.portal.identity import COOKIE_NAME, portal_session_start
from lojal.portal.models import PortalSession


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db: Any) -> None:
    RateCounter.objects.all().delete()


def signed_in(customer_id: int, contact_person_id: int | None = None, **client_args: Any) -> Client:
    """A browser client with a live My pages session of this customer (and contact person)."""
    _session, key = portal_session_start(customer_id=customer_id, contact_person_id=contact_person_id)
    client = Client(**client_args)
    client.cookies[COOKIE_NAME] = key
    return client


def token_client(customer_id: int, contact_person_id: int | None = None) -> Client:
    """A program's client with a portal token of this customer."""
    _session, key = portal_session_start(
        customer_id=customer_id, contact_person_id=contact_person_id, kind=PortalSession.Kind.TOKEN
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def portal_client() -> Callable[..., Client]:
    return signed_in
