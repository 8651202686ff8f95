"""Reads for privacy: the register of processing built from the declarations and the settings, and the
retention runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojal.core.phrases import phrase_match
from lojal.core.privacy import (
    LegalBasis,
    PersonalData,
    RetentionRule,
    declared,
    retention_rule_get,
    retention_rules,
)
from lojal.privacy.models import RetentionRun


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register: a group of fields of one model, and what happens to them."""

    model: str
    table: str
    fields: tuple[str, ...]
    category: str
    subjects: str
    purpose: str
    legal_basis: str
    legal_basis_label: str
    retention_rule: str
    retention: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "table": self.table,
            "fields": list(self.fields),
            "category": self.category,
            "subjects": self.subjects,
            "purpose": self.purpose,
            "legal_basis": self.legal_basis,
            "legal_basis_label": self.legal_basis_label,
            "retention_rule": self.retention_rule,
            "retention": self.retention,
        }


def limit_text(rule: RetentionRule) -> str:
    """The rule's limit in words, in the reader's language ("36 months", "off")."""
    limit = rule.limit()
    if limit <= 0:
        return _("at the next nightly run") if not rule.zero_means_off else _("kept (rule off)")
    if rule.unit == "days":
        return ngettext("%(count)d day", "%(count)d days", limit) % {"count": limit}
    if rule.unit == "years":
        return ngettext("%(count)d year", "%(count)d years", limit) % {"count": limit}
    return ngettext("%(count)d month", "%(count)d months", limit) % {"count": limit}


def _retention_text(declaration: PersonalData) -> str:
    rule = retention_rule_get(declaration.retention) if declaration.retention else None
    if rule is None:
        return str(declaration.kept)
    return _("%(action)s after %(limit)s (%(rule)s)") % {
        "action": str(rule.action).capitalize(),
        "limit": limit_text(rule),
        "rule": rule.label,
    }


def register_rows() -> list[RegisterRow]:
    """The register of processing, one row per declared group of fields, by category and model."""
    rows = []
    for declaration in declared():
        model = apps.get_model(declaration.model)
        rows.append(
            RegisterRow(
                model=declaration.model,
                table=str(model._meta.verbose_name_plural).capitalize(),
                fields=declaration.fields,
                category=str(declaration.category),
                subjects=str(declaration.subjects),
                purpose=str(declaration.purpose),
                legal_basis=declaration.legal_basis,
                legal_basis_label=str(LegalBasis(declaration.legal_basis).label),
                retention_rule=declaration.retention,
                retention=_retention_text(declaration),
            )
        )
    return sorted(rows, key=lambda row: (row.category, row.model, row.fields))


@dataclass(frozen=True)
class RuleRow:
    key: str
    label: str
    setting: str
    limit: str
    action: str
    last_run: RetentionRun | None


def rule_rows() -> list[RuleRow]:
    """Each retention rule with its setting, its limit in words and its latest run."""
    latest: dict[str, RetentionRun] = {}
    for run in RetentionRun.objects.order_by("-started_at", "-id")[:200]:
        latest.setdefault(run.rule, run)
    return [
        RuleRow(
            key=rule.key,
            label=str(rule.label),
            setting=f"LOJAL_{rule.setting}",
            limit=limit_text(rule),
            action=str(rule.action),
            last_run=latest.get(rule.key),
        )
        for rule in retention_rules()
    ]


def retention_run_list() -> QuerySet[RetentionRun]:
    """Retention runs, newest first (keyset order)."""
    return RetentionRun.objects.order_by("-id")


def retention_runs_shown(limit: int) -> list[RetentionRun]:
    """The newest runs with their rule's name and their note in the reader's language (``label``,
    ``note_text``); notes Lojal writes are looked up in the translations, others shown as stored."""
    runs = list(retention_run_list()[:limit])
    for run in runs:
        rule = retention_rule_get(run.rule)
        setattr(run, "label", str(rule.label) if rule else run.rule)  # noqa: B010
        phrase = phrase_match(run.note) if run.note else None
        note = phrase.text() if phrase is not None else (_(run.note) if run.note else "")
        setattr(run, "note_text", note)  # noqa: B010
    return runs
