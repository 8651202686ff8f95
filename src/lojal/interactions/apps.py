from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "lojal.interactions"
    label = "interactions"
