"""Personal data in imports (see lojal.core.privacy), and the retention rules for uploaded files and
the values rejected rows copied from them (lojal.imports.retention)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lojal.core.phrases import Phrase
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
from lojal.imports.retention import import_files_purge, import_rejected_values_forget


def _import_data(model: str, fields: tuple[str, ...], retention: str = "", kept: object = "") -> PersonalData:
    return PersonalData(
        model=model,
        fields=fields,
        category=Category.IMPORTS,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.IMPORT,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        retention=retention,
        kept=kept,  # type: ignore[arg-type]
    )


personal_data(
    _import_data(
        "imports.ImportJob", ("file_name", "file_path", "headers", "report", "error"), "import_files"
    ),
    _import_data("imports.ImportRejection", ("value",), "import_rejected_values"),
    _import_data("imports.StagedRow", ("key", "alt_key", "data"), kept=Kept.UNTIL_COMMIT),
    _import_data("imports.StagedTransaction", ("attributes", "product_name"), kept=Kept.UNTIL_COMMIT),
    NotPersonal(
        model="imports.ImportJob",
        fields=("file_size", "number_locale", "file_deleted_at"),
        reason="facts about the file, not its contents",
    ),
    NotPersonal(
        model="imports.ImportRejection", fields=("reason",), reason="why a row was rejected (Lojal's words)"
    ),
    NotPersonal(
        model="imports.ImportMapping", fields=("mapping",), reason="which column goes to which field"
    ),
)


def _files_rule(cutoff: dt.datetime) -> RuleOutcome:
    # The purge works out its own limits (finished jobs, abandoned jobs, orphan files) from now.
    result = import_files_purge(now=timezone.now())
    return RuleOutcome(
        rows=result.files + result.orphans,
        # Stored in English; the run report says it in the reader's language (lojal.core.phrases).
        note=Phrase("retention.abandoned_imports_cancelled", {"count": result.abandoned}).english
        if result.abandoned
        else "",
    )


def _rejected_values_rule(cutoff: dt.datetime) -> RuleOutcome:
    return RuleOutcome(rows=import_rejected_values_forget(before=cutoff))


retention_rule(
    RetentionRule(
        key="import_files",
        label=_("Uploaded import files"),
        setting="IMPORT_KEEP_DAYS",
        unit="days",
        action=pgettext_lazy("retention", "deleted"),
        run=_files_rule,
        zero_means_off=False,
    )
)
retention_rule(
    RetentionRule(
        key="import_rejected_values",
        label=_("Values copied into rejected import rows"),
        setting="RETAIN_IMPORT_REJECTED_VALUES_DAYS",
        unit="days",
        action=_("blanked"),
        run=_rejected_values_rule,
    )
)
