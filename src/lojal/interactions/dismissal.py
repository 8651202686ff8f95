"""Putting unmatched messages out of the way: staff dismiss an auto-reply or spam from the inbox (one at
a time, or every detected auto-reply at once). A dismissed message is kept, left out of the inbox and its
counts, listed under "Dismissed", and can be put back; linking it to a customer puts it back too."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.audit import AuditRow, audit_insert
from lojal.core.bulk import bulk_insert_many
from lojal.core.errors import ValidationError
from lojal.interactions.models import Interaction

#: Most messages one request dismisses or puts back; the bulk action repeats for more.
BATCH_MAX = 1000


def _audit(actor: Any, action: str, rows: list[Interaction], changes: dict[str, Any]) -> None:
    if not rows:
        return
    now = timezone.now()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    bulk_insert_many([audit_insert(AuditRow(now, actor_id, action, row, changes) for row in rows)])


@transaction.atomic
def interactions_dismiss(*, actor: Any, interaction_ids: list[int]) -> int:
    """Dismiss these unmatched messages (those already dismissed or matched are left alone); how many."""
    if not interaction_ids:
        raise ValidationError.for_field("interaction_ids", _("Choose at least one message."))
    rows = list(
        Interaction.objects.select_for_update()
        .filter(pk__in=interaction_ids[:BATCH_MAX], customer__isnull=True, dismissed_at__isnull=True)
        .order_by("pk")
    )
    Interaction.objects.filter(pk__in=[row.pk for row in rows]).update(
        dismissed_at=timezone.now(), dismissed_by=actor if getattr(actor, "pk", None) else None
    )
    _audit(actor, "inbox.dismissed", rows, {"dismissed": [False, True]})
    return len(rows)


def auto_replies_dismiss(*, actor: Any) -> int:
    """Dismiss every unmatched message detected as an auto-reply (out of office, vacation notices)."""
    ids = list(
        Interaction.objects.filter(customer__isnull=True, dismissed_at__isnull=True, is_auto_reply=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH_MAX]
    )
    return interactions_dismiss(actor=actor, interaction_ids=ids) if ids else 0


@transaction.atomic
def interactions_restore(*, actor: Any, interaction_ids: list[int]) -> int:
    """Put dismissed messages back in the inbox; how many."""
    rows = list(
        Interaction.objects.select_for_update()
        .filter(pk__in=interaction_ids[:BATCH_MAX], dismissed_at__isnull=False)
        .order_by("pk")
    )
    Interaction.objects.filter(pk__in=[row.pk for row in rows]).update(dismissed_at=None, dismissed_by=None)
    _audit(actor, "inbox.restored", rows, {"dismissed": [True, False]})
    return len(rows)
