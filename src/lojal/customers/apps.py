from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "lojal.customers"
    label = "customers"
