"""My pages: customers sign in without a password (a one-time link by email or a code by SMS), follow
their own cases and correct their details. Secrets (links, codes, session keys, tokens) are stored
only as SHA-256 hashes, so a copy of the database signs nobody in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginChallenge(models.Model):
    """A one-time sign-in link (emailed) or code (sent by SMS) for one customer: valid for a few minutes,
    usable once. Only asked-for addresses that belong to a customer get a row (and a message)."""

    class Kind(models.TextChoices):
        LINK = "link", _("Link by email")
        CODE = "code", _("Code by SMS")

    kind = models.CharField(max_length=5, choices=Kind.choices)
    secret_hash = models.CharField(max_length=64, unique=True)
    #: The normalised email address or E.164 phone number it was sent to.
    address = models.CharField(max_length=254)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    #: Set when a contact person of an organisation asked (``customer`` is then the organisation).
    contact_person = models.ForeignKey(
        "customers.ContactPerson", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    #: Wrong codes tried against this challenge (a code is short; it dies after a few).
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    requested_from = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["address", "created_at"], name="portal_challenge_address")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.address}"


class PortalSession(models.Model):
    """A signed-in customer's browser (cookie) or program (token): what every portal request is
    checked against. Ended by signing out, by its expiry, or by the customer from My pages."""

    class Kind(models.TextChoices):
        BROWSER = "browser", _("Browser")
        TOKEN = "token", _("API token")

    kind = models.CharField(max_length=7, choices=Kind.choices, default=Kind.BROWSER)
    key_hash = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    contact_person = models.ForeignKey(
        "customers.ContactPerson", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: What the customer called it (a token) or the browser it was opened in.
    label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    created_from = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "created_at"], name="portal_session_customer")]

    def __str__(self) -> str:
        return f"{self.kind} session of customer {self.customer_id}"


class OrganisationAccess(models.Model):
    """An organisation's choice to let its contact persons see all of its cases on My pages (without
    a row they see only the cases they are the contact person of)."""

    organisation = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    contacts_see_all_cases = models.BooleanField(_("contact persons see all the organisation's cases"))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"organisation {self.organisation_id}"


class PortalTheme(models.Model):
    """How My pages and the help centre look for this company (one row): name, logo, colours, footer."""

    company_name = models.CharField(_("company name"), max_length=100, blank=True)
    logo = models.FileField(_("logo"), upload_to="portal/", blank=True)
    #: Colours as #rrggbb; the pages check contrast against white before using them.
    primary_colour = models.CharField(_("main colour"), max_length=7, default="#1d4ed8")
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#0f766e")
    #: [{"label": "Privacy", "url": "https://..."}], shown in the footer in this order.
    footer_links = models.JSONField(_("footer links"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.company_name or "theme"
