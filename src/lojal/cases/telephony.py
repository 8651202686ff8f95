"""The caller look-up for the telephone system (ACD/IVR): who is calling, how VIP, which priority to
queue the call with, who their account manager is (direct routing) and which of their cases are open.

Two indexed queries whatever the data: the customers with the number (with their account manager),
then their open cases (with the queue). See docs/cases.md, "VIP first on the phone too"."""

from __future__ import annotations

from dataclasses import dataclass, field

from lojal.cases.models import OPEN_STATUSES, VIP_RANK, Case
from lojal.core.contact_points import phone_candidates, phone_display
from lojal.customers import selectors as customers_selectors

#: The priority the phone system queues a call with (higher first): platinum highest, a known
#: customer without a tier above an unknown number. Steps of ten leave room for the ACD's own rules.
CALL_PRIORITY = {"platinum": 40, "gold": 30, "silver": 20, "none": 10}
UNKNOWN_CALLER_PRIORITY = 0
#: The most open cases answered per look-up (newest first); a phone system shows a handful.
OPEN_CASES_SHOWN = 20


@dataclass(frozen=True)
class OpenCase:
    id: int
    number: str
    subject: str
    status: str
    priority: str
    queue_id: int | None
    queue_name: str
    assignee_id: int | None


@dataclass(frozen=True)
class CallerMatch:
    customer_id: int
    name: str
    number: str
    number_display: str
    vip_tier: str
    queue_priority: int
    account_manager_id: int | None
    account_manager_name: str
    account_manager_email: str
    open_cases: list[OpenCase] = field(default_factory=list)


@dataclass(frozen=True)
class CallerAnswer:
    #: The number as the look-up read it (E.164), or "" when it is not a phone number.
    number: str
    matched: bool
    #: The priority to queue the call with: the highest of the matches, 0 for an unknown caller.
    queue_priority: int
    matches: list[CallerMatch]


def caller_lookup(*, number: str) -> CallerAnswer:
    """Who calls from ``number`` (any format: E.164, 00-prefixed, national Swedish, Norwegian, Danish or
    Finnish with spaces or dashes). Several customers on one number are all answered, the most VIP
    first, then the one whose main number it is, then the oldest customer (lowest id). An unknown or
    unreadable number is an answer too: no matches, priority 0."""
    candidates = phone_candidates(number) if number.strip() else []
    if not candidates:
        return CallerAnswer(number="", matched=False, queue_priority=UNKNOWN_CALLER_PRIORITY, matches=[])
    owners = customers_selectors.customers_by_phone(numbers=candidates)
    owners.sort(key=lambda owner: (-VIP_RANK.get(owner.vip_tier, 0), not owner.is_primary, owner.customer_id))
    cases: dict[int, list[OpenCase]] = {owner.customer_id: [] for owner in owners}
    if owners:
        rows = (
            Case.objects.filter(customer_id__in=list(cases), status__in=OPEN_STATUSES)
            .order_by("-opened_at", "-id")
            .values_list(
                "customer_id",
                "pk",
                "number",
                "subject",
                "status",
                "priority",
                "queue_id",
                "queue__name",
                "assignee_id",
            )[: OPEN_CASES_SHOWN * len(owners)]
        )
        for (
            customer_id,
            case_id,
            case_number,
            subject,
            status,
            priority,
            queue_id,
            queue_name,
            assignee_id,
        ) in rows:
            shown = cases[customer_id]
            if len(shown) < OPEN_CASES_SHOWN:
                shown.append(
                    OpenCase(
                        case_id,
                        case_number,
                        subject,
                        status,
                        priority,
                        queue_id,
                        queue_name or "",
                        assignee_id,
                    )
                )
    matches = [
        CallerMatch(
            customer_id=owner.customer_id,
            name=owner.name,
            number=owner.number,
            number_display=phone_display(owner.number),
            vip_tier=owner.vip_tier,
            queue_priority=CALL_PRIORITY.get(owner.vip_tier, CALL_PRIORITY["none"]),
            account_manager_id=owner.account_manager_id,
            account_manager_name=owner.account_manager_name,
            account_manager_email=owner.account_manager_email,
            open_cases=cases[owner.customer_id],
        )
        for owner in owners
    ]
    return CallerAnswer(
        number=matches[0].number if matches else candidates[0],
        matched=bool(matches),
        queue_priority=max((match.queue_priority for match in matches), default=UNKNOWN_CALLER_PRIORITY),
        matches=matches,
    )
