"""The audit log in words, in the reader's language: a sentence for each action and one line for each
change, with field names as the models name them, choices by their labels, lists joined and counts
shown. Entries store codes and raw values (in whatever language they were written); they are put into
words only when read, so a Swedish reader sees Swedish and an English one English.

What the writers store (``grep audit_record src``): ``{field: [old, new]}`` for creates, changes and
merges; plain values for the facts of an event (an import's counts and file, a read's ``via`` and
``reason``, an erasure's ``records`` and ``counts``); nested maps for a merge's ``filled`` and
``moved``. A two-item list is a change unless its key holds a list (:data:`LIST_KEYS`); a text is
never a pair (the page once showed ``file u -> x`` for an import's file name).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojal.core.data_subject import ERASED
from lojal.core.models import AuditEntry
from lojal.core.phrases import phrase_translate

#: Keys that are facts of the event, not fields of the record (named by :data:`KEY_LABELS`).
PLAIN_KEYS = frozenset(
    {
        "created",
        "updated",
        "unchanged",
        "rejected",
        "file",
        "source",
        "reason",
        "via",
        "field",
        "records",
        "merged",
        "merged_into",
        "format",
        "filters",
        "columns",
        "rows",
        "job",
        "chosen",
        "customers",
    }
)
#: Keys whose numbers are ids or customer numbers, shown as they are (no thousands separator).
ID_KEYS = frozenset({"records", "merged", "merged_into", "job"})
#: Keys whose value is a list, never an [old, new] pair, even with two items.
LIST_KEYS = frozenset({"records", "columns"})

#: What an entry's action says, with ``%(type)s`` the kind of record (``Created customer``).
ACTION_SENTENCES: dict[str, Promise] = {
    "create": gettext_lazy("Created %(type)s"),
    "update": gettext_lazy("Changed %(type)s"),
    "delete": gettext_lazy("Deleted %(type)s"),
    "merge": gettext_lazy("Merged %(type)s"),
    "read_sensitive": gettext_lazy("Read sensitive data of %(type)s"),
    "login": gettext_lazy("Signed in"),
    "read": gettext_lazy("Opened the customer"),
    "reveal": gettext_lazy("Revealed the national number"),
    "customer.exported": gettext_lazy("Exported the customer's data"),
    "customer.erased": gettext_lazy("Erased the customer"),
    "import": gettext_lazy("Committed the import"),
    "delete_file": gettext_lazy("Deleted the imported file"),
    "cancel": gettext_lazy("Cancelled the import"),
    "sms.queued": gettext_lazy("Queued a text message"),
    "email.queued": gettext_lazy("Queued an email"),
    "email.retried": gettext_lazy("Sent an email again"),
    "interaction.logged": gettext_lazy("Logged a contact"),
    "interaction.linked": gettext_lazy("Linked a message to a customer"),
    "legal_hold.placed": gettext_lazy("Placed a legal hold"),
    "legal_hold.lifted": gettext_lazy("Lifted the legal hold"),
    "activity.created": gettext_lazy("Created a follow-up"),
    "activity.changed": gettext_lazy("Changed a follow-up"),
    "activity.completed": gettext_lazy("Completed a follow-up"),
    "activity.cancelled": gettext_lazy("Cancelled a follow-up"),
    "activity.reopened": gettext_lazy("Reopened a follow-up"),
    "calendar.created": gettext_lazy("Created a calendar feed"),
    "calendar.revoked": gettext_lazy("Revoked a calendar feed"),
    "call_list.created": gettext_lazy("Created a call list"),
    "call_list.added": gettext_lazy("Added customers to a call list"),
    "call_list.closed": gettext_lazy("Closed a call list"),
    "chat.customer_set": gettext_lazy("Said which customer a chat is with"),
    "inbox.dismissed": gettext_lazy("Dismissed a message in the inbox"),
    "inbox.restored": gettext_lazy("Put a message back in the inbox"),
    "ack_template.saved": gettext_lazy("Saved an acknowledgement template"),
    "ack_template.reset": gettext_lazy("Reset an acknowledgement template to the standard text"),
    "agent.away": gettext_lazy("Marked a staff member as away"),
    "agent.back": gettext_lazy("Marked a staff member as back"),
    "case.opened": gettext_lazy("Opened a case"),
    "case.changed": gettext_lazy("Changed a case"),
    "case.tagged": gettext_lazy("Changed a case's tags"),
    "case.noted": gettext_lazy("Wrote an internal note on a case"),
    "case.merged": gettext_lazy("Merged a case into another"),
    "case.split": gettext_lazy("Split a message out into a new case"),
    "case.rated": gettext_lazy("Rated the answer to a case on My pages"),
    "portal.details": gettext_lazy("Changed their own details on My pages"),
    "portal.theme_changed": gettext_lazy("Changed how My pages look"),
    "portal.org_access": gettext_lazy(
        "Changed which cases an organisation's contact persons see on My pages"
    ),
    "category.created": gettext_lazy("Created a case category"),
    "category.changed": gettext_lazy("Changed a case category"),
    "macro.created": gettext_lazy("Created a reply macro"),
    "macro.changed": gettext_lazy("Changed a reply macro"),
    "queue.created": gettext_lazy("Created a case queue"),
    "queue.changed": gettext_lazy("Changed a case queue"),
    "sla_policy.created": gettext_lazy("Created an SLA policy"),
    "sla_policy.changed": gettext_lazy("Changed an SLA policy"),
    "sla_policy.deleted": gettext_lazy("Deleted an SLA policy"),
    "sla_policy.reordered": gettext_lazy("Changed the order of the SLA policies"),
    "export": gettext_lazy("Exported a list (%(type)s)"),
    "article.created": gettext_lazy("Wrote a knowledge base article"),
    "article.changed": gettext_lazy("Changed a knowledge base article"),
    "article.restored": gettext_lazy("Restored an old version of a knowledge base article"),
    "article.published": gettext_lazy("Published a knowledge base article"),
    "article.unpublished": gettext_lazy("Unpublished a knowledge base article"),
    "article.archived": gettext_lazy("Archived a knowledge base article"),
    "article.file_added": gettext_lazy("Attached a file to a knowledge base article"),
    "article.file_removed": gettext_lazy("Removed a file from a knowledge base article"),
    "kb_category.created": gettext_lazy("Created a knowledge base category"),
    "kb_category.changed": gettext_lazy("Changed a knowledge base category"),
    "synonyms.set": gettext_lazy("Changed the synonym list of a language"),
    # A customer on My pages (no staff actor): signing in, ending a session, making an API token.
    "portal.signed_in": gettext_lazy("A customer signed in to My pages"),
    "portal.session_ended": gettext_lazy("A customer's My pages session ended"),
    "portal.token_created": gettext_lazy("A customer made a My pages API token"),
}
TOKEN_SENTENCES: dict[str, Promise] = {
    "created": gettext_lazy("Created an API token"),
    "revoked": gettext_lazy("Revoked an API token"),
}

#: Names of record kinds whose models do not name themselves in the reader's language.
TYPE_NAMES: dict[str, Promise] = {
    "customers.customer": gettext_lazy("customer"),
    "customers.contactperson": gettext_lazy("contact person"),
    "customers.duplicatesuspicion": gettext_lazy("suspected duplicate"),
    "accounts.user": gettext_lazy("staff member"),
    "accounts.apitoken": gettext_lazy("API token"),
    "accounts.webhooksecret": gettext_lazy("webhook secret"),
    "interactions.interaction": gettext_lazy("contact"),
    "interactions.chatsession": gettext_lazy("chat"),
    "activities.activity": gettext_lazy("follow-up"),
    "activities.calllist": gettext_lazy("call list"),
    "activities.calendarfeed": gettext_lazy("calendar feed"),
}

#: Plural names of the kinds of record a merge moves (Django's own plural of an untranslated model
#: name would read "transaktions").
MODEL_PLURALS: dict[str, Promise] = {
    "customers.emailaddress": gettext_lazy("email addresses"),
    "customers.phonenumber": gettext_lazy("phone numbers"),
    "customers.address": gettext_lazy("addresses"),
    "customers.contactperson": gettext_lazy("contact persons"),
    "customers.customer": gettext_lazy("customers"),
    "sales.transaction": gettext_lazy("transactions"),
    "sales.holding": gettext_lazy("holdings"),
    "interactions.conversation": gettext_lazy("conversations"),
    "interactions.interaction": gettext_lazy("contacts"),
    "interactions.chatsession": gettext_lazy("chats"),
    "timeline.event": gettext_lazy("timeline events"),
}

#: Names of keys that are not fields of the record's model (or whose field name would mislead).
KEY_LABELS: dict[str, Promise] = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "unchanged": gettext_lazy("unchanged"),
    "rejected": gettext_lazy("rejected rows"),
    "file": gettext_lazy("file"),
    "source": gettext_lazy("source"),
    "via": gettext_lazy("where"),
    "reason": gettext_lazy("reason"),
    "field": gettext_lazy("what"),
    "records": gettext_lazy("customer records"),
    "counts": gettext_lazy("records"),
    "merged": gettext_lazy("customer merged into this one"),
    "merged_into": gettext_lazy("merged into customer"),
    "filled": gettext_lazy("filled in from the merged customer"),
    "moved": gettext_lazy("moved from the merged customer"),
    "customer": gettext_lazy("customer"),
    "sender": gettext_lazy("sender"),
    "linked": gettext_lazy("messages linked"),
    "revoked": gettext_lazy("revoked"),
    "emails": gettext_lazy("email addresses"),
    "phones": gettext_lazy("phone numbers"),
    "addresses": gettext_lazy("addresses"),
    "national_id": gettext_lazy("national id"),
    "status": gettext_lazy("status"),
    "username": gettext_lazy("user name"),
    "role": gettext_lazy("role"),
    "name": gettext_lazy("name"),
    "stage_reason": gettext_lazy("reason for the stage"),
    "contact_persons": gettext_lazy("contact persons"),
    "customer_since": gettext_lazy("customer since"),
    "attributes": gettext_lazy("attributes"),
    # the sections of a data export and the steps of an erasure
    "emails_sent": gettext_lazy("emails"),
    "transactions": gettext_lazy("transactions"),
    "holdings": gettext_lazy("holdings"),
    "interactions": gettext_lazy("contacts"),
    "chat_sessions": gettext_lazy("chats"),
    "audit_entries": gettext_lazy("audit entries"),
    "source_keys": gettext_lazy("source system keys"),
    "merged_records": gettext_lazy("merged records"),
    "files": gettext_lazy("files"),
    # a call list's customers, a list export's facts, a merge's choices, the inbox
    "customers": gettext_lazy("customers"),
    "format": gettext_lazy("format"),
    "filters": gettext_lazy("filters"),
    "columns": gettext_lazy("columns"),
    "rows": gettext_lazy("rows"),
    "job": gettext_lazy("background job"),
    "chosen": gettext_lazy("chosen field by field"),
    "dismissed": gettext_lazy("dismissed"),
    # the customer list's filters, as an export records them
    "q": gettext_lazy("search"),
    "sort": gettext_lazy("sort order"),
    "tag": gettext_lazy("tag"),
    "manager": gettext_lazy("account manager"),
}

#: A list's filter and column keys that name a field of the record by another name (``stage=lead``).
FILTER_FIELDS = {
    "stage": "lifecycle_stage",
    "tier": "vip_tier",
    "manager": "account_manager",
    "number": "customer_number",
    "email": "primary_email",
    "phone": "primary_phone",
    "created": "created_at",
}

#: Words for stored codes that are values, not field choices.
VALUE_WORDS: dict[str, Promise | str] = {
    ERASED: gettext_lazy("(erased)"),
    "(set)": gettext_lazy("(set)"),
    "page": gettext_lazy("customer page"),
    "api": gettext_lazy("API"),
    "edit form": gettext_lazy("edit form"),
    "call list": gettext_lazy("call list"),
    "retention": gettext_lazy("the retention rule"),
    "abandoned": gettext_lazy("abandoned, never committed"),
    "kept": gettext_lazy("the kept customer's value"),
    "merged": gettext_lazy("the merged customer's value"),
    "csv": "CSV",
    "xlsx": "XLSX",
}


@dataclass(frozen=True)
class EntryWords:
    """One audit entry as the page shows it."""

    sentence: str
    lines: list[str]


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_name(object_type: str) -> str:
    """The kind of record in the reader's language (``customer``, ``product``)."""
    if object_type in TYPE_NAMES:
        return str(TYPE_NAMES[object_type])
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None or key in PLAIN_KEYS:
        return None
    for name in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def key_label(model: type[models.Model] | None, key: str) -> str:
    """A changed field's name: the model's ``verbose_name``, else the log's own word for the key."""
    field = _field(model, key)
    verbose = getattr(field, "verbose_name", None)
    if verbose:
        return capfirst(str(verbose))
    if key in KEY_LABELS:
        return capfirst(str(KEY_LABELS[key]))
    related = getattr(field, "related_model", None)
    if related is not None:
        return capfirst(str(related._meta.verbose_name_plural))
    if key in MODEL_PLURALS:
        return capfirst(str(MODEL_PLURALS[key]))
    label_model = _model(key) if "." in key else None
    if label_model is not None:
        return capfirst(str(label_model._meta.verbose_name_plural))
    return capfirst(key.replace("_", " ").replace(".", " "))


class _Related:
    """Names of the records that changed foreign keys point at, read once for a whole page."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], str], str] = {}

    def want(self, field: Any, value: Any) -> None:
        if isinstance(field, models.ForeignKey) and isinstance(value, int | str) and str(value).isdigit():
            self.wanted[field.related_model].add(str(value))

    def load(self) -> None:
        for model, ids in self.wanted.items():
            for row in model._default_manager.filter(pk__in=sorted(ids, key=int)[:500]):
                self.names[(model, str(row.pk))] = getattr(row, "display_name", None) or str(row)

    def name(self, field: Any, value: Any) -> str | None:
        if not isinstance(field, models.ForeignKey):
            return None
        return self.names.get((field.related_model, str(value)))


def _in_order(model: type[models.Model] | None, changes: dict[str, Any]) -> list[tuple[str, Any]]:
    """The changes in a fixed order (the model's fields in their order, then the log's own keys), not
    in the stored order: PostgreSQL's jsonb keeps keys by length, SQLite as written."""
    fields = {field.name: index for index, field in enumerate(model._meta.get_fields())} if model else {}
    own = {key: index for index, key in enumerate([*KEY_LABELS, *MODEL_PLURALS])}

    def rank(key: str) -> tuple[int, int, str]:
        field = _field(model, key)
        if field is not None and field.name in fields:
            return (0, fields[field.name], key)
        if key in own:
            return (1, own[key], key)
        return (2, 0, key)

    return sorted(changes.items(), key=lambda item: rank(item[0]))


def _is_pair(key: str, value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and key not in LIST_KEYS


def _text(value: Any, *, field: Any = None, related: _Related | None = None, is_id: bool = False) -> str:
    """A stored value in words: choices by their label, lists joined, yes/no, a blank as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if is_id and not isinstance(value, list | dict):
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(_text(item, field=field, related=related, is_id=is_id) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key_label(None, str(key))}: {_text(item)}" for key, item in value.items())
    if isinstance(value, str) and value in VALUE_WORDS:
        return str(VALUE_WORDS[value])
    if isinstance(value, str) and field is None:
        value = phrase_translate(value)  # a reason Lojal wrote (a stage change's) in the reader's language
    if related is not None and (name := related.name(field, value)):
        return name
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            return formats.date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    choices = getattr(field, "flatchoices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        from django.contrib.humanize.templatetags.humanize import intcomma

        return str(intcomma(value))
    return str(value)


def _change(label: str, old: str, new: str, old_blank: bool, new_blank: bool) -> str:
    if old_blank:
        return _("%(field)s: %(new)s") % {"field": label, "new": new}
    if new_blank:
        return _("%(field)s: %(old)s removed") % {"field": label, "old": old}
    return _("%(field)s changed from %(old)s to %(new)s") % {"field": label, "old": old, "new": new}


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _nested(model: type[models.Model] | None, value: dict[str, Any], related: _Related) -> str:
    """A merge's ``filled`` ({field: [old, new]}) or ``moved`` / ``counts`` ({kind: count})."""
    parts = []
    for key, item in _in_order(model, value):
        field = _field(model, key)
        label = key_label(model, key)
        if _is_pair(key, item):
            parts.append(f"{label}: {_text(item[1], field=field, related=related)}")
        else:
            parts.append(f"{label}: {_text(item, field=field, related=related)}")
    return "; ".join(parts)


def _choices_in_words(model: type[models.Model] | None, value: dict[str, Any], related: _Related) -> str:
    """A list export's filters (``stage=lead``) or a merge's choices (``{field: kept|merged}``): each
    key named as the record's field it stands for, each value by its choice's label."""
    parts = []
    for key, item in sorted(value.items()):
        name = FILTER_FIELDS.get(key, key)
        field = _field(model, name)
        parts.append(f"{key_label(model, name)}: {_text(item, field=field, related=related)}")
    return "; ".join(parts)


def _lines(entry: AuditEntry, related: _Related) -> list[str]:
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    model = _model(entry.object_type)
    lines = []
    for key, value in _in_order(model, changes):
        if entry.action == "token":
            lines.append(_("%(field)s: %(new)s") % {"field": capfirst(_("name")), "new": _text(value[-1])})
            continue
        field = _field(model, key)
        label = key_label(model, key)
        if key == "columns" and isinstance(value, list):
            lines.append(
                f"{label}: {', '.join(key_label(model, FILTER_FIELDS.get(str(column), str(column))) for column in value) or '—'}"
            )
        elif key in ("filters", "chosen") and isinstance(value, dict):
            lines.append(f"{label}: {_choices_in_words(model, value, related) or '—'}")
        elif isinstance(value, dict):
            lines.append(f"{label}: {_nested(model if key == 'filled' else None, value, related) or '—'}")
        elif _is_pair(key, value):
            old, new = value
            if _blank(old) and _blank(new):
                continue  # a blank field of a new record says nothing
            lines.append(
                _change(
                    label,
                    _text(old, field=field, related=related, is_id=key in ID_KEYS),
                    _text(new, field=field, related=related, is_id=key in ID_KEYS),
                    _blank(old),
                    _blank(new),
                )
            )
        else:
            lines.append(f"{label}: {_text(value, field=field, related=related, is_id=key in ID_KEYS)}")
    return lines


def _sentence(entry: AuditEntry) -> str:
    if entry.action == "token" and isinstance(entry.changes, dict):
        for key, token_sentence in TOKEN_SENTENCES.items():
            if key in entry.changes:
                return str(token_sentence)
    sentence = ACTION_SENTENCES.get(entry.action)
    if sentence is None:
        return entry.action
    return str(sentence) % {"type": type_name(entry.object_type)}


def entries_in_words(entries: Iterable[AuditEntry]) -> list[tuple[AuditEntry, EntryWords]]:
    """Each entry with its sentence and lines; the records that changed references point at are read
    in one query per kind of record for the whole page, however many entries there are."""
    entries = list(entries)
    related = _Related()
    for entry in entries:
        model = _model(entry.object_type)
        if isinstance(entry.changes, dict):
            for key, value in entry.changes.items():
                field = _field(model, key)
                if _is_pair(key, value):
                    for item in value:
                        related.want(field, item)
    related.load()
    return [(entry, EntryWords(sentence=_sentence(entry), lines=_lines(entry, related))) for entry in entries]


#: The kinds of record the audit log holds entries about (what the "object" filter offers).
AUDITED_TYPES = (
    "customers.customer",
    "customers.contactperson",
    "customers.duplicatesuspicion",
    "sales.product",
    "sales.productcategory",
    "sales.holding",
    "imports.importjob",
    "interactions.interaction",
    "accounts.user",
    "accounts.apitoken",
    "accounts.webhooksecret",
    "activities.activity",
    "activities.calllist",
    "activities.calendarfeed",
    "interactions.chatsession",
)
