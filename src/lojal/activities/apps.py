from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "lojal.activities"
    label = "activities"

    def ready(self) -> None:
        from lojal.activities.rendering import activity_event_summary
        from lojal.timeline.services import summary_renderer_register

        summary_renderer_register(prefix="activity.", render=activity_event_summary)
