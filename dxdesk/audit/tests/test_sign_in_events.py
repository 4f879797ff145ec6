"""Signing in, failing to and signing out are in the audit trail."""

from __future__ import annotations

import pytest
from django.test import Client

from dxdesk.accounts.roles import Role
from dxdesk.audit.models import AuditAction, AuditEvent
from dxdesk.testing import PERSONA_PASSWORD, make_user

pytestmark = pytest.mark.django_db

BROWSER = {"REMOTE_ADDR": "198.51.100.20", "HTTP_USER_AGENT": "TestBrowser/1.0"}


def sign_in(client: Client, email: str, password: str) -> object:
    return client.post("/accounts/sign-in/", {"username": email, "password": password}, **BROWSER)


def test_a_sign_in_is_recorded_with_its_address() -> None:
    user = make_user(Role.DESK, email="desk@example.jp")
    sign_in(Client(), "desk@example.jp", PERSONA_PASSWORD)
    event = AuditEvent.objects.filter(user_id=user.pk).get()
    assert event.action == AuditAction.SIGN_IN
    assert event.role == Role.DESK
    assert (event.ip_address, event.user_agent) == ("198.51.100.20", "TestBrowser/1.0")


def test_a_wrong_password_is_recorded_against_the_account() -> None:
    user = make_user(Role.DESK, email="desk@example.jp")
    response = sign_in(Client(), "Desk@Example.jp", "wrong-password-1234")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(user_id=user.pk).get()
    assert event.action == AuditAction.SIGN_IN_FAILED
    assert event.user_email == "desk@example.jp"


def test_an_unknown_name_is_recorded_without_what_was_typed() -> None:
    before = AuditEvent.objects.count()
    sign_in(Client(), "mysecret@passw0rd.example", "whatever-it-was")
    event = AuditEvent.objects.order_by("-sequence").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None
    assert event.action == AuditAction.SIGN_IN_FAILED
    assert event.user_id is None
    assert "passw0rd" not in event.canonical_json()
    assert event.note == "未登録のメールアドレス"


def test_a_sign_out_is_recorded() -> None:
    user = make_user(Role.SUPERVISOR)
    client = Client()
    client.force_login(user)
    client.post("/accounts/sign-out/", **BROWSER)
    actions = list(
        AuditEvent.objects.filter(user_id=user.pk)
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.SIGN_IN, AuditAction.SIGN_OUT]
