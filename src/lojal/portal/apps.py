from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lojal.portal"
    label = "portal"
