"""Who works a case: "take next" (the first unassigned case of an agent's queues, in queue order),
the queue's own hand-out (in turn, or to the agent with fewest open cases), and agents' away flag.

Take next is the service desk's hottest write, so it has its own assign path instead of
:func:`lojal.cases.services.case_change`'s generic one: the candidate is read whole with its lock,
the case is updated once, and its history (the :class:`~lojal.cases.models.CaseChange` rows, the
timeline event built by :func:`lojal.timeline.events.case_event`, the audit entry) goes in with one
more statement; no savepoint, no second read of the case, no look-up of the agent. It records exactly
what ``case_change`` records for the same change (tests compare the two row by row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import Count, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.accounts.roles import Action
from lojal.cases import selectors
from lojal.cases.models import OPEN_STATUSES, AgentStatus, Case, CaseChange, CaseTag, Queue
from lojal.cases.services import case_change
from lojal.cases.sla import case_clocks_refresh
from lojal.core.audit import AuditRow, audit_insert, audit_record, jsonable
from lojal.core.bulk import Insert, bulk_insert_many
from lojal.core.errors import NotFound, PermissionDenied
from lojal.timeline import events
from lojal.timeline.services import events_insert

#: The columns of the :class:`CaseChange` rows take next writes, in the order :func:`_taken` gives them.
CHANGE_COLUMNS = ("case_id", "field", "old", "new", "actor_id", "at")


def queues_of(*, user_id: int) -> list[int]:
    """The active queues an agent works: those of the teams they are in."""
    teams = accounts_selectors.team_ids_of(user_id=user_id)
    return list(Queue.objects.filter(team_id__in=teams, is_active=True).values_list("pk", flat=True))


def case_take_next(*, actor: Any, queue_ids: list[int] | None = None) -> Case | None:
    """Give ``actor`` the first unassigned, not waiting case of their active queues (or of the active
    ones of ``queue_ids``) in queue order, and open it; None when there is none. Two agents taking at
    once get different cases (on PostgreSQL the row is locked and a locked one skipped). Runs in the
    caller's transaction when there is one, without a savepoint. On PostgreSQL the case comes with its
    tags in name order as ``tag_names``."""
    if not actor.can(Action.CASE_WORK):
        raise PermissionDenied(_("Your role does not allow this."))
    queues = queue_ids if queue_ids is not None else queues_of(user_id=actor.pk)
    candidates = selectors.queue_cases(queue_ids=queues, unassigned_only=True)
    if queue_ids is not None:
        candidates = candidates.filter(queue__is_active=True)
    if connection.vendor == "postgresql":
        # The answer shows the case's tags: read with the row, not in one more round trip afterwards.
        names = CaseTag.objects.filter(case_id=OuterRef("id")).order_by("name").values("name")
        candidates = candidates.annotate(tag_names=ArraySubquery(names))
    with transaction.atomic(savepoint=False):
        # The whole row with its lock: what the clocks read and the answer shows, in one statement.
        first = candidates.select_for_update(skip_locked=True, of=("self",)).first()
        if first is None:
            return None
        return _taken(first, actor=actor, now=timezone.now())


def _taken(case: Case, *, actor: Any, now: dt.datetime) -> Case:
    """Assign the locked, unassigned ``case`` to ``actor`` and open it, recording it as
    :func:`lojal.cases.services.case_change` records ``{"assignee_id": actor, "status": "open"}``.
    A candidate is new or open (waiting ones are not taken), so the only status change is new to
    open, which stamps none of the case's dates."""
    diffs: dict[str, tuple[Any, Any]] = {"assignee_id": (case.assignee_id, actor.pk)}
    if case.status == Case.Status.NEW:
        diffs["status"] = (case.status, Case.Status.OPEN.value)
    for field, (_old, new) in diffs.items():
        setattr(case, field, new)
    refreshed = case_clocks_refresh(case, at=now, actor=actor)
    case.save(update_fields=["assignee", "status", *refreshed, "updated_at"])
    inserts: list[Insert] = [
        (
            CaseChange,
            CHANGE_COLUMNS,
            [
                (
                    case.pk,
                    field,
                    "" if old is None else str(old),
                    "" if new is None else str(new),
                    actor.pk,
                    now,
                )
                for field, (old, new) in diffs.items()
            ],
        )
    ]
    if case.customer_id is not None:
        facts = events.CaseFacts(
            case_id=case.pk, number=case.number, subject=case.subject, status=case.status
        )
        draft = events.case_event(
            customer_id=case.customer_id,
            kind="case.changed",
            case=facts,
            changes={field: list(pair) for field, pair in diffs.items()},
            occurred_at=now,
            actor_id=events.actor_id_of(actor),
        )
        inserts.append(events_insert([draft]))
    inserts.append(audit_insert([AuditRow(now, actor.pk, "case.changed", case, jsonable(diffs))]))
    bulk_insert_many(inserts)
    return case


def _present_members(queue: Queue) -> list[int]:
    if queue.team_id is None:
        return []
    members = accounts_selectors.team_member_ids(team_id=queue.team_id)
    away = set(
        AgentStatus.objects.filter(user_id__in=members, out_of_office=True).values_list("user_id", flat=True)
    )
    active = {user.pk for user in accounts_selectors.staff_list(active_only=True).filter(pk__in=members)}
    return sorted(user_id for user_id in members if user_id in active and user_id not in away)


@transaction.atomic
def case_auto_assign(*, case_id: int) -> int | None:
    """Hand an unassigned case out as its queue says: in turn among the team's agents who are in, or
    to the one of them with fewest open cases (ties: the lowest id). Returns the agent's id, or None
    when the queue hands out nothing (manual) or no agent is in."""
    case = Case.objects.select_related("queue").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No case with id %(id)s.") % {"id": case_id})
    queue = case.queue
    if queue is None or case.assignee_id is not None or queue.assignment == Queue.Assignment.MANUAL:
        return None
    queue = Queue.objects.select_for_update().get(pk=queue.pk)
    agents = _present_members(queue)
    if not agents:
        return None
    if queue.assignment == Queue.Assignment.ROUND_ROBIN:
        after = [
            agent for agent in agents if queue.last_assigned_id is not None and agent > queue.last_assigned_id
        ]
        chosen = (after or agents)[0]
    else:
        load = dict(
            Case.objects.filter(assignee_id__in=agents, status__in=OPEN_STATUSES)
            .values("assignee_id")
            .annotate(n=Count("pk"))
            .values_list("assignee_id", "n")
        )
        chosen = min(agents, key=lambda agent: (load.get(agent, 0), agent))
    queue.last_assigned_id = chosen
    queue.save(update_fields=["last_assigned"])
    case_change(actor=None, case_id=case.pk, changes={"assignee_id": chosen})
    return chosen


def agent_away_set(*, actor: Any, user_id: int, away: bool) -> AgentStatus:
    """Mark an agent out of office (no cases handed out to them) or back in. Agents set their own;
    managers anyone's."""
    if actor.pk != user_id and not actor.can(Action.SERVICE_CONFIGURE):
        raise PermissionDenied(_("Only managers may set another agent's status."))
    status, _created = AgentStatus.objects.update_or_create(user_id=user_id, defaults={"out_of_office": away})
    audit_record(actor=actor, action="agent.away" if away else "agent.back", obj=status, label=str(user_id))
    return status
