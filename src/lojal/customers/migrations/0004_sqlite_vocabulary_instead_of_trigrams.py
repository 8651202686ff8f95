"""SQLite: typo-tolerant search now looks up similar words in the FTS5 vocabulary, so the trigram
index (costly on every insert) goes. PostgreSQL is unchanged (pg_trgm)."""

from django.db import migrations

TRIGGERS = """
CREATE TRIGGER customer_search_insert AFTER INSERT ON customers_customer BEGIN
    INSERT INTO customer_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customer_search_delete AFTER DELETE ON customers_customer BEGIN
    INSERT INTO customer_fts(customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER customer_search_update AFTER UPDATE OF search_text ON customers_customer BEGIN
    INSERT INTO customer_fts(customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO customer_fts(rowid, search_text) VALUES (new.id, new.search_text);
END
"""

def _statements():
    parts = [part.strip() for part in TRIGGERS.strip().split("END;")]
    triggers = [part if part.endswith("END") else f"{part}\nEND" for part in parts if part]
    return [
        "DROP TRIGGER IF EXISTS customer_search_update",
        "DROP TRIGGER IF EXISTS customer_search_delete",
        "DROP TRIGGER IF EXISTS customer_search_insert",
        "DROP TABLE IF EXISTS customer_trigram",
        *triggers,
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
