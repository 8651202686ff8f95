"""Texts about cases in the reader's language, rendered when shown (the timeline stores kind and data)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from lojal.cases.models import Case

_FIELDS = {
    "subject": lambda: _("subject"),
    "priority": lambda: _("priority"),
    "queue_id": lambda: _("queue"),
    "assignee_id": lambda: _("assignee"),
    "category_id": lambda: _("category"),
    "customer_id": lambda: _("customer"),
}


def case_event_summary(*, kind: str, data: dict[str, Any]) -> str:
    """The timeline's line for a ``case.`` event: "Case #26-000012 opened: Invoice wrong"."""
    names = {"number": data.get("number", ""), "subject": data.get("subject", "")}
    if kind == "case.opened":
        return _("Case #%(number)s opened: %(subject)s") % names
    if kind == "case.merged":
        return _("Case #%(number)s merged into another case: %(subject)s") % names
    changes = data.get("changes") or {}
    if "status" in changes:
        status = Case.Status(changes["status"][1]).label if changes["status"][1] in Case.Status.values else ""
        return _("Case #%(number)s is now %(status)s: %(subject)s") % {**names, "status": str(status).lower()}
    fields = ", ".join(str(_FIELDS[field]()) for field in changes if field in _FIELDS)
    return _("Case #%(number)s changed (%(fields)s): %(subject)s") % {**names, "fields": fields}
