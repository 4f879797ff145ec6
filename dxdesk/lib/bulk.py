"""Fast multi-row INSERT for large imports.

Django's bulk_create compiles every value of every row through its SQL compiler,
which costs more than parsing the row did. These build the statement once and hand
plain values to the driver, converting only the field types whose database form
differs from the Python value. PostgreSQL gets the rows through COPY: with Django's
client-side parameter binding, an executemany formats every row in Python and costs
twice as much as COPY does per row.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.utils import timezone

_CONVERTED_TYPES = (
    models.DateTimeField,
    models.DateField,
    models.TimeField,
    models.DecimalField,
    models.JSONField,
    models.UUIDField,
)


# SQLite's page cache while a bulk write runs (negative: KiB). The default 2 MiB cannot
# hold the pages of a 50,000-row table's seven indexes and its FTS5 index, so every
# insert goes back to the file for some of them.
BULK_PAGE_CACHE_KIB = 64 * 1024


@contextmanager
def bulk_writing(using: str = "default") -> Iterator[None]:
    """Run a bulk write with a larger SQLite page cache, given back afterwards."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{BULK_PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def values_subquery(values: Sequence[str], *, using: str = "default") -> RawSQL:
    """A subquery giving `values` back, for `field__in=` with thousands of strings.

    The values travel as one parameter (a JSON array on SQLite, a text array on
    PostgreSQL). Django compiles and sends each value of a plain list as a parameter of
    its own, which at 2,000 values costs several times what the lookup does.
    """
    if connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", [list(values)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(values))])


def fetch_values(
    queryset: models.QuerySet[Any], *, using: str = "default"
) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` queryset as tuples of plain database values.

    On SQLite the rows come back as one JSON value built inside the database: reading a
    result row by row steps SQLite once a row, giving up Python's GIL each time, which
    stalls a thread that reads while another thread is busy (dxdesk.lib.pipeline).
    Values are the columns' stored forms (numbers, text, NULL; SQLite keeps booleans as
    0 and 1), without the fields' Python conversions, so only columns of those kinds
    belong in the query.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    width = len(queryset.query.values_select)
    # The CTE's column list names the inner query's columns by position, whatever
    # Django called them.
    names = ", ".join(f"c{index}" for index in range(width))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH found({names}) AS ({sql}) "  # noqa: S608  # nosec B608  # Django-compiled SQL, values are parameters
            f"SELECT json_group_array(json_array({names})) FROM found",
            params,
        )
        (text,) = cursor.fetchone()
    return [tuple(row) for row in json.loads(text)]


def insert_many(
    model: type[models.Model], objects: Sequence[models.Model], *, using: str = "default"
) -> None:
    """INSERT `objects` (without primary keys) in one statement; no signals, no pks back."""
    if not objects:
        return
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    getters = [_value_getter(field, connection) for field in fields]
    _insert(model, fields, ([get(obj) for get in getters] for obj in objects), using=using)


def insert_rows(
    model: type[models.Model],
    field_names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
) -> None:
    """INSERT rows given as tuples of the named fields' values, without building models.

    Every other field (the primary key aside) takes its default, and auto_now /
    auto_now_add fields the time of this call, the same for every row. Values of the
    named fields are converted to their database form as Model.save would.
    """
    connection = connections[using]
    named = [_concrete_field(model, name) for name in field_names]
    others = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field not in named
    ]
    now = timezone.now()
    constants = tuple(
        field.get_db_prep_save(
            now
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            # A field's default, as Model.__init__ would give it.
            else field.get_default(),
            connection,
        )
        for field in others
    )
    converters = [
        (index, field) for index, field in enumerate(named) if isinstance(field, _CONVERTED_TYPES)
    ]
    if converters:
        rows = (_converted(row, converters, connection) for row in rows)
    _insert(model, [*named, *others], (tuple(row) + constants for row in rows), using=using)


def _concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field


def _column(field: models.Field[Any, Any]) -> str:
    if field.column is None:
        raise ValueError(f"{field} has no column")
    return field.column


def _converted(
    row: Sequence[Any],
    converters: Sequence[tuple[int, models.Field[Any, Any]]],
    connection: Any,
) -> list[Any]:
    values = list(row)
    for index, field in converters:
        values[index] = field.get_db_prep_save(values[index], connection)
    return values


def _insert(
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    rows: Iterable[Sequence[Any]],
    *,
    using: str,
) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_column(field)) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only quoted identifiers from the model's metadata are formatted in; psycopg
            # sends the values. COPY bypasses Django's error wrapping, so it is added here.
            with (
                connection.wrap_database_errors,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        # Many rows per statement (as many as SQLite takes parameters for): executemany
        # steps SQLite once a row, and each step gives up and takes back Python's GIL,
        # which stalls a writing thread behind a busy reading one (dxdesk.lib.pipeline)
        # for up to the interpreter's switch interval each time.
        width = len(fields)
        per_statement = max(1, _sqlite_parameter_limit(connection) // width)
        head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608  # nosec B608
        placeholders = "(" + ", ".join(["%s"] * width) + ")"
        for batch in _slices(rows, per_statement):
            cursor.execute(
                head + ", ".join([placeholders] * len(batch)),
                list(itertools.chain.from_iterable(batch)),
            )


def _sqlite_parameter_limit(connection: Any) -> int:
    connection.ensure_connection()
    return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


def _slices(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _value_getter(field: models.Field[Any, Any], connection: Any) -> Callable[[models.Model], Any]:
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), connection)
    if isinstance(field, _CONVERTED_TYPES):
        return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)
    return lambda obj: getattr(obj, attname)
