"""Erasing the whole audit trail (the full disposal's one exception to append-only)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.erasure import erase_trail
from dxdesk.audit.models import AuditAction, AuditChain, AuditEvent
from dxdesk.audit.queries import check_chain
from dxdesk.testing import make_user

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def test_a_rolled_back_erasure_leaves_the_trail_and_its_guard_as_they_were() -> None:
    user = make_user(Role.SUPERVISOR)
    for _ in range(3):
        record_event(user, AuditAction.VIEW, user)
    events = list(AuditEvent.objects.order_by("sequence").values_list("pk", "hash"))
    head = AuditChain.objects.values_list("length", "last_hash").get()

    with pytest.raises(RolledBack), transaction.atomic():
        erased = erase_trail()
        assert erased.event_ids == [pk for pk, _hash in events]
        assert erased.intact and erased.head_hash == head[1]
        assert not AuditEvent.objects.exists()
        assert AuditChain.objects.values_list("length", flat=True).get() == 0
        raise RolledBack

    assert list(AuditEvent.objects.order_by("sequence").values_list("pk", "hash")) == events
    assert AuditChain.objects.values_list("length", "last_hash").get() == head
    assert check_chain().intact
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


def test_after_an_erasure_the_next_event_starts_a_new_chain() -> None:
    user = make_user(Role.ADMIN)
    record_event(user, AuditAction.VIEW, user)
    with transaction.atomic():
        erase_trail()
        event = record_event(user, AuditAction.DELETE, user)

    assert event.sequence == 1
    assert check_chain().intact
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET note = 'x'")


def test_it_refuses_to_run_outside_a_transaction(transactional_db: None) -> None:
    with pytest.raises(RuntimeError, match="inside the disposal's transaction"):
        erase_trail()
