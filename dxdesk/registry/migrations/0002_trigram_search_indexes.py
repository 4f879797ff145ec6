"""Substring search on PostgreSQL uses trigram GIN indexes (pg_trgm).

SQLite has no equivalent index for LIKE '%…%'; it scans the narrow key columns,
which docs/benchmarks.md measures.
"""

from django.db import migrations

KEY_COLUMNS = ("name_key", "kana_key", "address_key", "phone_key")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in KEY_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS company_{column}_trgm "
            f"ON registry_company USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in KEY_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS company_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
