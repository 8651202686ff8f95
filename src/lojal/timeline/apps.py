from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "lojal.timeline"
    label = "timeline"
