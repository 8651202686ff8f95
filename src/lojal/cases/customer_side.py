"""The customer's side of a case (My pages and the portal API): the categories and priorities a
customer may choose, open a case, read its public conversation, reply, mark it solved, reopen it within
the reopen window, and rate the answer. Callers (the portal) decide WHICH cases a customer may see;
these functions check what a customer may DO with a case. Internal notes never leave this app.

Services and selectors of one small area live together here, as ``activities.call_lists`` does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojal.cases.ingest import _join, _wrote, case_open_routed, reopen_days
from lojal.cases.models import OPEN_STATUSES, Case, CaseInteraction, Category
from lojal.cases.services import SUBJECT_MAX_LENGTH, _locked, _text, case_change
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, ValidationError
from lojal.customers import selectors as customers_selectors
from lojal.interactions import selectors as interactions_selectors
from lojal.interactions import services as interactions_services
from lojal.interactions.services import IncomingFile

DESCRIPTION_MAX_LENGTH = 20_000
COMMENT_MAX_LENGTH = 2_000
#: The priorities every customer may choose; "urgent" only for the VIP tiers of
#: LOJAL_PORTAL_URGENT_TIERS (see :func:`customer_priorities`).
EVERYONE_PRIORITIES = (Case.Priority.LOW, Case.Priority.NORMAL, Case.Priority.HIGH)

#: The status as a customer reads it: the desk's waiting-for-a-third-party is still "being handled".
CUSTOMER_STATUS = {
    Case.Status.NEW: gettext_lazy("Received"),
    Case.Status.OPEN: gettext_lazy("Being handled"),
    Case.Status.PENDING_CUSTOMER: gettext_lazy("Waiting for your answer"),
    Case.Status.PENDING_THIRD_PARTY: gettext_lazy("Being handled"),
    Case.Status.SOLVED: gettext_lazy("Solved"),
    Case.Status.CLOSED: gettext_lazy("Closed"),
}


def urgent_tiers() -> frozenset[str]:
    """The VIP tiers whose customers may mark their own case urgent (setting
    LOJAL_PORTAL_URGENT_TIERS, default gold and platinum)."""
    return frozenset(getattr(settings, "LOJAL_PORTAL_URGENT_TIERS", ("gold", "platinum")))


def customer_priorities(*, customer_id: int) -> list[str]:
    """The priorities this customer may give a case they open: low, normal and high for everyone,
    urgent also for the VIP tiers of :func:`urgent_tiers`."""
    profile = customers_selectors.customer_service_profile(customer_id=customer_id)
    allowed = list(EVERYONE_PRIORITIES)
    if profile is not None and profile.vip_tier in urgent_tiers():
        allowed.append(Case.Priority.URGENT)
    return [str(value) for value in allowed]


def customer_priority_choices(*, customer_id: int) -> list[tuple[str, str]]:
    """:func:`customer_priorities` with their labels, for a form."""
    labels = dict(Case.Priority.choices)
    return [(value, str(labels[value])) for value in customer_priorities(customer_id=customer_id)]


def customer_categories() -> list[tuple[Category, list[Category]]]:
    """The categories customers may choose, as the tree: visible top categories in use, each with its
    visible children in use (a child under a hidden top is hidden too)."""
    rows = list(
        Category.objects.filter(is_active=True, is_customer_visible=True)
        .only("id", "name", "parent_id", "position")
        .order_by("position", "name")
    )
    return [(top, [row for row in rows if row.parent_id == top.pk]) for top in rows if top.parent_id is None]


def _category_checked(category_id: int | None) -> None:
    if category_id is None:
        return
    if not isinstance(category_id, int) or isinstance(category_id, bool):
        raise ValidationError.for_field("category_id", _("Must be an id."))
    visible = {row.pk for top, children in customer_categories() for row in (top, *children)}
    if category_id not in visible:
        raise ValidationError.for_field("category_id", _("Choose one of the categories offered."))


def _priority_checked(priority: str, customer_id: int) -> str:
    if priority not in customer_priorities(customer_id=customer_id):
        raise ValidationError.for_field("priority", _("Choose one of the priorities offered."))
    return priority


def customer_case_open(
    *,
    customer_id: int,
    contact_person_id: int | None,
    subject: str,
    description: str,
    category_id: int | None = None,
    priority: str = Case.Priority.NORMAL,
    language: str = "",
    files: Sequence[IncomingFile] = (),
    sender_name: str = "",
) -> Case:
    """A customer opens a case on My pages: the description is the case's first (portal) message,
    with its files; the case is routed as any channel's. A category or priority the customer may not
    choose is refused (ValidationError naming the field) and nothing is written."""
    subject = _text(subject, "subject", max_length=SUBJECT_MAX_LENGTH, required=True)
    description = _text(description, "description", max_length=DESCRIPTION_MAX_LENGTH, required=True)
    _category_checked(category_id)
    priority = _priority_checked(priority, customer_id)
    now = timezone.now()
    with transaction.atomic():
        message = interactions_services.portal_message_record(
            customer_id=customer_id, text=description, subject=subject, files=files, sender_name=sender_name
        )
        case = case_open_routed(
            actor=None,
            subject=subject,
            channel=Case.Channel.PORTAL,
            text=description,
            customer_id=customer_id,
            category_id=category_id,
            priority=priority,
            language=language,
            contact_person_id=contact_person_id,
            interaction_ids=[message.pk],
            opened_at=now,
        )
        _wrote(case.pk, now)
        case.refresh_from_db()
    return case


def customer_cases(*, customer_id: int, contact_person_id: int | None = None) -> QuerySet[Case]:
    """A customer's cases newest first (index ``case_customer_newest``); with ``contact_person_id``,
    only that contact person's. The caller narrows to what the signed-in identity may see."""
    cases = Case.objects.filter(customer_id=customer_id, merged_into__isnull=True)
    if contact_person_id is not None:
        cases = cases.filter(contact_person_id=contact_person_id)
    return cases.select_related("category").order_by("-opened_at", "-id")


def customer_case_get(*, case_id: int) -> Case:
    """One case with its category, for the customer's case page (who may see it is the caller's
    check: identity.may_see_case)."""
    case = Case.objects.select_related("category").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No case with id %(id)s.") % {"id": case_id})
    return case


def _conversation_ids(case_id: int) -> Any:
    """The ids of a case's interactions, as a subquery (the conversation is then one query)."""
    return CaseInteraction.objects.filter(case_id=case_id).values("interaction_id")


def public_conversation(*, case: Case) -> list[Any]:
    """The public conversation of a case as its customer reads it: the messages the customer wrote and
    the answers sent to them, oldest first, with attachment names (never internal notes, bounces or
    another customer's messages), in two queries (the messages, their files)."""
    if case.customer_id is None:
        return []
    return list(
        interactions_selectors.public_thread(
            interaction_ids=_conversation_ids(case.pk), customer_id=case.customer_id
        )
    )


def case_attachment(*, case: Case, attachment_id: int) -> Any:
    """A stored attachment of a message in this case's public conversation, or NotFound."""
    if case.customer_id is None:
        raise NotFound(_("No attachment with id %(id)s.") % {"id": attachment_id})
    return interactions_selectors.attachment_of(
        attachment_id=attachment_id, interaction_ids=_conversation_ids(case.pk), customer_id=case.customer_id
    )


@dataclass(frozen=True)
class CustomerActions:
    """What the customer may do with a case now, and until when a solved case may be reopened."""

    may_reply: bool
    may_close: bool
    may_reopen: bool
    may_rate: bool
    reopen_until: dt.datetime | None


def _reopen_until(case: Case) -> dt.datetime | None:
    if case.status != Case.Status.SOLVED or case.solved_at is None:
        return None
    return case.solved_at + dt.timedelta(days=reopen_days())


def customer_actions(case: Case, *, now: dt.datetime | None = None) -> CustomerActions:
    now = now or timezone.now()
    until = _reopen_until(case)
    may_reopen = until is not None and now < until
    return CustomerActions(
        may_reply=case.status in OPEN_STATUSES or may_reopen,
        may_close=case.status in OPEN_STATUSES,
        may_reopen=may_reopen,
        may_rate=case.status in {Case.Status.SOLVED, Case.Status.CLOSED},
        reopen_until=until if may_reopen else None,
    )


def customer_case_reply(
    *, case_id: int, text: str, files: Sequence[IncomingFile] = (), sender_name: str = ""
) -> int:
    """The customer writes on their case: a portal message in its conversation, with files. A case
    waiting for the customer, or solved within the reopen window, opens again (as a reply by email
    would); a closed case, or one solved longer ago, takes no reply (open a new case)."""
    text = _text(text, "text", max_length=DESCRIPTION_MAX_LENGTH, required=True)
    with transaction.atomic():
        case = _locked(case_id)
        if not customer_actions(case).may_reply:
            raise ValidationError.for_field(
                "text", _("This case is closed; open a new case to write to us again.")
            )
        assert case.customer_id is not None
        message = interactions_services.portal_message_record(
            customer_id=case.customer_id,
            text=text,
            subject=_("Re: %(subject)s [#%(number)s]") % {"subject": case.subject, "number": case.number},
            conversation_id=case.conversation_id,
            files=files,
            sender_name=sender_name,
        )
        _join(message, case)
    return message.pk


def customer_case_close(*, case_id: int) -> Case:
    """The customer needs no more help: the case is solved (so it can still be reopened within the
    reopen window, as a reply would), recorded as the customer's doing (no member of staff)."""
    with transaction.atomic():
        case = _locked(case_id)
        if not customer_actions(case).may_close:
            raise ValidationError.for_field("status", _("This case is not open."))
        return case_change(actor=None, case_id=case.pk, changes={"status": Case.Status.SOLVED})


def customer_case_reopen(*, case_id: int) -> Case:
    """The customer reopens a solved case within LOJAL_CASE_REOPEN_DAYS of its solving."""
    with transaction.atomic():
        case = _locked(case_id)
        if not customer_actions(case).may_reopen:
            raise ValidationError.for_field(
                "status",
                _("Only a case solved in the last %(days)d days can be reopened; open a new case.")
                % {"days": reopen_days()},
            )
        return case_change(actor=None, case_id=case.pk, changes={"status": Case.Status.OPEN})


def customer_case_rate(*, case_id: int, rating: int, comment: str = "") -> Case:
    """The customer rates the answer of a solved or closed case, 1 (poor) to 5 (very good), with an
    optional comment; rating again replaces the rating."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationError.for_field("rating", _("Choose from 1 to 5."))
    comment = _text(comment, "comment", max_length=COMMENT_MAX_LENGTH)
    with transaction.atomic():
        case = _locked(case_id)
        if not customer_actions(case).may_rate:
            raise ValidationError.for_field("rating", _("A case can be rated once it is solved."))
        before = [case.customer_rating, case.customer_rating_comment]
        case.customer_rating, case.customer_rating_comment = rating, comment
        case.customer_rated_at = timezone.now()
        case.save(
            update_fields=["customer_rating", "customer_rating_comment", "customer_rated_at", "updated_at"]
        )
        audit_record(
            actor=None,
            action="case.rated",
            obj=case,
            changes={"customer_rating": [before[0], rating], "customer_rating_comment": [before[1], comment]},
            label=str(case),
        )
    return case
