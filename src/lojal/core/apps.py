from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lojal.core"
    label = "core"
    verbose_name = "Lojal core"
