from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "lojal.sales"
    label = "sales"
