"""record_event writes who, what, when and from where, chained to the event before it."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import GENESIS_HASH, AuditAction, AuditChain, AuditEvent
from dxdesk.registry.models import Company
from dxdesk.testing import make_user

pytestmark = pytest.mark.django_db


def staff_request(user: object, **meta: str) -> object:
    headers = {
        "REMOTE_ADDR": "203.0.113.5",
        "HTTP_USER_AGENT": "Mozilla/5.0 (Windows NT 10.0) Test",
    }
    request = RequestFactory().get("/staff/companies/1/", **{**headers, **meta})
    request.user = user
    return request


def test_it_records_who_did_what_to_which_object_from_where() -> None:
    supervisor = make_user(Role.SUPERVISOR, email="boss@example.jp")
    company = Company(name="株式会社サッポロテック")
    company.save()

    event = record_event(
        staff_request(supervisor), AuditAction.CHANGE, company, fields=["phone", "address"]
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.user_id == supervisor.pk
    assert stored.user_email == "boss@example.jp"
    assert stored.role == Role.SUPERVISOR
    assert stored.action == AuditAction.CHANGE
    assert (stored.object_type, stored.object_id) == ("registry.company", str(company.pk))
    assert stored.object_label == "株式会社サッポロテック"
    assert stored.fields == ["address", "phone"]
    assert stored.ip_address == "203.0.113.5"
    assert stored.user_agent == "Mozilla/5.0 (Windows NT 10.0) Test"
    assert stored.path == "/staff/companies/1/"
    assert abs(stored.occurred_at - timezone.now()) < timedelta(seconds=5)


def test_it_records_a_list_or_an_export_as_its_model_and_row_count() -> None:
    client_viewer = make_user(Role.CLIENT)
    event = record_event(
        staff_request(client_viewer), AuditAction.EXPORT, Company, rows=46_000, note="ward=北区"
    )
    assert (event.object_type, event.object_id, event.object_label) == (
        "registry.company",
        "",
        "企業",
    )
    assert event.rows == 46_000
    assert event.note == "ward=北区"


def test_a_command_records_the_user_it_acts_for_without_an_address() -> None:
    admin = make_user(Role.ADMIN)
    event = record_event(admin, AuditAction.EXPORT, Company, rows=3)
    assert event.user_id == admin.pk
    assert event.ip_address == ""


def test_it_believes_x_forwarded_for_only_behind_a_trusted_proxy(settings: object) -> None:
    user = make_user(Role.OPERATOR)
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.99"}
    assert record_event(staff_request(user, **forged), "view").ip_address == "203.0.113.5"

    settings.TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    assert record_event(staff_request(user, **forged), "view").ip_address == "198.51.100.99"


def test_each_event_carries_the_hash_of_the_one_before() -> None:
    user = make_user(Role.OPERATOR)
    head = AuditChain.objects.get()
    first = record_event(staff_request(user), AuditAction.VIEW, note="一件目")
    second = record_event(staff_request(user), AuditAction.VIEW, note="二件目")

    assert first.sequence == head.length + 1
    assert second.sequence == first.sequence + 1
    assert first.previous_hash == (head.last_hash if head.length else GENESIS_HASH)
    assert second.previous_hash == first.hash
    expected = hashlib.sha256((first.hash + second.canonical_json()).encode()).hexdigest()
    assert second.hash == expected
    assert AuditChain.objects.get().last_hash == second.hash


def test_the_hash_survives_the_round_trip_through_the_database() -> None:
    user = make_user(Role.OPERATOR)
    event = record_event(
        staff_request(user, HTTP_USER_AGENT="ブラウザ\x00名"), "view", note="備考 é ✓"
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.compute_hash() == stored.hash
    assert stored.user_agent == "ブラウザ名"


def test_it_fits_long_values_to_their_columns() -> None:
    user = make_user(Role.OPERATOR)
    event = record_event(staff_request(user, HTTP_USER_AGENT="x" * 1000), "view", note="n" * 900)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert len(stored.user_agent) == 300
    assert len(stored.note) == 500
    assert stored.compute_hash() == stored.hash


def test_it_refuses_an_action_it_does_not_know() -> None:
    with pytest.raises(ValueError):
        record_event(make_user(Role.OPERATOR), "peek")
