"""The four calendars Lojal ships: Monday to Friday 08:00-17:00 in each Nordic country's zone, closed on
its public (and de facto) holidays through the calendar's country (lojal.calendars.public_holidays)."""

import datetime as dt

from django.db import migrations

SHIPPED = (
    ("Sweden", "SE", "Europe/Stockholm"),
    ("Norway", "NO", "Europe/Oslo"),
    ("Denmark", "DK", "Europe/Copenhagen"),
    ("Finland", "FI", "Europe/Helsinki"),
)


def ship(apps, schema_editor):
    BusinessCalendar = apps.get_model("calendars", "BusinessCalendar")
    OpeningPeriod = apps.get_model("calendars", "OpeningPeriod")
    for name, country, zone in SHIPPED:
        calendar, created = BusinessCalendar.objects.get_or_create(
            name=name, defaults={"country": country, "time_zone": zone, "is_shipped": True}
        )
        if not created:
            continue
        OpeningPeriod.objects.bulk_create(
            OpeningPeriod(calendar=calendar, weekday=weekday, starts=dt.time(8), ends=dt.time(17))
            for weekday in range(5)
        )


def unship(apps, schema_editor):
    BusinessCalendar = apps.get_model("calendars", "BusinessCalendar")
    BusinessCalendar.objects.filter(is_shipped=True, name__in=[name for name, _c, _z in SHIPPED]).delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
