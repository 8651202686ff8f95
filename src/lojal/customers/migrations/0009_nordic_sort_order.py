"""Names sort in the Nordic alphabet: å ä ö (or æ ø å) after z instead of among the a's and o's.

The sort key is recomputed for every customer, in batches. On PostgreSQL the column compares byte
by byte (collation "C"), as SQLite does: the key is built for that comparison, and a language-aware
database collation would otherwise ignore the characters the Nordic letters map to.
"""

from django.db import migrations

from lojal.customers.derived import sort_keys_recompute

def recompute(apps, schema_editor):
    sort_keys_recompute(apps.get_model("customers", "Customer"))


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
