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
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
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
        Queue, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases", verbose_name=_("queue")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("assignee"),
    )
    #: The customer's VIP tier as a rank (:data:`VIP_RANK`), kept on the case so that the queue's
    #: order (VIP first, then the next due time) is one index scan.
    vip_rank = models.PositiveSmallIntegerField(default=0)
    #: The thread replies go to (email threading, the reference token); others may join by merging.
    conversation = models.ForeignKey(
        "interactions.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
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
    #: When the customer last wrote (an inbound message joined the case) and when staff last answered
    #: in public: the next-response target runs while the first is later than the second.
    customer_wrote_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveIntegerField(default=0)
    time_spent_minutes = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    opened_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

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
            # The API's list of a queue's cases newest first, and of its breached ones (flagged in the queue).
            models.Index(fields=["queue", "-opened_at", "-id"], name="case_queue_newest"),
            models.Index(
                fields=["queue", "-opened_at", "-id"],
                name="case_queue_breached",
                condition=Q(is_breached=True),
            ),
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
