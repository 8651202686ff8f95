"""The SQLite triggers that keep the FTS5 search index in step with the customer table.

Kept in one place because SQLite loses a table's triggers whenever a migration rebuilds the table,
so every such migration re-creates them from here.
"""

from typing import Any

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS customer_search_insert AFTER INSERT ON customers_customer BEGIN
        INSERT INTO customer_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS customer_search_delete AFTER DELETE ON customers_customer BEGIN
        INSERT INTO customer_fts(customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS customer_search_update AFTER UPDATE OF search_text ON customers_customer BEGIN
        INSERT INTO customer_fts(customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO customer_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]


def sqlite_triggers_restore(apps: object, schema_editor: Any) -> None:
    """A migration operation: re-create the search triggers on SQLite (nothing elsewhere)."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)
