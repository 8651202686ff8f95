"""What the service desk's pages write beyond the core: a reply with a macro, internal notes that
notify the staff they @mention, who is looking at a case (the collision warning), a follow-up from a
case, and bulk changes from the queue view."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.activities import services as activity_services
from lojal.cases.macros import macro_apply, macro_get
from lojal.cases.merging import case_merge
from lojal.cases.models import Case, CaseNote, CasePresence
from lojal.cases.replies import case_reply
from lojal.cases.services import _may_work, case_change, case_note_add, case_tags_set
from lojal.core.errors import NotFound, ValidationError

#: An @mention: a staff member's user name after "@" (not inside an email address).
MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9_][A-Za-z0-9_.\-]*)")
#: A presence older than this is gone (the page polls every 10 seconds).
PRESENCE_SECONDS = 30
#: The most cases one bulk action changes: a larger selection is a filter, not a click.
BULK_MAX = 500
BULK_ACTIONS = ("assign", "status", "tag", "merge")


def case_url(case_id: int) -> str:
    return reverse("cases:case", args=[case_id])


@transaction.atomic
def case_answer(
    *,
    actor: Any,
    case_id: int,
    text: str,
    channel: str = "email",
    to: str = "",
    status: str | None = None,
    minutes: int | None = None,
    macro_id: int | None = None,
) -> int:
    """A public reply (:func:`~lojal.cases.replies.case_reply`), with the chosen macro's field changes
    applied as it goes out: its status unless the agent chose one, its priority, category and tags.
    All or nothing: a refused reply changes no field."""
    macro = macro_get(macro_id=macro_id) if macro_id is not None else None
    if status and status not in Case.Status.values:
        raise ValidationError.for_field("status", _("Not a case status."))
    chosen = status or (macro.status if macro is not None else "") or None
    interaction_id = case_reply(
        actor=actor, case_id=case_id, text=text, channel=channel, to=to, status=chosen, minutes=minutes
    )
    if macro is not None:
        macro_apply(actor=actor, case_id=case_id, macro=macro, skip_status=True)
    return interaction_id


def mentioned_staff(*, body: str) -> list[int]:
    """The active staff a note @mentions by user name (any case), in the order first mentioned."""
    names = [name.rstrip(".-").lower() for name in MENTION.findall(body)]
    if not names:
        return []
    found = dict(
        accounts_selectors.staff_list(active_only=True)
        .annotate(lower_name=Lower("username"))
        .filter(lower_name__in=set(names))
        .values_list("lower_name", "pk")
    )
    return list(dict.fromkeys(found[name] for name in names if name in found))


@transaction.atomic
def case_note_post(*, actor: Any, case_id: int, body: str) -> CaseNote:
    """An internal note; the staff it @mentions (other than the writer) get a line under their bell
    leading to the case."""
    note = case_note_add(actor=actor, case_id=case_id, body=body)
    mentioned = [
        user_id for user_id in mentioned_staff(body=note.body) if user_id != getattr(actor, "pk", None)
    ]
    if mentioned:
        note.mentioned = mentioned
        note.save(update_fields=["mentioned"])
        case = Case.objects.only("number", "subject").get(pk=case_id)
        activity_services.notification_notify(
            recipient_ids=mentioned,
            kind="case_mention",
            data={
                "number": case.number,
                "subject": case.subject,
                "by": actor.display_name if actor is not None else "",
                "url": case_url(case_id),
            },
        )
    return note


@dataclass(frozen=True)
class Presence:
    name: str
    is_replying: bool


def presence_touch(*, user: Any, case_id: int, replying: bool = False) -> None:
    """``user`` has the case open now (and is writing a reply, or not)."""
    # One statement, PostgreSQL's and SQLite's upsert alike: every case page load and every poll writes
    # this row, and update_or_create (or bulk_create, which opens a transaction) costs three to six round
    # trips to the database. The text is constant; only the values are parameters.
    seen_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_PRESENCE_UPSERT, [case_id, user.pk, replying, seen_at])


_PRESENCE_UPSERT = (
    "INSERT INTO cases_casepresence (case_id, user_id, is_replying, seen_at) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (case_id, user_id) DO UPDATE SET is_replying = excluded.is_replying, seen_at = excluded.seen_at"
)


def presence_others(*, case_id: int, user_id: int, now: dt.datetime | None = None) -> list[Presence]:
    """The other staff who have had the case open in the last :data:`PRESENCE_SECONDS`, those writing
    a reply first."""
    since = (now or timezone.now()) - dt.timedelta(seconds=PRESENCE_SECONDS)
    rows = (
        CasePresence.objects.filter(case_id=case_id, seen_at__gte=since)
        .exclude(user_id=user_id)
        .select_related("user")
        .only("is_replying", "user__username", "user__first_name", "user__last_name")
        .order_by("-is_replying", "user__first_name", "user_id")
    )
    return [Presence(name=row.user.display_name, is_replying=row.is_replying) for row in rows]


def case_follow_up(
    *,
    actor: Any,
    case_id: int,
    subject: str,
    due_date: dt.date | None,
    notes: str = "",
    owner_id: int | None = None,
) -> Any:
    """A follow-up (activity) for the case's customer, from the case: origin ``app``, reference
    ``cases.case:<id>`` so it leads back here."""
    _may_work(actor)
    case = Case.objects.filter(pk=case_id).only("pk", "customer_id").first()
    if case is None:
        raise NotFound(_("No case with id %(id)s.") % {"id": case_id})
    return activity_services.activity_create(
        actor=actor,
        subject=subject,
        due_date=due_date,
        notes=notes,
        customer_id=case.customer_id,
        owner_id=owner_id,
        origin="app",
        origin_reference=f"cases.case:{case.pk}",
    )


@transaction.atomic
def cases_bulk_change(
    *,
    actor: Any,
    case_ids: Iterable[int],
    action: str,
    assignee_id: int | None = None,
    status: str = "",
    tag: str = "",
    into_number: str = "",
    tell_customers: bool = False,
) -> int:
    """One change to many cases from the queue view: assign them (or unassign: ``assignee_id`` None),
    set their status, add a tag, or merge them into the case numbered ``into_number``
    (:func:`~lojal.cases.merging.case_merge`; the customers told only with ``tell_customers``). All
    or nothing: one refused case changes none. Returns how many changed."""
    _may_work(actor)
    ids = list(dict.fromkeys(case_ids))
    if action not in BULK_ACTIONS:
        raise ValidationError.for_field("action", _("Choose what to do with the cases."))
    if not ids:
        raise ValidationError.for_field("ids", _("Choose at least one case."))
    if len(ids) > BULK_MAX:
        raise ValidationError.for_field("ids", _("At most %(max)d cases at once.") % {"max": BULK_MAX})
    found = set(Case.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if len(found) != len(ids):
        raise ValidationError.for_field("ids", _("Some of the chosen cases do not exist."))
    if action == "status" and status not in Case.Status.values:
        raise ValidationError.for_field("status", _("Not a case status."))
    into_id = None
    if action == "merge":
        number = into_number.strip().lstrip("#")
        into_id = Case.objects.filter(number=number).values_list("pk", flat=True).first() if number else None
        if into_id is None:
            raise ValidationError.for_field("into", _("No case with this number to merge into."))
        ids = [case_id for case_id in ids if case_id != into_id]
        if not ids:
            raise ValidationError.for_field("ids", _("Choose cases other than the one to merge into."))
    for case_id in ids:
        if action == "assign":
            case_change(actor=actor, case_id=case_id, changes={"assignee_id": assignee_id})
        elif action == "status":
            case_change(actor=actor, case_id=case_id, changes={"status": status})
        elif action == "merge" and into_id is not None:
            case_merge(actor=actor, case_id=case_id, into_case_id=into_id, tell_customers=tell_customers)
        elif action == "tag":
            current = list(Case.objects.get(pk=case_id).tags.values_list("name", flat=True))
            case_tags_set(actor=actor, case_id=case_id, tags=[*current, tag])
    return len(ids)
