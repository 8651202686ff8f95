from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "lojal.sales"
    label = "sales"

    def ready(self) -> None:
        from lojal.core.exports import export_source_register
        from lojal.sales.product_exports import product_export_plan

        export_source_register("products", product_export_plan)
        from lojal.sales.rendering import sales_event_summaries, sales_event_summary
        from lojal.timeline.services import summary_renderer_register

        summary_renderer_register(
            prefix="sales.", render=sales_event_summary, render_columns=sales_event_summaries
        )
