"""Search indexes and the customer-number sequence, written per database: FTS5 tables kept in step by
triggers on SQLite; a tsvector column with per-language stemming, pg_trgm and a real sequence on
PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE customer_fts USING fts5(
        search_text, content='customers_customer', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2")""",
    """CREATE VIRTUAL TABLE customer_trigram USING fts5(
        search_text, content='customers_customer', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER customer_search_insert AFTER INSERT ON customers_customer BEGIN
        INSERT INTO customer_fts(rowid, search_text) VALUES (new.id, new.search_text);
        INSERT INTO customer_trigram(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER customer_search_delete AFTER DELETE ON customers_customer BEGIN
        INSERT INTO customer_fts(customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO customer_trigram(customer_trigram, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER customer_search_update AFTER UPDATE OF search_text ON customers_customer BEGIN
        INSERT INTO customer_fts(customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO customer_trigram(customer_trigram, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO customer_fts(rowid, search_text) VALUES (new.id, new.search_text);
        INSERT INTO customer_trigram(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS customer_search_update",
    "DROP TRIGGER IF EXISTS customer_search_delete",
    "DROP TRIGGER IF EXISTS customer_search_insert",
    "DROP TABLE IF EXISTS customer_trigram",
    "DROP TABLE IF EXISTS customer_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE SEQUENCE IF NOT EXISTS lojal_seq_customer_number START 100001",
    """CREATE OR REPLACE FUNCTION lojal_ts_config(language text) RETURNS regconfig
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE language
            WHEN 'sv' THEN 'swedish'::regconfig WHEN 'nb' THEN 'norwegian'::regconfig
            WHEN 'da' THEN 'danish'::regconfig WHEN 'fi' THEN 'finnish'::regconfig
            ELSE 'english'::regconfig END $$""",
    "ALTER TABLE customers_customer ADD COLUMN search_vector tsvector",
    """CREATE OR REPLACE FUNCTION lojal_customer_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_vector :=
                setweight(to_tsvector('simple', coalesce(NEW.search_text, '')), 'A') ||
                setweight(to_tsvector(lojal_ts_config(NEW.preferred_language),
                                      coalesce(NEW.search_text, '') || ' ' || coalesce(NEW.industry, '')), 'B');
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER customer_search_vector BEFORE INSERT OR UPDATE OF search_text, preferred_language, industry
        ON customers_customer FOR EACH ROW EXECUTE FUNCTION lojal_customer_search_vector()""",
    "CREATE INDEX customer_search_vector_gin ON customers_customer USING gin (search_vector)",
    "CREATE INDEX customer_search_text_trgm ON customers_customer USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS customer_search_text_trgm",
    "DROP INDEX IF EXISTS customer_search_vector_gin",
    "DROP TRIGGER IF EXISTS customer_search_vector ON customers_customer",
    "DROP FUNCTION IF EXISTS lojal_customer_search_vector()",
    "ALTER TABLE customers_customer DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS lojal_ts_config(text)",
    "DROP SEQUENCE IF EXISTS lojal_seq_customer_number",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
