"""The search text now includes the industry; recompute it for existing customers."""

from django.db import migrations


def recompute(apps, schema_editor):
    from lojal.core.text import fold

    customer_model = apps.get_model("customers", "Customer")
    batch = []
    for customer in customer_model.objects.exclude(industry="").only("id", "display_name", "city", "industry").iterator(
        chunk_size=2000
    ):
        customer.search_text = fold(f"{customer.display_name} {customer.city} {customer.industry}")
        batch.append(customer)
        if len(batch) >= 2000:
            customer_model.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        customer_model.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_search_and_numbers")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
