from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lojal.core"
    label = "core"
    verbose_name = "Lojal core"

    def ready(self) -> None:
        from lojal.core.folding import folding_install
        from lojal.core.request_language import request_language_install

        folding_install()
        request_language_install()
