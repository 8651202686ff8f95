"""SQLite: typo-tolerant search now looks up similar words in the FTS5 vocabulary, so the trigram
index (costly on every insert) goes. PostgreSQL is unchanged (pg_trgm)."""

from django.db import migrations

from lojal.customers.search_schema import SQLITE_TRIGGERS

def _statements():
    return [
        "DROP TRIGGER IF EXISTS customer_search_update",
        "DROP TRIGGER IF EXISTS customer_search_delete",
        "DROP TRIGGER IF EXISTS customer_search_insert",
        "DROP TABLE IF EXISTS customer_trigram",
        *SQLITE_TRIGGERS,
        "CREATE VIRTUAL TABLE customer_fts_vocab USING fts5vocab('customer_fts', 'row')",
    ]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _statements():
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS customer_fts_vocab")


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_search_text_with_industry")]

    operations = [migrations.RunPython(forward, backward)]
