"""Every page of the site, for the accessibility test and the screenshot tool.

``staff_pages`` walks the URL patterns, so a new page that needs no parameter is visited without
anyone listing it; the pages that need an object (a customer, an email, an import, a merge) get one
from ``demo_world``, which builds demo-like data through the real services. A parametrised page
nobody maps here fails the accessibility test, so it cannot be forgotten silently either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.mail import EmailMessage
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from lojal.accounts.services import team_create
from lojal.activities import call_lists
from lojal.activities import services as activity_services
from lojal.calendars import services as calendar_services
from lojal.calendars.models import BusinessCalendar
from lojal.core.models import ExportJob
from lojal.core.saved_views import saved_view_create
from lojal.customers.models import Customer, DuplicateSuspicion
from lojal.customers.services import contact_person_add
from lojal.imports.models import ImportJob
from lojal.interactions import chat
from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.emails.sink import EmailBackend as MailSink
from lojal.interactions.models import ChatSession, Interaction, SentMail, WebForm
from lojal.sales import catalogue, services
from tests.browser.desk_site import DESK_NOT_PAGES, DeskWorld, desk_parametrised, desk_world
from tests.browser.help_site import HELP_NOT_PAGES, HELP_PUBLIC, help_world
from tests.browser.knowledge_site import KNOWLEDGE_NOT_PAGES, knowledge_pages
from tests.factories import organisation, person

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Addresses that answer something other than a page (downloads, scripts, POST-only actions, the API,
# the admin) or that belong to a page listed elsewhere (fragments htmx loads into a page).
# My pages need a customer's portal session, not a member of staff's: tests/browser/test_portal.py
# runs axe on them signed in as a customer (the theme's stylesheet and logo are no pages).
PORTAL_PAGES = {
    f"portal:{name}"
    for name in (
        "cases",
        "case_new",
        "suggestions",
        "case",
        "case_reply",
        "case_close",
        "case_reopen",
        "case_rate",
        "attachment",
        "details",
        "language",
        "theme_css",
        "logo",
        # A one-time link's page, the code form (after a code was asked for) and ending a session need a
        # customer's sign-in in progress (tests/browser/test_portal.py, tests/portal/test_login.py).
        "login-link",
        "login-code",
        # POST only (signing out, making a token).
        "logout",
        "token-create",
        "session-end",
    )
} | {
    # The help centre's pages behind the portal's sign-in: the public help centre's templates, walked
    # at /help/ (HELP_PUBLIC) and signed in by tests/knowledge/test_help_portal.py.
    f"portal-help:{name}"
    for name in ("home", "search", "category", "article", "feedback")
}
NOT_PAGES = (
    {
        "health",
        "set_language",
        "accounts:logout",
        "privacy:register_csv",
        "privacy:register_json",
        "public:chat_widget",
        "public:webform_embed",
        "public:chat_send",
        "public:chat_end",
        "lists:view_save",
        "customers:new_check",
        "customers:global_search",
        "customers:bulk",
        "customers:export",
        "sales:product_export",
        "interactions:dismiss_auto_replies",
        "activities:customer_pick",
        "activities:bell",
        "workspace:call_list_from_view",
        # POST-only: the bulk bar's "Add to a call list…" (checked with axe in test_bulk_tag.py)
        "workspace:customers_call_list",
        # the service KPIs as CSV: a download
        "case_kpis:csv",
    }
    | DESK_NOT_PAGES
    | KNOWLEDGE_NOT_PAGES
    | HELP_NOT_PAGES
    | PORTAL_PAGES
)
NOT_PAGE_PREFIXES = ("api/", "admin/", "i18n/")


@dataclass
class World:
    customer: Customer
    company: Customer
    email: Interaction
    suspicion: DuplicateSuspicion
    job: ImportJob
    product_id: int
    category_id: int
    chat: ChatSession
    webform_key: str
    activity_id: int
    call_list_id: int
    export_job_id: int
    sent_mail_id: int
    calendar_id: int
    desk: DeskWorld
    team_id: int


def demo_world(staff: Any) -> World:
    """A small, realistic data set: a person with several addresses, contact points, purchases and an
    email; a company with contact persons; a suspected duplicate; a finished import; a product; a chat."""
    now = timezone.now()
    customer = person(
        actor=staff,
        first_name="Jörgen",
        last_name="Åström",
        national_id="811228-9874",
        emails=["jorgen.astrom.langnamn@exempelforetaget-i-norrland.se", "jorgen@example.se"],
        phones=["070-765 43 21", "08-123 456 78"],
        addresses=[
            {"street": "Kungsgatan 12", "postal_code": "111 43", "city": "Stockholm", "label": "postal"},
            {"street": "Drottninggatan 5", "postal_code": "111 51", "city": "Stockholm", "label": "delivery"},
            {"street": "Box 123", "postal_code": "901 03", "city": "Umeå", "label": "billing"},
        ],
        tags=["Nyhetsbrev", "VIP"],
        lifecycle_stage="customer",
    )
    category = catalogue.category_create(actor=staff, name="Ytterkläder")
    product = catalogue.product_create(
        actor=staff,
        data={"code": "JACKA-01", "name": "Vinterjacka", "category_id": category.pk, "unit_price": "1999.00"},
    )
    for days_ago, amount in [(20, "1999.00"), (200, "499.00"), (420, "1299.00"), (800, "249.00")]:
        services.transaction_record(
            actor=staff,
            customer_id=customer.pk,
            data={
                "occurred_at": now - dt.timedelta(days=days_ago),
                "kind": "purchase",
                "amount": amount,
                "currency": "SEK",
                "channel": "store",
            },
        )
    company = organisation(
        actor=staff, organisation_name="Norrlandsbolaget AB", emails=["info@norrland.example"]
    )
    for first, last in [("Anna", "Lindqvist"), ("Kari", "Nordmann")]:
        contact_person_add(
            actor=staff,
            organisation_id=company.pk,
            data={"first_name": first, "last_name": last, "email": f"{first.lower()}@norrland.example"},
        )
    person(actor=staff, first_name="Ana", last_name="Lindquist", emails=["anna.l@example.se"])
    person(actor=staff, first_name="Anna", last_name="Lindqvist", emails=["anna.l@example.se"])
    suspicion = DuplicateSuspicion.objects.filter(status="open").order_by("pk").first()
    assert suspicion is not None, "the two Annas should be suspected duplicates"
    email = email_ingest(
        raw=(FIXTURES / "email" / "sv-utf8-quoted-printable.eml").read_bytes(), source="smtp"
    )
    email_ingest(raw=(FIXTURES / "email" / "auto-reply-sv.eml").read_bytes(), source="smtp")
    from tests.imports.helpers import run

    job = run("customers", "customers_utf8_bom.csv", actor=staff)
    chat.presence_touch(user=staff)
    session = chat.chat_start(name="Kari", email="kari@example.no", text="Har dere lampen på lager?")
    WebForm.objects.get_or_create(
        key="kontakt",
        defaults={
            "name": "Kontakta oss",
            "fields": [
                {"name": "name", "required": True},
                {"name": "email", "required": True},
                {"name": "message", "required": True},
            ],
        },
    )
    # The staff workspace: follow-ups (one overdue, one today), a call list, a saved view, a finished
    # background export and a message in the mail sink's test inbox.
    today = timezone.localdate()
    activity = activity_services.activity_create(
        actor=staff,
        subject="Ring om vinterjackan",
        due_date=today - dt.timedelta(days=2),
        customer_id=customer.pk,
        kind="call",
        priority="high",
        notes="Hon ville ha en större storlek.",
    )
    activity_services.activity_create(
        actor=staff, subject="Skicka offert till Norrlandsbolaget", due_date=today, customer_id=company.pk
    )
    team = team_create(actor=staff, name="Kundtjänst Norrland", member_ids=[staff.pk])
    activity_services.activity_create(
        actor=staff, subject="Ring tillbaka om garantin", due_date=today, owner_team_id=team.pk
    )
    call_list = call_lists.call_list_create(
        actor=staff,
        name="Vårkampanj 2026",
        script="Presentera dig, fråga om vinterjackan.",
        customer_ids=[customer.pk, company.pk],
    )
    saved_view_create(owner=staff, list_key="customers", name="VIP-kunder", filters="tag=VIP", is_shared=True)
    export_job = ExportJob.objects.create(
        source="customers",
        file_format="csv",
        status=ExportJob.Status.DONE,
        rows_done=5,
        rows_total=5,
        file_name="kunder.csv",
        requested_by=staff,
        finished_at=now,
        expires_at=now + dt.timedelta(days=7),
    )
    mail = EmailMessage(
        subject="Din beställning av Vinterjacka",
        body="Hej Jörgen!\n\nTack för din beställning.\n\nVänliga hälsningar\nButiken",
        from_email="butiken@example.se",
        to=["jorgen.astrom.langnamn@exempelforetaget-i-norrland.se"],
    )
    mail.attach("kvitto.txt", "Vinterjacka 1 999,00 kr", "text/plain")
    MailSink().send_messages([mail])
    sent_mail = SentMail.objects.order_by("-pk").first()
    assert sent_mail is not None
    # The shipped Swedish calendar with a shortened day and a bridge day (the calendar page's tables).
    # (A transactional test before this one flushed the rows the migration ships: make it again.)
    sweden = BusinessCalendar.objects.filter(name="Sweden").first() or calendar_services.calendar_create(
        actor=staff, name="Sweden", time_zone="Europe/Stockholm", country="SE"
    )
    calendar_services.special_day_set(
        actor=staff,
        calendar_id=sweden.pk,
        date=dt.date(2026, 6, 18),
        kind="shortened",
        name="Dagen före midsommarafton",
        periods=[["08:00", "13:00"]],
    )
    calendar_services.special_day_set(
        actor=staff, calendar_id=sweden.pk, date=dt.date(2026, 5, 15), kind="closed", name="Klämdag"
    )
    return World(
        customer=customer,
        company=company,
        email=email,
        suspicion=suspicion,
        job=job,
        product_id=product.pk,
        category_id=category.pk,
        chat=session,
        webform_key="kontakt",
        activity_id=activity.pk,
        call_list_id=call_list.pk,
        export_job_id=export_job.pk,
        sent_mail_id=sent_mail.pk,
        calendar_id=sweden.pk,
        desk=desk_world(staff, customer=customer, email=email),
        team_id=team.pk,
    )


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str, URLPattern]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _walk(entry.url_patterns, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{namespace}{entry.name}", prefix + str(entry.pattern), entry))
    return found


def routes() -> list[tuple[str, str, URLPattern]]:
    """(name, route, pattern) of every named address outside the API, the admin and i18n."""
    return [
        (name, route, pattern)
        for name, route, pattern in _walk(get_resolver().url_patterns)
        if not route.startswith(NOT_PAGE_PREFIXES) and name not in NOT_PAGES
    ]


def parametrised(world: World) -> dict[str, str]:
    """The pages that need an object, each with one from ``world``."""
    c, job = world.customer.pk, world.job.pk
    return {
        "customers:detail": f"/customers/{c}/",
        "customers:edit": f"/customers/{c}/edit/",
        "customers:merge": f"/customers/duplicates/{world.suspicion.pk}/",
        "customers:timeline": "",
        "customers:delete": "",
        "customers:national_id_reveal": "",
        "customers:note_add": "",
        "customers:contact_add": "",
        "customers:contact_remove": "",
        "subject_rights:export": "",
        "subject_rights:erase": f"/customers/{c}/erase/",
        "subject_rights:legal_hold": "",
        "interactions:detail": f"/interactions/{world.email.pk}/",
        "interactions:chat": f"/interactions/chats/{world.chat.pk}/",
        "interactions:chat_reply": "",
        "interactions:chat_close": "",
        "interactions:link": "",
        "interactions:retry": "",
        "interactions:pick": "",
        "interactions:create_customer": "",
        "interactions:attachment": "",
        "interactions:log": "",
        "interactions:compose": f"/interactions/customers/{c}/email/",
        "interactions:sms": f"/interactions/customers/{c}/sms/",
        "imports:detail": f"/imports/{job}/",
        "imports:progress": "",
        "imports:mapping": "",
        "imports:commit": "",
        "imports:cancel": "",
        "imports:file_delete": "",
        "sales:customer_panel": "",
        "sales:customer_transactions": "",
        "sales:product_edit": f"/sales/products/{world.product_id}/edit/",
        "sales:category_edit": f"/sales/categories/{world.category_id}/edit/",
        "public:webform": f"/forms/{world.webform_key}/",
        "public:chat_session": f"/chat/s/{world.chat.token}/",
        "lists:view_delete": "",
        "interactions:dismiss": "",
        "interactions:restore": "",
        "interactions:sent_mail": f"/interactions/sent-mail/{world.sent_mail_id}/",
        "interactions:sent_mail_attachment": "",
        "interactions:chat_customer": "",
        "interactions:chat_customer_pick": "",
        "interactions:chat_customer_set": "",
        "activities:edit": f"/activities/{world.activity_id}/edit/",
        "activities:complete": f"/activities/{world.activity_id}/complete/",
        "accounts:team": f"/account/teams/{world.team_id}/",
        "activities:cancel": "",
        "activities:reopen": "",
        "activities:customer_card": "",
        "activities:calendar": "",
        "export_job": f"/exports/{world.export_job_id}/",
        "export_job_download": "",
        "workspace:call_list_work": f"/work/call-lists/{world.call_list_id}/",
        "acknowledgements:edit": "/service/acknowledgements/sv/",
        "workspace:call_list_close": "",
        "workspace:call_list_log": "",
        "workspace:call_list_skip": "",
        "calendars:detail": f"/service/calendars/{world.calendar_id}/",
        "calendars:week": "",
        "calendars:day_set": "",
        "calendars:day_remove": "",
        "calendars:delete": "",
        **_routing_pages(world),
        **desk_parametrised(world.desk),
        **knowledge_pages(),
        **help_world(),
    }


def _routing_pages(world: World) -> dict[str, str]:
    """The service routing pages' objects: a rule, and a call of the world's customer to open a case from."""
    from lojal.cases.models import Queue, RoutingRule
    from lojal.interactions.services import interaction_record

    queue = Queue.objects.get_or_create(name="Kundservice")[0]
    rule = RoutingRule.objects.get_or_create(
        name="Fakturor", defaults={"words": ["faktura"], "set_queue": queue}
    )[0]
    call = interaction_record(
        channel="call", direction="in", customer_id=world.customer.pk, subject="Kortet spärrat"
    )
    return {
        "service_routing:rule_edit": f"/service/routing/{rule.pk}/",
        "service_routing:rule_action": "",
        "service_routing:call_case": f"/service/calls/{call.pk}/case/",
        "cases_sla:edit": _sla_policy_page(),
        "cases_sla:move": "",
        "cases_sla:delete": "",
    }


def _sla_policy_page() -> str:
    """A service-level policy's page (sla branch): one policy with every condition and target."""
    from lojal.cases.models import Queue, SlaPolicy

    queue = Queue.objects.get_or_create(name="Kundtjänst")[0]
    policy = SlaPolicy.objects.get_or_create(
        name="Brådskande i kundtjänst",
        defaults={
            "queue": queue,
            "priority": "urgent",
            "vip_tier": "gold",
            "first_response_minutes": 30,
            "next_response_minutes": 60,
            "resolution_minutes": 480,
        },
    )[0]
    return f"/service/sla/{policy.pk}/"


PUBLIC = {"accounts:login", "public:webform", "public:chat_start", "public:chat_session"} | HELP_PUBLIC


def pages(world: World) -> tuple[list[str], list[str], list[str]]:
    """(staff pages, public pages, names of parametrised addresses nobody mapped)."""
    mapped = parametrised(world)
    staff: list[str] = []
    public: list[str] = []
    unmapped: list[str] = []
    for name, route, pattern in routes():
        if pattern.pattern.converters:
            if name not in mapped:
                unmapped.append(f"{name} ({route})")
                continue
            url = mapped[name]
            if not url:  # a fragment or a POST-only action: checked as part of its page
                continue
        else:
            url = "/" + route
        (public if name in PUBLIC else staff).append(url)
    staff.append(f"/customers/{world.company.pk}/")  # an organisation: contact persons under the details
    return sorted(set(staff)), sorted(set(public)), unmapped
