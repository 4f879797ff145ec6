"""`dxdesk verify_audit` finds the first event altered, removed or moved after it was written."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditEvent
from dxdesk.audit.tests.tampering import execute
from dxdesk.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> list[AuditEvent]:
    user = make_user(Role.SUPERVISOR)
    return [record_event(user, "view", note=f"記録{index}") for index in range(1, 5)]


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def broken() -> str:
    with pytest.raises(CommandError) as raised:
        verify()
    assert raised.value.returncode == 1
    return str(raised.value)


def test_it_passes_an_intact_trail_and_counts_it(events: list[AuditEvent]) -> None:
    output = verify()
    assert f"audit trail intact: {events[-1].sequence} events" in output
    assert events[-1].hash in output


def test_it_names_an_event_altered_afterwards(events: list[AuditEvent]) -> None:
    execute(
        "UPDATE audit_auditevent SET user_email = 'someone@else.jp' WHERE id = %s", [events[1].pk]
    )
    assert f"event #{events[1].sequence} (id {events[1].pk}" in broken()
    assert "altered" in broken()


def test_it_names_the_event_after_one_removed(events: list[AuditEvent]) -> None:
    execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    message = broken()
    assert f"event #{events[2].sequence} " in message
    assert f"event #{events[1].sequence} is missing" in message


def test_it_names_events_put_in_each_other_s_place(events: list[AuditEvent]) -> None:
    second, third = events[1], events[2]
    swap = "UPDATE audit_auditevent SET sequence = %s WHERE id = %s"
    execute(swap, [10**12, second.pk])
    execute(swap, [second.sequence, third.pk])
    execute(swap, [third.sequence, second.pk])
    message = broken()
    assert f"event #{second.sequence} (id {third.pk}" in message
    assert "does not follow" in message


def test_it_notices_events_removed_from_the_end(events: list[AuditEvent]) -> None:
    execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    assert f"event #{events[-1].sequence} is missing" in broken()


def test_it_notices_an_event_forged_with_a_fresh_hash(events: list[AuditEvent]) -> None:
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.note = "差し替え"
    execute(
        "UPDATE audit_auditevent SET note = %s, hash = %s WHERE id = %s",
        [forged.note, forged.compute_hash(), forged.pk],
    )
    assert f"event #{events[2].sequence} " in broken()


def test_it_says_when_the_head_no_longer_matches_the_last_event(
    events: list[AuditEvent],
) -> None:
    execute("UPDATE audit_auditchain SET last_hash = %s", ["0" * 64])
    message = broken()
    assert f"event #{events[-1].sequence} or the chain's head was replaced" in message
