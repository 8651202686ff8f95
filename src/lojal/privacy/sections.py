"""Which apps hold personal data, in one list each for the export, the erasure and the checks that
can refuse an erasure. A new app with personal data (cases, survey answers, consents) writes a
``privacy`` module with its sections and its erasure and adds them here; nothing else changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lojal.activities import privacy as activities_privacy
from lojal.cases import privacy as cases_privacy
from lojal.core.data_subject import DataSubject, ExportSection
from lojal.customers import privacy as customers_privacy
from lojal.imports import privacy as imports_privacy
from lojal.interactions import privacy as interactions_privacy
from lojal.portal import privacy as portal_privacy
from lojal.sales import privacy as sales_privacy
from lojal.timeline import privacy as timeline_privacy

#: Each gives its app's sections of the export, in the order the archive lists them.
EXPORT_SECTIONS: list[Callable[..., list[ExportSection]]] = [
    customers_privacy.export_sections,
    timeline_privacy.export_sections,
    interactions_privacy.export_sections,
    sales_privacy.export_sections,
    activities_privacy.export_sections,
    cases_privacy.export_sections,
    portal_privacy.export_sections,
]

#: Each says why the person's data must be kept (refusing the erasure), or "".
ERASURE_CHECKS: list[Callable[[DataSubject], str]] = [
    customers_privacy.legal_hold_reason,
    cases_privacy.open_case_reason,
]


def erasure_steps(subject: DataSubject, *, actor: Any, reason: str) -> dict[str, int]:
    """Every app's erasure, in an order where each step still finds what it looks for: the timeline
    before the contact persons that name its organisations go, the customer record last, since the
    others match on the values it holds. Returns what each step changed, by kind."""
    organisations = customers_privacy.contact_organisations(subject)
    counts: dict[str, int] = {}
    for step in (
        lambda: timeline_privacy.events_erase(subject, organisation_ids=organisations),
        lambda: interactions_privacy.interactions_erase(subject),
        lambda: sales_privacy.sales_erase(subject),
        lambda: activities_privacy.activities_erase(subject),
        lambda: cases_privacy.cases_erase(subject),
        lambda: portal_privacy.portal_erase(subject),
        lambda: imports_privacy.imports_erase(subject, actor=actor),
        lambda: customers_privacy.customers_anonymise(subject, actor=actor, reason=reason),
    ):
        for kind, count in step().items():
            counts[kind] = counts.get(kind, 0) + count
    return counts
