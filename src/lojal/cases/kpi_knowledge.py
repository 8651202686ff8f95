"""The knowledge base's figures on the service KPI dashboard, for the dashboard's period:

- Suggestions (lojal.knowledge.deflection): form visits that were shown suggestions, how many lists
  were shown, visits where an article was opened, answered "it helped" / "it did not", visits that
  ended in a case and, settled and without a case, questions the FAQ answered (deflected). Per source
  (My pages' new-case form, the help centre's search, the suggestion API, acknowledgements) and in all.
  Counted by when the visit started; not narrowed by queue, channel or tier (no case is known for them).
- Articles used on solved cases: articles agents put into replies on the cases solved in the period
  (narrowed like the other figures), one use per article and case, and the most used.
- Top articles by helpful votes: the most "yes, this helped" answers given in the period."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lojal.cases.kpis import KpiFilters
from lojal.knowledge import figures
from lojal.knowledge.deflection import DeflectionFigures, deflection_figures


@dataclass(frozen=True)
class SourceFigures:
    source: str
    label: str
    figures: DeflectionFigures


@dataclass(frozen=True)
class KnowledgeKpis:
    total: DeflectionFigures
    by_source: list[SourceFigures]
    solved: int
    used: figures.ArticlesUsed
    helpful: list[figures.HelpfulArticle]


def knowledge_kpis(*, filters: KpiFilters, solved: int) -> KnowledgeKpis:
    """The figures above for ``filters``' period; ``solved`` is the number of cases solved in it (the
    service KPIs have counted them already)."""
    first, after = filters.window()
    by_source = [
        SourceFigures(
            source=value, label=str(label), figures=deflection_figures(start=first, end=after, source=value)
        )
        for value, label in figures.SUGGESTION_SOURCES
    ]
    solved_ids = filters.cases().filter(solved_at__gte=first, solved_at__lt=after).values("pk")
    return KnowledgeKpis(
        total=deflection_figures(start=first, end=after),
        by_source=[row for row in by_source if row.figures.sessions],
        solved=solved,
        used=figures.articles_used_on_cases(case_ids=solved_ids),
        helpful=figures.top_helpful_articles(start=first, end=after),
    )


def knowledge_rows(kpis: KnowledgeKpis) -> list[tuple[str, str, int]]:
    """The figures as the CSV's (section, item, value) rows."""
    section = _("FAQ suggestions")
    total = kpis.total
    rows = [
        (section, _("Visits shown suggestions"), total.with_suggestions),
        (section, _("Suggestion lists shown"), total.suggestions_shown),
        (section, _("Visits that opened an article"), total.opened),
        (section, _("Helped"), total.helped),
        (section, _("Did not help"), total.not_helped),
        (section, _("Cases opened after suggestions"), total.cases_opened),
        (section, _("No case opened (deflected)"), total.deflected),
    ]
    used = _("Articles used on solved cases")
    rows += [(used, _("Uses"), kpis.used.uses), (used, _("Solved cases with an article"), kpis.used.cases)]
    rows += [(used, row.title, row.count) for row in kpis.used.top]
    rows += [(_("Helpful votes"), row.title, row.helpful) for row in kpis.helpful]
    return rows
