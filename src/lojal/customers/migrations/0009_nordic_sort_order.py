"""Names sort in the Nordic alphabet: å ä ö (or æ ø å) after z instead of among the a's and o's.

The sort key is recomputed for every customer, in batches. On PostgreSQL the column compares byte
by byte (collation "C"), as SQLite does: the key is built for that comparison, and a language-aware
database collation would otherwise ignore the characters the Nordic letters map to.
"""

from django.conf import settings
from django.db import migrations

from lojal.core.text import sort_key

BATCH = 5000


def recompute(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    country = settings.DEFAULT_COUNTRY
    last_id = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            rows = list(
                Customer.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", "kind", "first_name", "last_name", "organisation_name", "sort_name")[:BATCH]
            )
            if not rows:
                return
            last_id = rows[-1][0]
            changed = []
            for pk, kind, first, last, organisation, old in rows:
                name = organisation if kind == "organisation" else f"{last} {first}"
                new = sort_key(name, country)
                if new != old:
                    changed.append((new, pk))
            if changed:
                cursor.executemany("UPDATE customers_customer SET sort_name = %s WHERE id = %s", changed)


def collate_binary(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE customers_customer ALTER COLUMN sort_name TYPE varchar(300) COLLATE "C"')


def collate_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customers_customer ALTER COLUMN sort_name TYPE varchar(300) COLLATE pg_catalog.\"default\"")


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_created_index")]

    operations = [
        migrations.RunPython(collate_binary, collate_default),
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
