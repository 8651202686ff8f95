from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A data subject's rights (GDPR): the export of everything about one person and their erasure."""

    name = "lojal.privacy"
    label = "privacy"
