"""Writers at the same moment queue on the chain's head: the chain never forks."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditChain, AuditEvent
from dxdesk.audit.queries import check_chain
from dxdesk.testing import make_user

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 4
EVENTS_EACH = 10


def test_simultaneous_writers_number_and_chain_every_event_once() -> None:
    user = make_user(Role.OPERATOR)
    before = AuditChain.objects.get().length
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for index in range(EVENTS_EACH):
                record_event(user, "view", note=f"{writer}-{index}")
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures
    written = AuditEvent.objects.filter(sequence__gt=before).order_by("sequence")
    assert [event.sequence for event in written] == list(
        range(before + 1, before + WRITERS * EVENTS_EACH + 1)
    )
    assert check_chain().intact
