"""The service KPI dashboard page and its CSV: the figures of :mod:`lojal.cases.kpis` for a period,
queue, channel and VIP tier, with server-drawn bars and a weekday-by-hour table of incoming cases."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.cases.kpi_knowledge import knowledge_kpis, knowledge_rows
from lojal.cases.kpis import KpiFilters, ServiceKpis, service_kpis
from lojal.cases.models import Case, Queue
from lojal.core.widgets import LocalDateField

VIP_CHOICES = [
    ("", gettext_lazy("Every tier")),
    ("platinum", "Platinum"),
    ("gold", "Gold"),
    ("silver", "Silver"),
    ("none", gettext_lazy("None")),
]
#: The longest period one page computes (a year and a day: a leap year).
MAX_DAYS = 366
HEAT_LEVELS = 4


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = day.replace(month=first_month, day=1)
    next_start = (
        start.replace(year=start.year + 1, month=1)
        if first_month == 10
        else start.replace(month=first_month + 3)
    )
    return start, next_start - dt.timedelta(days=1)


class KpiForm(forms.Form):
    start = LocalDateField(label=gettext_lazy("From"))
    end = LocalDateField(label=gettext_lazy("To"))
    queue = forms.TypedChoiceField(label=gettext_lazy("Queue"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)
    vip_tier = forms.ChoiceField(label=gettext_lazy("VIP tier"), required=False, choices=VIP_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queue_field = self.fields["queue"]
        assert isinstance(queue_field, forms.ChoiceField)
        queue_field.choices = [("", _("Every queue")), *Queue.objects.values_list("pk", "name")]
        channel_field = self.fields["channel"]
        assert isinstance(channel_field, forms.ChoiceField)
        channel_field.choices = [("", _("Every channel")), *Case.Channel.choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error("end", _("At most %(days)d days at a time.") % {"days": MAX_DAYS})
        return cleaned

    def filters(self) -> KpiFilters:
        data = self.cleaned_data
        return KpiFilters(
            start=data["start"],
            end=data["end"],
            queue_id=data.get("queue"),
            channel=data.get("channel") or "",
            vip_tier=data.get("vip_tier") or "",
        )


def _form(request: HttpRequest) -> KpiForm:
    if "start" in request.GET:
        return KpiForm(request.GET)
    start, end = quarter_of(timezone.localdate())
    return KpiForm(
        {"start": date_format(start, "SHORT_DATE_FORMAT"), "end": date_format(end, "SHORT_DATE_FORMAT")}
    )


def bars(rows: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Rows with the width of their bar, as a share of the largest (0-100)."""
    largest = max((count for _label, count in rows), default=0)
    return [
        {"label": label, "count": count, "width": round(100 * count / largest, 1) if largest else 0}
        for label, count in rows
    ]


def heat_rows(kpis: ServiceKpis) -> list[dict[str, Any]]:
    """The weekday-by-hour table: each cell's count and its shade (0 none .. HEAT_LEVELS the busiest)."""
    busiest = max((count for row in kpis.heat for count in row), default=0)
    days = [date_format(dt.date(2024, 1, 1) + dt.timedelta(days=index), "D") for index in range(7)]
    return [
        {
            "day": days[index],
            "cells": [
                {"count": count, "level": 0 if not count else max(1, round(HEAT_LEVELS * count / busiest))}
                for count in row
            ],
        }
        for index, row in enumerate(kpis.heat)
    ]


@allowed_to(Action.SERVICE_REPORTS)
def kpi_dashboard(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    kpis = service_kpis(filters=form.filters()) if form.is_valid() else None
    context: dict[str, Any] = {"form": form, "kpis": kpis}
    if kpis is not None:
        context.update(
            channels=bars([(label, count) for _key, label, count in kpis.by_channel]),
            heat=heat_rows(kpis),
            hours=range(24),
            backlog_queue=bars(kpis.backlog_by_queue),
            backlog_category=bars(kpis.backlog_by_category),
            backlog_age=bars(kpis.backlog_by_age),
            csv_query=request.GET.urlencode() or form_query(form),
            knowledge=knowledge_kpis(filters=kpis.filters, solved=kpis.solved),
        )
    return render(request, "cases/kpis.html", context, status=200 if kpis is not None else 400)


def form_query(form: KpiForm) -> str:
    from urllib.parse import urlencode

    return urlencode({key: value for key, value in form.data.items() if value})


def kpi_rows(kpis: ServiceKpis) -> list[tuple[str, str, Any]]:
    """The dashboard's figures as (section, item, value) rows, the CSV's body."""
    rows: list[tuple[str, str, Any]] = [(_("Incoming"), _("Cases opened"), kpis.incoming)]
    rows += [(_("Incoming by channel"), label, count) for _key, label, count in kpis.by_channel]
    for name, spread in (
        (_("First response (business hours)"), kpis.first_response),
        (_("Resolution (business hours)"), kpis.resolution),
    ):
        rows += [
            (name, _("Cases"), spread.count),
            (name, _("Median"), spread.median_hours),
            (name, _("90th percentile"), spread.p90_hours),
        ]
    for attained in kpis.attainment:
        rows += [
            (_("Service level: %(target)s") % {"target": attained.target}, _("Met"), attained.met),
            (_("Service level: %(target)s") % {"target": attained.target}, _("Missed"), attained.missed),
        ]
    rows += [(_("Reopened"), _("Solved"), kpis.solved), (_("Reopened"), _("Reopened"), kpis.reopened)]
    rows += [
        (_("Promises kept"), _("Promised"), kpis.promised),
        (_("Promises kept"), _("Kept"), kpis.promises_kept),
    ]
    rows += [
        (
            _("Service level: %(target)s") % {"target": _("Next response")},
            _("Missed"),
            kpis.next_response_breaches,
        )
    ]
    rows += [(_("Backlog by queue"), label, count) for label, count in kpis.backlog_by_queue]
    rows += [(_("Backlog by category"), label, count) for label, count in kpis.backlog_by_category]
    rows += [(_("Backlog by age"), label, count) for label, count in kpis.backlog_by_age]
    for agent in kpis.agents:
        rows += [
            (_("Solved per agent"), agent.name, agent.solved),
            (_("Minutes per agent"), agent.name, agent.minutes),
        ]
    days = [date_format(dt.date(2024, 1, 1) + dt.timedelta(days=index), "l") for index in range(7)]
    rows += [
        (_("Incoming by weekday and hour"), f"{days[day]} {hour:02d}", count)
        for day, row in enumerate(kpis.heat)
        for hour, count in enumerate(row)
        if count
    ]
    return rows


@allowed_to(Action.SERVICE_REPORTS)
def kpi_csv(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return render(request, "cases/kpis.html", {"form": form, "kpis": None}, status=400)
    kpis = service_kpis(filters=form.filters())
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Section"), _("Item"), _("Value")])
    writer.writerows(("" if value is None else value for value in row) for row in kpi_rows(kpis))
    writer.writerows(knowledge_rows(knowledge_kpis(filters=kpis.filters, solved=kpis.solved)))
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    name = f"service-kpis-{kpis.filters.start.isoformat()}-{kpis.filters.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
