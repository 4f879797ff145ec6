"""Test helper: what someone with the database owner's rights could do to the trail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def triggers_off() -> Iterator[None]:
    """Lift the append-only triggers for the rest of the test's transaction.

    Both databases undo this with the test's rollback (DDL is transactional in each).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditchain DISABLE TRIGGER USER")
        else:
            for name in [
                "audit_auditevent_no_update",
                "audit_auditevent_no_delete",
                "audit_auditchain_no_delete",
                "audit_auditchain_forward_only",
            ]:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    yield


def execute(sql: str, params: list[object] | None = None) -> None:
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])
