"""Event summaries in the reader's language: rendered from the event's kind and data when shown,
so a switch of language also changes what the timeline says. The stored summary is the fallback."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import polars as pl
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from lojal.core.phrases import phrase_render

_FIELD_ALIASES = {
    "emails": "primary_email",
    "phones": "primary_phone",
    "addresses": "city",
    "account_manager_id": "account_manager",
}


#: Summaries of other apps' event kinds, by kind prefix ("sales."): the app that owns the kinds
#: registers its renderer when Django starts, so the timeline never imports the apps that use it.
_RENDERERS: dict[str, Callable[..., str]] = {}
#: The same summaries as polars expressions over columns of event data, for bulk writes.
_COLUMN_RENDERERS: dict[str, Callable[..., pl.Expr | None]] = {}


def summary_renderer_register(
    *, prefix: str, render: Callable[..., str], render_columns: Callable[..., pl.Expr | None] | None = None
) -> None:
    """``render(kind=..., data=...)`` gives one summary; ``render_columns(kind=..., data=...)``, when
    given, the same texts as an expression over columns (``data``: key -> expression), or None where
    it cannot say them exactly."""
    _RENDERERS[prefix] = render
    if render_columns is not None:
        _COLUMN_RENDERERS[prefix] = render_columns


def event_summaries(*, kind: str, data: dict[str, pl.Expr]) -> pl.Expr | None:
    """:func:`event_summary` for many events of one ``kind`` as an expression over columns of their
    data, in the active language; None when no renderer gives it as one."""
    for prefix, render in _COLUMN_RENDERERS.items():
        if kind.startswith(prefix):
            return render(kind=kind, data=data)
    return None


def _field_label(name: str) -> str:
    customer_model = apps.get_model("customers", "Customer")
    try:
        field = customer_model._meta.get_field(_FIELD_ALIASES.get(name, name))
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def _merge_field_label(name: str) -> str:
    """A merge choice's field in the reader's language (email, phone and address are the primary ones)."""
    labels = {"email": _("email"), "phone": _("phone"), "address": _("address")}
    return labels.get(name) or _field_label(name)


@lru_cache(maxsize=1)
def _stage_labels() -> dict[str, Any]:
    """The stages' lazy labels (translated when shown); looked up once, as bulk stage changes build a
    summary per customer."""
    customer_model = apps.get_model("customers", "Customer")
    return dict(customer_model._meta.get_field("lifecycle_stage").choices or [])


def _stage_label(value: str) -> str:
    return str(_stage_labels().get(value, value))


def _kind_label(kind: str) -> str:
    """The event kind's name in the reader's language: what an erased event still says."""
    event_model = apps.get_model("timeline", "Event")
    try:
        return str(event_model.Kind(kind).label)
    except ValueError:
        return kind


def event_summary(*, kind: str, data: dict[str, Any], summary: str) -> str:
    """The one-line text for an event of ``kind`` with ``data``, in the active language."""
    try:
        if data.get("erased") is True:
            return _kind_label(kind)
        if kind == "customer.created" and "name" in data:
            return _("%(name)s was added. Stage: %(stage)s") % {
                "name": data["name"],
                "stage": _stage_label(data.get("stage", "lead")),
            }
        if kind == "customer.changed":
            if "contact_added" in data:
                return _("Contact person added: %(name)s") % {"name": data["contact_added"]}
            if "contact_removed" in data:
                return _("Contact person removed: %(name)s") % {"name": data["contact_removed"]}
            if "fields" in data:
                return _("Changed: %(fields)s") % {
                    "fields": ", ".join(_field_label(f) for f in data["fields"])
                }
        if kind == "customer.stage_changed" and "from" in data:
            text = _("Stage changed from %(old)s to %(new)s") % {
                "old": _stage_label(data["from"]),
                "new": _stage_label(data["to"]),
            }
            reason = phrase_render(
                code=data.get("reason_code"),
                params=data.get("reason_params"),
                fallback=data.get("reason") or "",
            )
            return f"{text}: {reason}" if reason else text
        if kind == "customer.merged" and "merged_name" in data:
            text = _("Merged with %(name)s (%(number)s)") % {
                "name": data["merged_name"],
                "number": data.get("merged_customer_number", ""),
            }
            taken = [name for name, side in (data.get("chosen") or {}).items() if side == "merged"]
            if taken:
                text += "; " + _("kept from it: %(fields)s") % {
                    "fields": ", ".join(_merge_field_label(name) for name in taken)
                }
            return text
        if kind == "customer.deleted":
            return _("Customer deleted")
        if kind == "customer.erased":
            return _("Personal data erased")
        if kind.startswith("interaction.") and data.get("subject_code"):
            return phrase_render(
                code=data["subject_code"], params=data.get("subject_params"), fallback=summary
            )
        for prefix, render in _RENDERERS.items():
            if kind.startswith(prefix):
                return render(kind=kind, data=data) or summary
    except (KeyError, TypeError, ValueError):
        return summary
    return summary
