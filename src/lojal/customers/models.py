"""One customer record per customer (a person or an organisation), with its contact points."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lojal.core.contact_points import phone_display
from lojal.core.nordic_ids import KIND_LABELS


class Kind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    REGISTRANT = "registrant", _("Registrant")
    CUSTOMER = "customer", _("Customer")
    AT_RISK = "at_risk", _("At risk")
    FORMER = "former", _("Former customer")


class VipTier(models.TextChoices):
    NONE = "none", _("None")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    PLATINUM = "platinum", _("Platinum")


class Country(models.TextChoices):
    SE = "SE", _("Sweden")
    NO = "NO", _("Norway")
    DK = "DK", _("Denmark")
    FI = "FI", _("Finland")
    IS = "IS", _("Iceland")
    DE = "DE", _("Germany")
    GB = "GB", _("United Kingdom")
    US = "US", _("United States")


class Language(models.TextChoices):
    SV = "sv", _("Swedish")
    NB = "nb", _("Norwegian Bokmål")
    DA = "da", _("Danish")
    FI = "fi", _("Finnish")
    EN = "en", _("English")


class Tag(models.Model):
    """A free label staff put on customers ("newsletter", "trade fair 2026")."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomerQuerySet(models.QuerySet["Customer"]):
    def live(self) -> CustomerQuerySet:
        """Customers not deleted: deleting (and merging away) only stamps ``deleted_at``."""
        return self.filter(deleted_at__isnull=True)


class ContactPointQuerySet(models.QuerySet[Any]):
    def of_live_customers(self) -> ContactPointQuerySet:
        """Contact points of customers not deleted; a deleted customer's rows stay until erasure."""
        return self.filter(customer__deleted_at__isnull=True)


class Customer(models.Model):
    """The one record every transaction, case, timeline event and segment keys on."""

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    customer_number = models.BigIntegerField(_("customer number"), unique=True)
    display_name = models.CharField(_("name"), max_length=300)
    sort_name = models.CharField(max_length=300)
    search_text = models.TextField(blank=True)

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    employee_count = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    # When the business relationship began, as the source system knows it (an ERP's "Kund sedan").
    customer_since = models.DateField(_("customer since"), null=True, blank=True)
    # Free attributes: a source file's columns Lojal has no field for ("Kreditgräns", "Säljare"),
    # text by column name, so nothing in an imported file is dropped silently.
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    national_id = models.CharField(_("national id"), max_length=20, blank=True)
    national_id_country = models.CharField(max_length=2, blank=True)
    national_id_kind = models.CharField(max_length=24, blank=True)
    national_id_display = models.CharField(max_length=24, blank=True)

    primary_email = models.CharField(_("email"), max_length=254, blank=True)
    primary_phone = models.CharField(_("phone"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)

    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.SV
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_customers",
    )
    vip_tier = models.CharField(_("VIP tier"), max_length=10, choices=VipTier.choices, default=VipTier.NONE)
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=12, choices=Stage.choices, default=Stage.LEAD
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers", verbose_name=_("tags"))

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The right to erasure (docs/gdpr.md): the row stays as an anonymous shell, so that transactions
    # and counts stay, and says when, why and by whom it was erased.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A database default too: set-based inserts (customers.rows) write only the columns a new customer has.
    erasure_reason = models.CharField(
        _("reason for erasure"), max_length=500, blank=True, default="", db_default=""
    )
    # Why the data must be kept (a dispute, a bookkeeping or anti-money-laundering duty): while set,
    # erasure is refused with this reason. Set and lifted by administrators.
    legal_hold_reason = models.CharField(
        _("legal hold"), max_length=500, blank=True, default="", db_default=""
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["national_id_country", "national_id"],
                condition=~models.Q(national_id="") & models.Q(deleted_at__isnull=True),
                name="customer_national_id_unique_per_country",
            )
        ]
        indexes = [
            models.Index(fields=["sort_name", "id"], name="customer_sort_name"),
            models.Index(fields=["lifecycle_stage", "sort_name"], name="customer_stage_name"),
            models.Index(fields=["national_id"], name="customer_national_id"),
            models.Index(fields=["created_at", "id"], name="customer_created"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.customer_number})"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_organisation(self) -> bool:
        return self.kind == Kind.ORGANISATION

    @property
    def national_id_label(self) -> str:
        return KIND_LABELS.get(self.national_id_kind, "")

    @property
    def primary_phone_display(self) -> str:
        return phone_display(self.primary_phone) if self.primary_phone else ""


class EmailAddress(models.Model):
    """One of a customer's email addresses; ``address`` is the normalised form used for matching."""

    # The unique (customer, address) index serves lookups by customer; no separate one.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="emails", db_index=False)
    address = models.CharField(_("email"), max_length=254)
    label = models.CharField(_("label"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "address"], name="email_once_per_customer")
        ]
        indexes = [models.Index(fields=["address"], name="email_address")]
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.address


class PhoneNumber(models.Model):
    """One of a customer's phone numbers, stored in E.164."""

    class Label(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        WORK = "work", _("Work")
        HOME = "home", _("Home")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones", db_index=False)
    number = models.CharField(_("phone"), max_length=20)
    label = models.CharField(_("label"), max_length=10, choices=Label.choices, default=Label.MOBILE)
    is_primary = models.BooleanField(_("primary"), default=False)

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "number"], name="phone_once_per_customer")]
        indexes = [models.Index(fields=["number"], name="phone_number")]
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.number

    @property
    def display(self) -> str:
        return phone_display(self.number)


class Address(models.Model):
    """A postal address; the primary one also sits on the customer for lists and duplicate checks."""

    class Label(models.TextChoices):
        POSTAL = "postal", _("Postal")
        VISITING = "visiting", _("Visiting")
        BILLING = "billing", _("Billing")
        DELIVERY = "delivery", pgettext_lazy("address kind", "Delivery")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=10, choices=Label.choices, default=Label.POSTAL)
    street = models.CharField(_("street"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=12)
    city = models.CharField(_("city"), max_length=100)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.SE)
    is_primary = models.BooleanField(_("primary"), default=False)
    match_key = models.CharField(max_length=200, blank=True)

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["match_key"], name="address_match_key")]
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


class ContactPerson(models.Model):
    """Someone the company deals with at an organisation customer; may be a customer in their own right."""

    organisation = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contact_persons")
    person = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact_roles"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        indexes = [
            models.Index(fields=["email"], name="contact_person_email"),
            models.Index(fields=["phone"], name="contact_person_phone"),
        ]
        ordering = ["-is_primary", "last_name", "first_name", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone) if self.phone else ""


class DuplicateSuspicionQuerySet(models.QuerySet["DuplicateSuspicion"]):
    def between_live_customers(self) -> DuplicateSuspicionQuerySet:
        """Pairs whose customers are both still live: merging or deleting one ends the question."""
        return self.filter(first__deleted_at__isnull=True, second__deleted_at__isnull=True)


class DuplicateSuspicion(models.Model):
    """A pair of customers that look like the same one, and why; staff merge or dismiss it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Not a duplicate")
        MERGED = "merged", _("Merged")

    first = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", db_index=False)
    second = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DuplicateSuspicionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="duplicate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="duplicate_open_by_score")]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id}"
