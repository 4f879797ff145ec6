"""Supervisors, the client and admins read the audit trail; reading it is recorded too."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction, AuditEvent
from dxdesk.registry.models import Company
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def trail() -> dict[str, object]:
    operator = make_user(Role.OPERATOR, email="caller@example.jp")
    supervisor = make_user(Role.SUPERVISOR, email="boss@example.jp")
    company = Company(name="株式会社サッポロテック")
    company.save()
    with time_machine.travel(datetime(2026, 4, 1, 23, 30, tzinfo=TOKYO), tick=False):
        record_event(operator, AuditAction.VIEW, company)
    with time_machine.travel(datetime(2026, 4, 2, 9, 0, tzinfo=TOKYO), tick=False):
        record_event(supervisor, AuditAction.CHANGE, company, fields=["phone"])
    with time_machine.travel(datetime(2026, 4, 3, 0, 30, tzinfo=TOKYO), tick=False):
        record_event(supervisor, AuditAction.EXPORT, Company, rows=120)
    return {"operator": operator, "supervisor": supervisor, "company": company}


def shown(query: dict[str, str], role: str = Role.CLIENT) -> list[str]:
    response = client_for(make_user(role)).get("/staff/audit/", query)
    assert response.status_code == 200
    return [
        f"{event.user_email} {event.action}"
        for event in response.context["page"].object_list
        if event.user_email in {"caller@example.jp", "boss@example.jp"}
    ]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CLIENT, Role.ADMIN])
def test_oversight_roles_read_the_trail(trail: dict[str, object], role: str) -> None:
    assert shown({}, role) == [
        "boss@example.jp export",
        "boss@example.jp change",
        "caller@example.jp view",
    ]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.DESK, Role.FINANCE, Role.APPLICANT])
def test_other_roles_may_not(role: str) -> None:
    assert client_for(make_user(role)).get("/staff/audit/").status_code == 403


def test_it_filters_by_days_in_tokyo_both_ends_included(trail: dict[str, object]) -> None:
    assert shown({"date_from": "2026-04-02", "date_to": "2026-04-02"}) == ["boss@example.jp change"]
    assert shown({"date_to": "2026-04-01"}) == ["caller@example.jp view"]
    assert shown({"date_from": "2026-04-03"}) == ["boss@example.jp export"]


def test_it_filters_by_user_action_and_object_type(trail: dict[str, object]) -> None:
    assert shown({"user": "caller@"}) == ["caller@example.jp view"]
    assert shown({"action": "change"}) == ["boss@example.jp change"]
    assert shown({"object_type": "registry.company", "user": "boss"}) == [
        "boss@example.jp export",
        "boss@example.jp change",
    ]


def test_a_backwards_date_range_shows_nothing_and_says_why(trail: dict[str, object]) -> None:
    response = client_for(make_user(Role.CLIENT)).get(
        "/staff/audit/", {"date_from": "2026-04-03", "date_to": "2026-04-01"}
    )
    assert list(response.context["page"].object_list) == []
    assert "開始日は終了日以前にしてください" in response.content.decode()


def test_reading_the_trail_is_itself_recorded(trail: dict[str, object]) -> None:
    reader = make_user(Role.CLIENT)
    client_for(reader).get("/staff/audit/", {"action": "change"})
    event = AuditEvent.objects.filter(user_id=reader.pk).order_by("-sequence").first()
    assert event is not None
    assert (event.action, event.object_type) == (AuditAction.VIEW, "audit.auditevent")
    assert event.note == "action=change"
    assert event.rows == 1


def test_it_pages_through_long_trails(trail: dict[str, object]) -> None:
    operator = trail["operator"]
    for index in range(60):
        record_event(operator, AuditAction.VIEW, note=str(index))  # type: ignore[arg-type]
    client = client_for(make_user(Role.SUPERVISOR))
    first = client.get("/staff/audit/", {"user": "caller@"})
    assert len(first.context["page"].object_list) == 50
    body = first.content.decode()
    assert "user=caller%40&amp;page=2" in body
    second = client.get("/staff/audit/", {"user": "caller@", "page": "2"})
    assert len(second.context["page"].object_list) == 11


def test_the_page_runs_a_fixed_number_of_queries(trail: dict[str, object]) -> None:
    client = client_for(make_user(Role.SUPERVISOR))
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/audit/")
    for index in range(30):
        record_event(trail["operator"], AuditAction.VIEW, note=str(index))  # type: ignore[arg-type]
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/audit/")
    assert len(many) == len(few)


def test_the_nav_offers_the_trail_only_to_those_who_may_read_it() -> None:
    link = 'href="/staff/audit/"'
    assert link in client_for(make_user(Role.CLIENT)).get("/staff/").content.decode()
    assert link not in client_for(make_user(Role.OPERATOR)).get("/staff/").content.decode()
