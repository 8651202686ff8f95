from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "lojal.imports"
    label = "imports"
