"""What each staff role may do. One table, read by the API, the pages and the tests' role matrix."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MANAGER = "manager", _("Manager")
    SERVICE_AGENT = "service_agent", _("Service agent")
    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    READ_ONLY = "read_only", _("Read-only")
    PRIVACY_OFFICER = "privacy_officer", _("Data protection officer")


class Action(models.TextChoices):
    CUSTOMER_VIEW = "customer.view", _("View customers")
    CUSTOMER_CREATE = "customer.create", _("Create customers")
    CUSTOMER_CHANGE = "customer.change", _("Change customers")
    CUSTOMER_DELETE = "customer.delete", _("Delete customers")
    CUSTOMER_MERGE = "customer.merge", _("Merge duplicate customers")
    # A data subject's rights (GDPR articles 15 and 17): see docs/gdpr.md.
    CUSTOMER_EXPORT = "customer.export", _("Export everything about a customer (right of access)")
    CUSTOMER_ERASE = "customer.erase", _("Erase a customer's personal data (right to erasure)")
    LEGAL_HOLD_MANAGE = "legal_hold.manage", _("Place and lift legal holds on customers")
    NATIONAL_ID_VIEW = "national_id.view", _("See national identity numbers unmasked")
    NOTE_ADD = "note.add", _("Add notes")
    AUDIT_VIEW = "audit.view", _("Read the audit log")
    STAFF_MANAGE = "staff.manage", _("Manage staff accounts")
    INTERACTION_LOG = "interaction.log", _("Log calls, meetings and letters")
    EMAIL_SEND = "email.send", _("Write to customers (email, SMS, chat)")
    INBOX_TRIAGE = "inbox.triage", _("Link unmatched messages to customers")
    INBOUND_POST = "inbound.post", _("Post inbound email, calls and SMS (integrations)")
    SALES_RECORD = "sales.record", _("Record transactions and holdings")
    IMPORT_RUN = "import.run", _("Import files from other systems")
    CATALOGUE_MANAGE = "catalogue.manage", _("Manage products and product categories")
    PRIVACY_VIEW = "privacy.view", _("Read the register of processing and the retention runs")
    # Follow-ups: everyone who may see customers sees them; these say who may write them (docs/activities.md).
    ACTIVITY_MANAGE = "activity.manage", _("Create, change and complete follow-ups")
    ACTIVITY_MANAGE_ANY = "activity.manage_any", _("Change and complete anyone's follow-ups")
    CUSTOMER_BULK_CHANGE = "customer.bulk_change", _("Change many customers at once (tags, manager, stage)")
    LIST_EXPORT = "list.export", _("Export lists to CSV and XLSX files")
    # Customer service (docs/cases.md): everyone who may see customers reads cases.
    CASE_WORK = "case.work", _("Work service cases (reply, note, change, take)")
    SERVICE_CONFIGURE = "service.configure", _("Set up queues, service levels, calendars, routing and macros")
    SERVICE_REPORTS = "service.reports", _("Read the service KPI dashboard")
    # The knowledge base (docs/knowledge.md): every role that sees customers reads the articles.
    KNOWLEDGE_EDIT = "knowledge.edit", _("Write, publish and archive knowledge base articles")
    KNOWLEDGE_MANAGE = "knowledge.manage", _("Set up knowledge base categories and synonyms")


_EVERYONE = {Action.CUSTOMER_VIEW}
_FRONT_LINE = _EVERYONE | {
    Action.CUSTOMER_CREATE,
    Action.CUSTOMER_CHANGE,
    Action.NOTE_ADD,
    Action.INTERACTION_LOG,
    Action.EMAIL_SEND,
    Action.INBOX_TRIAGE,
    Action.ACTIVITY_MANAGE,
}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(Action.values),
    Role.MANAGER: frozenset(
        _FRONT_LINE
        | {
            Action.CUSTOMER_DELETE,
            Action.CUSTOMER_MERGE,
            Action.NATIONAL_ID_VIEW,
            Action.AUDIT_VIEW,
            Action.INBOUND_POST,
            Action.SALES_RECORD,
            Action.IMPORT_RUN,
            Action.CATALOGUE_MANAGE,
            # The export holds the full national number (the person's own copy): only roles that may
            # see numbers may export. Erasure and legal holds stay with administrators.
            Action.CUSTOMER_EXPORT,
            Action.ACTIVITY_MANAGE_ANY,
            # A list export carries many people's data out of Lojal, and a bulk change touches
            # thousands of records with one click: both stay with managers (and administrators).
            Action.CUSTOMER_BULK_CHANGE,
            Action.LIST_EXPORT,
            Action.CASE_WORK,
            Action.SERVICE_CONFIGURE,
            Action.SERVICE_REPORTS,
            Action.KNOWLEDGE_EDIT,
            Action.KNOWLEDGE_MANAGE,
        }
    ),
    # Service agents identify callers by their number, so they see it; sales and marketing do not.
    Role.SERVICE_AGENT: frozenset(
        _FRONT_LINE
        | {Action.NATIONAL_ID_VIEW, Action.CUSTOMER_MERGE, Action.CASE_WORK, Action.KNOWLEDGE_EDIT}
    ),
    Role.SALES: frozenset(_FRONT_LINE | {Action.SALES_RECORD}),
    Role.MARKETING: frozenset(_EVERYONE | {Action.NOTE_ADD, Action.ACTIVITY_MANAGE}),
    # Read-only staff (a board member, an auditor) read the service figures as well.
    Role.READ_ONLY: frozenset(_EVERYONE | {Action.SERVICE_REPORTS}),
    # The data protection officer checks what is kept and who read it, and changes nothing.
    Role.PRIVACY_OFFICER: frozenset(_EVERYONE | {Action.AUDIT_VIEW, Action.PRIVACY_VIEW}),
}


def role_allows(role: str, action: str) -> bool:
    """True when staff with ``role`` may perform ``action``."""
    return action in PERMISSIONS.get(role, frozenset())
