"""Customer service: every question a customer sends becomes a case, in a queue, with service-level
targets counted in a business calendar's minutes. A case's conversation is its interactions (the
emails, calls, chats, SMS and portal messages of the interactions app); internal notes stay here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: Rank of a customer's VIP tier in the queue order: platinum first, then gold, silver and none.
VIP_RANK = {"platinum": 3, "gold": 2, "silver": 1, "none": 0}


class Category(models.Model):
    """A two-level tree of what cases are about ("Invoices" > "Wrong amount"), set up in the pages."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    #: Offered to customers opening a case on My pages (staff choose which; off for a new category).
    is_customer_visible = models.BooleanField(_("customers may choose it"), default=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="case_category_name_once")]

    def __str__(self) -> str:
        return self.name


class Queue(models.Model):
    """Where cases wait for an agent: a team's members work it, on a business calendar, with a
    default service-level policy and a way of handing out cases."""

    class Assignment(models.TextChoices):
        MANUAL = "manual", _("Agents take cases")
        ROUND_ROBIN = "round_robin", _("In turn")
        LEAST_OPEN = "least_open", _("To the agent with fewest open cases")

    name = models.CharField(_("name"), max_length=100, unique=True)
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_queues",
        verbose_name=_("team"),
    )
    calendar = models.ForeignKey(
        "calendars.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="queues",
        verbose_name=_("business calendar"),
    )
    sla_policy = models.ForeignKey(
        "cases.SlaPolicy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="default_for_queues",
        verbose_name=_("default service level"),
    )
    assignment = models.CharField(
        _("assignment"), max_length=12, choices=Assignment.choices, default=Assignment.MANUAL
    )
    #: Who is told when a case of this queue breaches its target and the assignee did not act.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_queues",
        verbose_name=_("manager"),
    )
    #: The agent who got the last case handed out in turn (round robin goes on from the next one).
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("queue")

    def __str__(self) -> str:
        return self.name


class AgentStatus(models.Model):
    """Whether an agent is away: an agent out of office gets no cases handed out."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_status"
    )
    out_of_office = models.BooleanField(_("out of office"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id} {'away' if self.out_of_office else 'in'}"


class SlaPolicy(models.Model):
    """Targets for a kind of case, in business minutes of the queue's calendar. Policies are tried in
    ``position`` order and the first whose conditions all hold applies (an empty condition holds)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)
    queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("queue")
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("category"),
    )
    priority = models.CharField(_("priority"), max_length=10, blank=True)
    vip_tier = models.CharField(_("VIP tier"), max_length=10, blank=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first response (business minutes)"), null=True, blank=True
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response (business minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), null=True, blank=True
    )
    #: A target is "near" once this share of its time is used.
    near_percent = models.PositiveSmallIntegerField(_("warn when used (%)"), default=80)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("service-level policy")
        verbose_name_plural = _("service-level policies")

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING_CUSTOMER = "pending_customer", _("Waiting for the customer")
        PENDING_THIRD_PARTY = "pending_third_party", _("Waiting for a third party")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        CALL = "call", _("Phone call")
        CHAT = "chat", _("Chat")
        WEB_FORM = "web_form", _("Web form")
        SMS = "sms", _("SMS")
        PORTAL = "portal", _("Portal")
        STAFF = "staff", _("Opened by staff")
        API = "api", _("API")

    #: The readable number, "24-001234" (shown as "#24-001234"; an optional prefix from settings).
    number = models.CharField(_("number"), max_length=24, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    # customer, queue, assignee and conversation lead composite indexes (Meta.indexes), which serve
    # their look-ups; a single-column index of each only made every write dearer.
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        db_index=False,  # case_customer_newest leads with it (every index costs each non-HOT update)
        blank=True,
        on_delete=models.CASCADE,
        related_name="cases",
        verbose_name=_("customer"),
    )
    contact_person = models.ForeignKey(
        "customers.ContactPerson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("contact person"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    #: The address, form or number the customer wrote to (routing reads it).
    received_at_address = models.CharField(max_length=254, blank=True)
    #: The customer's language for replies and the acknowledgement ("sv", "nb", "da", "fi", "en").
    language = models.CharField(_("language"), max_length=5, blank=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("category"),
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    queue = models.ForeignKey(
        Queue,
        null=True,
        blank=True,
        db_index=False,  # case_queue_newest leads with it
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("queue"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        db_index=False,  # case_assignee_status leads with it
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("assignee"),
    )
    #: The customer's VIP tier as a rank (:data:`VIP_RANK`), kept on the case so that the queue's
    #: order (VIP first, then the next due time) is one index scan.
    vip_rank = models.PositiveSmallIntegerField(default=0)
    #: The thread replies go to (email threading, the reference token); others may join by merging.
    conversation = models.ForeignKey(
        "interactions.Conversation",
        null=True,
        blank=True,
        db_index=False,  # case_conversation leads with it
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_cases"
    )
    # Service levels: the policy that applies and the due time of each target (empty: no target or met).
    sla_policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_due = models.DateTimeField(null=True, blank=True)
    next_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    #: The earliest due time still running: the queue's second sort key. Empty while paused or met.
    next_due = models.DateTimeField(null=True, blank=True)
    is_breached = models.BooleanField(default=False)
    #: The calendar revision the due times were computed with (see calendars.BusinessCalendar.revision).
    calendar_revision = models.PositiveIntegerField(default=0)
    #: The status the clocks last saw (a change from it starts or ends a pause, see :class:`ClockPause`).
    clock_status = models.CharField(max_length=20, blank=True)
    #: Since when the clocks stand still (the open :class:`ClockPause`); empty while they run.
    clock_paused_at = models.DateTimeField(null=True, blank=True)
    #: The earliest moment a running target is near or past its due time and not yet looked at by the
    #: service-level worker (it finds the cases to warn about and flag with one index range scan).
    sla_check_at = models.DateTimeField(null=True, blank=True)
    #: When the customer last wrote (an inbound message joined the case) and when staff last answered
    #: in public: the next-response target runs while the first is later than the second.
    customer_wrote_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    #: Business minutes (the queue's calendar) from opening to the first answer and to solving,
    #: stamped when they happen so that the dashboard's medians are one sorted read.
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveIntegerField(default=0)
    time_spent_minutes = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    opened_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The acknowledgement (cases.acknowledgement): when it was handed to the outbox and the reply it was,
    # the time it promised the first answer by, how that time was estimated, and, when none was sent,
    # why (an interactions.auto_reply.Reason code, e.g. "auto_reply" or "sender_cap").
    ack_sent_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    ack_interaction = models.ForeignKey(
        "interactions.Interaction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    promised_by = models.DateTimeField(_("first answer promised by"), null=True, blank=True)
    ack_estimate = models.JSONField(default=dict, blank=True)
    ack_suppressed_reason = models.CharField(max_length=30, blank=True)
    # The customer's rating of the answer on My pages (1-5, with an optional comment), and when.
    customer_rating = models.PositiveSmallIntegerField(_("customer's rating"), null=True, blank=True)
    customer_rating_comment = models.TextField(_("customer's comment"), blank=True)
    customer_rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        ordering = ["-opened_at", "-id"]
        indexes = [
            # The queue view and "take next": open cases of a queue, VIP first, then the next due time.
            models.Index(
                fields=["queue", "-vip_rank", "next_due", "id"],
                name="case_queue_order",
                condition=Q(status__in=["new", "open", "pending_customer", "pending_third_party"]),
            ),
            models.Index(fields=["assignee", "status"], name="case_assignee_status"),
            models.Index(fields=["customer", "-opened_at"], name="case_customer_newest"),
            models.Index(fields=["conversation", "status"], name="case_conversation"),
            models.Index(fields=["status", "opened_at"], name="case_status_opened"),
            # The dashboard's periods: cases opened, and solved, between two dates.
            models.Index(fields=["opened_at"], name="case_opened"),
            models.Index(fields=["solved_at"], name="case_solved", condition=Q(solved_at__isnull=False)),
            models.Index(
                fields=["sla_check_at"], name="case_sla_check", condition=Q(sla_check_at__isnull=False)
            ),
            # The API's list of a queue's cases newest first, and of its breached ones (flagged in the queue).
            models.Index(fields=["queue", "-opened_at", "-id"], name="case_queue_newest"),
            models.Index(
                fields=["queue", "-opened_at", "-id"],
                name="case_queue_breached",
                condition=Q(is_breached=True),
            ),
            # The KPI dashboard counts cases still unanswered or unsolved past their due time live (that
            # depends on now), reads the backlog from one index, and its roll-up finds the cases changed
            # since its last round by updated_at (lojal.cases.kpi_rollup).
            models.Index(
                fields=["opened_at", "first_response_due"],
                name="case_kpi_unanswered",
                condition=Q(first_responded_at__isnull=True, merged_into__isnull=True),
            ),
            models.Index(
                fields=["opened_at", "resolution_due"],
                name="case_kpi_unsolved",
                condition=Q(solved_at__isnull=True, merged_into__isnull=True),
            ),
            models.Index(
                fields=["queue", "category", "opened_at"],
                name="case_kpi_backlog",
                condition=Q(
                    status__in=["new", "open", "pending_customer", "pending_third_party"],
                    merged_into__isnull=True,
                ),
            ),
            models.Index(fields=["updated_at"], name="case_kpi_updated"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED_STATUSES


OPEN_STATUSES = frozenset(
    {Case.Status.NEW, Case.Status.OPEN, Case.Status.PENDING_CUSTOMER, Case.Status.PENDING_THIRD_PARTY}
)
#: The service-level clocks stand still in these statuses (see docs/cases.md).
PAUSED_STATUSES = frozenset({Case.Status.PENDING_CUSTOMER, Case.Status.PENDING_THIRD_PARTY})


class CaseInteraction(models.Model):
    """An interaction (email, call, chat, SMS, form, portal message) in a case's conversation. An
    interaction belongs to one case at most; merging and splitting move these rows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interaction_links")
    interaction = models.OneToOneField(
        "interactions.Interaction", on_delete=models.CASCADE, related_name="case_link"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["case", "added_at"], name="case_interaction_order")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.interaction_id}"


class CaseNote(models.Model):
    """An internal note on a case: for staff only, never sent to the customer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"))
    #: The staff user ids @mentioned in the note (they were notified).
    mentioned = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.body[:40]}"


class CaseTag(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("tag"), max_length=50)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "name"], name="case_tag_once")]
        indexes = [models.Index(fields=["name"], name="case_tag_name")]

    def __str__(self) -> str:
        return self.name


class CaseLink(models.Model):
    """Two related cases; ``kind`` says how (a reply after the reopen window opened a follow-up case,
    a split, or staff linked them)."""

    class Kind(models.TextChoices):
        RELATED = "related", _("Related")
        FOLLOW_UP = "follow_up", _("Follow-up of")
        SPLIT = "split", _("Split from")

    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_out")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RELATED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["from_case", "to_case"], name="case_link_once")]

    def __str__(self) -> str:
        return f"{self.from_case_id}->{self.to_case_id}"


class TimeEntry(models.Model):
    """Time an agent spent on a case, given with a reply or by hand."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    minutes = models.PositiveIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    spent_on = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        indexes = [models.Index(fields=["user", "spent_on"], name="time_entry_user_day")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.minutes} min"


class CaseChange(models.Model):
    """One change to a case, who made it and when: status, priority, queue, assignee, category. The
    service-level reports read the status changes to know when the clocks stood still."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=30)
    old = models.CharField(max_length=100, blank=True)
    new = models.CharField(max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="case_change_order"),
            models.Index(fields=["field", "at"], name="case_change_field_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.field}: {self.old} -> {self.new}"


class ClockPause(models.Model):
    """A stretch of time the service-level clocks of a case stood still: from entering a waiting
    status (or being solved) until the status changed back or the customer wrote. Who paused and who
    resumed are kept, so pauses are auditable and reports can show the paused time. Kept as rows of
    their own (rather than read back from CaseChange) because a resume by the customer writing is no
    status change, and the recompute after a calendar change reads them for 100,000 cases at once."""

    class Resumed(models.TextChoices):
        STATUS = "status", _("Status changed")
        CUSTOMER = "customer", _("Customer wrote")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_pauses")
    #: The status that stopped the clocks (pending_customer, pending_third_party or solved).
    status = models.CharField(max_length=20)
    paused_at = models.DateTimeField()
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resumed_because = models.CharField(max_length=10, choices=Resumed.choices, blank=True)

    class Meta:
        ordering = ["paused_at", "id"]
        indexes = [models.Index(fields=["case", "paused_at"], name="clock_pause_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(resumed_at__isnull=True), name="clock_pause_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status} {self.paused_at}-{self.resumed_at}"


class SlaEvent(models.Model):
    """A target of a case came near its due time or passed it: recorded once per run of the target
    (``started_at`` tells the runs of the next-response target apart), so the warning and the
    escalation happen once and reports can count breaches."""

    class Target(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        NEXT_RESPONSE = "next_response", _("Next response")
        RESOLUTION = "resolution", _("Resolution")

    class Kind(models.TextChoices):
        NEAR = "near", _("Near its target")
        BREACHED = "breached", _("Past its target")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sla_events")
    target = models.CharField(max_length=20, choices=Target.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    #: When this run of the target started (the case opened, or the customer wrote).
    started_at = models.DateTimeField()
    due = models.DateTimeField()
    at = models.DateTimeField()
    #: Who was told at once (the assignee; the queue's manager when nobody was assigned).
    notified = models.JSONField(default=list, blank=True)
    #: For a breach: when the escalation to the queue's manager was settled (told, or no longer
    #: needed because the target was met in time); empty while it waits.
    escalated_at = models.DateTimeField(null=True, blank=True)
    manager_notified = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "target", "kind", "started_at"], name="sla_event_once")
        ]
        indexes = [
            models.Index(
                fields=["at"],
                name="sla_event_escalation_due",
                condition=Q(kind="breached", escalated_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.target} {self.kind}"


class ServiceChannel(models.Model):
    """An inbound address, web form or number listed by a manager, and whether what arrives there
    opens cases. Every address opens cases unless listed here with ``opens_cases`` off (a sales@
    address whose mail stays a plain interaction)."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email address")
        WEB_FORM = "web_form", _("Web form")
        SMS = "sms", _("SMS number")
        PHONE = "phone", _("Phone number")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    #: Normalised: an email address in lower case, a form's key, a number in E.164.
    address = models.CharField(_("address, form key or number"), max_length=254)
    opens_cases = models.BooleanField(_("opens cases"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "address"]
        verbose_name = _("service channel")
        constraints = [models.UniqueConstraint(fields=["kind", "address"], name="service_channel_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.address}"


class RoutingRule(models.Model):
    """Where a new case goes: rules are tried in ``position`` order and the first whose conditions all
    hold sets the case's queue, priority, category, tags and assignee (an empty condition holds)."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    # Conditions (empty: any).
    channels = models.JSONField(_("channels"), default=list, blank=True)
    addresses = models.JSONField(_("written to"), default=list, blank=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("category"),
    )
    #: Any of these words in the subject or text, compared by their stems (Snowball).
    words = models.JSONField(_("words"), default=list, blank=True)
    vip_tiers = models.JSONField(_("VIP tiers"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # Actions (empty: left as it is).
    set_queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("queue")
    )
    set_priority = models.CharField(_("priority"), max_length=10, blank=True, choices=Case.Priority.choices)
    set_category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("set category"),
    )
    set_tags = models.JSONField(_("tags"), default=list, blank=True)
    set_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")

    def __str__(self) -> str:
        return self.name


class IvrChoice(models.Model):
    """What a caller chose in the phone system's menu (the code it posts with the call events) means:
    the category and queue of the case the call opens, or that such calls open none."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=100)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("category"),
    )
    queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("queue")
    )
    opens_case = models.BooleanField(_("opens a case"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("phone menu choice")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Macro(models.Model):
    """A canned reply, written once per language, with the case's and customer's fields filled in
    ({customer_name}, {case_number} ...); it may also set the case's status, priority, category and
    tags when the reply is sent. Managers keep them; agents pick one in the reply box."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    #: The reply's text per language code ("sv", "nb", "en" ...); the case's language is used, else
    #: English, else the first there is.
    texts = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("set status"), max_length=20, choices=Case.Status.choices, blank=True)
    priority = models.CharField(_("set priority"), max_length=10, choices=Case.Priority.choices, blank=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set category"),
    )
    #: Tags added to the case (its other tags stay).
    tags = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("macro")

    def __str__(self) -> str:
        return self.name


class CasePresence(models.Model):
    """Who has a case open right now, and whether they are writing a reply: the case page polls it so
    that two agents do not answer the same customer at once. A row older than a poll or two is stale."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_replying = models.BooleanField(default=False)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_presence_once")]
        indexes = [models.Index(fields=["case", "seen_at"], name="case_presence_recent")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}"


class SlaCalendarState(models.Model):
    """Up to which revision of a calendar the due times of the open cases counted in it have been
    recomputed: the worker compares it with the calendar's revision and recomputes when they differ.
    Kept per calendar so a recompute that finds a case's due times unchanged need not write the case."""

    calendar = models.OneToOneField(
        "calendars.BusinessCalendar", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    revision = models.PositiveIntegerField(default=0)
    recomputed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.calendar_id}@{self.revision}"


#: The languages acknowledgements are written in; a case in any other language gets English.
ACK_LANGUAGES = (
    ("sv", "svenska"),
    ("nb", "norsk bokmål"),
    ("da", "dansk"),
    ("fi", "suomi"),
    ("en", "English"),
)


class AcknowledgementTemplate(models.Model):
    """A manager's own wording of the acknowledgement in one language; without a row the shipped
    default (cases.ack_wording.DEFAULT_TEMPLATES) is sent."""

    language = models.CharField(_("language"), max_length=5, unique=True, choices=ACK_LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["language"]
        verbose_name = _("acknowledgement template")

    def __str__(self) -> str:
        return self.language


# The KPI dashboard's daily roll-up (its own module, see docs/cases.md).
from lojal.cases.kpi_tables import KpiDay, KpiMinutes, KpiOpened, KpiSolved  # noqa: E402,F401
