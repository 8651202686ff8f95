from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lojal.cases"
    label = "cases"

    def ready(self) -> None:
        from lojal.cases.rendering import case_event_summary
        from lojal.timeline.services import summary_renderer_register

        summary_renderer_register(prefix="case.", render=case_event_summary)
