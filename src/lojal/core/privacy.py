"""The register of processing (GDPR article 30), declared next to the models: each app's
``personal_data.py`` says which of its fields hold personal data, why they are kept, on which legal
basis and for how long, and which retention rule removes them. The privacy pages and the API build the
register from these declarations; a test fails when a model grows a personal-looking field that no
declaration names, so the register cannot silently fall behind the models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class LegalBasis(models.TextChoices):
    """The lawful bases of GDPR article 6(1) that a CRM relies on."""

    CONSENT = "consent", _("Consent (art. 6(1)(a))")
    CONTRACT = "contract", _("Contract (art. 6(1)(b))")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (art. 6(1)(c))")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (art. 6(1)(f))")


@dataclass(frozen=True)
class PersonalData:
    """Personal data one model holds: which fields, about whom, why, on which basis, kept how long."""

    model: str  # app_label.ModelName
    fields: tuple[str, ...]
    category: str | Promise
    subjects: str | Promise
    purpose: str | Promise
    legal_basis: str
    #: The key of the :class:`RetentionRule` that removes these data, or "" when they live as long as
    #: the record they describe (then ``kept`` says how long that is).
    retention: str = ""
    kept: str | Promise = ""


@dataclass(frozen=True)
class NotPersonal:
    """Fields whose names look personal but that hold no personal data, with the reason."""

    model: str
    fields: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class RuleOutcome:
    """What one run of a retention rule did: rows deleted or anonymised, and rows due but left for
    another step (``pending``, with a note saying why)."""

    rows: int
    pending: int = 0
    note: str = ""
    #: Ids of the rows left pending, for the run report (at most a few hundred).
    pending_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class RetentionRule:
    """A kind of data removed after a time. ``run(cutoff)`` removes what is older than ``cutoff`` with
    set-based statements and says what it did; the limit is the setting ``setting`` in ``unit``."""

    key: str
    label: str | Promise
    setting: str  # name in django.conf.settings (LOJAL_ + this in the environment)
    unit: str  # "days", "months" or "years"
    action: str | Promise  # what happens when the limit passes: deleted, anonymised ...
    run: Callable[[dt.datetime], RuleOutcome]
    #: Whether a limit of 0 turns the rule off; otherwise 0 means "at the next run".
    zero_means_off: bool = True

    def limit(self) -> int:
        from django.conf import settings

        return int(getattr(settings, self.setting))

    def cutoff(self, now: dt.datetime) -> dt.datetime | None:
        """The moment before which data falls under this rule, or None when the rule is off (limit 0)."""
        limit = self.limit()
        if limit <= 0 and self.zero_means_off:
            return None
        if self.unit == "days":
            return now - dt.timedelta(days=limit)
        months = limit * (12 if self.unit == "years" else 1)
        return _months_before(now, months)


def _months_before(moment: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, _month_length(year, month + 1))
    return moment.replace(year=year, month=month + 1, day=day)


def _month_length(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


_DECLARED: dict[str, PersonalData] = {}
_NOT_PERSONAL: dict[str, NotPersonal] = {}
_RULES: dict[str, RetentionRule] = {}


def personal_data(*declarations: PersonalData | NotPersonal) -> None:
    """Declare (in an app's ``personal_data.py``) what personal data its models hold."""
    for declaration in declarations:
        key = f"{declaration.model}:{','.join(declaration.fields)}"
        if isinstance(declaration, PersonalData):
            _DECLARED[key] = declaration
        else:
            _NOT_PERSONAL[key] = declaration


def retention_rule(rule: RetentionRule) -> None:
    """Declare a retention rule; the nightly retention run runs every declared rule."""
    _RULES[rule.key] = rule


def declared() -> list[PersonalData]:
    return list(_DECLARED.values())


def not_personal() -> list[NotPersonal]:
    return list(_NOT_PERSONAL.values())


def retention_rules() -> list[RetentionRule]:
    return list(_RULES.values())


def retention_rule_get(key: str) -> RetentionRule | None:
    return _RULES.get(key)


def declarations_load() -> None:
    """Import every installed Lojal app's ``personal_data`` module (called from AppConfig.ready)."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("lojal."):
            module = f"{config.name}.personal_data"
            if find_spec(module) is not None:
                import_module(module)


# Shared wording of the register, so the same purpose reads the same on every row (and is translated once).
class Category:
    IDENTITY = _("Identity (names, birth date, national identity number)")
    CONTACT = _("Contact details (email, phone, postal address)")
    COMMUNICATION = _("Communication (emails, calls, chats, messages, attachments)")
    PURCHASES = _("Purchases and holdings")
    HISTORY = _("Customer history (timeline)")
    STAFF = _("Staff accounts")
    AUDIT = _("Audit log (who read or changed what)")
    IMPORTS = _("Imported files and their rejected values")
    EXPORTS = _("Exported list files and who asked for them")
    SECURITY = _("Security (network addresses and usernames of login attempts and limited requests)")


class Subjects:
    CUSTOMERS = _("Customers and their contact persons")
    SENDERS = _("Customers, contact persons and senders not yet matched")
    STAFF = _("Staff")
    EVERYONE = _("Customers and staff")


class Purpose:
    RELATIONSHIP = _("Managing the customer relationship: knowing who the customer is and how to reach them")
    SERVICE = _("Answering and documenting the customer's contacts with the company")
    SALES = _("Recording purchases and holdings for service, follow-up and bookkeeping")
    ACCOUNTABILITY = _("Security and accountability: showing who read or changed personal data")
    IMPORT = _("Loading customer and sales data from other systems and reporting rows that could not be read")
    STAFF = _("Signing staff in and showing who did what")
    PROTECTION = _("Protecting logins and public forms against password guessing and floods")
    EXPORT = _("Handing staff the lists they asked for as files, for a short time")


class Kept:
    WITH_CUSTOMER = _("As long as the customer record")
    WITH_STAFF = _("While the staff account exists")
    UNTIL_COMMIT = _("Until the import is committed or cancelled")
    SHORT = _("Minutes: until the rate limit's window or the login lockout's cool-off has passed")
