"""A signed-in customer can neither read nor change anything of another customer's, on any portal page or
portal API operation. The pages are enumerated from the URL resolver (everything under /portal/) and the
operations from the portal API's OpenAPI document, so a route added later is covered without touching
this test; each is called with the other customer's ids (cases, attachments, replies, contact persons,
sessions) in the path and in the body, by GET and by the unsafe methods."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lojal.customers.models import ContactPerson, Customer
from lojal.customers.services import contact_person_add
from lojal.interactions.models import Attachment, Interaction
from lojal.portal import services as portal_services
from lojal.portal.identity import COOKIE_NAME, portal_session_start
from lojal.portal.models import OrganisationAccess, PortalSession
from tests import factories
from tests.portal.helpers import PNG, identity_of, upload

pytestmark = pytest.mark.django_db

#: Every text of the other customers' carries this; no response to the attacker may contain it.
MARK = "HEMLIG"
REFUSED = {400, 403, 404, 405, 410, 422}
UNSAFE = ("post", "put", "patch", "delete")


@dataclass
class World:
    attacker: Customer
    own: dict[str, set[int]] = field(default_factory=dict)
    foreign: dict[str, set[int]] = field(default_factory=dict)
    foreign_customers: set[int] = field(default_factory=set)
    foreign_contacts: set[int] = field(default_factory=set)


def _case_ids(customer_id: int) -> set[int]:
    from lojal.cases.models import Case

    return set(Case.objects.filter(customer_id=customer_id).values_list("pk", flat=True))


def _ids_of(customer_ids: set[int]) -> dict[str, set[int]]:
    interactions = set(Interaction.objects.filter(customer_id__in=customer_ids).values_list("pk", flat=True))
    cases: set[int] = set()
    for customer_id in customer_ids:
        cases |= _case_ids(customer_id)
    return {
        "case": cases,
        "attachment": set(
            Attachment.objects.filter(interaction_id__in=interactions).values_list("pk", flat=True)
        ),
        "interaction": interactions,
        "contact": set(
            ContactPerson.objects.filter(organisation_id__in=customer_ids).values_list("pk", flat=True)
        ),
        "session": set(
            PortalSession.objects.filter(customer_id__in=customer_ids).values_list("pk", flat=True)
        ),
        "customer": set(customer_ids),
    }


@pytest.fixture
def world(settings: Any) -> World:
    # The doors' rate limits would stop the probing long before it is done; they have their own tests.
    settings.LOJAL_RATE_PORTAL_LOGIN_ADDRESS = ""
    settings.LOJAL_RATE_PORTAL_LOGIN_NETWORK = ""
    settings.LOJAL_RATE_PORTAL_SIGN_IN = ""
    attacker = factories.person(first_name="Alva", emails=["alva@example.se"])
    victim = factories.person(first_name=MARK, last_name="Bertilsson", emails=["hemlig.b@example.se"])
    organisation = factories.organisation(organisation_name=f"{MARK} Bolaget AB")
    contact = contact_person_add(
        actor=None,
        organisation_id=organisation.pk,
        data={"first_name": MARK, "last_name": "Kontakt", "email": "hemlig.kontakt@example.se"},
    )
    for identity, who in (
        (identity_of(attacker.pk), "Alva"),
        (identity_of(victim.pk), MARK),
        (identity_of(organisation.pk, contact.pk), MARK),
    ):
        case = portal_services.my_case_open(
            identity,
            subject=f"{who} ärende",
            description=f"{who} beskrivning",
            category_id=None,
            priority="normal",
            language="sv",
            uploads=[upload(f"{who}.png", PNG, "image/png")],
        )
        portal_services.my_case_reply(
            identity, case_id=case.pk, text=f"{who} svar", uploads=[upload(f"{who}-2.png", PNG, "image/png")]
        )
    portal_session_start(
        customer_id=victim.pk, contact_person_id=None, kind=PortalSession.Kind.TOKEN, label=MARK
    )
    foreign = _ids_of({victim.pk, organisation.pk})
    assert all(foreign.values()), foreign  # the probes need something of each kind to point at
    return World(
        attacker=attacker,
        own=_ids_of({attacker.pk}),
        foreign=foreign,
        foreign_customers={victim.pk, organisation.pk},
        foreign_contacts={contact.pk},
    )


def _related_rows(customer_ids: set[int]) -> list[tuple[str, tuple[Any, ...]]]:
    """Every row of every model that belongs to these customers, directly or through one step (an
    attachment through its interaction, a case's link rows through the case)."""
    rows: list[tuple[str, tuple[Any, ...]]] = []
    customer_model = Customer

    def keys_to_customer(model: type[models.Model]) -> list[str]:
        return [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is customer_model
        ]

    for model in apps.get_models():
        lookups = [f"{name}__in" for name in keys_to_customer(model)]
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model not in (customer_model, model):
                lookups += [f"{f.name}__{name}__in" for name in keys_to_customer(f.related_model)]
        if model is customer_model:
            lookups.append("pk__in")
        for lookup in lookups:
            for row in model.objects.filter(**{lookup: customer_ids}).order_by("pk").values_list():
                rows.append((f"{model._meta.label}:{lookup}", tuple(map(str, row))))
    return sorted(set(rows))


def _candidates(name: str, world: World) -> list[int]:
    """The other customers' ids for a parameter called ``name``, by what it names."""
    for kind in ("attachment", "contact", "session", "case", "customer"):
        if (
            kind in name
            or (kind == "attachment" and "file" in name)
            or (kind == "session" and "token" in name)
        ):
            return sorted(world.foreign[kind])
    if any(word in name for word in ("reply", "message", "interaction")):
        return sorted(world.foreign["interaction"])
    own = set().union(*world.own.values())
    return sorted(set().union(*world.foreign.values()) - own)


def _own_first(name: str, world: World) -> list[int]:
    """For a route with two ids (a case and its file): one's own case with the other's file too."""
    for kind in ("case", "customer"):
        if kind in name:
            return sorted(world.own[kind])
    return []


def _combinations(names: list[str], world: World) -> Iterator[dict[str, int]]:
    if not names:
        return
    pools = [_candidates(name, world) + _own_first(name, world) for name in names]
    for values in itertools.product(*pools):
        chosen = dict(zip(names, values, strict=True))
        own_only = all(value in world.own.get(_kind(name), set()) for name, value in chosen.items())
        if not own_only:
            yield chosen


def _kind(name: str) -> str:
    for kind in ("attachment", "contact", "session", "case", "customer"):
        if kind in name:
            return kind
    return "interaction"


def _portal_patterns() -> list[tuple[str, list[str]]]:
    """(route with {name} placeholders, its parameter names) of every page under /portal/."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and route.startswith("portal/"):
                names = re.findall(r"<(?:\w+:)?(\w+)>", route)
                found.append(("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), names))

    walk(get_resolver().url_patterns, "")
    return found


def _attacker_browser(world: World) -> Client:
    _session, key = portal_session_start(customer_id=world.attacker.pk, contact_person_id=None)
    client = Client()
    client.cookies[COOKIE_NAME] = key
    return client


def _form_for(world: World) -> dict[str, Any]:
    """A form that would act on the other customer's things if any field were trusted."""
    case = min(world.foreign["case"])
    return {
        "case_id": case,
        "contact_person_id": min(world.foreign["contact"]),
        "customer_id": min(world.foreign_customers),
        "session_id": min(world.foreign["session"]),
        "attachment_id": min(world.foreign["attachment"]),
        "subject": "probe",
        "description": "probe",
        "text": "probe",
        "body": "probe",
        "rating": "5",
        "label": "probe",
        "address": "hemlig.b@example.se",
    }


def _assert_nothing_leaked(response: Any, what: str) -> None:
    assert response.status_code < 500, what
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert MARK.encode() not in content, what
    assert PNG not in content or response.status_code in REFUSED, what


def test_every_portal_page_refuses_another_customers_ids(world: World) -> None:
    patterns = _portal_patterns()
    assert {"/portal/cases/{case_id}/", "/portal/sessions/{session_id}/end/"} <= {p for p, _ in patterns}
    before = _related_rows(world.foreign_customers)
    tried = 0

    for route, names in patterns:
        if not names:
            for method in ("get", "post"):
                response = getattr(_attacker_browser(world), method)(route, _form_for(world))
                _assert_nothing_leaked(response, f"{method.upper()} {route}")
                tried += 1
            continue
        for values in _combinations(names, world) if "secret" not in names else [{"secret": "forged"}]:
            path = route.format(**values)
            for method in ("get", "post"):
                response = getattr(_attacker_browser(world), method)(path, _form_for(world))
                _assert_nothing_leaked(response, f"{method.upper()} {path}")
                assert response.status_code in REFUSED, f"{method.upper()} {path}: {response.status_code}"
                tried += 1

    assert tried > 20
    assert _related_rows(world.foreign_customers) == before


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = Client().get("/api/portal/v1/openapi.json").json()
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            found.append((path, method, {"operation": operation, "document": document}))
    return found


def _body_for(operation: dict[str, Any], document: dict[str, Any], world: World) -> dict[str, Any] | None:
    content = operation["operation"].get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    schema = content["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    body: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        types = {spec.get("type")} | {item.get("type") for item in spec.get("anyOf", [])}
        if "integer" in types:
            body[name] = (_candidates(name, world) or [1])[0]
        elif "string" in types:
            body[name] = "hemlig.b@example.se" if "email" in name else "probe"
        elif "boolean" in types:
            body[name] = True
        elif "array" in types:
            body[name] = []
    return body


def _attacker_program(world: World) -> Client:
    _session, key = portal_session_start(
        customer_id=world.attacker.pk, contact_person_id=None, kind=PortalSession.Kind.TOKEN
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_every_portal_api_operation_refuses_another_customers_ids(world: World) -> None:
    operations = _operations()
    assert ("/api/portal/v1/cases/{case_id}", "get") in {(path, method) for path, method, _ in operations}
    before = _related_rows(world.foreign_customers)
    tried = 0

    for path, method, operation in operations:
        names = re.findall(r"{(\w+)}", path)
        body = _body_for(operation, operation["document"], world)
        for values in _combinations(names, world) if names else [{}]:
            url = path.format(**values)
            client = _attacker_program(world)
            if body is None:
                response = getattr(client, method)(url)
            else:
                response = getattr(client, method)(url, body, content_type="application/json")
            what = f"{method.upper()} {url} {body}"
            _assert_nothing_leaked(response, what)
            if names:
                assert response.status_code in REFUSED, f"{what}: {response.status_code}"
            tried += 1

    assert tried > 10
    assert _related_rows(world.foreign_customers) == before


def test_a_contact_person_sees_the_organisations_other_cases_only_when_it_allows(world: World) -> None:
    from lojal.cases.models import Case

    organisation = Customer.objects.get(organisation_name=f"{MARK} Bolaget AB")
    other_contact = ContactPerson.objects.get(organisation=organisation)
    colleague = contact_person_add(
        actor=None, organisation_id=organisation.pk, data={"first_name": "Kim", "email": "kim@example.se"}
    )
    colleagues_case = Case.objects.get(customer=organisation, contact_person=other_contact)
    _session, key = portal_session_start(customer_id=organisation.pk, contact_person_id=colleague.pk)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    browser = Client()
    browser.cookies[COOKIE_NAME] = key
    _token, token = portal_session_start(
        customer_id=organisation.pk, contact_person_id=colleague.pk, kind=PortalSession.Kind.TOKEN
    )
    program = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    listed_before = [row["id"] for row in program.get("/api/portal/v1/cases").json()["items"]]
    read_before = program.get(f"/api/portal/v1/cases/{colleagues_case.pk}").status_code
    page_before = browser.get(f"/portal/cases/{colleagues_case.pk}/").status_code
    OrganisationAccess.objects.create(organisation=organisation, contacts_see_all_cases=True)
    listed_after = [row["id"] for row in program.get("/api/portal/v1/cases").json()["items"]]
    read_after = program.get(f"/api/portal/v1/cases/{colleagues_case.pk}").status_code
    page_after = browser.get(f"/portal/cases/{colleagues_case.pk}/").status_code

    assert client is not None
    assert listed_before == [] and read_before == 404 and page_before == 404
    assert listed_after == [colleagues_case.pk] and read_after == 200 and page_after == 200
