"""My pages' part of a data subject's rights and of retention: the person's sign-ins in the export, their
removal on erasure, and the forgetting of old sign-in links, codes and ended sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q

from lojal.core.data_subject import DataSubject, ExportSection
from lojal.core.retention import delete_batched
from lojal.portal.models import LoginChallenge, PortalSession

SESSION_COLUMNS = (
    "id",
    "kind",
    "label",
    "created_at",
    "last_seen_at",
    "expires_at",
    "ended_at",
    "created_from",
)
CHALLENGE_COLUMNS = ("id", "kind", "address", "created_at", "expires_at", "used_at", "requested_from")


def _rows(model: Any, columns: tuple[str, ...], subject: DataSubject) -> Iterator[dict[str, Any]]:
    rows = model.objects.filter(customer_id__in=subject.customer_ids).order_by("created_at", "id")
    yield from rows.values(*columns).iterator()


def export_sections(subject: DataSubject, *, actor: Any) -> list[ExportSection]:
    return [
        ExportSection(
            name="portal_sessions",
            title="Signed-in browsers and API tokens on My pages",
            columns=SESSION_COLUMNS,
            rows=lambda: _rows(PortalSession, SESSION_COLUMNS, subject),
        ),
        ExportSection(
            name="portal_sign_in_requests",
            title="Sign-in links and codes sent for My pages (the secrets are never stored)",
            columns=CHALLENGE_COLUMNS,
            rows=lambda: _rows(LoginChallenge, CHALLENGE_COLUMNS, subject),
        ),
    ]


def portal_erase(subject: DataSubject) -> dict[str, int]:
    """Delete the person's sign-in requests and sessions (which also signs them out everywhere), and
    requests sent to one of their addresses for someone else's record."""
    addresses = subject.emails | subject.phones
    challenges = LoginChallenge.objects.filter(
        Q(customer_id__in=subject.customer_ids) | Q(address__in=addresses)
    )
    challenge_count = challenges.count()
    challenges.delete()
    session_count, _ = PortalSession.objects.filter(customer_id__in=subject.customer_ids).delete()
    return {"portal_sign_in_requests": challenge_count, "portal_sessions": session_count}


def sign_ins_forget(*, before: dt.datetime) -> int:
    """Delete sign-in links and codes made before ``before`` and sessions that ended or expired before
    it; the number of rows deleted."""
    deleted = delete_batched(LoginChallenge.objects.filter(created_at__lt=before))
    deleted += delete_batched(
        PortalSession.objects.filter(Q(ended_at__lt=before) | Q(ended_at__isnull=True, expires_at__lt=before))
    )
    return deleted
