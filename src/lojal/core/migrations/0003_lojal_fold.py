"""``lojal_fold(text)`` on PostgreSQL: lower(unaccent(text)), immutable (lojal.core.folding). SQLite gets
the same function from Python on every connection, so there is nothing to create there."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE OR REPLACE FUNCTION lojal_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
"""
DROP = "DROP FUNCTION IF EXISTS lojal_fold(text);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_rate_counter")]

    operations = [migrations.RunPython(create, drop)]
