from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "lojal.customers"
    label = "customers"

    def ready(self) -> None:
        from lojal.core.exports import export_source_register
        from lojal.customers.exports import customer_export_plan

        export_source_register("customers", customer_export_plan)
