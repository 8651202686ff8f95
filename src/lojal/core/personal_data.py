"""Personal data in the kernel's tables: the audit log (see lojal.core.privacy)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lojal.core.audit import audit_purge
from lojal.core.privacy import (
    Category,
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


personal_data(
    PersonalData(
        model="core.AuditEntry",
        fields=("actor", "object_label", "changes"),
        category=Category.AUDIT,
        subjects=Subjects.EVERYONE,
        purpose=Purpose.ACCOUNTABILITY,
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        retention="audit",
    ),
    NotPersonal(model="core.Sequence", fields=("name", "last_value"), reason="a named counter"),
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
