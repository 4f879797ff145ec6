"""An idle session ends; passwords follow the policy; signed-in pages are never cached."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dxdesk.accounts.roles import Role
from dxdesk.testing import PERSONA_PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db


def test_a_session_left_idle_for_the_time_out_ends(settings: object) -> None:
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)  # type: ignore[attr-defined]
    assert idle == timedelta(hours=8)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(make_user(Role.SUPERVISOR))
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + idle + timedelta(minutes=1), tick=False):
        response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_every_request_restarts_the_idle_clock() -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(make_user(Role.SUPERVISOR))
    for hours in (7, 14, 21):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            assert client.get("/staff/").status_code == 200


def _session_writes(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("UPDATE") and "django_session" in query["sql"]
    ]


def test_a_request_within_a_minute_of_the_last_write_leaves_the_session_alone() -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(make_user(Role.SUPERVISOR))
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        assert _session_writes(client, "/staff/") == []


def test_a_request_a_minute_after_the_last_write_moves_the_expiry_on() -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(make_user(Role.SUPERVISOR))
    later = start + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        assert len(_session_writes(client, "/staff/")) == 1
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    assert session.expire_date == later + timedelta(hours=8)


def test_a_session_idle_for_the_time_out_after_unwritten_requests_ends() -> None:
    """Requests that did not write the expiry back still end the session on time."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(make_user(Role.SUPERVISOR))
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + timedelta(hours=8, seconds=1), tick=False):
        response = client.get("/staff/")
    assert response.status_code == 302


def test_signed_in_pages_are_never_stored_by_a_browser_or_proxy() -> None:
    response = client_for(make_user(Role.OPERATOR)).get("/staff/companies/")
    assert "no-store" in response["Cache-Control"]


def test_the_session_cookie_is_out_of_reach_of_scripts() -> None:
    user = make_user(Role.OPERATOR)
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        signed_in = client.post(
            "/accounts/sign-in/", {"username": user.email, "password": PERSONA_PASSWORD}
        )
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["httponly"]
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        refreshed = client.get("/staff/")
    assert refreshed.cookies["sessionid"]["httponly"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("kita-2026-a", "最低 12 文字以上"),
        ("password1234", "一般的すぎます"),
        ("20260401123456", "数字しか使われていません"),
        ("sapporo.taro.jp", "似すぎています"),
    ],
)
def test_the_password_policy_refuses(password: str, reason: str) -> None:
    user = make_user(Role.OPERATOR, email="sapporo.taro@example.jp")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert any(reason in message for message in refused.value.messages), refused.value.messages


def test_the_password_policy_accepts_a_long_passphrase() -> None:
    user = make_user(Role.OPERATOR, email="sapporo.taro@example.jp")
    validate_password("toyohira-river-kite-2026", user)
