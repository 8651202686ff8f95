from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "lojal.activities"
    label = "activities"
