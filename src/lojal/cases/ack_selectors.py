"""Reads about acknowledgements: how good the promised times were ("promises kept", which the KPI
dashboard shows) and the acknowledgement templates as the pages list them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lojal.cases import ack_wording
from lojal.cases.models import ACK_LANGUAGES, AcknowledgementTemplate, Case


@dataclass(frozen=True)
class PromisesKept:
    """Of the cases solved in a period that were promised a first answer, how many got it in time.
    ``share`` is kept / promised as a percentage with one decimal (None when nothing was promised)."""

    promised: int
    kept: int

    @property
    def share(self) -> Decimal | None:
        if not self.promised:
            return None
        return (Decimal(100) * self.kept / self.promised).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _moment(value: dt.date | dt.datetime, *, end: bool) -> dt.datetime:
    """A datetime as it is; a date as the start of that day (``end``: of the day after) in the site's
    time zone, so that a period of dates includes its last day."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    day = value + dt.timedelta(days=1) if end else value
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def promises_kept(
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    queue_id: int | None = None,
    cases: QuerySet[Case] | None = None,
) -> PromisesKept:
    """Promises kept for the cases solved from ``start`` to ``end`` (datetimes: ``start`` <= solved <
    ``end``; dates: both days included), optionally of one queue. A case counts when its
    acknowledgement promised a time (``promised_by``); it is kept when the first answer
    (``first_responded_at``) came at or before that time. Solved means solved or closed since (a
    closed case keeps its ``solved_at``); a reopened case counts once solved again. ``cases`` narrows
    it further (the dashboard's channel and VIP tier). One query."""
    cases = (Case.objects.all() if cases is None else cases).filter(
        solved_at__gte=_moment(start, end=False),
        solved_at__lt=_moment(end, end=True),
        status__in=[Case.Status.SOLVED, Case.Status.CLOSED],
        promised_by__isnull=False,
    )
    if queue_id is not None:
        cases = cases.filter(queue_id=queue_id)
    counts = cases.aggregate(
        promised=Count("id"),
        kept=Count(
            "id", filter=Q(first_responded_at__isnull=False, first_responded_at__lte=F("promised_by"))
        ),
    )
    return PromisesKept(promised=counts["promised"], kept=counts["kept"])


@dataclass(frozen=True)
class TemplateRow:
    language: str
    name: str
    subject: str
    body: str
    is_changed: bool


def ack_templates() -> list[TemplateRow]:
    """Every acknowledgement language with the wording sent in it (the manager's or the shipped)."""
    own = {row.language: row for row in AcknowledgementTemplate.objects.all()}
    rows = []
    for language, _endonym in ACK_LANGUAGES:
        text = own.get(language) or ack_wording.DEFAULT_TEMPLATES[language]
        rows.append(TemplateRow(language, language_name(language), text.subject, text.body, language in own))
    return rows


_NAMES = {
    "sv": _("Swedish"),
    "nb": _("Norwegian Bokmål"),
    "da": _("Danish"),
    "fi": _("Finnish"),
    "en": _("English"),
}


def language_name(language: str) -> str:
    """The language's name in the reader's language ("Swedish", "Svenska", "Svensk")."""
    return str(_NAMES.get(language, language))
