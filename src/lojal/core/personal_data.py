"""Personal data in the kernel's tables: the audit log, rate limits and saved views (see
lojal.core.privacy)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lojal.core.audit import audit_purge
from lojal.core.export_jobs import export_files_purge
from lojal.core.privacy import (
    Category,
    Kept,
    LegalBasis,
    NotPersonal,
    PersonalData,
    Purpose,
    RetentionRule,
    RuleOutcome,
    Subjects,
    personal_data,
    retention_rule,
)


def _audit_rule(cutoff: dt.datetime) -> RuleOutcome:
    return RuleOutcome(rows=audit_purge(before=cutoff))


def _export_files_rule(cutoff: dt.datetime) -> RuleOutcome:
    # Each export carries its own expiry (made when it finished, LOJAL_EXPORT_KEEP_DAYS later).
    return RuleOutcome(rows=export_files_purge())


personal_data(
    # A large list export's file holds the list's rows (names, contact details, national numbers as the
    # requester could see them); the job keeps who asked and the filters they used.
    PersonalData(
        model="core.ExportJob",
        fields=("requested_by", "params", "file_path", "file_name"),
        category=Category.EXPORTS,
        subjects=Subjects.EVERYONE,
        purpose=Purpose.EXPORT,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        retention="export_files",
    ),
    PersonalData(
        model="core.AuditEntry",
        fields=("actor", "object_label", "changes"),
        category=Category.AUDIT,
        subjects=Subjects.EVERYONE,
        purpose=Purpose.ACCOUNTABILITY,
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        retention="audit",
    ),
    NotPersonal(
        model="core.ExportJob",
        fields=("file_format", "error"),
        reason="the file's format (csv, xlsx) and why writing it failed",
    ),
    NotPersonal(model="core.Sequence", fields=("name", "last_value"), reason="a named counter"),
    # A saved view of a list: whose it is, its name and its filters, which may hold a search word such
    # as a customer's name (lojal.core.saved_views); deleted with the staff account.
    PersonalData(
        model="core.SavedView",
        fields=("owner", "name", "filters"),
        category=Category.STAFF,
        subjects=Subjects.EVERYONE,
        purpose=Purpose.RELATIONSHIP,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        kept=Kept.WITH_STAFF,
    ),
    NotPersonal(model="core.SavedView", fields=("list_key",), reason="which list the view is of"),
    # The key names the client address a rate limit counts (lojal.core.ratelimit); purged an hour
    # after its window ends.
    PersonalData(
        model="core.RateCounter",
        fields=("key",),
        category=Category.SECURITY,
        subjects=Subjects.EVERYONE,
        purpose=Purpose.PROTECTION,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        kept=Kept.SHORT,
    ),
)

retention_rule(
    RetentionRule(
        key="audit",
        label=_("Audit entries"),
        setting="RETAIN_AUDIT_MONTHS",
        unit="months",
        action=pgettext_lazy("retention", "deleted"),
        run=_audit_rule,
    )
)
retention_rule(
    RetentionRule(
        key="export_files",
        label=_("List export files"),
        setting="EXPORT_KEEP_DAYS",
        unit="days",
        action=pgettext_lazy("retention", "deleted"),
        run=_export_files_rule,
        zero_means_off=False,
    )
)
