"""Writes for My pages: a customer opens, answers, solves, reopens and rates their own cases and
corrects their details; staff set the portal's look and which organisations let contact persons see
all their cases. Every case write first reads the case through the identity (selectors.my_case), so a
customer can act only on a case they may see; the rules of what may be done live in the cases app."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from lojal.accounts.roles import Action
from lojal.cases import customer_side
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, PermissionDenied, ValidationError
from lojal.customers import selectors as customers_selectors
from lojal.customers import services as customers_services
from lojal.knowledge import deflection
from lojal.portal import files as portal_files
from lojal.portal.identity import PortalIdentity
from lojal.portal.models import OrganisationAccess, PortalTheme
from lojal.portal.selectors import colour_fault, my_case, my_profile, theme_forget, theme_row

logger = logging.getLogger(__name__)

#: The fields of My details a customer may change (a person's name or an organisation's; the rest,
#: such as the VIP tier or national id, only staff change).
PERSON_FIELDS = ("first_name", "last_name", "emails", "phones", "addresses", "preferred_language")
ORGANISATION_FIELDS = ("organisation_name", "emails", "phones", "addresses", "preferred_language")
FOOTER_LINKS_MAX = 8


def _sender_name(identity: PortalIdentity) -> str:
    profile = my_profile(identity)
    return profile.name if profile is not None else ""


def my_case_open(
    identity: PortalIdentity,
    *,
    subject: str,
    description: str,
    category_id: int | None,
    priority: str,
    language: str,
    uploads: Sequence[Any] = (),
    suggestion_token: str = "",
) -> Any:
    """Open a case for the signed-in customer (as their contact person when one signed in), with the
    attached files checked; the form visit's suggestion session records that a case was opened."""
    files = portal_files.files_checked(uploads)
    case = customer_side.customer_case_open(
        customer_id=identity.customer_id,
        contact_person_id=identity.contact_person_id,
        subject=subject,
        description=description,
        category_id=category_id,
        priority=priority,
        language=language,
        files=files,
        sender_name=_sender_name(identity),
    )
    if suggestion_token:
        try:
            deflection.suggestion_case_opened(token=suggestion_token[:64], case_id=case.pk)
        except NotFound:
            logger.info("Case %s opened with an unknown suggestion session.", case.pk)
    return case


def my_case_reply(identity: PortalIdentity, *, case_id: int, text: str, uploads: Sequence[Any] = ()) -> int:
    case = my_case(identity, case_id=case_id)
    files = portal_files.files_checked(uploads)
    return customer_side.customer_case_reply(
        case_id=case.pk, text=text, files=files, sender_name=_sender_name(identity)
    )


def my_case_close(identity: PortalIdentity, *, case_id: int) -> Any:
    return customer_side.customer_case_close(case_id=my_case(identity, case_id=case_id).pk)


def my_case_reopen(identity: PortalIdentity, *, case_id: int) -> Any:
    return customer_side.customer_case_reopen(case_id=my_case(identity, case_id=case_id).pk)


def my_case_rate(identity: PortalIdentity, *, case_id: int, rating: Any, comment: str = "") -> Any:
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating.strip())
    return customer_side.customer_case_rate(
        case_id=my_case(identity, case_id=case_id).pk, rating=rating, comment=comment
    )


def my_details_update(identity: PortalIdentity, *, data: Mapping[str, Any]) -> Any:
    """The customer corrects their own details with the same checks as the staff pages
    (customers.services.customer_update: audited, on the timeline); a contact person of an
    organisation cannot change the organisation's details here."""
    if identity.contact_person_id is not None:
        raise PermissionDenied(
            _("Your organisation's details are kept by your organisation's contact at us.")
        )
    customer = customers_selectors.customer_get(customer_id=identity.customer_id)
    allowed = PERSON_FIELDS if customer.kind == "person" else ORGANISATION_FIELDS
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError.for_field(unknown[0], _("This field cannot be changed here."))
    with transaction.atomic():
        updated = customers_services.customer_update(actor=None, customer_id=customer.pk, data=dict(data))
        audit_record(
            actor=None,
            action="portal.details",
            obj=updated,
            changes={"fields": sorted(data)},
            label=_("by the customer on My pages (session %(id)s)") % {"id": identity.session_id},
        )
    return updated


def _may_configure(actor: Any) -> None:
    if actor is None or not actor.can(Action.SERVICE_CONFIGURE):
        raise PermissionDenied(_("Your role does not allow this."))


def _footer_links(links: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    for index, link in enumerate(links):
        label = str(link.get("label", "") or "").strip()
        url = str(link.get("url", "") or "").strip()
        if not label and not url:
            continue
        if not label or len(label) > 60:
            raise ValidationError.for_field(
                f"footer_links[{index}].label", _("Write a label of at most 60 characters.")
            )
        if (
            not url.startswith(("https://", "http://", "/"))
            or len(url) > 500
            or any(c.isspace() for c in url)
        ):
            raise ValidationError.for_field(
                f"footer_links[{index}].url", _("Write an address starting with https:// or /.")
            )
        cleaned.append({"label": label, "url": url})
    if len(cleaned) > FOOTER_LINKS_MAX:
        raise ValidationError.for_field(
            "footer_links", _("At most %(count)d links.") % {"count": FOOTER_LINKS_MAX}
        )
    return cleaned


def portal_theme_save(
    *,
    actor: Any,
    company_name: str,
    primary_colour: str,
    accent_colour: str,
    footer_links: Sequence[Mapping[str, Any]],
    logo: Any = None,
    logo_remove: bool = False,
) -> PortalTheme:
    """Managers set how My pages and the help centre look. Colours must keep white text readable
    (contrast at least 4.5, WCAG 2.1 AA); a logo must be a PNG, JPEG, WebP or GIF picture by its bytes."""
    _may_configure(actor)
    name = (company_name or "").strip()
    if len(name) > 100:
        raise ValidationError.for_field("company_name", _("At most 100 characters."))
    for field, colour in (("primary_colour", primary_colour), ("accent_colour", accent_colour)):
        if fault := colour_fault((colour or "").strip().lower()):
            raise ValidationError.for_field(field, fault)
    links = _footer_links(footer_links)
    logo_content: bytes | None = None
    logo_type = ""
    if logo is not None:
        logo_content = logo.read(portal_files.max_bytes() + 1)
        logo_type = portal_files.content_type_of(logo_content or b"") or ""
        if len(logo_content or b"") > portal_files.max_bytes() or logo_type not in portal_files.LOGO_TYPES:
            raise ValidationError.for_field(
                "logo", _("The logo must be a PNG, JPEG, WebP or GIF picture of at most 2 MB.")
            )
    with transaction.atomic():
        theme = theme_row() or PortalTheme()
        before = {
            "company_name": theme.company_name,
            "primary_colour": theme.primary_colour,
            "accent_colour": theme.accent_colour,
            "footer_links": theme.footer_links,
        }
        theme.company_name = name
        theme.primary_colour = primary_colour.strip().lower()
        theme.accent_colour = accent_colour.strip().lower()
        theme.footer_links = links
        if logo_remove and theme.logo:
            theme.logo.delete(save=False)
        if logo_content is not None:
            extension = portal_files.ALLOWED[logo_type]
            theme.logo.save(f"logo.{extension}", ContentFile(logo_content), save=False)
        theme.save()
        after = {key: getattr(theme, key) for key in before}
        changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        if logo_content is not None or logo_remove:
            changes["logo"] = ["", theme.logo.name if theme.logo else ""]
        audit_record(actor=actor, action="portal.theme_changed", obj=theme, changes=changes, label=name)
    transaction.on_commit(theme_forget)
    return theme


def organisation_access_set(
    *, actor: Any, organisation_id: int, contacts_see_all_cases: bool
) -> OrganisationAccess:
    """Let (or stop letting) an organisation's contact persons see all its cases on My pages."""
    _may_configure(actor)
    customer = customers_selectors.customer_get(customer_id=organisation_id)
    if customer.kind != "organisation":
        raise ValidationError.for_field("organisation_id", _("This customer is not an organisation."))
    with transaction.atomic():
        access, _created = OrganisationAccess.objects.update_or_create(
            organisation_id=organisation_id, defaults={"contacts_see_all_cases": contacts_see_all_cases}
        )
        audit_record(
            actor=actor,
            action="portal.org_access",
            obj=access,
            changes={"contacts_see_all_cases": [None, contacts_see_all_cases]},
            label=str(customer),
        )
    return access
