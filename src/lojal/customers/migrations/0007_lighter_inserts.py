"""PostgreSQL: cheaper customer inserts, and searches that stay fast after many of them.

- The trigram index over every customer's whole search text is gone: typo search goes through the
  word list (0006) since, and keeping a trigram index of a million names up to date cost more on
  every insert than anything else in it.
- New customers' words reach the word list once per statement (a transition table), not once per
  row, so a batch of a thousand is one insert into the list instead of a thousand. Changes of the
  search text still go row by row: a statement trigger cannot be limited to one column.
- The full-text index keeps a short list of pending entries (256 kB instead of 4 MB): every search
  reads the whole pending list, and with a long one a name search after a day of inserts took
  twice as long.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS customer_search_text_trgm",
    "ALTER INDEX customer_search_vector_gin SET (gin_pending_list_limit = 256)",
    "DROP TRIGGER IF EXISTS customer_search_words ON customers_customer",
    """CREATE OR REPLACE FUNCTION lojal_customer_search_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO customer_search_word (word)
            SELECT DISTINCT word FROM inserted, unnest(string_to_array(inserted.search_text, ' ')) AS word
            WHERE length(word) >= 3
            ORDER BY word
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER customer_search_words_insert AFTER INSERT ON customers_customer
        REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION lojal_customer_search_words_inserted()""",
    """CREATE TRIGGER customer_search_words_update AFTER UPDATE OF search_text ON customers_customer
        FOR EACH ROW EXECUTE FUNCTION lojal_customer_search_words()""",
]
BACKWARD = [
    "ALTER INDEX customer_search_vector_gin RESET (gin_pending_list_limit)",
    "DROP TRIGGER IF EXISTS customer_search_words_update ON customers_customer",
    "DROP TRIGGER IF EXISTS customer_search_words_insert ON customers_customer",
    "DROP FUNCTION IF EXISTS lojal_customer_search_words_inserted()",
    """CREATE TRIGGER customer_search_words AFTER INSERT OR UPDATE OF search_text ON customers_customer
        FOR EACH ROW EXECUTE FUNCTION lojal_customer_search_words()""",
    "CREATE INDEX IF NOT EXISTS customer_search_text_trgm ON customers_customer USING gin (search_text gin_trgm_ops)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_postgres_word_list")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
