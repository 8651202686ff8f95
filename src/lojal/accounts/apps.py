from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lojal.accounts"
    label = "accounts"
