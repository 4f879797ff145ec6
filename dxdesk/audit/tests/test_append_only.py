"""Neither the application nor SQL can change or remove an audit event."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AppendOnlyError, AuditChain, AuditEvent
from dxdesk.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return record_event(make_user(Role.SUPERVISOR), "view", note="元の記録")


def test_the_model_refuses_to_save_an_event_twice(event: AuditEvent) -> None:
    event.note = "書き換え"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_the_model_refuses_to_delete_an_event(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_querysets_refuse_to_update_or_delete(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(note="書き換え")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET note = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_sql_that_changes_an_event(event: AuditEvent, statement: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).note == "元の記録"


def test_the_database_refuses_to_rewind_or_remove_the_chain_head(event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="never moves backwards"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditchain SET length = 0")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditchain")
    assert AuditChain.objects.get().length >= event.sequence


def test_postgresql_refuses_to_truncate_the_trail(postgresql_only: None, event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")
