"""One typed builder per event kind: the only code that decides an event's kind, data, stored summary
and actor. Single writes (``event_record``) and bulk writes take the same unsaved :class:`EventDraft`
from these builders, or, for an import's transactions and a batch of stage changes, the same rows as a
frame from their set-based forms, so an event reads the same whichever path wrote it.

The stored summary is only a fallback and what the timeline search looks in; pages and the API render
the summary from kind and data at read time, in the reader's language (:mod:`lojal.timeline.rendering`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal, Inexact
from typing import Any

import polars as pl
from django.utils import timezone, translation

from lojal.core.phrases import Phrase
from lojal.timeline.models import Event
from lojal.timeline.rendering import event_summaries, event_summary

SUMMARY_MAX_LENGTH = 300
SNIPPET_LENGTH = 400
#: Columns of a draft's row, in the order :meth:`EventDraft.row` gives them.
EVENT_COLUMNS = ("customer_id", "occurred_at", "kind", "summary", "body", "data", "actor_id")
_CENT = Decimal("0.01")
_EXACT = Context(traps=[Inexact])
_INTERACTION_KINDS = frozenset(kind for kind in Event.Kind.values if kind.startswith("interaction."))


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An event not yet written: what one row of the timeline will hold."""

    customer_id: int
    kind: str
    occurred_at: dt.datetime
    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    actor_id: int | None = None

    def row(self) -> tuple[Any, ...]:
        """The values of :data:`EVENT_COLUMNS`, for a bulk insert."""
        return (
            self.customer_id,
            self.occurred_at,
            self.kind,
            self.summary,
            self.body,
            self.data,
            self.actor_id,
        )


@dataclass(frozen=True, slots=True)
class TransactionFacts:
    """What the timeline says about a transaction, however it was recorded (API, form or import)."""

    kind: str
    amount: Decimal
    currency: str
    product: str = ""
    transaction_id: int | None = None


@dataclass(frozen=True, slots=True)
class HoldingFacts:
    holding_id: int
    name: str
    status: str


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    """A follow-up as its timeline entry shows it once done: its kind ("call", "meeting", "todo",
    "email"), the subject and outcome staff wrote."""

    activity_id: int
    kind: str
    subject: str
    outcome: str = ""


@dataclass(frozen=True, slots=True)
class InteractionFacts:
    """An interaction as its timeline entry shows it; ``text`` is what was written, without the quoted
    history of an email thread."""

    interaction_id: int
    channel: str
    channel_label: str
    direction: str
    subject: str
    sender: str
    outcome: str
    duration_seconds: int | None
    flags: Sequence[str]
    text: str
    #: When Lojal wrote the subject: its phrase (``code``, ``params``), said in the reader's language.
    subject_phrase: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """A service case as its timeline entries show it."""

    case_id: int
    number: str
    subject: str
    status: str


def actor_id_of(actor: Any) -> int | None:
    """The id of a staff user, or None for the system, an anonymous visitor or no one."""
    pk = getattr(actor, "pk", None)
    return pk if isinstance(pk, int) else None


def _draft(
    *,
    customer_id: int,
    kind: str,
    data: dict[str, Any],
    occurred_at: dt.datetime | None,
    actor_id: int | None,
    summary: str | None = None,
    body: str = "",
) -> EventDraft:
    if summary is None:
        summary = event_summary(kind=kind, data=data, summary="")
    return EventDraft(
        customer_id=customer_id,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        summary=summary[:SUMMARY_MAX_LENGTH],
        data=data,
        body=body,
        actor_id=actor_id,
    )


def customer_created(
    *,
    customer_id: int,
    name: str,
    stage: str,
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.CUSTOMER_CREATED.value,
        data={"name": name, "stage": stage},
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


#: The columns of a frame of new customers, for :func:`customers_created`.
CUSTOMERS_CREATED: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "name": pl.String(),
    "stage": pl.String(),
}
_NAME_MARK = "\x00"  # never in a stored name: the input rules refuse NUL characters


def customers_created(
    created: pl.DataFrame, *, occurred_at: dt.datetime | None = None, actor_id: int | None = None
) -> pl.DataFrame:
    """:func:`customer_created` for many new customers (columns as :data:`CUSTOMERS_CREATED`): a frame
    of :data:`EVENT_COLUMNS` whose rows are the drafts' rows, with ``data`` as its JSON text, in the
    active language. A summary differs from another only by the name and the stage, so the scalar
    builder shapes one summary per distinct stage (a handful) around a mark, and each customer's name
    takes the mark's place by column, without a Python call per customer."""
    moment = occurred_at or timezone.now()
    before: dict[str, str | None] = {}
    after: dict[str, str | None] = {}
    for stage in created["stage"].unique().to_list():
        text = event_summary(
            kind=Event.Kind.CUSTOMER_CREATED.value, data={"name": _NAME_MARK, "stage": stage}, summary=""
        )
        if text.count(_NAME_MARK) != 1:  # a translation without the name, or with it twice
            before[stage], after[stage] = None, None
            continue
        before[stage], after[stage] = text.split(_NAME_MARK)
    stage = pl.col("stage")
    spliced = pl.concat_str(
        [
            stage.replace_strict(before, return_dtype=pl.String),
            pl.col("name"),
            stage.replace_strict(after, return_dtype=pl.String),
        ]
    )
    language = translation.get_language()

    def scalar(values: dict[str, Any]) -> str:
        with translation.override(language):
            return event_summary(kind=Event.Kind.CUSTOMER_CREATED.value, data=values, summary="")

    summary = spliced
    if any(part is None for part in before.values()):
        summary = pl.coalesce(
            spliced, pl.struct("name", "stage").map_elements(scalar, return_dtype=pl.String)
        )
    return created.select(
        pl.col("customer_id").cast(pl.Int64),
        pl.lit(moment.astimezone(dt.UTC), dtype=pl.Datetime("us", "UTC")).alias("occurred_at"),
        pl.lit(Event.Kind.CUSTOMER_CREATED.value).alias("kind"),
        summary.str.slice(0, SUMMARY_MAX_LENGTH).alias("summary"),
        pl.lit("").alias("body"),
        pl.struct("name", "stage").struct.json_encode().alias("data"),
        pl.lit(actor_id, dtype=pl.Int64).alias("actor_id"),
    )


def customer_changed(
    *,
    customer_id: int,
    fields: Sequence[str],
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    """Details of the customer changed; ``fields`` are the service's field names, in change order."""
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.CUSTOMER_CHANGED.value,
        data={"fields": list(fields)},
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


def contact_person_added(
    *,
    customer_id: int,
    name: str,
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.CUSTOMER_CHANGED.value,
        data={"contact_added": name},
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


def contact_person_removed(
    *,
    customer_id: int,
    name: str,
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.CUSTOMER_CHANGED.value,
        data={"contact_removed": name},
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


def stage_changed(
    *,
    customer_id: int,
    old_stage: str,
    new_stage: str,
    reason: str | Phrase = "",
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    """A stage change; ``reason`` is what staff typed, or a :class:`Phrase` when Lojal moved the
    customer (stored as its code, said in the reader's language when shown)."""
    data: dict[str, Any] = {"from": old_stage, "to": new_stage}
    if isinstance(reason, Phrase):
        data.update(reason=reason.english, reason_code=reason.code, reason_params=dict(reason.params))
    else:
        data["reason"] = reason
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.STAGE_CHANGED.value,
        data=data,
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


#: The columns of a frame of stage changes, for :func:`stages_changed`: a customer, the stage it leaves.
STAGE_CHANGES: dict[str, pl.DataType] = {"customer_id": pl.Int64(), "old_stage": pl.String()}


def stages_changed(
    changes: pl.DataFrame,
    *,
    new_stage: str,
    reason: str | Phrase = "",
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> pl.DataFrame:
    """:func:`stage_changed` for many customers moved to one stage for one reason (columns as
    :data:`STAGE_CHANGES`): a frame of :data:`EVENT_COLUMNS` whose rows are the drafts' rows, with
    ``data`` as its JSON text, in the active language. An event differs from another only by its
    customer and the stage left, so the scalar builder shapes one draft per distinct stage left (a
    handful) and the customers take theirs by column, without a Python call per customer."""
    moment = occurred_at or timezone.now()
    summaries, data = {}, {}
    for old in changes["old_stage"].unique().to_list():
        draft = stage_changed(
            customer_id=0, old_stage=old, new_stage=new_stage, reason=reason, occurred_at=moment
        )
        summaries[old], data[old] = draft.summary, json.dumps(draft.data, ensure_ascii=False)
    old_stage = pl.col("old_stage")
    return changes.select(
        pl.col("customer_id").cast(pl.Int64),
        pl.lit(moment.astimezone(dt.UTC), dtype=pl.Datetime("us", "UTC")).alias("occurred_at"),
        pl.lit(Event.Kind.STAGE_CHANGED.value).alias("kind"),
        old_stage.replace_strict(summaries, return_dtype=pl.String).alias("summary"),
        pl.lit("").alias("body"),
        old_stage.replace_strict(data, return_dtype=pl.String).alias("data"),
        pl.lit(actor_id, dtype=pl.Int64).alias("actor_id"),
    )


def customer_merged(
    *,
    customer_id: int,
    merged_customer_id: int,
    merged_name: str,
    merged_customer_number: int,
    filled: Iterable[str],
    chosen: Mapping[str, str] | None = None,
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    """``customer_id`` kept; the duplicate's details are kept in the data, as its row is gone from lists.
    ``filled``: the fields the duplicate filled in (a mapping's keys will do); ``chosen``: for each field
    the two differed on, whose value was kept ("kept" or "merged"), as chosen on the merge screen or
    by the default rule."""
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.CUSTOMER_MERGED.value,
        data={
            "merged_name": merged_name,
            "merged_customer_id": merged_customer_id,
            "merged_customer_number": merged_customer_number,
            "filled": sorted(filled),
            **({"chosen": dict(sorted(chosen.items()))} if chosen else {}),
        },
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


def customer_deleted(
    *, customer_id: int, occurred_at: dt.datetime | None = None, actor_id: int | None = None
) -> EventDraft:
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.CUSTOMER_DELETED.value,
        data={},
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


def customer_erased(
    *, customer_id: int, occurred_at: dt.datetime | None = None, actor_id: int | None = None
) -> EventDraft:
    """The person's data was erased (the reason is in the customer record and the audit log, not here:
    a reason can name the person)."""
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.CUSTOMER_ERASED.value,
        data={},
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


def note_added(
    *,
    customer_id: int,
    text: str,
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    """A staff note: written in one language by a person, so its first line is its summary as is."""
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.NOTE_ADDED.value,
        data={},
        summary=(text.splitlines() or [""])[0],
        body=text,
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


def interaction_recorded(
    *,
    customer_id: int,
    interaction: InteractionFacts,
    occurred_at: dt.datetime,
    actor_id: int | None = None,
) -> EventDraft:
    """An email, call, chat, form, SMS, meeting, letter or portal message; its subject (or first line)
    is the summary, in the words the customer or staff wrote."""
    kind = f"interaction.{interaction.channel}"
    if kind not in _INTERACTION_KINDS:
        raise ValueError(f"No timeline event kind for the channel {interaction.channel!r}")
    first_line = (interaction.text.strip().splitlines() or [""])[0]
    return _draft(
        customer_id=customer_id,
        kind=kind,
        data={
            "interaction_id": interaction.interaction_id,
            "channel": interaction.channel,
            "direction": interaction.direction,
            "subject": interaction.subject,
            "sender": interaction.sender,
            "outcome": interaction.outcome,
            "duration_seconds": interaction.duration_seconds,
            "flags": list(interaction.flags),
            **(
                {
                    "subject_code": interaction.subject_phrase.get("code"),
                    "subject_params": interaction.subject_phrase.get("params") or {},
                }
                if isinstance(interaction.subject_phrase, dict)
                else {}
            ),
        },
        summary=interaction.subject or first_line or interaction.channel_label,
        body=interaction.text[:SNIPPET_LENGTH],
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


def _cents(amount: Decimal) -> str:
    """The amount with two decimals as stored ("199" and "199.00" are the same transaction); one with
    more decimals is an error, not something to round quietly."""
    try:
        return str(Decimal(amount).quantize(_CENT, context=_EXACT))
    except Inexact:
        raise ValueError(f"The amount {amount} has more than two decimals") from None


def transaction_recorded(
    *,
    customer_id: int,
    transaction: TransactionFacts,
    occurred_at: dt.datetime,
    actor_id: int | None = None,
) -> EventDraft:
    data: dict[str, Any] = {
        "kind": transaction.kind,
        "amount": _cents(transaction.amount),
        "currency": transaction.currency,
    }
    if transaction.product:
        data["product"] = transaction.product
    if transaction.transaction_id is not None:
        data["transaction_id"] = transaction.transaction_id
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.TRANSACTION_RECORDED.value,
        data=data,
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


#: The columns of a frame of transaction facts, for :func:`transactions_recorded`; ``product`` is ""
#: for none and ``transaction_id`` may be null.
TRANSACTION_FACTS: dict[str, pl.DataType] = {
    "transaction_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "occurred_at": pl.Datetime("us", "UTC"),
    "kind": pl.String(),
    "amount": pl.Decimal(16, 2),
    "currency": pl.String(),
    "product": pl.String(),
}


def _json_texts(column: pl.Series) -> pl.Expr:
    """Each text of the column as a JSON string, written as the bulk writes write JSON (not escaped
    to ASCII); encoded once per distinct text, of which a batch has few (kinds, currencies, products)."""
    distinct = column.unique().drop_nulls().to_list()
    return pl.col(column.name).replace_strict(
        {text: json.dumps(text, ensure_ascii=False) for text in distinct}, return_dtype=pl.String
    )


def transactions_recorded(facts: pl.DataFrame, *, actor_id: int | None = None) -> pl.DataFrame:
    """:func:`transaction_recorded` for a frame of many transactions (columns as
    :data:`TRANSACTION_FACTS`) at once: a frame of :data:`EVENT_COLUMNS` whose rows are the drafts'
    rows, with ``data`` as its JSON text, in the active language, without a Python call per row.
    An amount with more than two decimals is an error, as in the scalar builder."""
    amount = facts["amount"]
    if not isinstance(amount.dtype, pl.Decimal):
        raise TypeError(f"The amounts must be decimals, not {amount.dtype}")
    cents = amount.cast(pl.Decimal(38, 2))
    if (cents != amount).any():
        raise ValueError(f"The amount {amount.filter(cents != amount)[0]} has more than two decimals")
    frame = facts.with_columns(amount=cents.cast(pl.String), product=pl.col("product").fill_null(""))
    product = pl.col("product")
    data = pl.concat_str(
        [
            pl.lit('{"kind": '),
            _json_texts(frame["kind"]),
            pl.lit(', "amount": "'),
            pl.col("amount"),
            pl.lit('", "currency": '),
            _json_texts(frame["currency"]),
            pl.when(product != "")
            .then(pl.concat_str([pl.lit(', "product": '), _json_texts(frame["product"])]))
            .otherwise(pl.lit("")),
            pl.when(pl.col("transaction_id").is_not_null())
            .then(pl.concat_str([pl.lit(', "transaction_id": '), pl.col("transaction_id").cast(pl.String)]))
            .otherwise(pl.lit("")),
            pl.lit("}"),
        ]
    )
    kind = Event.Kind.TRANSACTION_RECORDED.value
    columns = {name: pl.col(name) for name in ("kind", "amount", "currency", "product")}
    summary = event_summaries(kind=kind, data=columns)
    if summary is None:
        # No renderer says these summaries as columns: the scalar one, row by row, says them exactly,
        # in this thread's language (polars may call it from a thread of its own).
        language = translation.get_language()

        def scalar(values: dict[str, Any]) -> str:
            with translation.override(language):
                return event_summary(kind=kind, data=_summary_data(values), summary="")

        summary = pl.struct(*columns).map_elements(scalar, return_dtype=pl.String)
    return frame.select(
        pl.col("customer_id").cast(pl.Int64),
        pl.col("occurred_at"),
        pl.lit(kind).alias("kind"),
        summary.str.slice(0, SUMMARY_MAX_LENGTH).alias("summary"),
        pl.lit("").alias("body"),
        data.alias("data"),
        pl.lit(actor_id, dtype=pl.Int64).alias("actor_id"),
    )


def _summary_data(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key != "product" or value}


def holding_opened(
    *,
    customer_id: int,
    holding: HoldingFacts,
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    """Dated the day the holding opened (``on_date``: the time of day is not known)."""
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.HOLDING_OPENED.value,
        data={
            "name": holding.name,
            "status": holding.status,
            "holding_id": holding.holding_id,
            "on_date": True,
        },
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


def holding_changed(
    *,
    customer_id: int,
    holding: HoldingFacts,
    fields: Sequence[str],
    on_date: bool,
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    """``on_date``: dated by the day it ended rather than the moment it was recorded."""
    data: dict[str, Any] = {
        "name": holding.name,
        "status": holding.status,
        "holding_id": holding.holding_id,
        "fields": list(fields),
    }
    if on_date:
        data["on_date"] = True
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.HOLDING_CHANGED.value,
        data=data,
        occurred_at=occurred_at,
        actor_id=actor_id,
    )


def activity_done(
    *,
    customer_id: int,
    activity: ActivityFacts,
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    """A follow-up (call, meeting, to-do, email to write) was done; its summary ("Call made: ...") is
    rendered when read, by the renderer the activities app registers for ``activity.``."""
    data: dict[str, Any] = {
        "activity_id": activity.activity_id,
        "activity_kind": activity.kind,
        "subject": activity.subject,
    }
    if activity.outcome:
        data["activity_outcome"] = activity.outcome
    return _draft(
        customer_id=customer_id,
        kind=Event.Kind.ACTIVITY_DONE.value,
        data=data,
        occurred_at=occurred_at,
        actor_id=actor_id,
        body=activity.outcome,
    )


_CASE_KINDS = frozenset(
    {Event.Kind.CASE_OPENED.value, Event.Kind.CASE_CHANGED.value, Event.Kind.CASE_MERGED.value}
)


def case_event(
    *,
    customer_id: int,
    kind: str,
    case: CaseFacts,
    changes: dict[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
    actor_id: int | None = None,
) -> EventDraft:
    """A case was opened, changed (``changes``: field -> [old, new]) or merged into another; the
    summary ("Case #24-001234 solved: ...") is rendered when read, by the renderer the cases app
    registers for ``case.``."""
    if kind not in _CASE_KINDS:
        raise ValueError(f"not a case event: {kind}")
    data: dict[str, Any] = {
        "case_id": case.case_id,
        "number": case.number,
        "subject": case.subject,
        "status": case.status,
    }
    if changes:
        data["changes"] = changes
    return _draft(customer_id=customer_id, kind=kind, data=data, occurred_at=occurred_at, actor_id=actor_id)
