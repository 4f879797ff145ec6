"""Five failed sign-ins lock that account out from that address for 30 minutes (R-SEC-3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from dxdesk.accounts.roles import Role
from dxdesk.accounts.tests.otp import device_for, wrong_code
from dxdesk.audit.models import AuditEvent
from dxdesk.testing import PERSONA_PASSWORD, make_user

pytestmark = pytest.mark.django_db

EMAIL = "boss@example.jp"
LOCKED_MESSAGE = "ログインに続けて 5 回失敗したため"


@pytest.fixture
def supervisor() -> object:
    return make_user(Role.SUPERVISOR, email=EMAIL)


def attempt(password: str, *, ip: str = "198.51.100.1", email: str = EMAIL) -> object:
    return Client(REMOTE_ADDR=ip).post(
        "/accounts/sign-in/", {"username": email, "password": password}
    )


def fail(times: int, **where: str) -> object:
    response = None
    for _ in range(times):
        response = attempt("wrong-password-123", **where)
    return response


def test_four_failures_still_let_the_right_password_in(supervisor: object) -> None:
    assert fail(4).status_code == 200
    assert attempt(PERSONA_PASSWORD).status_code == 302


def test_the_fifth_failure_locks_the_account_out_and_says_so_in_japanese(
    supervisor: object,
) -> None:
    response = fail(5)
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED_MESSAGE in body
    assert "30 分間停止しています" in body

    locked = attempt(PERSONA_PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.wsgi_request.session


def test_the_lock_is_for_that_account_from_that_address(supervisor: object) -> None:
    make_user(Role.OPERATOR, email="caller@example.jp")
    fail(5)
    assert attempt(PERSONA_PASSWORD, ip="203.0.113.50").status_code == 302
    assert attempt(PERSONA_PASSWORD, email="caller@example.jp").status_code == 302


def test_changing_the_case_of_the_address_does_not_buy_more_tries(supervisor: object) -> None:
    fail(3)
    fail(2, email="BOSS@Example.JP")
    assert attempt(PERSONA_PASSWORD).status_code == 429


def test_the_lock_lifts_after_thirty_minutes(supervisor: object) -> None:
    fail(5)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert attempt(PERSONA_PASSWORD).status_code == 302


def test_failed_sign_ins_are_in_the_audit_trail(supervisor: object) -> None:
    fail(6)
    notes = list(
        AuditEvent.objects.filter(user_id=supervisor.pk)  # type: ignore[attr-defined]
        .order_by("sequence")
        .values_list("action", "note")
    )
    # The fifth failure locks the account; the sixth attempt is refused by the lock.
    assert notes == [("sign_in_failed", "")] * 4 + [("sign_in_failed", "ロック中")] * 2


def test_wrong_second_factor_codes_count_and_end_the_session(
    supervisor: object, settings: object
) -> None:
    settings.DEMO_MODE = False  # type: ignore[attr-defined]
    device = device_for(supervisor)  # type: ignore[arg-type]
    client = Client(REMOTE_ADDR="198.51.100.1")
    client.post("/accounts/sign-in/", {"username": EMAIL, "password": PERSONA_PASSWORD})
    responses = [
        client.post("/accounts/sign-in/code/", {"token": wrong_code(device)}) for _ in range(5)
    ]
    assert [response.status_code for response in responses] == [200, 200, 200, 200, 429]
    assert LOCKED_MESSAGE in responses[-1].content.decode()
    # Signed out: the staff area sends the browser back to the password.
    assert client.get("/staff/")["Location"].startswith("/accounts/sign-in/")
    assert attempt(PERSONA_PASSWORD).status_code == 429
