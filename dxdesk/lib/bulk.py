"""Fast multi-row INSERT for large imports.

Django's bulk_create compiles every value of every row through its SQL compiler,
which costs more than parsing the row did. This builds the statement once and hands
plain values to the driver's executemany, converting only the field types whose
database form differs from the Python value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models

_CONVERTED_TYPES = (
    models.DateTimeField,
    models.DateField,
    models.TimeField,
    models.DecimalField,
    models.JSONField,
    models.UUIDField,
)


def insert_many(
    model: type[models.Model], objects: Sequence[models.Model], *, using: str = "default"
) -> None:
    """INSERT `objects` (without primary keys) in one executemany; no signals, no pks back."""
    if not objects:
        return
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    # Only quoted identifiers from the model's metadata are formatted in; values are
    # parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    getters = [_value_getter(field, connection) for field in fields]
    rows = [[get(obj) for get in getters] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _value_getter(field: models.Field[Any, Any], connection: Any) -> Callable[[models.Model], Any]:
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), connection)
    if isinstance(field, _CONVERTED_TYPES):
        return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)
    return lambda obj: getattr(obj, attname)
