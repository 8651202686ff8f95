"""How a message becomes a case (docs/cases.md, "How a message becomes a case").

:func:`inbound_to_case` is the inbound handler (setting LOJAL_INBOUND_HANDLERS, called by the worker
after an inbound interaction of any channel is stored): the message joins the case of its
conversation (thread headers, resolved by interactions into the conversation, or the case number
token "[#26-001234]" in the subject), reopens a recently solved one, or opens a new case, routed by
the routing rules. Running it twice for one interaction, or for the same Message-ID twice, gives one
case: an interaction is in one case at most (CaseInteraction is one-to-one), and the case of a
message is opened in the same transaction as that link."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.cases.assignment import case_auto_assign
from lojal.cases.channels import ivr_choice_for, opens_cases, service_address
from lojal.cases.models import OPEN_STATUSES, Case, CaseInteraction, CaseLink
from lojal.cases.routing import Message, route
from lojal.cases.services import _may_work, case_change, case_open
from lojal.cases.sla import case_clocks_refresh
from lojal.core.errors import NotFound
from lojal.customers import selectors as customers_selectors
from lojal.interactions import selectors as interactions_selectors

logger = logging.getLogger(__name__)

#: "[#26-001234]" or "[#ACME26-001234]": the case number in a subject, with or without the prefix.
CASE_TOKEN = re.compile(r"\[#\s*([^\]\s]{0,20}?)(\d{2}-\d{6,})\s*\]")
#: Channels whose messages open cases by themselves (a call only with the phone menu's choice, a chat
#: only when it was left as a message: see :func:`_may_open`).
OPENING_CHANNELS = frozenset({"email", "web_form", "sms", "chat", "portal", "call"})
SUBJECT_FROM_TEXT = 80


def reopen_days() -> int:
    return int(getattr(settings, "LOJAL_CASE_REOPEN_DAYS", 7))


def case_numbers_in(subject: str) -> list[str]:
    """The case numbers a subject's tokens may mean: as written, and with the company's prefix."""
    prefix = getattr(settings, "LOJAL_CASE_NUMBER_PREFIX", "")
    numbers: list[str] = []
    for written_prefix, digits in CASE_TOKEN.findall(subject or ""):
        for number in (f"{written_prefix}{digits}", f"{prefix}{digits}"):
            if number not in numbers:
                numbers.append(number)
    return numbers


def _latest(case: Case | None) -> Case | None:
    """The case a merged case lives on in."""
    seen = set()
    while case is not None and case.merged_into_id is not None and case.pk not in seen:
        seen.add(case.pk)
        case = Case.objects.filter(pk=case.merged_into_id).first()
    return case


def _existing_case(interaction: Any) -> Case | None:
    """The case this message continues: its conversation's (thread headers), the number in its
    subject (email, web form), or for an SMS the last case of texts from the same number."""
    found = None
    if interaction.conversation_id is not None:
        found = (
            Case.objects.filter(conversation_id=interaction.conversation_id)
            .order_by("-opened_at", "-id")
            .first()
            or Case.objects.filter(
                interaction_links__interaction__conversation_id=interaction.conversation_id
            )
            .order_by("-opened_at", "-id")
            .first()
        )
    if found is None and interaction.channel in {"email", "web_form"}:
        numbers = case_numbers_in(interaction.subject)
        if numbers:
            found = Case.objects.filter(number__in=numbers).order_by("-id").first()
    if found is None and interaction.channel == "sms" and interaction.sender:
        found = (
            Case.objects.filter(
                interaction_links__interaction__channel="sms",
                interaction_links__interaction__sender=interaction.sender,
            )
            .order_by("-opened_at", "-id")
            .first()
        )
    return _latest(found)


def _is_automatic(interaction: Any) -> bool:
    return bool(interaction.is_auto_reply or interaction.is_bounce or interaction.is_loop)


def _received_at(interaction: Any) -> tuple[str, str]:
    """(kind of service channel, the address it came to) of an inbound interaction."""
    recipients = [str(value) for value in (interaction.recipients or []) if value]
    details = interaction.details if isinstance(interaction.details, dict) else {}
    if interaction.channel == "email":
        return "email", ",".join(address.lower() for address in recipients)
    if interaction.channel == "web_form":
        return "web_form", str(details.get("form", ""))
    if interaction.channel == "sms":
        return "sms", recipients[0] if recipients else ""
    if interaction.channel == "call":
        return "phone", recipients[0] if recipients else ""
    return interaction.channel, ""


def _may_open(interaction: Any) -> bool:
    """Whether this message may open a new case (joining an existing one is always allowed)."""
    if interaction.channel not in OPENING_CHANNELS or _is_automatic(interaction):
        return False
    details = interaction.details if isinstance(interaction.details, dict) else {}
    if interaction.channel == "chat" and not details.get("answer_by_email"):
        return False  # answered live in the chat; staff open a case from it when needed
    if interaction.channel == "call":
        # A call opens a case by itself only when the phone system posted the caller's menu choice or
        # stated matter (and the choice is not one set to open none); staff open others by hand.
        if interaction.staff_id is not None or not interaction.external_id:
            return False
        code, matter = str(details.get("ivr_choice", "")), str(details.get("matter", ""))
        if not code and not matter:
            return False
        choice = ivr_choice_for(code) if code else None
        if choice is not None and not choice.opens_case:
            return False
    kind, address = _received_at(interaction)
    return opens_cases(kind=kind, addresses=address.split(",") if kind == "email" else [address])


def _subject(interaction: Any) -> str:
    subject = (interaction.subject_text or "").strip()
    details = interaction.details if isinstance(interaction.details, dict) else {}
    if interaction.channel == "call":
        code = str(details.get("ivr_choice", ""))
        choice = ivr_choice_for(code) if code else None
        subject = str(details.get("matter", "")).strip() or (choice.label if choice else "") or subject
    if not subject:
        first_line = next(
            (line.strip() for line in (interaction.body_text or "").splitlines() if line.strip()), ""
        )
        subject = first_line[:SUBJECT_FROM_TEXT] or str(interaction.get_channel_display())
    return subject[:300]


def _wrote(case_id: int, at: dt.datetime) -> None:
    """The customer wrote at ``at``: the case's next-response clock runs from then."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.customer_wrote_at is not None and case.customer_wrote_at >= at:
        return
    case.customer_wrote_at = at
    refreshed = case_clocks_refresh(case, at=timezone.now())
    case.save(update_fields=["customer_wrote_at", "updated_at", *refreshed])


def case_open_routed(
    *,
    actor: Any,
    subject: str,
    channel: str,
    text: str = "",
    customer_id: int | None = None,
    contact_person_id: int | None = None,
    category_id: int | None = None,
    queue_id: int | None = None,
    priority: str = "",
    assignee_id: int | None = None,
    tags: Iterable[str] = (),
    language: str = "",
    received_at_address: str = "",
    conversation_id: int | None = None,
    interaction_ids: Iterable[int] = (),
    opened_at: dt.datetime | None = None,
) -> Case:
    """Open a case and send it where the routing rules say; what the caller gives (a queue, a
    category, an assignee) wins over the rule. Then the queue hands it out when nobody has it. The
    door for every channel, and for staff and the API when they name no queue."""
    profile = customers_selectors.customer_service_profile(customer_id=customer_id) if customer_id else None
    decision = route(
        Message(
            channel=channel,
            address=received_at_address,
            subject=subject,
            text=text,
            category_id=category_id,
            vip_tier=profile.vip_tier if profile else "none",
            language=language or (profile.language if profile else ""),
        )
    )
    rule_assignee = decision.assignee_id
    if (
        rule_assignee is not None
        and accounts_selectors.staff_get(user_id=rule_assignee, active_only=True) is None
    ):
        rule_assignee = None
    with transaction.atomic():
        case = case_open(
            actor=actor,
            subject=subject,
            channel=channel,
            customer_id=customer_id,
            contact_person_id=contact_person_id,
            category_id=category_id or decision.category_id,
            priority=priority or decision.priority or Case.Priority.NORMAL,
            queue_id=queue_id or decision.queue_id,
            assignee_id=assignee_id or rule_assignee,
            tags=[*tags, *decision.tags],
            language=language,
            received_at_address=received_at_address,
            conversation_id=conversation_id,
            interaction_ids=interaction_ids,
            opened_at=opened_at,
        )
        if case.assignee_id is None and case.queue_id is not None:
            case_auto_assign(case_id=case.pk)
            case.refresh_from_db()
    return case


def _open_new(interaction: Any, *, follow_up_of: Case | None = None) -> Case | None:
    kind, address = _received_at(interaction)
    details = interaction.details if isinstance(interaction.details, dict) else {}
    category_id = queue_id = None
    if interaction.channel == "call" and details.get("ivr_choice"):
        choice = ivr_choice_for(str(details["ivr_choice"]))
        if choice is not None:
            category_id, queue_id = choice.category_id, choice.queue_id
    occurred_at = min(interaction.occurred_at, timezone.now())
    try:
        with transaction.atomic():
            case = case_open_routed(
                actor=None,
                subject=_subject(interaction),
                channel=interaction.channel,
                text=interaction.body_text or "",
                customer_id=interaction.customer_id,
                category_id=category_id,
                queue_id=queue_id,
                received_at_address=service_address(kind=kind, addresses=address.split(","))
                if kind == "email"
                else address,
                conversation_id=interaction.conversation_id,
                interaction_ids=[interaction.pk],
                opened_at=occurred_at,
            )
            if follow_up_of is not None:
                CaseLink.objects.create(from_case=case, to_case=follow_up_of, kind=CaseLink.Kind.FOLLOW_UP)
            _wrote(case.pk, occurred_at)
    except IntegrityError:
        # The same interaction was put in a case meanwhile (the handler ran twice at once): one case.
        logger.info("Interaction %s is in a case already; no second case opened.", interaction.pk)
        return None
    return case


def _join(interaction: Any, case: Case) -> Case:
    """The message joins ``case``: a customer writing moves a case waiting for them, or solved
    within the reopen window, back to open. Automatic messages join silently."""
    with transaction.atomic():
        _link, created = CaseInteraction.objects.get_or_create(
            interaction_id=interaction.pk, defaults={"case_id": case.pk}
        )
        if not created or _is_automatic(interaction):
            return case
        at = min(interaction.occurred_at, timezone.now())
        _wrote(case.pk, at)
        if case.status in {Case.Status.PENDING_CUSTOMER, Case.Status.SOLVED}:
            case = case_change(
                actor=None, case_id=case.pk, changes={"status": Case.Status.OPEN}, at=timezone.now()
            )
    return case


def inbound_to_case(interaction_id: int) -> None:
    """The inbound handler: put a stored inbound interaction into a case (see the module's text)."""
    found = interactions_selectors.interactions_in(interaction_ids=[interaction_id]).first()
    if found is None or found.direction != "in":
        return
    case_message_place(interaction=found)


def case_message_place(*, interaction: Any) -> Case | None:
    """Join, reopen or open: the case the inbound ``interaction`` is in afterwards (None: it stays a
    plain interaction)."""
    already = CaseInteraction.objects.filter(interaction_id=interaction.pk).select_related("case").first()
    if already is not None:
        return already.case
    case = _existing_case(interaction)
    if case is not None:
        if _is_automatic(interaction):
            return _join(interaction, case) if case.status != Case.Status.CLOSED else None
        recent = timezone.now() - dt.timedelta(days=reopen_days())
        if case.status in OPEN_STATUSES or (
            case.status == Case.Status.SOLVED and case.solved_at is not None and case.solved_at >= recent
        ):
            return _join(interaction, case)
        return _open_new(interaction, follow_up_of=case)
    if not _may_open(interaction):
        return None
    return _open_new(interaction)


def case_from_call(
    *, actor: Any, interaction_id: int, category_id: int | None = None, queue_id: int | None = None
) -> Case:
    """Staff open a case from a logged or received call (a call opens none by itself unless the phone
    system posted the caller's choice); the call is the case's first interaction. A call already in a
    case gives that case."""
    _may_work(actor)
    call = interactions_selectors.interactions_in(interaction_ids=[interaction_id]).first()
    if call is None or call.channel != "call":
        raise NotFound(_("No call with id %(id)s.") % {"id": interaction_id})
    already = CaseInteraction.objects.filter(interaction_id=call.pk).select_related("case").first()
    if already is not None:
        return already.case
    _kind, address = _received_at(call)
    with transaction.atomic():
        case = case_open_routed(
            actor=actor,
            subject=_subject(call),
            channel=Case.Channel.CALL,
            text=call.body_text or "",
            customer_id=call.customer_id,
            category_id=category_id,
            queue_id=queue_id,
            received_at_address=address,
            conversation_id=call.conversation_id,
            interaction_ids=[call.pk],
        )
        if call.direction == "in":
            _wrote(case.pk, min(call.occurred_at, timezone.now()))
    return case
