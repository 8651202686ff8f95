"""Who works a case: "take next" (the first unassigned case of an agent's queues, in queue order),
the queue's own hand-out (in turn, or to the agent with fewest open cases), and agents' away flag."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.accounts.roles import Action
from lojal.cases import selectors
from lojal.cases.models import OPEN_STATUSES, AgentStatus, Case, Queue
from lojal.cases.services import case_change
from lojal.core.audit import audit_record
from lojal.core.errors import NotFound, PermissionDenied


def queues_of(*, user_id: int) -> list[int]:
    """The active queues an agent works: those of the teams they are in."""
    teams = accounts_selectors.team_ids_of(user_id=user_id)
    return list(Queue.objects.filter(team_id__in=teams, is_active=True).values_list("pk", flat=True))


@transaction.atomic
def case_take_next(*, actor: Any, queue_ids: list[int] | None = None) -> Case | None:
    """Give ``actor`` the first unassigned, not waiting case of their queues (or of ``queue_ids``) in
    queue order, and open it; None when there is none. Two agents taking at once get different cases
    (on PostgreSQL the row is locked and a locked one skipped)."""
    if not actor.can(Action.CASE_WORK):
        raise PermissionDenied(_("Your role does not allow this."))
    queues = queue_ids if queue_ids is not None else queues_of(user_id=actor.pk)
    first = (
        selectors.queue_cases(queue_ids=queues, unassigned_only=True)
        .select_for_update(skip_locked=True, of=("self",))
        .only("pk", "status")
        .first()
    )
    if first is None:
        return None
    changes: dict[str, Any] = {"assignee_id": actor.pk}
    if first.status == Case.Status.NEW:
        changes["status"] = Case.Status.OPEN
    return case_change(actor=actor, case_id=first.pk, changes=changes)


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
