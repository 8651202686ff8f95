"""What customers buy and hold: products, transactions from the ERP or trading system, holdings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    SEK = "SEK", "SEK"
    NOK = "NOK", "NOK"
    DKK = "DKK", "DKK"
    EUR = "EUR", "EUR"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"
    ISK = "ISK", "ISK"


class ProductCategory(models.Model):
    """A group of products ("Savings accounts", "Gift cards") for reports and segments."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product category")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """Something a customer buys or holds; ``code`` is the article number in the source system."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        ProductCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.SEK)
    is_active = models.BooleanField(_("active"), default=True)
    # Made by a transaction import from an article code alone: its name and the rest are to be filled in.
    needs_completion = models.BooleanField(_("to complete"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class TransactionKind(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    REFUND = "refund", _("Refund")
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    TRADE = "trade", _("Trade")
    SUBSCRIPTION_PAYMENT = "subscription_payment", _("Subscription payment")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    STORE = "store", _("Store")
    PHONE = "phone", _("Phone")
    PARTNER = "partner", _("Partner")


class Transaction(models.Model):
    """One money movement of one customer, usually synced in from an ERP; ``(source, external_id)`` is
    unique so re-importing the same file changes nothing."""

    # The (customer, newest first) index serves every lookup by customer; no separate one. No foreign
    # keys in the database: a key check per row locks the customer's row and costs as much as the
    # insert itself at ten million rows. Customers are never deleted in SQL (only soft-deleted, and
    # merged through the ORM), and Django still applies CASCADE and PROTECT.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="transactions",
        db_index=False,
        db_constraint=False,
    )
    occurred_at = models.DateTimeField(_("date"))
    kind = models.CharField(_("kind"), max_length=24, choices=TransactionKind.choices)
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=1)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    margin = models.DecimalField(
        _("contribution margin"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    row_hash = models.CharField(max_length=32, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="transaction_external_id_unique_per_source",
            )
        ]
        indexes = [
            # Covering on PostgreSQL: the figures of every customer over a period are read from this
            # index alone, already in (customer, currency) order, so the GROUP BY needs neither a hash
            # table nor a sort (10M rows: 2.0 s against 4-5 s with the currency in INCLUDE). One
            # customer's newest-first list sorts that customer's rows. SQLite ignores INCLUDE (hence
            # models.W040 is silenced).
            models.Index(
                fields=["customer", "currency", "-occurred_at", "-id"],
                include=["kind", "amount", "margin"],
                name="transaction_customer_figures",
            ),
        ]
        # Periods over all customers are served by a BRIN index on occurred_at on PostgreSQL (a btree
        # on SQLite), made in migration 0002 outside the model state: a btree there cost a quarter of
        # an import's insert time.
        verbose_name = _("transaction")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.kind} {self.amount} {self.currency}"


class HoldingStatus(models.TextChoices):
    OPENED = "opened", _("Opened, not in use")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


#: Statuses in which a holding no longer keeps its customer a customer.
ENDED_STATUSES = (HoldingStatus.CLOSED.value, HoldingStatus.EXPIRED.value)


class Holding(models.Model):
    """A product or agreement a customer has: an account, a subscription, a gift card (with expiry)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="holdings")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HoldingStatus.choices, default=HoldingStatus.ACTIVE
    )
    opened_on = models.DateField(_("opened"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="holding_external_id_unique_per_source",
            )
        ]
        ordering = ["closed_on", "-opened_on", "id"]
        verbose_name = _("holding")

    def __str__(self) -> str:
        return self.name or (self.product.name if self.product_id and self.product else "")

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED_STATUSES


class CustomerSourceKey(models.Model):
    """A customer's id in a source system (the ERP's customer id), so a nightly import finds the same
    customer again; ``row_hash`` says whether the source row changed since the last import."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="source_keys")
    source = models.CharField(max_length=60)
    external_id = models.CharField(max_length=100)
    row_hash = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="customer_source_key_unique")
        ]
        # The customer search finds a customer by the ERP's id whatever the source.
        indexes = [models.Index(fields=["external_id"], name="customer_source_key_id")]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"
