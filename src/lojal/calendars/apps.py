from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "lojal.calendars"
    label = "calendars"
