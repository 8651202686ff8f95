"""The right to erasure (GDPR article 17): the person's data is anonymised in every app, in one
transaction, while the customer row stays as an anonymous shell so that transactions, revenue and
counts stay. Refused, changing nothing, while a check in :data:`~lojal.privacy.sections.ERASURE_CHECKS`
says the data must be kept (a legal hold; an open case once cases exist)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, ValidationError
from lojal.core.inputs import text_fault
from lojal.customers import privacy as customers_privacy
from lojal.customers import selectors as customer_selectors
from lojal.privacy.sections import ERASURE_CHECKS, erasure_steps
from lojal.timeline import events
from lojal.timeline.services import event_record

REASON_MAX_LENGTH = 500


def erasure_refusal(*, customer_id: int) -> str:
    """Why the customer cannot be erased now ("" when it can): what the confirm page shows first."""
    subject = customers_privacy.data_subject(customer_id=customer_id)
    return "; ".join(reason for check in ERASURE_CHECKS if (reason := check(subject)))


@contextmanager
def _freed_space_zeroed() -> Iterator[None]:
    """SQLite leaves a changed or deleted row's old bytes in the file's free space; with secure_delete
    on, it overwrites them with zeros, so the erased values are gone from the file too (PostgreSQL's
    old row versions go with VACUUM: docs/gdpr.md)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA secure_delete = ON")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA secure_delete = {int(before)}")


def _reason_clean(reason: str) -> str:
    cleaned = reason.strip()
    if fault := text_fault(cleaned):
        raise ValidationError.for_field("reason", fault)
    if not cleaned:
        raise ValidationError.for_field(
            "reason", _("Say why the data is erased (the person's request, say).")
        )
    if len(cleaned) > REASON_MAX_LENGTH:
        raise ValidationError.for_field(
            "reason", _("At most %(max)d characters.") % {"max": REASON_MAX_LENGTH}
        )
    return cleaned


@transaction.atomic
def customer_erase(*, customer_id: int, actor: Any, reason: str) -> dict[str, int]:
    """Anonymise everything about the customer and the records merged into it; returns what changed,
    by kind. Recorded as ``customer.erased`` in the audit log (with the reason and who) and on the
    timeline."""
    cleaned = _reason_clean(reason)
    customer = customer_selectors.customer_record(customer_id=customer_id)
    customers_privacy.lock(customer_id=customer.pk)
    customer.refresh_from_db()
    if customer.erased_at is not None:
        raise Conflict(
            _("This customer's personal data was already erased."), errors={"customer": [_("Erased.")]}
        )
    subject = customers_privacy.data_subject(customer_id=customer.pk)
    refusals = [reason for check in ERASURE_CHECKS if (reason := check(subject))]
    if refusals:
        message = _("The data cannot be erased: %(reasons)s") % {"reasons": "; ".join(refusals)}
        raise Conflict(message, errors={"erasure": refusals})
    with _freed_space_zeroed():
        counts = erasure_steps(subject, actor=actor, reason=cleaned)
    customer.refresh_from_db()
    audit_record(
        actor=actor,
        action="customer.erased",
        obj=customer,
        changes={"reason": cleaned, "records": list(subject.customer_ids), "counts": counts},
    )
    event_record(events.customer_erased(customer_id=customer.pk, actor_id=events.actor_id_of(actor)))
    return counts
