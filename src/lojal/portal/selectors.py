"""Reads for My pages. Every case read starts from the signed-in :class:`PortalIdentity` and checks
``may_see_case`` on the row it read, so an id from a URL never shows another customer's case (it is
"not found", the same answer as an id that does not exist)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.cases import customer_side
from lojal.core.errors import NotFound
from lojal.customers import selectors as customers_selectors
from lojal.portal.identity import PortalIdentity
from lojal.portal.models import OrganisationAccess, PortalTheme

PAGE_SIZE = 25
DEFAULT_PRIMARY = "#1d4ed8"
DEFAULT_ACCENT = "#0f766e"
#: WCAG 2.1 AA for normal text: white text on the colour, and the colour as text on white.
MIN_CONTRAST = 4.5


def _channel(value: str) -> float:
    c = int(value, 16) / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of ``colour`` (#rrggbb) against white (1 to 21)."""
    red, green, blue = (_channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def colour_fault(colour: str) -> str | None:
    """Why ``colour`` cannot be the portal's main or accent colour, or None."""
    if not isinstance(colour, str) or len(colour) != 7 or colour[0] != "#":
        return _("Write the colour as #rrggbb.")
    try:
        int(colour[1:], 16)
    except ValueError:
        return _("Write the colour as #rrggbb.")
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        return _("Too light: white text on it has a contrast of %(ratio)s, at least 4.5 is needed.") % {
            "ratio": f"{ratio:.1f}"
        }
    return None


@dataclass(frozen=True)
class Theme:
    """How the portal looks: colours that pass the contrast check (a stored colour that does not is
    replaced by the default), the company's name, whether there is a logo, the footer's links."""

    company_name: str
    has_logo: bool
    primary_colour: str
    accent_colour: str
    footer_links: list[dict[str, str]]


def theme_row() -> PortalTheme | None:
    return PortalTheme.objects.order_by("pk").first()


#: The theme is read on every portal page but changes rarely: kept in the cache this many seconds (a
#: change shows at once in the process that saved it, within this time in the others).
THEME_CACHE_SECONDS = 60
THEME_CACHE_KEY = "portal:theme"


def theme_get() -> Theme:
    cached = cache.get(THEME_CACHE_KEY)
    if isinstance(cached, Theme):
        return cached
    theme = _theme_read()
    cache.set(THEME_CACHE_KEY, theme, THEME_CACHE_SECONDS)
    return theme


def theme_forget() -> None:
    cache.delete(THEME_CACHE_KEY)


def _theme_read() -> Theme:
    row = theme_row()
    if row is None:
        return Theme("", False, DEFAULT_PRIMARY, DEFAULT_ACCENT, [])
    links = [
        {"label": str(link.get("label", ""))[:60], "url": str(link.get("url", ""))[:500]}
        for link in (row.footer_links or [])
        if isinstance(link, dict)
        and link.get("label")
        and str(link.get("url", "")).startswith(("https://", "http://", "/"))
    ]
    return Theme(
        company_name=row.company_name,
        has_logo=bool(row.logo),
        primary_colour=row.primary_colour if colour_fault(row.primary_colour) is None else DEFAULT_PRIMARY,
        accent_colour=row.accent_colour if colour_fault(row.accent_colour) is None else DEFAULT_ACCENT,
        footer_links=links,
    )


def _visible(identity: PortalIdentity) -> dict[str, Any]:
    """The filter of the cases this identity may see (the same rule as may_see_case)."""
    narrowed = identity.contact_person_id is not None and not identity.sees_all_cases
    return {
        "customer_id": identity.customer_id,
        "contact_person_id": identity.contact_person_id if narrowed else None,
    }


@dataclass(frozen=True)
class CasePage:
    rows: list[Any]
    page: int
    has_next: bool


def my_cases(identity: PortalIdentity, *, page: int = 1) -> CasePage:
    """The identity's cases, newest first, one page (one query; the index ``case_customer_newest``)."""
    page = max(1, min(page, 10_000))
    start = (page - 1) * PAGE_SIZE
    rows = list(customer_side.customer_cases(**_visible(identity))[start : start + PAGE_SIZE + 1])
    return CasePage(rows=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE)


def my_case(identity: PortalIdentity, *, case_id: int) -> Any:
    """One case the identity may see, or NotFound (also for another customer's case)."""
    case = customer_side.customer_case_get(case_id=case_id)
    if case.merged_into_id is not None or not identity.may_see_case(
        customer_id=case.customer_id, contact_person_id=case.contact_person_id
    ):
        raise NotFound(_("No case with id %(id)s.") % {"id": case_id})
    return case


@dataclass(frozen=True)
class ExpectedAnswer:
    """What the customer is told about the next answer. ``kind``: "by" (a time we promised, still
    ahead), "late" (that time has passed without an answer), "asap" (no promise), "you" (we wait for
    the customer), "answered" (the last message is ours) or "" (solved or closed)."""

    kind: str
    at: dt.datetime | None = None


def expected_answer(case: Any, *, now: dt.datetime | None = None) -> ExpectedAnswer:
    """The expected answer time as promised (the acknowledgement's promise, else the service-level
    due time of the first or next response), never a time we made up: a passed time is said to be
    passed."""
    now = now or timezone.now()
    if case.status in {"solved", "closed"}:
        return ExpectedAnswer("")
    if case.status == "pending_customer":
        return ExpectedAnswer("you")
    waiting_since = case.customer_wrote_at or case.opened_at
    if case.answered_at is not None and case.answered_at >= waiting_since:
        return ExpectedAnswer("answered", case.answered_at)
    if case.first_responded_at is None:
        due = case.promised_by or case.first_response_due
    else:
        due = case.next_response_due
    if due is None:
        return ExpectedAnswer("asap")
    return ExpectedAnswer("by" if due > now else "late", due)


def status_label(case: Any) -> str:
    return str(customer_side.CUSTOMER_STATUS.get(case.status, case.status))


@dataclass(frozen=True)
class CaseView:
    case: Any
    status: str
    expected: ExpectedAnswer
    conversation: list[Any]
    actions: customer_side.CustomerActions


def my_case_view(identity: PortalIdentity, *, case_id: int) -> CaseView:
    """Everything the case page shows, in a fixed number of queries."""
    case = my_case(identity, case_id=case_id)
    return CaseView(
        case=case,
        status=status_label(case),
        expected=expected_answer(case),
        conversation=customer_side.public_conversation(case=case),
        actions=customer_side.customer_actions(case),
    )


def my_attachment(identity: PortalIdentity, *, case_id: int, attachment_id: int) -> Any:
    case = my_case(identity, case_id=case_id)
    return customer_side.case_attachment(case=case, attachment_id=attachment_id)


def my_customer(identity: PortalIdentity) -> Any:
    """The signed-in customer with their emails, phones and addresses (My details)."""
    return customers_selectors.customer_get(customer_id=identity.customer_id)


def my_profile(identity: PortalIdentity) -> Any:
    """Name, VIP tier and preferred language of the signed-in customer (one query), or None."""
    return customers_selectors.customer_service_profile(customer_id=identity.customer_id)


def organisation_access_list() -> list[OrganisationAccess]:
    return list(OrganisationAccess.objects.order_by("organisation_id"))
