from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "lojal.privacy"
    label = "privacy"
    verbose_name = "Lojal privacy (GDPR)"

    def ready(self) -> None:
        from lojal.core.privacy import declarations_load

        declarations_load()
