"""Calendar pages: the list of business calendars and a calendar's page (its week, several periods a
day; its special days; the year's public holidays for reference, named in the page's language).
Everyone who sees customers reads them; changing them takes SERVICE_CONFIGURE."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from lojal.accounts.decorators import allowed_to
from lojal.accounts.roles import Action
from lojal.calendars import selectors, services
from lojal.calendars.forms import CLOSED, KIND_LABELS, CalendarForm, SpecialDayForm, WeekForm, periods_show
from lojal.calendars.models import BusinessCalendar
from lojal.calendars.public_holidays import holiday_names
from lojal.core.errors import LojalError
from lojal.core.lists import Column, ListSpec, list_response, list_state

CALENDAR_LIST = ListSpec(
    key="calendars",
    columns=(
        Column("name", _lazy("Name"), order_by=("name", "id"), required=True),
        Column("country", _lazy("Public holidays of"), order_by=("country", "name", "id")),
        Column("time_zone", _lazy("Time zone"), order_by=("time_zone", "name", "id"), wide_only=True),
        Column("week", _lazy("Week"), wide_only=True),
        Column("days", _lazy("Special days"), numeric=True, wide_only=True),
    ),
    default_sort="name",
    page_sizes=(25, 50, 100),
    filters=("country",),
)


def _week_summary(calendar: BusinessCalendar) -> list[tuple[str, str]]:
    """Runs of weekdays with the same periods: [("Mon–Fri", "08:00-17:00")]."""
    days: list[list[Any]] = [[] for _ in range(7)]
    for period in calendar.periods.all():
        days[period.weekday].append((period.starts, period.ends))
    runs: list[tuple[str, str]] = []
    weekday = 0
    while weekday < 7:
        end = weekday
        while end + 1 < 7 and days[end + 1] == days[weekday]:
            end += 1
        if days[weekday]:
            first, last = str(WEEKDAYS_ABBR[weekday]), str(WEEKDAYS_ABBR[end])
            runs.append((first if end == weekday else f"{first}–{last}", periods_show(days[weekday])))
        weekday = end + 1
    return runs


def calendar_label(calendar: BusinessCalendar) -> str:
    """A shipped calendar still named after its country in English is shown by the country's name in
    the reader's language ("Sverige"); any other calendar by its own name."""
    if calendar.is_shipped and calendar.country:
        with translation.override("en"):
            english = str(calendar.get_country_display())
        if calendar.name == english:
            return str(calendar.get_country_display())
    return calendar.name


def _save(form: Any, write: Any) -> Any:
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except LojalError as error:
        form.add_lojal_error(error)
    return None


@allowed_to(Action.CUSTOMER_VIEW)
@require_http_methods(["GET", "POST"])
def calendar_list(request: HttpRequest) -> HttpResponse:
    form = CalendarForm(request.POST or None, initial={"time_zone": "Europe/Stockholm", "country": "SE"})
    if request.method == "POST":
        if not request.user.can(Action.SERVICE_CONFIGURE):  # type: ignore[union-attr]
            return render(request, "403.html", {"action": Action.SERVICE_CONFIGURE}, status=403)
        calendar = _save(form, lambda data: services.calendar_create(actor=request.user, **data))
        if calendar is not None:
            messages.success(request, _("Calendar %(name)s created.") % {"name": calendar.name})
            return redirect("calendars:detail", calendar.pk)
    listing = list_state(CALENDAR_LIST, request.GET, path=request.path)
    country = request.GET.get("country", "")
    if country not in BusinessCalendar.Country.values:
        country = ""
    page = listing.paginate(selectors.calendar_list(country=country).order_by(*listing.order_by()))
    for calendar in page:
        calendar.week_summary = _week_summary(calendar)
        calendar.label = calendar_label(calendar)
    context = {
        "page": page,
        "country": country,
        "countries": BusinessCalendar.Country.choices,
        "count_template": "calendars/_calendar_count.html",
        "form_id": "calendar-filters",
        "form": form,
    }
    return list_response(
        request,
        listing,
        page_template="calendars/calendars.html",
        results_template="calendars/_calendar_results.html",
        context=context,
    )


def _calendar_or_404(calendar_id: int) -> BusinessCalendar:
    calendar = selectors.calendar_get(calendar_id)
    if calendar is None:
        raise Http404
    return calendar


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    today = timezone.localdate().year
    return int(text) if text.isdigit() and today - 5 <= int(text) <= today + 10 else today


def _week_initial(calendar: BusinessCalendar) -> dict[str, str]:
    days: list[list[Any]] = [[] for _ in range(7)]
    for period in calendar.periods.all():
        days[period.weekday].append((period.starts, period.ends))
    return {f"weekday_{weekday}": periods_show(periods) for weekday, periods in enumerate(days)}


def _page(
    request: HttpRequest,
    calendar: BusinessCalendar,
    *,
    settings_form: CalendarForm | None = None,
    week_form: WeekForm | None = None,
    day_form: SpecialDayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    year = _year(request)
    language = (get_language() or "en").split("-")[0]
    names_language, holidays = holiday_names(calendar.country, year, language=language)
    special = {day.date: day for day in calendar.days.all()}
    context = {
        "calendar": calendar,
        "label": calendar_label(calendar),
        "country_label": calendar.get_country_display() if calendar.country else "",
        "settings_form": settings_form
        or CalendarForm(
            initial={"name": calendar.name, "country": calendar.country, "time_zone": calendar.time_zone}
        ),
        "week_form": week_form or WeekForm(initial=_week_initial(calendar)),
        "day_form": day_form or SpecialDayForm(initial={"kind": "closed"}),
        "days": [(day, KIND_LABELS[day.kind], periods_show(day.periods)) for day in calendar.days.all()],
        "holidays": [
            (date, name, KIND_LABELS[special[date].kind] if date in special else CLOSED)
            for date, name in holidays
        ],
        "holidays_language": names_language,
        "page_language": language,
        "closed_label": CLOSED,
        "year": year,
        "years": [year - 1, year + 1],
    }
    return render(request, "calendars/calendar.html", context, status=status)


@allowed_to(Action.CUSTOMER_VIEW)
@require_http_methods(["GET", "POST"])
def calendar_detail(request: HttpRequest, calendar_id: int) -> HttpResponse:
    """The calendar's page; a POST changes its name, holidays' country or time zone."""
    calendar = _calendar_or_404(calendar_id)
    if request.method != "POST":
        return _page(request, calendar)
    if not request.user.can(Action.SERVICE_CONFIGURE):  # type: ignore[union-attr]
        return render(request, "403.html", {"action": Action.SERVICE_CONFIGURE}, status=403)
    form = CalendarForm(request.POST)
    saved = _save(
        form, lambda data: services.calendar_change(actor=request.user, calendar_id=calendar.pk, **data)
    )
    if saved is None:
        return _page(request, calendar, settings_form=form, status=422)
    messages.success(request, _("Changes saved."))
    return redirect("calendars:detail", calendar.pk)


@allowed_to(Action.SERVICE_CONFIGURE)
@require_POST
def calendar_week(request: HttpRequest, calendar_id: int) -> HttpResponse:
    """Set the periods of every weekday at once; a day with bad periods keeps its old ones and says why."""
    calendar = _calendar_or_404(calendar_id)
    form = WeekForm(request.POST)
    if form.is_valid():
        for weekday in range(7):
            key = f"weekday_{weekday}"
            try:
                services.calendar_periods_set(
                    actor=request.user,
                    calendar_id=calendar.pk,
                    weekday=weekday,
                    periods=form.cleaned_data[key],
                )
            except LojalError as error:
                form.add_error(
                    key, error.message if not error.errors else next(iter(error.errors.values()))[0]
                )
    if form.errors:
        return _page(request, _calendar_or_404(calendar_id), week_form=form, status=422)
    messages.success(request, _("The week is saved."))
    return redirect("calendars:detail", calendar.pk)


@allowed_to(Action.SERVICE_CONFIGURE)
@require_POST
def special_day_set(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = _calendar_or_404(calendar_id)
    form = SpecialDayForm(request.POST)
    saved = _save(
        form, lambda data: services.special_day_set(actor=request.user, calendar_id=calendar.pk, **data)
    )
    if saved is None:
        return _page(request, calendar, day_form=form, status=422)
    messages.success(request, _("The special day is saved."))
    return redirect(f"{reverse('calendars:detail', args=[calendar.pk])}#special-days")


@allowed_to(Action.SERVICE_CONFIGURE)
@require_POST
def special_day_remove(request: HttpRequest, calendar_id: int, date: str) -> HttpResponse:
    calendar = _calendar_or_404(calendar_id)
    try:
        services.special_day_remove(actor=request.user, calendar_id=calendar.pk, date=date)
        messages.success(request, _("The special day is removed."))
    except LojalError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('calendars:detail', args=[calendar.pk])}#special-days")


@allowed_to(Action.SERVICE_CONFIGURE)
@require_POST
def calendar_delete(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = _calendar_or_404(calendar_id)
    try:
        services.calendar_delete(actor=request.user, calendar_id=calendar.pk)
    except LojalError as error:
        messages.error(request, error.message)
        return redirect("calendars:detail", calendar.pk)
    messages.success(request, _("Calendar %(name)s deleted.") % {"name": calendar.name})
    return redirect("calendars:list")
