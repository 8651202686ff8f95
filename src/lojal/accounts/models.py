"""Staff users with a role, and the API tokens they use from scripts and integrations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from lojal.accounts.roles import Role, role_allows


class User(AbstractUser):
    """A member of staff; what they may do follows from their one role."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READ_ONLY)
    #: The language the pages are shown in, as last chosen in the menu; empty: the browser's.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    def can(self, action: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return role_allows(self.role, action)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Team(models.Model):
    """A group of staff that owns work together (a follow-up, later a case queue), so that whoever of
    them is free can take it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(User, related_name="teams", blank=True, verbose_name=_("members"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 digest is stored, the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookSecret(models.Model):
    """A secret one integration (a telephony or SMS provider, a mail relay) signs its inbound webhook
    calls with, so that it never holds a staff token. The secret itself is not stored: it is derived from
    SECRET_KEY and this row's salt (lojal.accounts.webhooks), so a copy of the database does not hold it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    salt = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
