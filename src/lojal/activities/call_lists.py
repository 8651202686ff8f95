"""Call lists: writes (create from ids or from the customer list's filters, add customers, record how a
call went, close) and reads (the lists with their progress, the entries, the next customer to call).

The customer list's bulk action "add to call list" and the workspace's worker page call these; other
apps reach them through the ``lojal.** -> lojal.activities.call_lists`` exception of the contract."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts.selectors import staff_get
from lojal.activities.models import CallList, CallListEntry
from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.customers import selectors as customer_selectors

#: The choices of a list's and an entry's status, for callers that may not import the models.
ListStatus = CallList.Status
EntryStatus = CallListEntry.Status
#: The most customers one call list holds: a list is worked by hand, one customer at a time.
ENTRIES_MAX = 10_000
NAME_MAX = 200
SCRIPT_MAX = 20_000
OUTCOME_MAX = 500
#: How an entry may end; ``to_call`` is where it starts.
OUTCOMES = (CallListEntry.Status.REACHED, CallListEntry.Status.NOT_REACHED, CallListEntry.Status.SKIPPED)
_BATCH = 1_000


@dataclass(frozen=True)
class Progress:
    """How far a call list has come: customers called (reached or not), reached, not reached, skipped
    and still to call."""

    total: int
    reached: int
    not_reached: int
    skipped: int
    to_call: int

    @property
    def called(self) -> int:
        return self.reached + self.not_reached

    @property
    def done(self) -> int:
        return self.total - self.to_call

    @property
    def percent(self) -> int:
        """Whole per cent of entries dealt with (called or skipped), rounded down."""
        return self.done * 100 // self.total if self.total else 0


_PROGRESS = {
    "total": Count("entries"),
    "reached": Count("entries", filter=Q(entries__status=CallListEntry.Status.REACHED)),
    "not_reached": Count("entries", filter=Q(entries__status=CallListEntry.Status.NOT_REACHED)),
    "skipped": Count("entries", filter=Q(entries__status=CallListEntry.Status.SKIPPED)),
    "to_call": Count("entries", filter=Q(entries__status=CallListEntry.Status.TO_CALL)),
}


def progress_of(row: Any) -> Progress:
    """The :class:`Progress` of a call list annotated by :func:`call_lists_with_progress`."""
    return Progress(**{name: getattr(row, f"progress_{name}") for name in _PROGRESS})


# ---------------------------------------------------------------------------------------------- reads


def call_lists_with_progress(*, owner_id: int | None = None, status: str = "") -> QuerySet[CallList]:
    """Call lists newest first, each annotated with its progress (one aggregate query for all of them;
    read each with :func:`progress_of`)."""
    lists = CallList.objects.select_related("owner")
    if owner_id is not None:
        lists = lists.filter(owner_id=owner_id)
    if status:
        lists = lists.filter(status=status)
    return lists.annotate(**{f"progress_{name}": count for name, count in _PROGRESS.items()}).order_by(
        "-created_at", "-id"
    )


def call_list_get(*, call_list_id: int) -> CallList:
    found = CallList.objects.select_related("owner").filter(pk=call_list_id).first()
    if found is None:
        raise NotFound(_("No call list with id %(id)s.") % {"id": call_list_id})
    return found


def call_list_progress(*, call_list_id: int) -> Progress:
    """One call list's progress, counted in one aggregate query."""
    counts = CallListEntry.objects.filter(call_list_id=call_list_id).aggregate(
        total=Count("id"),
        **{
            name: Count("id", filter=Q(status=status))
            for name, status in (
                ("reached", CallListEntry.Status.REACHED),
                ("not_reached", CallListEntry.Status.NOT_REACHED),
                ("skipped", CallListEntry.Status.SKIPPED),
                ("to_call", CallListEntry.Status.TO_CALL),
            )
        },
    )
    return Progress(**counts)


def call_list_entries(*, call_list_id: int, status: str = "") -> QuerySet[CallListEntry]:
    """A call list's entries in list order (the keys of keyset pages), each with its customer."""
    entries = CallListEntry.objects.filter(call_list_id=call_list_id).select_related("customer")
    if status:
        entries = entries.filter(status=status)
    return entries.order_by("position", "id")


def call_list_entry_get(*, call_list_id: int, entry_id: int) -> CallListEntry:
    entry = (
        CallListEntry.objects.select_related("customer", "call_list")
        .filter(pk=entry_id, call_list_id=call_list_id)
        .first()
    )
    if entry is None:
        raise NotFound(
            _("No entry %(entry)s on call list %(list)s.") % {"entry": entry_id, "list": call_list_id}
        )
    return entry


def call_list_next_entry(*, call_list_id: int, after_position: int | None = None) -> CallListEntry | None:
    """The next customer still to call: the first after ``after_position`` in list order, else the first
    of the list (entries skipped over earlier come round again). Served by the (list, status, position)
    index."""
    to_call = call_list_entries(call_list_id=call_list_id, status=CallListEntry.Status.TO_CALL)
    if after_position is not None:
        following = to_call.filter(position__gt=after_position).first()
        if following is not None:
            return following
    return to_call.first()


# --------------------------------------------------------------------------------------------- writes


def _text(value: str | None, field: str, *, max_length: int, required: bool = False) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError.for_field(field, _("This field is required."))
    if len(text) > max_length:
        raise ValidationError.for_field(field, _("At most %(max)d characters.") % {"max": max_length})
    return text


def _too_many(field: str) -> ValidationError:
    return ValidationError.for_field(
        field,
        _("A call list holds at most %(max)s customers; narrow the selection.") % {"max": f"{ENTRIES_MAX:,}"},
    )


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(value) for value in ids))


def _live_in_order(customer_ids: Sequence[int]) -> list[int]:
    """Those of ``customer_ids`` that are live customers, in the order given."""
    live: set[int] = set()
    everyone = customer_selectors.customers_filtered(filters=customer_selectors.CustomerFilters())
    for start in range(0, len(customer_ids), _BATCH):
        chunk = customer_ids[start : start + _BATCH]
        live.update(everyone.filter(pk__in=chunk).values_list("id", flat=True))
    return [customer_id for customer_id in customer_ids if customer_id in live]


def customer_ids_from_query(*, query: Mapping[str, str], user: Any) -> list[int]:
    """The live customers the customer list shows for this query string (its search and filters), in
    its order, at most :data:`ENTRIES_MAX` (more is refused, naming ``query``)."""
    filters = customer_selectors.customer_filters_from_query(query, user=user)
    sort = query.get("sort", "name")
    rows = customer_selectors.customer_list_for_page(
        filters=filters, sort=sort if sort in customer_selectors.SORTS else "name"
    )
    ids = list(rows.values_list("id", flat=True)[: ENTRIES_MAX + 1])
    if len(ids) > ENTRIES_MAX:
        raise _too_many("query")
    return ids


def search_left_out_message(*, query: Mapping[str, str], count: int) -> str:
    """Words for staff when a list made from a search may have left customers out: the search gives
    at most its :data:`SEARCH_PAGE_MAX` best matches (it ranks a bounded set of candidates), so a list
    of that many from a search misses whoever matched beyond them. Empty when nothing was left out."""
    cap = customer_selectors.SEARCH_PAGE_MAX
    if not str(query.get("q", "")).strip() or count < cap:
        return ""
    return _(
        "The search gives at most its %(cap)s best matches, so customers who also match beyond them were "
        "left out; how many is not known. To reach them all, use filters (they have no such limit) or "
        "add a word to the search."
    ) % {"cap": f"{cap:,}"}


def _insert_entries(call_list: CallList, customer_ids: Sequence[int], *, start: int) -> int:
    rows = [
        CallListEntry(call_list=call_list, customer_id=customer_id, position=start + offset)
        for offset, customer_id in enumerate(customer_ids)
    ]
    CallListEntry.objects.bulk_create(rows, batch_size=_BATCH)
    return len(rows)


def _owner_id(owner_id: int | None, actor: Any) -> int | None:
    if owner_id is None:
        return getattr(actor, "pk", None)
    if staff_get(user_id=owner_id, active_only=True) is None:
        raise ValidationError.for_field("owner_id", _("No active member of staff with this id."))
    return owner_id


def call_list_create(
    *,
    actor: Any,
    name: str,
    script: str = "",
    owner_id: int | None = None,
    customer_ids: Sequence[int] | None = None,
    query: Mapping[str, str] | None = None,
) -> CallList:
    """A call list of the given customers (``customer_ids``, in that order) or of those the customer
    list shows for ``query`` (its query string: a search, filters, a sort). Deleted customers are left
    out; more than :data:`ENTRIES_MAX` is refused and nothing is stored."""
    name = _text(name, "name", max_length=NAME_MAX, required=True)
    script = _text(script, "script", max_length=SCRIPT_MAX)
    if (customer_ids is None) == (query is None):
        raise ValidationError.for_field("customer_ids", _("Give either customer ids or a filter query."))
    if customer_ids is not None:
        unique = _unique(customer_ids)
        if len(unique) > ENTRIES_MAX:
            raise _too_many("customer_ids")
        ids = _live_in_order(unique)
        source = _("%(count)s customers picked by hand") % {"count": len(unique)}
    else:
        assert query is not None
        ids = customer_ids_from_query(query=query, user=actor)
        shown = {key: value for key, value in query.items() if value and key not in {"page", "sort"}}
        source = (
            _("Customer list: %(filters)s") % {"filters": ", ".join(f"{k}={v}" for k, v in shown.items())}
            if shown
            else _("Customer list: all customers")
        )
    owner = _owner_id(owner_id, actor)
    with transaction.atomic():
        call_list = CallList.objects.create(
            name=name,
            script=script,
            source=source[:300],
            owner_id=owner,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _insert_entries(call_list, ids, start=1)
        audit_record(
            actor=actor, action="call_list.created", obj=call_list, changes={"customers": [None, len(ids)]}
        )
    return call_list


def _active_locked(call_list_id: int) -> CallList:
    call_list = CallList.objects.select_for_update().filter(pk=call_list_id).first()
    if call_list is None:
        raise NotFound(_("No call list with id %(id)s.") % {"id": call_list_id})
    if call_list.status != CallList.Status.ACTIVE:
        raise Conflict(_("This call list is closed."))
    return call_list


def call_list_add_customers(*, call_list_id: int, customer_ids: Sequence[int], actor: Any) -> int:
    """Add customers to the end of a call list (the customer list's bulk action); customers already on
    it and deleted ones are left out. Returns how many were added; over :data:`ENTRIES_MAX` in all is
    refused and nothing is added."""
    unique = _unique(customer_ids)
    if len(unique) > ENTRIES_MAX:
        raise _too_many("customer_ids")
    with transaction.atomic():
        call_list = _active_locked(call_list_id)
        entries = CallListEntry.objects.filter(call_list_id=call_list.pk)
        present = set(entries.filter(customer_id__in=unique).values_list("customer_id", flat=True))
        new = _live_in_order([customer_id for customer_id in unique if customer_id not in present])
        if not new:
            return 0
        facts = entries.aggregate(count=Count("id"), last=Max("position"))
        if facts["count"] + len(new) > ENTRIES_MAX:
            raise _too_many("customer_ids")
        added = _insert_entries(call_list, new, start=(facts["last"] or 0) + 1)
        audit_record(
            actor=actor,
            action="call_list.added",
            obj=call_list,
            changes={"customers": [None, added]},
        )
    return added


def call_list_entry_record(
    *,
    actor: Any,
    call_list_id: int,
    entry_id: int,
    status: str,
    outcome: str = "",
    interaction_id: int | None = None,
) -> CallListEntry:
    """Record how calling one customer went: reached, not reached or skipped, with a few words, and the
    call logged on the timeline (an interaction id) when there was one."""
    if status not in OUTCOMES:
        raise ValidationError.for_field(
            "status", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(OUTCOMES)}
        )
    outcome = _text(outcome, "outcome", max_length=OUTCOME_MAX)
    with transaction.atomic():
        _active_locked(call_list_id)
        entry = (
            CallListEntry.objects.select_for_update().filter(pk=entry_id, call_list_id=call_list_id).first()
        )
        if entry is None:
            raise NotFound(
                _("No entry %(entry)s on call list %(list)s.") % {"entry": entry_id, "list": call_list_id}
            )
        entry.status = status
        entry.outcome = outcome
        if status != CallListEntry.Status.SKIPPED:
            entry.called_at = timezone.now()
            entry.called_by = actor if getattr(actor, "pk", None) else None
        if interaction_id is not None:
            entry.interaction_id = interaction_id
        entry.save(update_fields=["status", "outcome", "called_at", "called_by", "interaction_id"])
    return entry


def call_list_close(*, actor: Any, call_list_id: int) -> CallList:
    """Close a call list: it leaves the worker's and My day's lists; its entries and outcomes stay."""
    with transaction.atomic():
        call_list = _active_locked(call_list_id)
        call_list.status = CallList.Status.CLOSED
        call_list.save(update_fields=["status"])
        audit_record(actor=actor, action="call_list.closed", obj=call_list)
    return call_list
