"""Texts about follow-ups in the reader's language, rendered when shown: the timeline summary of a done
follow-up and the lines under the bell (both are stored as kind and data, never as finished text)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojal.activities.models import Activity, Notification

_DONE = {
    Activity.Kind.CALL.value: gettext_lazy("Call made: %(subject)s"),
    Activity.Kind.MEETING.value: gettext_lazy("Meeting held: %(subject)s"),
    Activity.Kind.TODO.value: gettext_lazy("To-do done: %(subject)s"),
    Activity.Kind.EMAIL.value: gettext_lazy("Email written: %(subject)s"),
}


def activity_event_summary(*, kind: str, data: dict[str, Any]) -> str:
    """The timeline's line for an ``activity.`` event: "Call made: Offer for 2027. Outcome: ..."."""
    if kind != "activity.done":
        return ""
    phrase = _DONE.get(data.get("activity_kind", ""), gettext_lazy("Follow-up done: %(subject)s"))
    text = str(phrase) % {"subject": data["subject"]}
    if data.get("activity_outcome"):
        text = _("%(done)s. Outcome: %(outcome)s") % {"done": text, "outcome": data["activity_outcome"]}
    return text


def notification_text(notification: Notification) -> str:
    """What a bell line says, in the reader's language."""
    data = notification.data or {}
    subject = data.get("subject") or (notification.activity.subject if notification.activity else "")
    if notification.kind == Notification.Kind.ACTIVITY_DUE:
        return _("Due now: %(subject)s") % {"subject": subject}
    if notification.kind == Notification.Kind.ACTIVITY_ASSIGNED:
        if data.get("by"):
            return _("%(name)s gave you a follow-up: %(subject)s") % {"name": data["by"], "subject": subject}
        return _("A follow-up is yours: %(subject)s") % {"subject": subject}
    case = {"number": data.get("number", ""), "subject": subject, "name": data.get("by", "")}
    if notification.kind == Notification.Kind.CASE_ASSIGNED:
        return _("Case #%(number)s is yours: %(subject)s") % case
    if notification.kind == Notification.Kind.CASE_MENTION:
        return _("%(name)s mentioned you on case #%(number)s: %(subject)s") % case
    if notification.kind == Notification.Kind.CASE_NEAR:
        return _("Case #%(number)s is near its target: %(subject)s") % case
    if notification.kind == Notification.Kind.CASE_BREACHED:
        return _("Case #%(number)s is past its target: %(subject)s") % case
    return subject
