"""Substring search on SQLite: an FTS5 trigram table over each company's search keys.

PostgreSQL has pg_trgm (migration 0002); SQLite gets the same effect from FTS5's
trigram tokenizer, which answers LIKE '%…%' of three or more characters from its
index. Triggers keep it in step with every insert, update and delete, however the
row was written (bulk imports included).
"""

from django.db import migrations

SEARCH_TEXT = "new.name_key || char(31) || new.kana_key || char(31) || new.address_key"

CREATE = [
    "CREATE VIRTUAL TABLE registry_company_search USING fts5(text, tokenize='trigram')",
    f"""CREATE TRIGGER registry_company_search_insert AFTER INSERT ON registry_company BEGIN
        INSERT INTO registry_company_search(rowid, text) VALUES (new.id, {SEARCH_TEXT});
    END""",  # nosec B608  # SEARCH_TEXT is a constant above
    f"""CREATE TRIGGER registry_company_search_update
        AFTER UPDATE OF name_key, kana_key, address_key ON registry_company BEGIN
        UPDATE registry_company_search SET text = {SEARCH_TEXT} WHERE rowid = new.id;
    END""",  # nosec B608  # SEARCH_TEXT is a constant above
    """CREATE TRIGGER registry_company_search_delete AFTER DELETE ON registry_company BEGIN
        DELETE FROM registry_company_search WHERE rowid = old.id;
    END""",
    """INSERT INTO registry_company_search(rowid, text)
        SELECT id, name_key || char(31) || kana_key || char(31) || address_key
        FROM registry_company""",
]
DROP = [
    "DROP TRIGGER IF EXISTS registry_company_search_insert",
    "DROP TRIGGER IF EXISTS registry_company_search_update",
    "DROP TRIGGER IF EXISTS registry_company_search_delete",
    "DROP TABLE IF EXISTS registry_company_search",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_trigram_search_indexes")]
    operations = [migrations.RunPython(create, drop)]
