"""The acknowledgement: a new case from email, a web form, an offline chat or the portal is answered at
once, automatically, in the customer's language, with its case number (the subject's token makes
replies join the case) and an honest expected time of the first answer (cases.ack_estimate).

It goes through the loop guard (interactions.auto_reply.email_auto_reply): never to auto-replies,
bounces, no-reply senders, Lojal's own addresses or other help desks, and within the caps per sender
and per hour. When one is not sent the case says why: ``Case.ack_suppressed_reason`` holds the
guard's reason code, and an internal note on the case says it in words. See docs/cases.md,
"Acknowledgements"."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from lojal.accounts.roles import Action
from lojal.cases import ack_faq, ack_wording
from lojal.cases.ack_estimate import case_estimate
from lojal.cases.models import ACK_LANGUAGES, AcknowledgementTemplate, Case, CaseInteraction, CaseNote
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, PermissionDenied, ValidationError
from lojal.core.inputs import text_fault
from lojal.customers import selectors as customers_selectors
from lojal.interactions import selectors as interactions_selectors
from lojal.interactions.auto_reply import Reason, Verdict, email_auto_reply

logger = logging.getLogger(__name__)

#: The ``kind`` of automatic reply an acknowledgement is (the loop guard's once-per-message key).
ACK_KIND = "ack"
#: Channels whose new cases are acknowledged; a chat only when it was left as a message (offline).
ACK_CHANNELS = frozenset({"email", "web_form", "portal", "chat"})
#: How often, and how many seconds apart, the handler looks again for the case of a message that is
#: in none yet (ingest's handler has not finished).
CASE_WAIT_ATTEMPTS = 5
CASE_WAIT_SECONDS = 2
SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 5000
#: What a template renders for the preview on the page.
SAMPLE_NUMBER = "26-001234"


def template_text(language: str) -> ack_wording.TemplateText:
    """The acknowledgement's words in ``language``: the manager's template, else the shipped one."""
    language = ack_wording.language_of(language)
    row = AcknowledgementTemplate.objects.filter(language=language).values_list("subject", "body").first()
    return ack_wording.TemplateText(*row) if row else ack_wording.DEFAULT_TEMPLATES[language]


def acknowledgement_render(
    *,
    language: str,
    number: str,
    customer_name: str,
    subject: str,
    expected_time: str,
    faq: str = "",
    text: ack_wording.TemplateText | None = None,
) -> tuple[str, str]:
    """(subject, body) of the acknowledgement, its fields filled; the subject carries the case token."""
    text = text or template_text(language)
    values = {
        "case_number": f"#{number}",
        "customer_name": customer_name,
        "subject": subject,
        "expected_time": expected_time,
        "faq": faq,
    }
    filled_subject = ack_wording.fill(text.subject, values)
    return ack_wording.subject_with_token(filled_subject, number), ack_wording.fill(text.body, values)


def _opened_by(interaction_id: int) -> Case | None:
    """The case ``interaction_id`` opened: the case it is in, when it is that case's first message."""
    link = CaseInteraction.objects.filter(interaction_id=interaction_id).select_related("case").first()
    if link is None:
        return None
    first = (
        CaseInteraction.objects.filter(case_id=link.case_id)
        .order_by("id")
        .values_list("interaction_id", flat=True)
    ).first()
    return link.case if first == interaction_id else None


def _wants_acknowledgement(interaction: Any) -> bool:
    if interaction.channel not in ACK_CHANNELS or interaction.direction != "in":
        return False
    if interaction.is_auto_reply or interaction.is_bounce or interaction.is_loop:
        # An automatic message opens no case (ingest) and would get no automatic reply (the loop
        # guard): not waiting for its case spares the worker five looks (docs/speed.md).
        return False
    if interaction.channel == "chat":
        return bool((interaction.details or {}).get("answer_by_email"))
    return True


def inbound_acknowledge(interaction_id: int) -> None:
    """The inbound handler (settings LOJAL_INBOUND_HANDLERS, after cases.ingest.inbound_to_case): when
    ``interaction_id`` opened a case on a channel that is acknowledged, acknowledge it. A message that
    joined an existing case gets none; running twice sends one (the case remembers, and the loop
    guard keeps one automatic reply per message and kind)."""
    _acknowledge_opened(interaction_id=interaction_id, attempt=0)


def _acknowledge_opened(*, interaction_id: int, attempt: int) -> str:
    interaction = interactions_selectors.interactions_in(interaction_ids=[interaction_id]).first()
    if interaction is None or not _wants_acknowledgement(interaction):
        return "not acknowledged"
    if not CaseInteraction.objects.filter(interaction_id=interaction_id).exists():
        return _wait_for_case(interaction_id=interaction_id, attempt=attempt)
    case = _opened_by(interaction_id)
    if case is None:
        return "joined a case"
    case_acknowledge(case_id=case.pk, interaction_id=interaction_id)
    return "acknowledged"


def _wait_for_case(*, interaction_id: int, attempt: int) -> str:
    """The handlers run as separate tasks, so with several workers this one may start before ingest
    has put the message into a case: look again a little later, a few times (a message that stays
    out of cases, such as mail to a sales@ address, is then left alone)."""
    if attempt >= CASE_WAIT_ATTEMPTS or not default_task_backend.supports_defer:
        return "no case"
    run_after = timezone.now() + dt.timedelta(seconds=CASE_WAIT_SECONDS)
    transaction.on_commit(
        lambda: ack_wait_task.using(run_after=run_after).enqueue(interaction_id, attempt + 1)
    )
    return "waiting for the case"


@task()
def ack_wait_task(interaction_id: int, attempt: int) -> str:
    """Thin: look again whether ``interaction_id`` has opened a case to acknowledge."""
    return _acknowledge_opened(interaction_id=interaction_id, attempt=attempt)


def _customer_name(case: Case, interaction: Any) -> str:
    profile = (
        customers_selectors.customer_service_profile(customer_id=case.customer_id)
        if case.customer_id
        else None
    )
    if profile is not None and profile.name:
        return str(profile.name)
    return str(getattr(interaction, "sender_name", "") or "")


def case_acknowledge(*, case_id: int, interaction_id: int, now: dt.datetime | None = None) -> Case:
    """Acknowledge case ``case_id``, opened by received message ``interaction_id``: estimate the first
    answer, write the acknowledgement in the case's language and hand it to the loop guard's automatic
    reply. Records on the case what was promised and when it was sent, or why nothing was."""
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound(_("No case with id %(id)s.") % {"id": case_id})
        if case.ack_sent_at is not None or case.ack_suppressed_reason:
            return case
        interaction = interactions_selectors.interactions_in(interaction_ids=[interaction_id]).first()
        if interaction is None:
            raise NotFound(_("No interaction with id %(id)s.") % {"id": interaction_id})
        language = ack_wording.language_of(case.language)
        estimate, zone = case_estimate(case, now=now)
        faq = ack_wording.faq_block(
            ack_faq.faq_articles(case_id=case.pk, language=language, limit=3), language=language
        )
        subject, body = acknowledgement_render(
            language=language,
            number=case.number,
            customer_name=_customer_name(case, interaction),
            subject=case.subject,
            expected_time=ack_wording.expected_time_words(
                estimate.promised_by, now=now, language=language, time_zone=zone
            ),
            faq=faq,
        )
        result = email_auto_reply(
            interaction_id=interaction_id, subject=subject, body_text=body, kind=ACK_KIND, now=now
        )
        sent_before = result.verdict.reason == Reason.ALREADY_SENT and result.reply_id is not None
        fields = ["ack_estimate", "updated_at"]
        case.ack_estimate = estimate.as_data()
        if result.is_sent or sent_before:
            case.ack_sent_at, case.ack_interaction_id = now, result.reply_id
            case.promised_by = estimate.promised_by
            fields += ["ack_sent_at", "ack_interaction", "promised_by"]
            if result.reply_id is not None:
                CaseInteraction.objects.get_or_create(interaction_id=result.reply_id, defaults={"case": case})
        else:
            case.ack_suppressed_reason = result.verdict.reason[:30]
            fields.append("ack_suppressed_reason")
            with translation.override(settings.LANGUAGE_CODE):
                CaseNote.objects.create(case=case, author=None, body=suppressed_note(result.verdict.reason))
        case.save(update_fields=fields)
    return case


def suppressed_note(reason: str) -> str:
    """The internal note a case gets when its acknowledgement was not sent, in the active language."""
    return _("No acknowledgement was sent: %(reason)s") % {
        "reason": Verdict(allowed=False, reason=reason).text
    }


def suppressed_reason_text(case: Case) -> str:
    """Why ``case`` got no acknowledgement, in the reader's language ("" when it got one)."""
    reason = case.ack_suppressed_reason
    return Verdict(allowed=False, reason=reason).text if reason else ""


def _may_configure(actor: Any) -> None:
    if actor is None or not actor.can(Action.SERVICE_CONFIGURE):
        raise PermissionDenied(_("Your role does not allow this."))


def _language(value: Any) -> str:
    if value not in dict(ACK_LANGUAGES):
        raise ValidationError.for_field(
            "language", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(dict(ACK_LANGUAGES))}
        )
    return str(value)


def _template_field(value: Any, field: str, *, max_length: int) -> str:
    if not isinstance(value, str):
        raise ValidationError.for_field(field, _("Must be text."))
    text = value.replace("\r\n", "\n").strip()
    if field == "subject":
        text = " ".join(text.split())
    if reason := text_fault(text):
        raise ValidationError.for_field(field, reason)
    if not text:
        raise ValidationError.for_field(field, _("This field is required."))
    if len(text) > max_length:
        raise ValidationError.for_field(field, _("At most %(max)d characters.") % {"max": max_length})
    if unknown := ack_wording.unknown_fields(text):
        raise ValidationError.for_field(
            field,
            _("Unknown field %(fields)s. The fields are: %(known)s.")
            % {
                "fields": ", ".join("{" + name + "}" for name in unknown),
                "known": ", ".join("{" + name + "}" for name in ack_wording.FIELDS),
            },
        )
    return text


def ack_template_save(*, actor: Any, language: str, subject: str, body: str) -> AcknowledgementTemplate:
    """A manager's wording of the acknowledgement in ``language``; the next acknowledgement uses it.
    Unknown ``{fields}`` are refused, naming them; nothing is saved then."""
    _may_configure(actor)
    language = _language(language)
    subject = _template_field(subject, "subject", max_length=SUBJECT_MAX_LENGTH)
    body = _template_field(body, "body", max_length=BODY_MAX_LENGTH)
    with transaction.atomic():
        template, _created = AcknowledgementTemplate.objects.update_or_create(
            language=language,
            defaults={
                "subject": subject,
                "body": body,
                "updated_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        audit_record(actor=actor, action="ack_template.saved", obj=template, label=language)
    return template


def ack_template_reset(*, actor: Any, language: str) -> bool:
    """Back to the shipped wording in ``language``; False when it was not changed."""
    _may_configure(actor)
    language = _language(language)
    with transaction.atomic():
        template = AcknowledgementTemplate.objects.filter(language=language).first()
        if template is None:
            return False
        audit_record(actor=actor, action="ack_template.reset", obj=template, label=language)
        template.delete()
    return True
