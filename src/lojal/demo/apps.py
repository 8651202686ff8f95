from django.apps import AppConfig


class DemoConfig(AppConfig):
    """An app without models, so Django finds its ``lojal demo`` command."""

    name = "lojal.demo"
    label = "demo"
