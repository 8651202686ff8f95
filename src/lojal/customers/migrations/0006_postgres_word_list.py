"""PostgreSQL: a table of the distinct words customers are searched by, kept by a trigger, so that a
misspelt word is matched against tens of thousands of words instead of a million names."""

from django.db import migrations

FORWARD = [
    "CREATE TABLE IF NOT EXISTS customer_search_word (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS customer_search_word_trgm ON customer_search_word USING gin (word gin_trgm_ops)",
    """CREATE OR REPLACE FUNCTION lojal_customer_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO customer_search_word (word)
            SELECT DISTINCT word FROM unnest(string_to_array(NEW.search_text, ' ')) AS word
            WHERE length(word) >= 3
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER customer_search_words AFTER INSERT OR UPDATE OF search_text ON customers_customer
        FOR EACH ROW EXECUTE FUNCTION lojal_customer_search_words()""",
    """INSERT INTO customer_search_word (word)
        SELECT DISTINCT word FROM customers_customer, unnest(string_to_array(search_text, ' ')) AS word
        WHERE length(word) >= 3
        ON CONFLICT DO NOTHING""",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS customer_search_words ON customers_customer",
    "DROP FUNCTION IF EXISTS lojal_customer_search_words()",
    "DROP TABLE IF EXISTS customer_search_word",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_leaner_indexes")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
