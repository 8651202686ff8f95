"""Every htmx endpoint's fragment varies on HX-Request and is never stored, and the pages that answer
htmx with a fragment give the whole page to a boosted link and to htmx's history restore (Back after a
search must show the page, not the bare list)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.activities import services as activity_services
from lojal.cases import services as case_services
from lojal.cases.macros import macro_save
from lojal.core.models import ExportJob
from lojal.imports import services as import_services
from lojal.interactions import chat
from lojal.interactions.emails.ingest import email_ingest
from lojal.knowledge import services as knowledge_services
from tests import factories
from tests.portal.helpers import portal_client

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "lojal" / "templates"
EMAIL = Path(__file__).resolve().parent.parent / "fixtures" / "email" / "nb-utf8-html-inline-image.eml"
IMPORT = Path(__file__).resolve().parent.parent / "fixtures" / "imports" / "customers_utf8_bom.csv"


@dataclass
class World:
    customer_id: int
    interaction_id: int
    chat_id: int
    chat_token: str
    import_id: int
    activity_id: int
    cancelled_id: int
    export_id: int
    case_id: int
    macro_id: int
    article_id: int


@pytest.fixture
def world(admin_user: User) -> World:
    customer = factories.person(first_name="Kari", last_name="Nordmann", national_id="19880320-0016")
    unmatched = email_ingest(raw=EMAIL.read_bytes().replace(b"kari.nordmann@", b"kn@"), source="smtp")
    session = chat.chat_start(name="Visitor", email="visitor@example.se", text="Hej!")
    job = import_services.import_job_create(
        actor=admin_user, kind="customers", upload=IMPORT, file_name=IMPORT.name
    )
    activity = activity_services.activity_create(
        actor=admin_user, subject="Call Kari", due_date=dt.date(2030, 1, 2), customer_id=customer.pk
    )
    cancelled = activity_services.activity_create(
        actor=admin_user, subject="Old one", due_date=dt.date(2030, 1, 2)
    )
    activity_services.activity_cancel(actor=admin_user, activity_id=cancelled.pk)
    export = ExportJob.objects.create(source="customers", file_format="csv", requested_by=admin_user)
    case = case_services.case_open(
        actor=admin_user, subject="Fakturan", channel="staff", customer_id=customer.pk
    )
    macro = macro_save(actor=admin_user, name="Tack", texts={"sv": "Tack, vi återkommer.", "en": "Thanks."})
    article = knowledge_services.article_create(
        actor=admin_user, language="sv", title="Betala fakturan", body="Betala med Swish eller bankgiro."
    )
    knowledge_services.article_publish(actor=admin_user, article_id=article.pk)
    return World(
        customer.pk,
        unmatched.pk,
        session.pk,
        session.token,
        job.pk,
        activity.pk,
        cancelled.pk,
        export.pk,
        case.pk,
        macro.pk,
        article.pk,
    )


Call = Callable[[Client, World], Any]

#: Every URL name the templates point hx-get or hx-post at, and how to ask it for its fragment.
ENDPOINTS: dict[str, Call] = {
    "customers:list": lambda c, w: c.get("/customers/", {"q": "Nordmann"}, **HTMX),
    "customers:timeline": lambda c, w: c.get(f"/customers/{w.customer_id}/timeline/", **HTMX),
    "customers:note_add": lambda c, w: c.post(f"/customers/{w.customer_id}/notes/", {"text": "Hej"}, **HTMX),
    "customers:national_id_reveal": lambda c, w: c.post(
        f"/customers/{w.customer_id}/national-id/", {"reason": "Checking the contract"}, **HTMX
    ),
    "customers:global_search": lambda c, w: c.get("/customers/search/", {"q": "Nordmann"}, **HTMX),
    "customers:new_check": lambda c, w: c.post("/customers/new/check/", {"emails": "x@example.se"}, **HTMX),
    "sales:products": lambda c, w: c.get("/sales/products/", {"q": "x"}, **HTMX),
    "activities:list": lambda c, w: c.get("/activities/", {"sort": "subject"}, **HTMX),
    "sales:customer_panel": lambda c, w: c.get(f"/sales/customers/{w.customer_id}/panel/", **HTMX),
    "imports:progress": lambda c, w: c.get(f"/imports/{w.import_id}/progress/", **HTMX),
    "interactions:pick": lambda c, w: c.get(f"/interactions/{w.interaction_id}/pick/", {"q": "Kari"}, **HTMX),
    "interactions:log": lambda c, w: c.post(
        f"/interactions/customers/{w.customer_id}/log/", {"channel": "call", "subject": "Hej"}, **HTMX
    ),
    "interactions:chats": lambda c, w: c.get("/interactions/chats/", {"part": "list"}, **HTMX),
    "interactions:chat": lambda c, w: c.get(
        f"/interactions/chats/{w.chat_id}/", {"part": "messages"}, **HTMX
    ),
    "interactions:chat_reply": lambda c, w: c.post(
        f"/interactions/chats/{w.chat_id}/reply/", {"text": "Hej!"}, **HTMX
    ),
    "interactions:chat_customer": lambda c, w: c.get(f"/interactions/chats/{w.chat_id}/customer/", **HTMX),
    "interactions:chat_customer_pick": lambda c, w: c.get(
        f"/interactions/chats/{w.chat_id}/customer/pick/", {"q": "Kari"}, **HTMX
    ),
    "interactions:dismiss": lambda c, w: c.post(f"/interactions/{w.interaction_id}/dismiss/", **HTMX),
    "interactions:restore": lambda c, w: c.post(f"/interactions/{w.interaction_id}/restore/", **HTMX),
    "imports:list": lambda c, w: c.get("/imports/", {"status": "done"}, **HTMX),
    "audit": lambda c, w: c.get("/audit/", {"q": "x"}, **HTMX),
    "export_job": lambda c, w: c.get(f"/exports/{w.export_id}/", **HTMX),
    "activities:bell": lambda c, w: c.get("/activities/bell/", **HTMX),
    "activities:customer_card": lambda c, w: c.get(f"/activities/customer/{w.customer_id}/", **HTMX),
    "activities:customer_pick": lambda c, w: c.get("/activities/customers/pick/", {"q": "Kari"}, **HTMX),
    "activities:complete": lambda c, w: c.post(f"/activities/{w.activity_id}/complete/", **HTMX),
    "activities:reopen": lambda c, w: c.post(f"/activities/{w.cancelled_id}/reopen/", **HTMX),
    "cases:queue": lambda c, w: c.get("/service/", {"q": "Fakturan"}, **HTMX),
    "cases:customer_pick": lambda c, w: c.get("/service/cases/new/customers/", {"q": "Kari"}, **HTMX),
    "cases:macro_fill": lambda c, w: c.get(
        f"/service/cases/{w.case_id}/macro/", {"macro": w.macro_id, "text": ""}, **HTMX
    ),
    "cases:presence": lambda c, w: c.post(f"/service/cases/{w.case_id}/presence/", {"text": "Hej"}, **HTMX),
    "cases:customer_more": lambda c, w: c.get(f"/service/cases/{w.case_id}/customer/", **HTMX),
    "cases:history": lambda c, w: c.get(f"/service/cases/{w.case_id}/history/", **HTMX),
    "calendars:list": lambda c, w: c.get("/service/calendars/", {"country": "SE"}, **HTMX),
    "public:chat_session": lambda c, w: Client().get(f"/chat/s/{w.chat_token}/", **HTMX),
    "public:chat_send": lambda c, w: Client().post(f"/chat/s/{w.chat_token}/send/", {"text": "Tack"}, **HTMX),
    "knowledge:list": lambda c, w: c.get("/knowledge/", {"q": "faktura"}, **HTMX),
    "knowledge:preview": lambda c, w: c.post("/knowledge/preview/", {"body": "# Rubrik"}, **HTMX),
    "cases:article_search": lambda c, w: c.get(
        f"/service/cases/{w.case_id}/articles/", {"q": "faktura"}, **HTMX
    ),
    "cases:article_insert": lambda c, w: c.post(
        f"/service/cases/{w.case_id}/articles/insert/", {"article": w.article_id, "as_text": "1"}, **HTMX
    ),
    "portal:suggestions": lambda c, w: portal_client(w.customer_id).post(
        "/portal/cases/new/suggestions/", {"subject": "Betala fakturan"}, **HTMX
    ),
}


def _htmx_url_names() -> set[str]:
    """The URL names of every hx-get/hx-post in the templates."""
    names: set[str] = set()
    pattern = re.compile(r"""hx-(?:get|post)="\{% url '([a-z_]+(?::[a-z_]+)?)'""")
    for template in TEMPLATES.rglob("*.html"):
        names.update(pattern.findall(template.read_text(encoding="utf-8")))
    return names


def test_every_htmx_endpoint_in_the_templates_is_checked_here() -> None:
    found = _htmx_url_names()
    assert found  # the pattern still matches how the templates are written
    assert found - set(ENDPOINTS) == set()


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_each_htmx_fragment_varies_on_hx_request_and_is_not_stored(
    staff_client: Client, world: World, name: str
) -> None:
    # when
    response = ENDPOINTS[name](staff_client, world)

    # then
    assert response.status_code in (200, 286, 422), (name, response.status_code)
    assert "HX-Request" in [part.strip() for part in response.get("Vary", "").split(",")]
    assert "no-store" in response.get("Cache-Control", "")
    assert b"<html" not in response.content


def test_the_whole_page_varies_on_hx_request_too_and_may_be_cached(
    staff_client: Client, world: World
) -> None:
    response = staff_client.get("/customers/", {"q": "Nordmann"})

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert "no-store" not in response.get("Cache-Control", "")
    assert b'<header class="topbar">' in response.content


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_HX_BOOSTED": "true"}, {"HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}],
    ids=["boosted", "history restore"],
)
@pytest.mark.parametrize("path", ["/customers/", "/sales/products/", "/service/", "/service/calendars/"])
def test_a_boosted_link_and_a_history_restore_get_the_whole_page(
    staff_client: Client, path: str, headers: dict[str, str]
) -> None:
    response = staff_client.get(path, {"q": "x"}, **HTMX, **headers)

    assert response.status_code == 200
    assert b'<header class="topbar">' in response.content
    assert b"<nav" in response.content
    assert "no-store" not in response.get("Cache-Control", "")
    assert "HX-Request" in response["Vary"]


def test_the_api_is_left_alone(api: Any) -> None:
    response = api.get("/api/v1/customers")

    assert response.status_code == 200
    assert "HX-Request" not in response.get("Vary", "")
